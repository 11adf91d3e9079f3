"""Signing on, editing, withdrawing and confirming again: the organization is the unit that signs.

Races between two staff of one organization, Slack retries and double clicks all end at the database's UNIQUE
(letter_id, org_key) constraint. The caller owns the transaction and commits before acknowledging Slack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot import orgnames
from bot.services import audit
from bot.services.dialect import insert_ignoring
from bot.services.outcomes import Action, Actor, LetterClosed, LetterMissing, NotAllowed, is_accepting
from bot.services.signing.acting import add_contact, may_act_for, new_signer
from bot.services.signing.form import SignOnForm
from bot.services.signing.receipts import REMOVED, receipt_changed, tell_signer
from db.enums import ReceiptStatus, SignatoryStatus
from db.models import Letter, LetterTranslation, Signatory


@dataclass(frozen=True)
class Signed:
    signatory_id: int
    org_name: str
    letter_id: int
    letter_title: str
    deadline_at: datetime
    version: int
    resigned: bool = False


@dataclass(frozen=True)
class AlreadySigned:
    signatory_id: int
    org_name: str
    letter_id: int
    letter_title: str
    signed_by: str
    signed_at: datetime
    by_you: bool
    may_act: bool = False


@dataclass(frozen=True)
class NameTaken:
    """An edit would rename the organization to one that already signed."""

    org_name: str


@dataclass(frozen=True)
class Updated:
    signatory_id: int
    org_name: str
    letter_id: int
    letter_title: str


@dataclass(frozen=True)
class Withdrawn:
    signatory_id: int
    org_name: str
    letter_id: int
    letter_title: str
    already: bool = False
    # For ``already``: where the sign-on stands (withdrawn, removed, merged into ``merged_into``).
    status: str = SignatoryStatus.WITHDRAWN
    merged_into: str | None = None


@dataclass(frozen=True)
class AwaitingCheck:
    """A web sign-on for this organization is already waiting for its email check or a coordinator: nothing
    of it is shown, and it is not replaced."""

    org_name: str
    letter_id: int


SignOnOutcome = Signed | AlreadySigned | AwaitingCheck | LetterClosed | LetterMissing

# Fields a returning organization's new sign-on replaces on its earlier (withdrawn or removed) row.
_RESIGN_FIELDS = (
    "org_name",
    "signer_user_id",
    "signer_team_id",
    "signer_name",
    "signer_title",
    "signer_email",
    "city_state",
    "org_type",
    "note",
    "source",
    "source_channel_id",
    "version_confirmed",
    "signed_at",
    "updated_at",
    "receipt_status",
    "web_nonce",
)


# The title in the signer's language comes in the same query: the confirmation shows it, at no extra round trip.
_TRANSLATED_TITLE = (
    select(LetterTranslation.title)
    .where(LetterTranslation.letter_id == Letter.id, LetterTranslation.language == bindparam("language"))
    .correlate(Letter)
    .scalar_subquery()
)
_LETTER_FOR_SIGN_ON = select(
    Letter.id,
    Letter.team_id,
    Letter.title,
    Letter.status,
    Letter.deadline_at,
    Letter.closed_at,
    Letter.current_version,
    _TRANSLATED_TITLE.label("translated_title"),
).where(Letter.id == bindparam("letter_id"))


def sign_on(
    session: Session,
    *,
    letter_id: int,
    form: SignOnForm,
    actor: Actor,
    source: str,
    source_channel_id: str | None,
    now: datetime,
    team_id: str | None = None,
    language: str | None = None,
    web_nonce: str | None = None,
) -> SignOnOutcome:
    """Sign ``form.org_name`` onto a letter, or record the person as another contact if it already signed.

    Idempotent: the same submission any number of times, from any number of processes, leaves one
    signatory. The receipt (and the near-duplicate check it carries) is left ``pending`` for the receipts
    job, so the acknowledgement waits for nothing else. The outcome carries the letter's title in
    ``language`` when it has a translation into it.

    With ``web_nonce`` (from the public page) the signatory is ``pending``, not counted, listed or checked for
    near-duplicates until its email is confirmed or a coordinator approves it (bot/services/web.py), with no
    Slack receipt; the organization key, exact duplicates and re-signing are the same as from Slack.
    """
    # Core statements on the session's connection throughout the common path: a rush of sign-ons is
    # CPU-bound, and the ORM's unit of work costs several times more than the SQL itself.
    connection = session.connection()
    letter = connection.execute(_LETTER_FOR_SIGN_ON, {"letter_id": letter_id, "language": language}).one_or_none()
    if letter is None or (team_id is not None and letter.team_id != team_id):
        return LetterMissing(letter_id)
    title = letter.translated_title or letter.title
    if not is_accepting(letter, now):
        return LetterClosed(letter.id, title, letter.closed_at or letter.deadline_at)

    key = orgnames.org_key(form.org_name)
    status = SignatoryStatus.ACTIVE if web_nonce is None else SignatoryStatus.PENDING
    values = dict(
        letter_id=letter_id,
        org_name=form.org_name,
        org_key=key,
        status=status,
        signer_user_id=actor.user_id,
        signer_team_id=actor.team_id,
        signer_name=form.name,
        signer_title=form.title,
        signer_email=form.email,
        city_state=form.city_state,
        org_type=form.org_type,
        note=form.note,
        source=source,
        source_channel_id=source_channel_id,
        version_confirmed=letter.current_version,
        signed_at=now,
        updated_at=now,
        receipt_status=ReceiptStatus.PENDING if web_nonce is None else None,
        web_nonce=web_nonce,
    )
    statement = insert_ignoring(connection.dialect.name, "signatories", ("letter_id", "org_key"), "id")
    inserted = connection.execute(statement, values).scalar_one_or_none()
    audit_fields = {"org_name": form.org_name, "source": source, "channel": source_channel_id}

    if inserted is not None:
        add_contact(session, inserted, actor, form, is_signer=True, source=source, now=now)
        audit.on_letter(
            session,
            "signed",
            letter,
            at=now,
            actor=actor.user_id,
            subject_id=inserted,
            **audit_fields,
        )
        return Signed(inserted, form.org_name, letter_id, title, letter.deadline_at, letter.current_version)

    existing = session.execute(
        select(Signatory).where(Signatory.letter_id == letter_id, Signatory.org_key == key)
    ).scalar_one()
    if existing.status == SignatoryStatus.MERGED and existing.merged_into_id is not None:
        merged_into = session.get(Signatory, existing.merged_into_id)
        if merged_into is not None and merged_into.status == SignatoryStatus.ACTIVE:
            existing = merged_into
    if existing.status == SignatoryStatus.PENDING and web_nonce is not None:
        return AwaitingCheck(form.org_name, letter_id)
    if existing.status != SignatoryStatus.ACTIVE:
        # The organization withdrew (or was removed) earlier and is signing again.
        for field_name in _RESIGN_FIELDS:
            setattr(existing, field_name, values[field_name])
        existing.receipt_claimed_by = None
        # A member signing in Slack takes the place of a web sign-on still waiting for its check.
        existing.status = status
        existing.verified_at = None
        existing.verified_by = None
        existing.withdrawn_at = None
        existing.withdrawn_by = None
        existing.merged_into_id = None
        existing.reconfirm_requested_version = None
        new_signer(session, existing.id, actor, form, source=source, now=now)
        audit.on_letter(
            session,
            "resigned",
            letter,
            at=now,
            actor=actor.user_id,
            subject_id=existing.id,
            **audit_fields,
        )
        return Signed(existing.id, form.org_name, letter_id, title, letter.deadline_at, letter.current_version, True)

    if add_contact(session, existing.id, actor, form, is_signer=False, source=source, now=now):
        audit.on_letter(
            session,
            "contact_added",
            letter,
            at=now,
            actor=actor.user_id,
            subject_id=existing.id,
            org_name=existing.org_name,
            submitted_name=form.org_name,
        )
    return AlreadySigned(
        existing.id,
        existing.org_name,
        letter_id,
        title,
        signed_by=existing.signer_name,
        signed_at=existing.signed_at,
        by_you=existing.signer_user_id == actor.user_id,
        may_act=may_act_for(session, existing, actor.user_id),
    )


def edit_signatory(
    session: Session, *, signatory_id: int, form: SignOnForm, actor: Actor, now: datetime, is_coordinator: bool
) -> Updated | NameTaken | LetterClosed | NotAllowed | LetterMissing:
    """Change what was recorded for an organization (its signer or a coordinator)."""
    signatory = session.get(Signatory, signatory_id)
    if signatory is None or signatory.status != SignatoryStatus.ACTIVE:
        return LetterMissing(None)
    letter = session.get(Letter, signatory.letter_id)
    assert letter is not None
    if not (is_coordinator or may_act_for(session, signatory, actor.user_id)):
        return NotAllowed(Action.EDIT)
    if not is_accepting(letter, now) and not is_coordinator:
        return LetterClosed(letter.id, letter.title, letter.closed_at or letter.deadline_at)
    key = orgnames.org_key(form.org_name)
    if key != signatory.org_key:
        clash = session.execute(
            select(Signatory.id).where(Signatory.letter_id == letter.id, Signatory.org_key == key)
        ).first()
        if clash is not None:
            return NameTaken(form.org_name)
    new_values = {
        "org_name": form.org_name,
        "signer_name": form.name,
        "signer_title": form.title,
        "signer_email": form.email,
        "city_state": form.city_state,
        "org_type": form.org_type,
        "note": form.note,
    }
    changes = {
        name: [getattr(signatory, name), value]
        for name, value in new_values.items()
        if getattr(signatory, name) != value
    }
    for name, value in new_values.items():
        setattr(signatory, name, value)
    signatory.org_key = key
    signatory.updated_at = now
    receipt_changed(signatory)
    audit.on_letter(
        session,
        "edited",
        letter,
        at=now,
        actor=actor.user_id,
        subject_id=signatory.id,
        changes=changes,
    )
    return Updated(signatory.id, signatory.org_name, letter.id, letter.title)


def withdraw(
    session: Session, *, signatory_id: int, actor: Actor, now: datetime, is_coordinator: bool, reason: str = "withdrawn"
) -> Withdrawn | LetterClosed | NotAllowed | LetterMissing:
    """Take an organization's signature off a letter (before the deadline; coordinators any time)."""
    signatory = session.get(Signatory, signatory_id)
    if signatory is None:
        return LetterMissing(None)
    letter = session.get(Letter, signatory.letter_id)
    assert letter is not None
    if not (is_coordinator or may_act_for(session, signatory, actor.user_id)):
        return NotAllowed(Action.WITHDRAW)
    if signatory.status != SignatoryStatus.ACTIVE:
        into = session.get(Signatory, signatory.merged_into_id) if signatory.merged_into_id else None
        return Withdrawn(
            signatory.id,
            signatory.org_name,
            letter.id,
            letter.title,
            already=True,
            status=signatory.status,
            merged_into=into.org_name if into else None,
        )
    if not is_accepting(letter, now) and not is_coordinator:
        return LetterClosed(letter.id, letter.title, letter.closed_at or letter.deadline_at)
    signatory.status = SignatoryStatus.REMOVED if reason == "removed" else SignatoryStatus.WITHDRAWN
    signatory.withdrawn_at = now
    signatory.withdrawn_by = actor.user_id
    signatory.reconfirm_requested_version = None
    signatory.updated_at = now
    receipt_changed(signatory)
    if reason == "removed":
        tell_signer(session, signatory, REMOVED, actor=actor.user_id, now=now)
    audit.on_letter(
        session,
        reason,
        letter,
        at=now,
        actor=actor.user_id,
        subject_id=signatory.id,
        org_name=signatory.org_name,
    )
    return Withdrawn(signatory.id, signatory.org_name, letter.id, letter.title)


def keep_signature(
    session: Session, *, signatory_id: int, actor: Actor, now: datetime
) -> Updated | NotAllowed | LetterMissing:
    """The signer confirms the current version of the letter after a substantive change."""
    signatory = session.get(Signatory, signatory_id)
    if signatory is None:
        return LetterMissing(None)
    # Who may first: someone else's old button learns nothing of the sign-on's state.
    if not may_act_for(session, signatory, actor.user_id):
        return NotAllowed(Action.CONFIRM)
    if signatory.status != SignatoryStatus.ACTIVE:
        return LetterMissing(None)
    letter = session.get(Letter, signatory.letter_id)
    assert letter is not None
    signatory.version_confirmed = letter.current_version
    signatory.reconfirm_requested_version = None
    signatory.updated_at = now
    receipt_changed(signatory)
    audit.on_letter(
        session,
        "reconfirmed",
        letter,
        at=now,
        actor=actor.user_id,
        subject_id=signatory.id,
        version=letter.current_version,
    )
    return Updated(signatory.id, signatory.org_name, letter.id, letter.title)
