"""Who may act for an organization's sign-on: its signer, and the people the signer or a coordinator add.

Being recorded as a contact (a second staff member who submitted the form) gives no power over the sign-on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.services import audit
from bot.services.dialect import changed, insert_ignoring, insert_or_update
from bot.services.outcomes import Action, Actor, LetterMissing, NotAllowed
from bot.services.signing.form import SignOnForm
from db.enums import SignatoryStatus
from db.models import Letter, Signatory, SignatoryContact


def add_contact(
    session: Session, signatory_id: int, actor: Actor, form: SignOnForm, *, is_signer: bool, source: str, now: datetime
) -> bool:
    """Record a person for an organization; False when they were already recorded."""
    connection = session.connection()
    statement = insert_ignoring(connection.dialect.name, "signatory_contacts", ("signatory_id", "user_id"))
    values = {
        "signatory_id": signatory_id,
        "user_id": actor.user_id,
        "team_id": actor.team_id,
        "name": form.name,
        "title": form.title,
        "email": form.email,
        "is_signer": is_signer,
        # The person who signs for the organization may act for it; someone recorded later may not (yet).
        "may_act": is_signer,
        "added_by": None,
        "source": source,
        "created_at": now,
    }
    return bool(changed(connection.execute(statement, values)))


def new_signer(
    session: Session, signatory_id: int, actor: Actor, form: SignOnForm, *, source: str, now: datetime
) -> None:
    """An organization signs again after a withdrawal or removal: the new signer alone may act for it. Whoever
    signed before, and the people they or a coordinator added, lose that power (they stay recorded as contacts):
    the new sign-on is not theirs."""
    session.execute(
        update(SignatoryContact)
        .where(SignatoryContact.signatory_id == signatory_id)
        .values(is_signer=False, may_act=False)
    )
    if not add_contact(session, signatory_id, actor, form, is_signer=True, source=source, now=now):
        mine = (SignatoryContact.signatory_id == signatory_id) & (SignatoryContact.user_id == actor.user_id)
        details = {"name": form.name, "title": form.title, "email": form.email}
        session.execute(update(SignatoryContact).where(mine).values(is_signer=True, may_act=True, **details))


def is_contact(session: Session, signatory_id: int, user_id: str) -> bool:
    """Recorded for the organization: they signed it, were added, or typed its name when it had already signed."""
    found = session.execute(
        select(SignatoryContact.id).where(
            SignatoryContact.signatory_id == signatory_id, SignatoryContact.user_id == user_id
        )
    ).first()
    return found is not None


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
