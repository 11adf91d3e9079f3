"""Signing on, editing, withdrawing and merging: the organization is the unit that signs.

Outcomes are values (`Signed`, `AlreadySigned`, `LetterClosed`, …) that the Slack layer turns into
messages in one place. Races between two staff of one organization, Slack retries and double clicks all
end at the database's UNIQUE (letter_id, org_key) constraint.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from bot import orgnames
from bot.services import audit
from bot.services.dialect import changed, insert, insert_ignoring
from db.engine import Database
from db.models import (
    CITY_STATE_MAX,
    EMAIL_MAX,
    NOTE_MAX,
    ORG_NAME_MAX,
    ORG_TYPE_MAX,
    PERSON_NAME_MAX,
    TITLE_MAX,
    DuplicateReview,
    Letter,
    LetterStatus,
    Signatory,
    SignatoryContact,
    SignatoryStatus,
)

ORG_TYPES = (
    "Community-based organization",
    "Advocacy or policy organization",
    "Legal services provider",
    "Service provider",
    "Faith-based organization",
    "Labor union",
    "Student or youth group",
    "Academic institution",
    "Business",
    "Government or elected office",
    "Other",
)

_EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\".]{2,}$")


# ---------------------------------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignOnForm:
    org_name: str
    name: str
    title: str
    email: str
    city_state: str | None = None
    org_type: str | None = None
    note: str | None = None
    authorized: bool = True


def clean_text(value: Any, *, multiline: bool = False) -> str:
    """Trim, collapse whitespace and drop control characters from one field of user input."""
    if not isinstance(value, str):
        return ""
    value = unicodedata.normalize("NFC", value)
    kept = []
    for char in value:
        if char == "\n" and multiline:
            kept.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co") or char in "\u2028\u2029":
            kept.append(" " if char in "\t\r\n\u2028\u2029" else "")
        else:
            kept.append(char)
    text = "".join(kept)
    if multiline:
        lines = [" ".join(line.split()) for line in text.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return " ".join(text.split())


def validate_form(raw: dict[str, Any]) -> tuple[SignOnForm | None, dict[str, str]]:
    """Check one submitted sign-on form. Errors are keyed by field name, ready to show inline.

    ``raw`` holds: org_name, name, title, email, city_state, org_type, note (strings or None) and
    authorized (bool).
    """
    errors: dict[str, str] = {}
    org_value = raw.get("org_name")
    org_name = orgnames.clean_org_name(org_value if isinstance(org_value, str) else "")
    name = clean_text(raw.get("name"))
    title = clean_text(raw.get("title"))
    email = clean_text(raw.get("email")).replace(" ", "")
    city_state = clean_text(raw.get("city_state")) or None
    org_type = clean_text(raw.get("org_type")) or None
    note = clean_text(raw.get("note"), multiline=True) or None

    if not org_name:
        errors["org_name"] = "Enter your organization's name as it should appear in the letter."
    elif not orgnames.org_key(org_name):
        errors["org_name"] = "An organization name needs at least one letter or number."
    elif len(org_name) > ORG_NAME_MAX:
        errors["org_name"] = f"Please keep the organization name under {ORG_NAME_MAX} characters."
    if not name:
        errors["name"] = "Enter your name."
    elif len(name) > PERSON_NAME_MAX:
        errors["name"] = f"Please keep your name under {PERSON_NAME_MAX} characters."
    if not title:
        errors["title"] = "Enter your title or role at the organization."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Please keep the title under {TITLE_MAX} characters."
    if not email:
        errors["email"] = "Enter an email address coordinators can reach you at."
    elif len(email) > EMAIL_MAX or not _EMAIL.match(email):
        errors["email"] = "That doesn't look like an email address (name@example.org)."
    if city_state and len(city_state) > CITY_STATE_MAX:
        errors["city_state"] = f"Please keep this under {CITY_STATE_MAX} characters."
    if org_type and (org_type not in ORG_TYPES or len(org_type) > ORG_TYPE_MAX):
        errors["org_type"] = "Pick one of the listed organization types."
    if note and len(note) > NOTE_MAX:
        errors["note"] = f"Please keep the note under {NOTE_MAX} characters."
    if raw.get("authorized") is not True:
        errors["authorized"] = "Please confirm you are authorized to sign for this organization."
    if errors:
        return None, errors
    form = SignOnForm(org_name, name, title, email, city_state, org_type, note, True)
    return form, {}


# ---------------------------------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    user_id: str
    team_id: str | None = None


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


@dataclass(frozen=True)
class LetterClosed:
    letter_id: int
    title: str
    closed_at: datetime | None


@dataclass(frozen=True)
class LetterMissing:
    letter_id: int | None


@dataclass(frozen=True)
class NotAllowed:
    reason: str


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


@dataclass(frozen=True)
class Merged:
    source_name: str
    target_id: int
    target_name: str
    letter_id: int


SignOnOutcome = Signed | AlreadySigned | LetterClosed | LetterMissing


class _HasStatus(Protocol):
    status: str
    deadline_at: datetime


def is_accepting(letter: _HasStatus, now: datetime) -> bool:
    """Open and before its deadline (a Letter, or a row with those two columns)."""
    return letter.status == LetterStatus.OPEN and letter.deadline_at > now


# ---------------------------------------------------------------------------------------------------
# Near-duplicate detection (advisory: saved but flagged)
# ---------------------------------------------------------------------------------------------------


@dataclass
class _LetterNames:
    index: orgnames.OrgNameIndex
    seen: dict[int, tuple[datetime, str, str]]
    seen_until: datetime | None = None


class OrgNameCache:
    """Per-letter indexes of active organization names, loaded incrementally.

    Only a cache: rows are re-read by ``updated_at`` with a margin (a sign-on stamped before it waited for
    the write lock commits later than rows stamped after it), so sign-ons, edits, merges and withdrawals
    made by other processes show up at the next lookup. Rows seen unchanged are not re-indexed.
    """

    _MARGIN = timedelta(seconds=10)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._letters: dict[int, _LetterNames] = {}

    def likely_duplicate(
        self, session: Session, letter_id: int, org_name: str, before_id: int | None = None
    ) -> orgnames.NearDuplicate | None:
        with self._lock:
            names = self._letters.setdefault(letter_id, _LetterNames(orgnames.OrgNameIndex(), {}))
            since = names.seen_until - self._MARGIN if names.seen_until else None
        query = select(Signatory.id, Signatory.org_name, Signatory.status, Signatory.updated_at).where(
            Signatory.letter_id == letter_id
        )
        if since is not None:
            query = query.where(Signatory.updated_at >= since)
        rows = session.execute(query).all()
        key = orgnames.org_key(org_name)
        with self._lock:
            for row_id, name, status, updated_at in rows:
                if names.seen.get(row_id) == (updated_at, name, status):
                    continue
                names.seen[row_id] = (updated_at, name, status)
                if status == SignatoryStatus.ACTIVE:
                    names.index.add(row_id, name)
                else:
                    names.index.remove(row_id)
                if names.seen_until is None or updated_at > names.seen_until:
                    names.seen_until = updated_at
            for match in names.index.likely_duplicates(org_name, limit=3):
                # The same key is an exact duplicate, which the UNIQUE constraint handles.
                if orgnames.org_key(match.name) != key and (before_id is None or match.id < before_id):
                    return match
        return None


_name_cache = OrgNameCache()


def likely_duplicate(
    db: Database, letter_id: int, org_name: str, *, before_id: int | None = None
) -> orgnames.NearDuplicate | None:
    """The active signatory most likely to be the same organization under another spelling, if any
    (among those with an id below ``before_id``, when given)."""
    with db.read() as session:
        return _name_cache.likely_duplicate(session, letter_id, org_name, before_id)


# ---------------------------------------------------------------------------------------------------
# Signing on
# ---------------------------------------------------------------------------------------------------


def _add_contact(
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
        "source": source,
        "created_at": now,
    }
    return bool(changed(connection.execute(statement, values)))


_LETTER_FOR_SIGN_ON = select(
    Letter.id, Letter.team_id, Letter.title, Letter.status, Letter.deadline_at, Letter.closed_at, Letter.current_version
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
) -> SignOnOutcome:
    """Sign ``form.org_name`` onto a letter, or record the person as another contact if it already signed.

    Idempotent: the same submission any number of times, from any number of processes, leaves one
    signatory. The caller commits before acknowledging Slack. The receipt (and the near-duplicate check it
    carries) is left ``pending`` for the receipts job, so the acknowledgement waits for nothing else.
    """
    # Core statements on the session's connection throughout the common path: a rush of sign-ons is
    # CPU-bound, and the ORM's unit of work costs several times more than the SQL itself.
    connection = session.connection()
    letter = connection.execute(_LETTER_FOR_SIGN_ON, {"letter_id": letter_id}).one_or_none()
    if letter is None or (team_id is not None and letter.team_id != team_id):
        return LetterMissing(letter_id)
    if not is_accepting(letter, now):
        return LetterClosed(letter.id, letter.title, letter.closed_at or letter.deadline_at)

    key = orgnames.org_key(form.org_name)
    values = dict(
        letter_id=letter_id,
        org_name=form.org_name,
        org_key=key,
        status=SignatoryStatus.ACTIVE,
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
        receipt_status="pending",
    )
    statement = insert_ignoring(connection.dialect.name, "signatories", ("letter_id", "org_key"), "id")
    inserted = connection.execute(statement, values).scalar_one_or_none()

    if inserted is not None:
        _add_contact(session, inserted, actor, form, is_signer=True, source=source, now=now)
        audit.record(
            session,
            "signed",
            at=now,
            actor=actor.user_id,
            letter_id=letter_id,
            team_id=letter.team_id,
            subject_id=inserted,
            org_name=form.org_name,
            source=source,
            channel=source_channel_id,
        )
        return Signed(inserted, form.org_name, letter_id, letter.title, letter.deadline_at, letter.current_version)

    existing = session.execute(
        select(Signatory).where(Signatory.letter_id == letter_id, Signatory.org_key == key)
    ).scalar_one()
    if existing.status == SignatoryStatus.MERGED and existing.merged_into_id is not None:
        merged_into = session.get(Signatory, existing.merged_into_id)
        if merged_into is not None and merged_into.status == SignatoryStatus.ACTIVE:
            existing = merged_into
    if existing.status != SignatoryStatus.ACTIVE:
        # The organization withdrew (or was removed) earlier and is signing again.
        for field_name in (
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
        ):
            setattr(existing, field_name, values[field_name])
        existing.receipt_claimed_by = None
        existing.status = SignatoryStatus.ACTIVE
        existing.withdrawn_at = None
        existing.withdrawn_by = None
        existing.merged_into_id = None
        existing.reconfirm_requested_version = None
        _add_contact(session, existing.id, actor, form, is_signer=True, source=source, now=now)
        audit.record(
            session,
            "resigned",
            at=now,
            actor=actor.user_id,
            letter_id=letter_id,
            team_id=letter.team_id,
            subject_id=existing.id,
            org_name=form.org_name,
            source=source,
            channel=source_channel_id,
        )
        return Signed(
            existing.id,
            form.org_name,
            letter_id,
            letter.title,
            letter.deadline_at,
            letter.current_version,
            resigned=True,
        )

    added = _add_contact(session, existing.id, actor, form, is_signer=False, source=source, now=now)
    if added:
        audit.record(
            session,
            "contact_added",
            at=now,
            actor=actor.user_id,
            letter_id=letter_id,
            team_id=letter.team_id,
            subject_id=existing.id,
            org_name=existing.org_name,
            submitted_name=form.org_name,
        )
    return AlreadySigned(
        existing.id,
        existing.org_name,
        letter_id,
        letter.title,
        signed_by=existing.signer_name,
        signed_at=existing.signed_at,
        by_you=existing.signer_user_id == actor.user_id,
    )


def may_act_for(session: Session, signatory: Signatory, user_id: str) -> bool:
    if signatory.signer_user_id == user_id:
        return True
    contact = session.execute(
        select(SignatoryContact.id).where(
            SignatoryContact.signatory_id == signatory.id, SignatoryContact.user_id == user_id
        )
    ).first()
    return contact is not None


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
        return NotAllowed("Only the people who signed for this organization, or a coordinator, can edit it.")
    if not is_accepting(letter, now) and not is_coordinator:
        return LetterClosed(letter.id, letter.title, letter.closed_at or letter.deadline_at)
    key = orgnames.org_key(form.org_name)
    if key != signatory.org_key:
        clash = session.execute(
            select(Signatory.id).where(Signatory.letter_id == letter.id, Signatory.org_key == key)
        ).first()
        if clash is not None:
            return NameTaken(form.org_name)
    before = {
        "org_name": signatory.org_name,
        "signer_name": signatory.signer_name,
        "signer_title": signatory.signer_title,
        "signer_email": signatory.signer_email,
        "city_state": signatory.city_state,
        "org_type": signatory.org_type,
        "note": signatory.note,
    }
    signatory.org_name = form.org_name
    signatory.org_key = key
    signatory.signer_name = form.name
    signatory.signer_title = form.title
    signatory.signer_email = form.email
    signatory.city_state = form.city_state
    signatory.org_type = form.org_type
    signatory.note = form.note
    signatory.updated_at = now
    changed = {name: [old, getattr(signatory, name)] for name, old in before.items() if getattr(signatory, name) != old}
    audit.record(
        session,
        "edited",
        at=now,
        actor=actor.user_id,
        letter_id=letter.id,
        team_id=letter.team_id,
        subject_id=signatory.id,
        changes=changed,
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
        return NotAllowed("Only the people who signed for this organization, or a coordinator, can withdraw it.")
    if signatory.status != SignatoryStatus.ACTIVE:
        return Withdrawn(signatory.id, signatory.org_name, letter.id, letter.title, already=True)
    if not is_accepting(letter, now) and not is_coordinator:
        return LetterClosed(letter.id, letter.title, letter.closed_at or letter.deadline_at)
    signatory.status = SignatoryStatus.REMOVED if reason == "removed" else SignatoryStatus.WITHDRAWN
    signatory.withdrawn_at = now
    signatory.withdrawn_by = actor.user_id
    signatory.reconfirm_requested_version = None
    signatory.updated_at = now
    audit.record(
        session,
        reason,
        at=now,
        actor=actor.user_id,
        letter_id=letter.id,
        team_id=letter.team_id,
        subject_id=signatory.id,
        org_name=signatory.org_name,
    )
    return Withdrawn(signatory.id, signatory.org_name, letter.id, letter.title)


def merge(
    session: Session, *, source_id: int, target_id: int, actor: Actor, now: datetime, is_coordinator: bool
) -> Merged | NotAllowed | LetterMissing:
    """Fold ``source`` into ``target``: one organization, its contacts kept, the source no longer listed."""
    source = session.get(Signatory, source_id)
    target = session.get(Signatory, target_id)
    if (
        source is None
        or target is None
        or source.letter_id != target.letter_id
        or source.id == target.id
        or target.status != SignatoryStatus.ACTIVE
    ):
        return LetterMissing(None)
    if not (is_coordinator or may_act_for(session, source, actor.user_id)):
        return NotAllowed("Only the person who signed, or a coordinator, can merge these.")
    # A signer may only merge into the organization theirs was flagged as a possible duplicate of: merging into
    # any other would make them one of its contacts, able to edit or withdraw it.
    if not is_coordinator and source.possible_duplicate_of_id != target.id:
        return NotAllowed("Only a coordinator can merge these two organizations.")
    if source.status == SignatoryStatus.MERGED:
        return Merged(source.org_name, target.id, target.org_name, target.letter_id)
    letter = session.get(Letter, source.letter_id)
    assert letter is not None
    for contact in list(source.contacts):
        statement = (
            insert(session, SignatoryContact)
            .values(
                signatory_id=target.id,
                user_id=contact.user_id,
                team_id=contact.team_id,
                name=contact.name,
                title=contact.title,
                email=contact.email,
                is_signer=False,
                source=contact.source,
                created_at=contact.created_at,
            )
            .on_conflict_do_nothing(index_elements=["signatory_id", "user_id"])
        )
        session.execute(statement)
    source.status = SignatoryStatus.MERGED
    source.merged_into_id = target.id
    source.duplicate_review = None
    source.updated_at = now
    target.updated_at = now
    audit.record(
        session,
        "merged",
        at=now,
        actor=actor.user_id,
        letter_id=letter.id,
        team_id=letter.team_id,
        subject_id=source.id,
        into=target.id,
        source_name=source.org_name,
        target_name=target.org_name,
    )
    return Merged(source.org_name, target.id, target.org_name, letter.id)


def dismiss_duplicate(session: Session, *, signatory_id: int, actor: Actor, now: datetime) -> bool:
    signatory = session.get(Signatory, signatory_id)
    if signatory is None or signatory.duplicate_review != DuplicateReview.PENDING:
        return False
    signatory.duplicate_review = DuplicateReview.DISMISSED
    signatory.updated_at = now
    audit.record(
        session,
        "duplicate_dismissed",
        at=now,
        actor=actor.user_id,
        letter_id=signatory.letter_id,
        subject_id=signatory.id,
        org_name=signatory.org_name,
        other=signatory.possible_duplicate_of_id,
    )
    return True


def keep_signature(
    session: Session, *, signatory_id: int, actor: Actor, now: datetime
) -> Updated | NotAllowed | LetterMissing:
    """The signer confirms the current version of the letter after a substantive change."""
    signatory = session.get(Signatory, signatory_id)
    if signatory is None or signatory.status != SignatoryStatus.ACTIVE:
        return LetterMissing(None)
    if not may_act_for(session, signatory, actor.user_id):
        return NotAllowed("Only the people who signed for this organization can confirm it.")
    letter = session.get(Letter, signatory.letter_id)
    assert letter is not None
    signatory.version_confirmed = letter.current_version
    signatory.reconfirm_requested_version = None
    signatory.updated_at = now
    audit.record(
        session,
        "reconfirmed",
        at=now,
        actor=actor.user_id,
        letter_id=letter.id,
        team_id=letter.team_id,
        subject_id=signatory.id,
        version=letter.current_version,
    )
    return Updated(signatory.id, signatory.org_name, letter.id, letter.title)


# ---------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------


def count_active(session: Session, letter_id: int) -> int:
    return session.execute(
        select(func.count()).where(Signatory.letter_id == letter_id, Signatory.status == SignatoryStatus.ACTIVE)
    ).scalar_one()


def signatories_of_user(session: Session, user_id: str, letter_ids: list[int] | None = None) -> list[Signatory]:
    """Active signatories the person signed for or is a contact of."""
    query = (
        select(Signatory)
        .join(SignatoryContact, SignatoryContact.signatory_id == Signatory.id)
        .where(SignatoryContact.user_id == user_id, Signatory.status == SignatoryStatus.ACTIVE)
        .order_by(Signatory.signed_at.desc())
    )
    if letter_ids is not None:
        query = query.where(Signatory.letter_id.in_(letter_ids))
    return list(session.execute(query).scalars().unique())


def pending_duplicates(session: Session, letter_id: int) -> list[tuple[Signatory, Signatory]]:
    """Flagged near-duplicates awaiting a coordinator: (the new one, the one it may duplicate)."""
    flagged = (
        session.execute(
            select(Signatory)
            .where(
                Signatory.letter_id == letter_id,
                Signatory.duplicate_review == DuplicateReview.PENDING,
                Signatory.status == SignatoryStatus.ACTIVE,
            )
            .order_by(Signatory.id)
        )
        .scalars()
        .all()
    )
    pairs = []
    for signatory in flagged:
        other = (
            session.get(Signatory, signatory.possible_duplicate_of_id) if signatory.possible_duplicate_of_id else None
        )
        if other is not None and other.status == SignatoryStatus.ACTIVE:
            pairs.append((signatory, other))
    return pairs


def clear_stale_duplicate_flags(session: Session, letter_id: int) -> None:
    """A flag whose other side was withdrawn or merged away has nothing left to review."""
    session.execute(
        update(Signatory)
        .where(
            Signatory.letter_id == letter_id,
            Signatory.duplicate_review == DuplicateReview.PENDING,
            Signatory.possible_duplicate_of_id.in_(
                select(Signatory.id).where(Signatory.letter_id == letter_id, Signatory.status != SignatoryStatus.ACTIVE)
            ),
        )
        .values(duplicate_review=None)
    )
