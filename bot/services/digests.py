"""What coordinators are told about their letters: the digest after each reminder run, and the periodic digest
of new sign-ons. Each function is called inside the transaction that claims the digest, so it goes out once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.services.dialect import changed
from bot.services.letters.queries import letter_coordinators, stats
from bot.services.signing.duplicates import pending_duplicates
from bot.services.web import pending_count
from db.enums import DeliveryStatus, RunStatus, SignatoryStatus, Source
from db.models import Letter, ReminderDelivery, ReminderRun, Signatory


@dataclass(frozen=True)
class RunDigest:
    letter_id: int
    team_id: str
    title: str
    offset_seconds: int
    reminded: list[str]
    skipped_note: str | None
    count: int
    new_since_last: int
    coordinators: list[str]
    failed: int


@dataclass(frozen=True)
class SignonDigest:
    letter_id: int
    team_id: str
    title: str
    new_names: list[str]
    count: int
    duplicates: int
    coordinators: list[str]
    # Web sign-ons waiting for a coordinator's approval (bot/services/web.py), and the new names that came
    # from the public page (the digest marks their source).
    pending_web: int = 0
    from_web: frozenset[str] = frozenset()


def runs_awaiting_digest(session: Session) -> list[int]:
    return list(
        session.execute(
            select(ReminderRun.id).where(ReminderRun.status == RunStatus.SENDING, ReminderRun.digest_sent_at.is_(None))
        ).scalars()
    )


def _advance_letter_digest(session: Session, letter: Letter, now: datetime) -> int:
    """Count the sign-ons since the last digest of either kind and move the mark; returns the count."""
    newest = session.execute(select(func.max(Signatory.id)).where(Signatory.letter_id == letter.id)).scalar() or 0
    new_since = session.execute(
        select(func.count()).where(
            Signatory.letter_id == letter.id,
            Signatory.status == SignatoryStatus.ACTIVE,
            Signatory.id > letter.last_digest_signatory_id,
        )
    ).scalar_one()
    letter.last_digest_signatory_id = newest
    letter.last_digest_at = now
    return int(new_since)


def finish_run(session: Session, run_id: int, now: datetime) -> RunDigest | None:
    """Claim a run with nothing left to send for its digest; None while sends are outstanding or when another
    process claimed it first."""
    outstanding = session.execute(
        select(func.count()).where(
            ReminderDelivery.run_id == run_id,
            ReminderDelivery.status.in_((DeliveryStatus.PENDING, DeliveryStatus.CLAIMED)),
        )
    ).scalar_one()
    if outstanding:
        return None
    result = session.execute(
        update(ReminderRun)
        .where(ReminderRun.id == run_id, ReminderRun.digest_sent_at.is_(None))
        .values(status=RunStatus.DONE, digest_sent_at=now)
    )
    if not changed(result):
        return None
    run = session.get(ReminderRun, run_id)
    assert run is not None
    letter = session.get(Letter, run.letter_id)
    assert letter is not None
    reminded = list(
        session.execute(
            select(ReminderDelivery.user_id).where(
                ReminderDelivery.run_id == run_id, ReminderDelivery.status == DeliveryStatus.SENT
            )
        ).scalars()
    )
    failed = session.execute(
        select(func.count()).where(
            ReminderDelivery.run_id == run_id,
            ReminderDelivery.status.in_((DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN)),
        )
    ).scalar_one()
    new_since = _advance_letter_digest(session, letter, now)
    return RunDigest(
        letter.id,
        letter.team_id,
        letter.title,
        run.offset_seconds,
        reminded,
        run.note,
        stats(session, letter.id, recent=0).count,
        new_since,
        letter_coordinators(session, letter.id),
        failed,
    )


def claim_signon_digest(session: Session, letter_id: int, now: datetime, every: timedelta) -> SignonDigest | None:
    """The digest of sign-ons since the last one, if one is due (at most one per ``every``); claimed by moving
    the letter's digest mark, so only one process sends it."""
    letter = session.get(Letter, letter_id)
    if letter is None or (letter.last_digest_at and letter.last_digest_at > now - every):
        return None
    if letter.last_digest_at is None and letter.created_at > now - every:
        return None
    newest = session.execute(select(func.max(Signatory.id)).where(Signatory.letter_id == letter_id)).scalar() or 0
    if newest <= letter.last_digest_signatory_id:
        return None
    rows = list(
        session.execute(
            select(Signatory.org_name, Signatory.source)
            .where(
                Signatory.letter_id == letter_id,
                Signatory.status == SignatoryStatus.ACTIVE,
                # A web sign-on counts from when it was let through, whatever its id.
                or_(
                    Signatory.id > letter.last_digest_signatory_id,
                    Signatory.verified_at > (letter.last_digest_at or letter.created_at),
                ),
            )
            .order_by(Signatory.id)
        ).all()
    )
    names = [name for name, _ in rows]
    result = session.execute(
        update(Letter)
        .where(Letter.id == letter_id, Letter.last_digest_signatory_id == letter.last_digest_signatory_id)
        .values(last_digest_signatory_id=newest, last_digest_at=now)
    )
    if not changed(result) or not names:
        return None
    return SignonDigest(
        letter.id,
        letter.team_id,
        letter.title,
        names,
        stats(session, letter_id, recent=0).count,
        len(pending_duplicates(session, letter_id)),
        letter_coordinators(session, letter_id),
        pending_count(session, letter_id),
        frozenset(name for name, source in rows if source == Source.WEB),
    )
