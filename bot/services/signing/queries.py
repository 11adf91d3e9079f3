"""Reading sign-ons: counts, a person's sign-ons, and what a receipt shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.enums import DuplicateReview, LetterStatus, SignatoryStatus
from db.models import Letter, Signatory, SignatoryContact


def signatories_of_user(
    session: Session, user_id: str, letter_ids: list[int] | None = None, *, acting: bool = False
) -> list[Signatory]:
    """Active signatories the person signed for or is a contact of, newest first; with ``acting``, only those
    the person may act for (edit, withdraw)."""
    query = (
        select(Signatory)
        .join(SignatoryContact, SignatoryContact.signatory_id == Signatory.id)
        .where(SignatoryContact.user_id == user_id, Signatory.status == SignatoryStatus.ACTIVE)
        .order_by(Signatory.signed_at.desc())
    )
    if acting:
        query = query.where(or_(Signatory.signer_user_id == user_id, SignatoryContact.may_act.is_(True)))
    if letter_ids is not None:
        query = query.where(Signatory.letter_id.in_(letter_ids))
    return list(session.execute(query).scalars().unique())


def latest_signature_by(session: Session, user_id: str) -> Signatory | None:
    """The person's most recent sign-on on any letter (its details prefill their next form)."""
    return session.execute(
        select(Signatory).where(Signatory.signer_user_id == user_id).order_by(Signatory.signed_at.desc()).limit(1)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class ReceiptView:
    """What a receipt DM shows: exactly what was recorded, and a pending merge question if any."""

    signatory_id: int
    letter_id: int
    letter_title: str
    deadline_at: datetime
    org_name: str
    name: str
    title: str
    email: str
    city_state: str | None
    org_type: str | None
    note: str | None
    signed_at: datetime
    version: int
    recipient_id: str
    fallback_channel_id: str | None
    possible_duplicate_id: int | None = None
    possible_duplicate_name: str | None = None
    # The other organizations the same person signed this letter for (one person, several organizations).
    also_signed_for: tuple[str, ...] = ()
    # Where the sign-on stands now (a receipt is kept current): active, withdrawn, removed or merged (into
    # ``merged_into_name``), since ``changed_at``; ``revision`` counts the changes a receipt shows.
    status: str = SignatoryStatus.ACTIVE
    changed_at: datetime | None = None
    merged_into_name: str | None = None
    revision: int = 0
    letter_open: bool = True

    @property
    def active(self) -> bool:
        return self.status == SignatoryStatus.ACTIVE


def receipt_view(session: Session, signatory_id: int) -> ReceiptView | None:
    signatory = session.get(Signatory, signatory_id)
    if signatory is None:
        return None
    letter = session.get(Letter, signatory.letter_id)
    assert letter is not None
    duplicate = (
        session.get(Signatory, signatory.possible_duplicate_of_id) if signatory.possible_duplicate_of_id else None
    )
    merged_into = (
        session.get(Signatory, signatory.merged_into_id)
        if signatory.status == SignatoryStatus.MERGED and signatory.merged_into_id
        else None
    )
    pending = (
        signatory.status == SignatoryStatus.ACTIVE
        and signatory.duplicate_review == DuplicateReview.PENDING
        and duplicate is not None
        and duplicate.status == SignatoryStatus.ACTIVE
    )
    return ReceiptView(
        signatory_id=signatory.id,
        letter_id=letter.id,
        letter_title=letter.title,
        deadline_at=letter.deadline_at,
        org_name=signatory.org_name,
        name=signatory.signer_name,
        title=signatory.signer_title,
        email=signatory.signer_email,
        city_state=signatory.city_state,
        org_type=signatory.org_type,
        note=signatory.note,
        signed_at=signatory.signed_at,
        version=signatory.version_confirmed,
        recipient_id=signatory.signer_user_id,
        fallback_channel_id=signatory.source_channel_id,
        possible_duplicate_id=duplicate.id if pending and duplicate else None,
        possible_duplicate_name=duplicate.org_name if pending and duplicate else None,
        also_signed_for=tuple(
            session.execute(
                select(Signatory.org_name)
                .where(
                    Signatory.letter_id == letter.id,
                    Signatory.signer_user_id == signatory.signer_user_id,
                    Signatory.status == SignatoryStatus.ACTIVE,
                    Signatory.id != signatory.id,
                )
                .order_by(Signatory.signed_at, Signatory.id)
                .limit(20)
            ).scalars()
        ),
        status=signatory.status,
        changed_at=signatory.withdrawn_at or signatory.updated_at,
        merged_into_name=merged_into.org_name if merged_into else None,
        revision=signatory.receipt_revision or 0,
        letter_open=letter.status == LetterStatus.OPEN,
    )
