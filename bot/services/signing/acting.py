"""Who may act for an organization's sign-on: its signer, and the people the signer or a coordinator add.

Being recorded as a contact (a second staff member who submitted the form) gives no power over the sign-on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import audit
from bot.services.dialect import insert_or_update
from bot.services.outcomes import Action, Actor, LetterMissing, NotAllowed
from db.enums import SignatoryStatus
from db.models import Letter, Signatory, SignatoryContact


def may_act_for(session: Session, signatory: Signatory, user_id: str) -> bool:
    """May edit, withdraw or confirm an organization's sign-on (coordinators aside): the person who signed,
    and the people the signer or a coordinator added. Being recorded as another contact is not enough."""
    if signatory.signer_user_id == user_id:
        return True
    contact = session.execute(
        select(SignatoryContact.id).where(
            SignatoryContact.signatory_id == signatory.id,
            SignatoryContact.user_id == user_id,
            SignatoryContact.may_act.is_(True),
        )
    ).first()
    return contact is not None


@dataclass(frozen=True)
class DelegateAdded:
    signatory_id: int
    org_name: str
    letter_id: int
    letter_title: str
    user_id: str
    already: bool = False


def add_delegate(
    session: Session,
    *,
    signatory_id: int,
    user_id: str,
    name: str,
    actor: Actor,
    now: datetime,
    is_coordinator: bool,
    team_id: str | None = None,
) -> DelegateAdded | NotAllowed | LetterMissing:
    """Let ``user_id`` act for an organization too: only its signer, someone who may already act for it, or a
    coordinator may do this."""
    signatory = session.get(Signatory, signatory_id)
    letter = session.get(Letter, signatory.letter_id) if signatory else None
    if signatory is None or letter is None or signatory.status != SignatoryStatus.ACTIVE:
        return LetterMissing(None)
    if team_id is not None and letter.team_id != team_id:
        return LetterMissing(None)
    if not (is_coordinator or may_act_for(session, signatory, actor.user_id)):
        return NotAllowed(Action.ADD_DELEGATE)
    already = may_act_for(session, signatory, user_id)
    if not already:
        connection = session.connection()
        upsert = insert_or_update(
            connection.dialect.name,
            "signatory_contacts",
            ("signatory_id", "user_id"),
            ("may_act", "added_by"),
        )
        connection.execute(
            upsert,
            {
                "signatory_id": signatory.id,
                "user_id": user_id,
                "team_id": None,
                "name": name,
                "title": None,
                "email": None,
                "is_signer": False,
                "may_act": True,
                "added_by": actor.user_id,
                "source": "delegate",
                "created_at": now,
            },
        )
        audit.on_letter(
            session, "delegate_added", letter, at=now, actor=actor.user_id, subject_id=signatory.id, user=user_id
        )
    return DelegateAdded(signatory.id, signatory.org_name, letter.id, letter.title, user_id, already)
