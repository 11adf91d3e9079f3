"""Delivering a letter: the form's rules, the frozen delivered list, and one message per person about it.

A delivery is recorded in one transaction with everything that must follow it: the export snapshot that is
"the delivered list", the letter closed (if it was still open), and a ``signer_messages`` row for every person
to thank (each signer and each recorded contact of a signing organization, once per person however many
organizations they signed for). The thanks job (bot/delivery/thanks.py) then sends them, so a delivery that
was acknowledged is never left half done by a stopped process. The one follow-up to every signer works the
same way, with its own kind.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.services import audit
from bot.services import export as export_service
from bot.services.dialect import changed, insert
from bot.services.outcomes import Problem
from db.enums import (
    DeliveryMethod,
    DeliveryStatus,
    LetterStatus,
    RunStatus,
    SignatoryStatus,
    SignerMessageKind,
    Source,
)
from db.models import (
    ExportSnapshot,
    Letter,
    LetterDelivery,
    ReminderRun,
    Signatory,
    SignatoryContact,
    SignerMessage,
    WebEmail,
)
from db.models.deliveries import DELIVERED_TO_MAX, PUBLIC_LINK_MAX, RESPONSE_TEXT_MAX


class DeliveryProblem(enum.StrEnum):
    DATE_MISSING = "date_missing"
    DATE_IN_FUTURE = "date_in_future"
    TO_MISSING = "to_missing"
    METHOD_MISSING = "method_missing"
    LINK_NOT_WEB = "link_not_web"
    RESPONSE_MISSING = "response_missing"


@dataclass(frozen=True)
class DeliveryInput:
    """What the delivery modal holds, as typed."""

    delivered_on: date | None
    delivered_to: str | None
    method: str | None
    public_link: str | None


@dataclass(frozen=True)
class DeliveryForm:
    delivered_on: date
    delivered_to: str
    method: DeliveryMethod
    public_link: str | None


def validate_delivery(raw: DeliveryInput, *, today: date) -> tuple[DeliveryForm | None, dict[str, Problem]]:
    """The delivery form, or a problem per field (``date``, ``to``, ``method``, ``link``)."""
    problems: dict[str, Problem] = {}
    if raw.delivered_on is None:
        problems["date"] = Problem(DeliveryProblem.DATE_MISSING)
    elif raw.delivered_on > today:
        problems["date"] = Problem(DeliveryProblem.DATE_IN_FUTURE)
    to = " ".join((raw.delivered_to or "").split())[:DELIVERED_TO_MAX]
    if not to:
        problems["to"] = Problem(DeliveryProblem.TO_MISSING)
    method = raw.method if raw.method in tuple(DeliveryMethod) else None
    if method is None:
        problems["method"] = Problem(DeliveryProblem.METHOD_MISSING)
    link = (raw.public_link or "").strip() or None
    if link is not None and not is_web_link(link):
        problems["link"] = Problem(DeliveryProblem.LINK_NOT_WEB)
    if problems or raw.delivered_on is None or method is None:
        return None, problems
    return DeliveryForm(raw.delivered_on, to, DeliveryMethod(method), link), {}


def is_web_link(link: str) -> bool:
    """An absolute http(s) URL with a host, no spaces or control characters, that fits its column."""
    if len(link) > PUBLIC_LINK_MAX or any(ch.isspace() or ord(ch) < 32 or ch in "<>|" for ch in link):
        return False
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "." in (parts.hostname or "")


@dataclass(frozen=True)
class Delivered:
    delivery_id: int
    letter_id: int
    title: str
    count: int
    snapshot_number: int
    recipients: int
    closed_now: bool


@dataclass(frozen=True)
class AlreadyDelivered:
    letter_id: int
    delivered_on: date


def delivery_of(session: Session, letter_id: int) -> LetterDelivery | None:
    return session.execute(select(LetterDelivery).where(LetterDelivery.letter_id == letter_id)).scalar_one_or_none()


def record_delivery(
    session: Session, *, letter_id: int, actor: str, form: DeliveryForm, now: datetime, email: bool = False
) -> Delivered | AlreadyDelivered:
    """Record the delivery, freeze the list as it is now, close the letter, and ask for the thanks."""
    letter = session.get(Letter, letter_id, with_for_update=True)
    assert letter is not None
    existing = delivery_of(session, letter_id)
    if existing is not None:
        return AlreadyDelivered(letter_id, existing.delivered_on)
    data = export_service.load_export(session, letter)
    snapshot = export_service.take_snapshot(session, data, actor=actor, now=now)
    inserted = session.execute(
        insert(session, LetterDelivery)
        .values(
            letter_id=letter_id,
            delivered_on=form.delivered_on,
            delivered_to=form.delivered_to,
            method=form.method,
            public_link=form.public_link,
            snapshot_number=snapshot.number,
            count=snapshot.count,
            delivered_by=actor,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["letter_id"])
    )
    if not changed(inserted):  # another coordinator's submission won
        other = delivery_of(session, letter_id)
        assert other is not None
        return AlreadyDelivered(letter_id, other.delivered_on)
    closed_now = letter.status == LetterStatus.OPEN
    if closed_now:
        letter.status = LetterStatus.CLOSED
        letter.closed_at = now
        letter.closed_by = actor
    # The delivery confirmation takes the place of the close announcement.
    letter.close_announced_at = letter.close_announced_at or now
    letter.updated_at = now  # the posts show the delivery (their state changes)
    # Nobody is reminded to sign a letter that went out, even when it reopens for the record.
    session.execute(
        update(ReminderRun)
        .where(ReminderRun.letter_id == letter_id, ReminderRun.status == RunStatus.PENDING)
        .values(status=RunStatus.SKIPPED)
    )
    signatory_ids = [row.signatory_id for row in data.rows if row.signatory_id is not None]
    recipients = enqueue_messages(session, letter, SignerMessageKind.THANKS, people_of(session, signatory_ids), now)
    if email:
        enqueue_web_emails(session, signatory_ids, SignerMessageKind.THANKS, now)
    delivery = delivery_of(session, letter_id)
    assert delivery is not None
    audit.on_letter(
        session,
        "letter_delivered",
        letter,
        at=now,
        actor=actor,
        subject_id=delivery.id,
        delivered_on=form.delivered_on.isoformat(),
        method=str(form.method),
        count=snapshot.count,
        export=snapshot.number,
        recipients=recipients,
    )
    return Delivered(delivery.id, letter_id, letter.title, snapshot.count, snapshot.number, recipients, closed_now)


@dataclass(frozen=True)
class Person:
    user_id: str
    team_id: str | None
    # The bot's DM with them, when a receipt already went there (saves a conversations.open, Tier 3).
    dm_channel: str | None = None


def people_of(session: Session, signatory_ids: Sequence[int]) -> list[Person]:
    """Each signer and recorded contact of these organizations, once per person."""
    people: dict[str, Person] = {}
    for start in range(0, len(signatory_ids), 500):
        chunk = list(signatory_ids[start : start + 500])
        for user_id, team_id, channel in session.execute(
            select(Signatory.signer_user_id, Signatory.signer_team_id, Signatory.receipt_channel).where(
                Signatory.id.in_(chunk),
                Signatory.source != Source.WEB,  # web signers get an email (web_emails)
            )
        ):
            dm = channel if channel and channel.startswith("D") else None
            if user_id not in people or (dm and not people[user_id].dm_channel):
                people[user_id] = Person(user_id, team_id, dm)
        for user_id, team_id in session.execute(
            select(SignatoryContact.user_id, SignatoryContact.team_id).where(
                SignatoryContact.signatory_id.in_(chunk), SignatoryContact.source != Source.WEB
            )
        ):
            people.setdefault(user_id, Person(user_id, team_id))
    return [people[user_id] for user_id in sorted(people)]


def enqueue_messages(
    session: Session, letter: Letter, kind: SignerMessageKind, people: Iterable[Person], now: datetime
) -> int:
    """A pending message for each person (one per letter, kind and person: repeats are ignored); how many
    messages of this kind the letter now has."""
    rows = [
        {
            "letter_id": letter.id,
            "kind": kind,
            "user_id": person.user_id,
            "team_id": person.team_id,
            "channel": person.dm_channel,
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
            "file_shared": False,
            "created_at": now,
        }
        for person in people
    ]
    statement = insert(session, SignerMessage).on_conflict_do_nothing(index_elements=["letter_id", "kind", "user_id"])
    for start in range(0, len(rows), 1000):  # one statement per thousand people, not one per person
        session.execute(statement, rows[start : start + 1000])
    return int(
        session.execute(
            select(func.count(SignerMessage.id)).where(SignerMessage.letter_id == letter.id, SignerMessage.kind == kind)
        ).scalar_one()
    )


def enqueue_web_emails(session: Session, signatory_ids: Sequence[int], kind: SignerMessageKind, now: datetime) -> None:
    """An email of this kind (the thanks, the follow-up) for each web signer among these sign-ons, to the address
    they confirmed, in the language they signed in: one per sign-on and kind (``nonce`` holds the kind), so a
    repeat adds nothing. The web emails job sends them (bot/delivery/web_emails.py)."""
    languages: dict[int, str] = {}
    for start in range(0, len(signatory_ids), 500):
        chunk = list(signatory_ids[start : start + 500])
        for signatory_id, language in session.execute(
            select(WebEmail.signatory_id, WebEmail.language)
            .where(WebEmail.signatory_id.in_(chunk))
            .order_by(WebEmail.id)
        ):
            languages[signatory_id] = language  # the newest sign-on's language
        rows = [
            {
                "signatory_id": signatory_id,
                "nonce": str(kind),
                "recipient": email,
                "language": languages.get(signatory_id, "en"),
                "status": DeliveryStatus.PENDING,
                "attempts": 0,
                "created_at": now,
            }
            for signatory_id, email in session.execute(
                select(Signatory.id, Signatory.signer_email).where(
                    Signatory.id.in_(chunk), Signatory.source == Source.WEB, Signatory.signer_email.is_not(None)
                )
            )
        ]
        if rows:
            statement = insert(session, WebEmail).on_conflict_do_nothing(index_elements=["signatory_id", "nonce"])
            session.execute(statement, rows)


@dataclass(frozen=True)
class ResponseRecorded:
    letter_id: int
    recipients: int


@dataclass(frozen=True)
class NotDelivered:
    letter_id: int


@dataclass(frozen=True)
class ResponseAlreadySent:
    letter_id: int


def clean_response(text: str | None) -> str:
    return (text or "").strip()[:RESPONSE_TEXT_MAX]


def record_response(
    session: Session, *, letter_id: int, actor: str, text: str, now: datetime, email: bool = False
) -> ResponseRecorded | NotDelivered | ResponseAlreadySent:
    """The one follow-up to every signer of the letter (delivered list and later sign-ons): recorded once."""
    letter = session.get(Letter, letter_id)
    assert letter is not None
    delivery = delivery_of(session, letter_id)
    if delivery is None:
        return NotDelivered(letter_id)
    won = session.execute(
        update(LetterDelivery)
        .where(LetterDelivery.id == delivery.id, LetterDelivery.response_at.is_(None))
        .values(response_text=text, response_by=actor, response_at=now)
    )
    if not changed(won):
        return ResponseAlreadySent(letter_id)
    active = list(
        session.execute(
            select(Signatory.id).where(Signatory.letter_id == letter_id, Signatory.status == SignatoryStatus.ACTIVE)
        ).scalars()
    )
    recipients = enqueue_messages(session, letter, SignerMessageKind.RESPONSE, people_of(session, active), now)
    if email:
        enqueue_web_emails(session, active, SignerMessageKind.RESPONSE, now)
    audit.on_letter(session, "response_posted", letter, at=now, actor=actor, recipients=recipients)
    return ResponseRecorded(letter_id, recipients)


@dataclass(frozen=True)
class Progress:
    sent: int
    failed: int
    total: int

    @property
    def done(self) -> bool:
        return self.sent + self.failed >= self.total

    def key(self) -> str:
        return f"{self.sent}/{self.failed}/{self.total}"


def progress(session: Session, letter_id: int, kind: SignerMessageKind) -> Progress:
    counts = dict(
        session.execute(
            select(SignerMessage.status, func.count(SignerMessage.id))
            .where(SignerMessage.letter_id == letter_id, SignerMessage.kind == kind)
            .group_by(SignerMessage.status)
        ).all()
    )
    total = sum(counts.values())
    return Progress(counts.get(DeliveryStatus.SENT, 0), counts.get(DeliveryStatus.FAILED, 0), total)


def delivered_ids(session: Session, delivery: LetterDelivery) -> set[int]:
    """The signatories of the delivered list (its frozen export)."""
    snapshot = session.execute(
        select(ExportSnapshot).where(
            ExportSnapshot.letter_id == delivery.letter_id, ExportSnapshot.number == delivery.snapshot_number
        )
    ).scalar_one_or_none()
    return set(snapshot.signatory_ids) if snapshot is not None else set()


@dataclass(frozen=True)
class DeliveredSplit:
    """An export split at the delivery: the delivered list, and the sign-ons added after it (with dates)."""

    delivered: export_service.ExportData
    late: export_service.ExportData


def split_at_delivery(session: Session, data: export_service.ExportData, letter_id: int) -> DeliveredSplit | None:
    """None when the letter was not delivered; otherwise the rows in and after the delivered list."""
    delivery = delivery_of(session, letter_id)
    if delivery is None:
        return None
    frozen = delivered_ids(session, delivery)
    on_time = [r for r in data.rows if r.signatory_id is None or r.signatory_id in frozen]
    late = [r for r in data.rows if r.signatory_id is not None and r.signatory_id not in frozen]
    return DeliveredSplit(
        export_service.ExportData(data.letter_id, data.title, on_time),
        export_service.ExportData(data.letter_id, data.title, late),
    )
