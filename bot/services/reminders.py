"""Reminder DMs before a deadline: planned from the database, claimed row by row, sent once.

A letter has one *run* per reminder offset (``reminder_runs``). When a run is due, one process claims
it, lists the members of the letter's channels (all pages), leaves out bots, deactivated people, signers,
colleagues of signed organizations and people who muted the letter, and writes one *delivery* row per
person (UNIQUE letter, person, offset). Any process then claims pending deliveries one at a time
(``pending`` -> ``claimed``) before ``chat.postMessage`` and marks them ``sent``; a claim whose process
died becomes ``unknown`` and is never resent. Only 429s are retried: Slack did not process those.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock_time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from bot.runtime import Runtime
from bot.services import audit
from bot.services import letters as letter_service
from bot.services.dialect import changed, insert, skip_locked
from bot.services.users import Profile, refresh_profiles
from bot.slackio import slack_error
from bot.timeutil import utcnow, zone
from db.models import (
    ChannelPost,
    DeliveryStatus,
    Letter,
    LetterStatus,
    ReminderDelivery,
    ReminderMute,
    ReminderRun,
    RunStatus,
    Signatory,
    SignatoryContact,
    SignatoryStatus,
)

log = logging.getLogger(__name__)

#: Turns a letter and the current time into a reminder DM; bot.blocks.reminders.reminder_message.
RenderReminder = Callable[[letter_service.LetterView, datetime], tuple[str, list[dict[str, Any]]]]

PLANNING_LEASE = timedelta(minutes=5)
# A claim older than this belongs to a process that died mid-send.
CLAIM_TIMEOUT = timedelta(minutes=5)
# Don't shift a reminder into the morning if that leaves less than this before the deadline.
QUIET_HOURS_MARGIN = timedelta(hours=1)
SEND_WORKERS = 4
SEND_BATCH = 500

PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "ymail.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "protonmail.com",
        "proton.me",
        "pm.me",
        "gmx.com",
        "gmx.net",
        "mail.com",
        "zoho.com",
        "yandex.com",
        "yandex.ru",
        "hey.com",
        "fastmail.com",
        "tutanota.com",
        "comcast.net",
        "verizon.net",
        "att.net",
        "sbcglobal.net",
        "bellsouth.net",
        "cox.net",
        "charter.net",
        "earthlink.net",
        "qq.com",
        "163.com",
        "hotmail.co.uk",
        "yahoo.co.uk",
        "btinternet.com",
    }
)


def mute(session: Session, *, letter_id: int, user_id: str, reason: str, now: datetime) -> str | None:
    """Stop reminders about one letter for one person; returns the letter's title."""
    letter = session.get(Letter, letter_id)
    if letter is None:
        return None
    session.execute(
        insert(session, ReminderMute)
        .values(letter_id=letter_id, user_id=user_id, reason=reason, created_at=now)
        .on_conflict_do_nothing(index_elements=["letter_id", "user_id"])
    )
    session.execute(
        update(ReminderDelivery)
        .where(
            ReminderDelivery.letter_id == letter_id,
            ReminderDelivery.user_id == user_id,
            ReminderDelivery.status == DeliveryStatus.PENDING,
        )
        .values(status=DeliveryStatus.SKIPPED, detail=reason)
    )
    audit.record(
        session, "reminders_muted", at=now, actor=user_id, letter_id=letter_id, team_id=letter.team_id, reason=reason
    )
    return letter.title


def quiet_hours_due(
    due: datetime, tz_name: str | None, deadline: datetime, quiet: tuple[clock_time, clock_time] | None
) -> datetime:
    """Move a reminder that falls in the person's quiet hours to the next morning, if the deadline allows."""
    if quiet is None:
        return due
    start, end = quiet
    tz = zone(tz_name)
    local = due.astimezone(tz)
    moment = local.time()
    in_quiet = (start <= moment or moment < end) if start > end else (start <= moment < end)
    if not in_quiet:
        return due
    morning = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    shifted = morning.astimezone(due.tzinfo)
    return shifted if shifted <= deadline - QUIET_HOURS_MARGIN else due


# ---------------------------------------------------------------------------------------------------
# Planning a run
# ---------------------------------------------------------------------------------------------------


def claim_run(runtime: Runtime, run_id: int, now: datetime) -> bool:
    def work(session: Session) -> bool:
        result = session.execute(
            update(ReminderRun)
            .where(
                ReminderRun.id == run_id,
                or_(
                    ReminderRun.status == RunStatus.PENDING,
                    and_(ReminderRun.status == RunStatus.PLANNING, ReminderRun.lease_until <= now),
                ),
            )
            .values(status=RunStatus.PLANNING, claimed_by=runtime.worker_id, lease_until=now + PLANNING_LEASE)
        )
        return bool(changed(result))

    return runtime.db.transaction(work)


def _set_run(runtime: Runtime, run_id: int, **values: object) -> None:
    runtime.db.transaction(lambda s: s.execute(update(ReminderRun).where(ReminderRun.id == run_id).values(**values)))


def due_runs(runtime: Runtime, now: datetime) -> list[int]:
    with runtime.db.read() as session:
        return list(
            session.execute(
                select(ReminderRun.id)
                .join(Letter, Letter.id == ReminderRun.letter_id)
                .where(
                    ReminderRun.due_at <= now,
                    or_(
                        ReminderRun.status == RunStatus.PENDING,
                        and_(ReminderRun.status == RunStatus.PLANNING, ReminderRun.lease_until <= now),
                    ),
                )
                .order_by(ReminderRun.due_at)
            ).scalars()
        )


def channel_members(client: WebClient, channel_id: str) -> list[str]:
    members: list[str] = []
    cursor: str | None = None
    while True:
        page = (
            client.conversations_members(channel=channel_id, limit=1000, cursor=cursor)
            if cursor
            else client.conversations_members(channel=channel_id, limit=1000)
        )
        members.extend(page.get("members", []))
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return members


@dataclass(frozen=True)
class SignedSignals:
    user_ids: set[str]
    teams: set[str]
    domains: set[str]


def signed_signals(session: Session, letter_id: int, home_team: str | None) -> SignedSignals:
    """Who has signed, and the Slack Connect teams and email domains of organizations that signed."""
    rows = session.execute(
        select(SignatoryContact.user_id, SignatoryContact.team_id, SignatoryContact.email, Signatory.signer_email)
        .join(Signatory, Signatory.id == SignatoryContact.signatory_id)
        .where(Signatory.letter_id == letter_id, Signatory.status == SignatoryStatus.ACTIVE)
    )
    users, teams, domains = set(), set(), set()
    for user_id, team_id, email, signer_email in rows:
        users.add(user_id)
        if team_id and team_id != home_team:
            teams.add(team_id)
        for address in (email, signer_email):
            if address and "@" in address:
                domain = address.rsplit("@", 1)[1].lower()
                if domain not in PUBLIC_MAIL_DOMAINS:
                    domains.add(domain)
    return SignedSignals(users, teams, domains)


def skip_reason(profile: Profile, signals: SignedSignals, muted: set[str], bot_user_id: str | None) -> str | None:
    if profile.user_id == bot_user_id or profile.is_bot:
        return "bot"
    if profile.deleted:
        return "deactivated"
    if profile.user_id in signals.user_ids:
        return "signed"
    if profile.user_id in muted:
        return "muted"
    if profile.team_id and profile.team_id in signals.teams:
        return "colleague_team"
    if profile.email_domain and profile.email_domain in signals.domains:
        return "colleague_domain"
    return None


def plan_run(runtime: Runtime, client: WebClient, run_id: int, now: datetime) -> int:
    """List who this run reminds and write their delivery rows. Returns how many will get a DM."""
    with runtime.db.read() as session:
        run = session.get(ReminderRun, run_id)
        letter = session.get(Letter, run.letter_id) if run else None
        if run is None or letter is None:
            return 0
        if letter.status != LetterStatus.OPEN or letter.deadline_at <= now:
            _set_run(runtime, run_id, status=RunStatus.SKIPPED, note="letter closed before the reminder")
            log.info("reminder %s for letter %s skipped: the letter is closed", run.offset_seconds, letter.id)
            return 0
        later_due = session.execute(
            select(func.count()).where(
                ReminderRun.letter_id == letter.id,
                ReminderRun.due_at <= now,
                ReminderRun.due_at > run.due_at,
            )
        ).scalar_one()
        if later_due:
            # After downtime, only the most recent due reminder is useful; earlier ones would arrive together.
            _set_run(runtime, run_id, status=RunStatus.SKIPPED, note="superseded by a later reminder")
            log.info("reminder %ss for letter %s skipped: a later reminder is also due", run.offset_seconds, letter.id)
            return 0
        channels = [p.channel_id for p in letter.posts if p.status == "posted"]
        signals = signed_signals(session, letter.id, letter.team_id)
        muted = set(session.execute(select(ReminderMute.user_id).where(ReminderMute.letter_id == letter.id)).scalars())
        deadline, offset, letter_id = letter.deadline_at, run.offset_seconds, letter.id
    members: list[str] = []
    for channel_id in channels:
        try:
            members.extend(channel_members(client, channel_id))
        except SlackApiError as error:
            log.warning("conversations.members for %s failed: %s", channel_id, slack_error(error))
    unique = list(dict.fromkeys(members))
    profiles = refresh_profiles(runtime.db, client, unique) if unique else {}
    reasons: dict[str, int] = {}
    rows = []
    for user_id in unique:
        profile = profiles.get(user_id, Profile(user_id))
        reason = skip_reason(profile, signals, muted, runtime.bot_user_id)
        if reason:
            reasons[reason] = reasons.get(reason, 0) + 1
            continue
        due = quiet_hours_due(now, profile.tz, deadline, runtime.settings.quiet_hours)
        rows.append(
            {
                "run_id": run_id,
                "letter_id": letter_id,
                "user_id": user_id,
                "offset_seconds": offset,
                "due_at": due,
                "status": DeliveryStatus.PENDING,
            }
        )

    def write(session: Session) -> None:
        for start in range(0, len(rows), 500):
            session.execute(
                insert(session, ReminderDelivery)
                .values(rows[start : start + 500])
                .on_conflict_do_nothing(index_elements=["letter_id", "user_id", "offset_seconds"])
            )
        session.execute(
            update(ReminderRun)
            .where(ReminderRun.id == run_id)
            .values(
                status=RunStatus.SENDING,
                planned_count=len(rows),
                lease_until=None,
                note=", ".join(f"{k}: {v}" for k, v in sorted(reasons.items()))[:200] or None,
            )
        )

    runtime.db.transaction(write)
    log.info("reminder %ss for letter %s: %d to remind, skipped %s", offset, letter_id, len(rows), reasons or "none")
    return len(rows)


# ---------------------------------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------------------------------


class RateGate:
    """Shared by the sending threads: after a 429, everyone waits out Retry-After."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._resume_at = 0.0

    def wait(self) -> None:
        while True:
            with self._lock:
                delay = self._resume_at - time.monotonic()
            if delay <= 0:
                return
            time.sleep(min(delay, 1.0))

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._resume_at = max(self._resume_at, time.monotonic() + seconds)


def _claim_deliveries(runtime: Runtime, now: datetime, limit: int) -> list[int]:
    def work(session: Session) -> list[int]:
        candidates = list(
            session.execute(
                select(ReminderDelivery.id)
                .where(ReminderDelivery.status == DeliveryStatus.PENDING, ReminderDelivery.due_at <= now)
                .order_by(ReminderDelivery.due_at, ReminderDelivery.id)
                .limit(limit)
                .with_for_update(**skip_locked(session))
            ).scalars()
        )
        if not candidates:
            return []
        session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.id.in_(candidates), ReminderDelivery.status == DeliveryStatus.PENDING)
            .values(status=DeliveryStatus.CLAIMED, claimed_by=runtime.worker_id, claimed_at=now)
        )
        return list(
            session.execute(
                select(ReminderDelivery.id).where(
                    ReminderDelivery.id.in_(candidates),
                    ReminderDelivery.claimed_by == runtime.worker_id,
                    ReminderDelivery.status == DeliveryStatus.CLAIMED,
                )
            ).scalars()
        )

    return runtime.db.transaction(work)


def _mark(runtime: Runtime, delivery_id: int, status: str, **values: object) -> None:
    runtime.db.transaction(
        lambda s: s.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.id == delivery_id, ReminderDelivery.status == DeliveryStatus.CLAIMED)
            .values(status=status, **values)
        )
    )


def _send_one(
    runtime: Runtime, client_for: Callable[[str], WebClient], render: RenderReminder, gate: RateGate, delivery_id: int
) -> str:
    with runtime.db.read() as session:
        delivery = session.get(ReminderDelivery, delivery_id)
        if delivery is None:
            return "missing"
        letter = session.get(Letter, delivery.letter_id)
        assert letter is not None
        now = utcnow()
        reason: str | None = None
        if letter.status != LetterStatus.OPEN or letter.deadline_at <= now:
            reason = "letter closed"
        else:
            signals = signed_signals(session, letter.id, letter.team_id)
            muted = session.get(ReminderMute, (letter.id, delivery.user_id)) is not None
            reason = "signed meanwhile" if delivery.user_id in signals.user_ids else ("muted" if muted else None)
        if reason:
            _mark(runtime, delivery_id, DeliveryStatus.SKIPPED, detail=reason)
            return "skipped"
        view = letter_service.letter_view(session, letter, recent=0)
        user_id, team_id = delivery.user_id, letter.team_id
    text, blocks = render(view, now)
    client = client_for(team_id)
    while True:
        gate.wait()
        try:
            response = client.chat_postMessage(channel=user_id, text=text, blocks=blocks, unfurl_links=False)
        except SlackApiError as error:
            if getattr(error.response, "status_code", 200) == 429:
                # Not processed by Slack, so resending is safe; everyone pauses for Retry-After.
                gate.pause(float(error.response.headers.get("Retry-After", "1") or 1))
                continue
            _mark(runtime, delivery_id, DeliveryStatus.FAILED, detail=slack_error(error)[:200])
            return "failed"
        except Exception as error:
            # Connection reset or timeout: Slack may have delivered it; never risk a second DM.
            _mark(runtime, delivery_id, DeliveryStatus.UNKNOWN, detail=type(error).__name__[:200])
            return "unknown"
        _mark(
            runtime,
            delivery_id,
            DeliveryStatus.SENT,
            sent_at=utcnow(),
            channel_id=response.get("channel"),
            ts=response.get("ts"),
        )
        return "sent"


def send_due(
    runtime: Runtime, client_for: Callable[[str], WebClient], render: RenderReminder, now: datetime | None = None
) -> int:
    """Send every due reminder this process can claim. Returns how many were sent.

    Each sending thread claims one delivery right before sending it, so a crash loses at most the
    messages in flight (one per thread), never a batch.
    """
    due = (ReminderDelivery.status == DeliveryStatus.PENDING, ReminderDelivery.due_at <= (now or utcnow()))
    with runtime.db.read() as session:
        if session.execute(select(ReminderDelivery.id).where(*due).limit(1)).first() is None:
            return 0
    gate = RateGate()

    def sender() -> int:
        sent = 0
        while claimed := _claim_deliveries(runtime, now or utcnow(), 1):
            sent += _send_one(runtime, client_for, render, gate, claimed[0]) == "sent"
        return sent

    with ThreadPoolExecutor(max_workers=SEND_WORKERS, thread_name_prefix="reminders") as pool:
        return sum(pool.map(lambda _: sender(), range(SEND_WORKERS)))


def release_dead_claims(runtime: Runtime, now: datetime) -> None:
    """Claims held by a process of this host that died: runs can be planned again at once (planning is
    idempotent); deliveries become ``unknown`` at once (they may have reached Slack, so never resent)."""
    with runtime.db.read() as session:
        run_owners = set(
            session.execute(
                select(ReminderRun.claimed_by).where(ReminderRun.status == RunStatus.PLANNING).distinct()
            ).scalars()
        )
        delivery_owners = set(
            session.execute(
                select(ReminderDelivery.claimed_by).where(ReminderDelivery.status == DeliveryStatus.CLAIMED).distinct()
            ).scalars()
        )
    dead_runs = [owner for owner in run_owners if runtime.owner_is_gone(owner)]
    dead_deliveries = [owner for owner in delivery_owners if runtime.owner_is_gone(owner)]
    if not dead_runs and not dead_deliveries:
        return

    def work(session: Session) -> int:
        session.execute(
            update(ReminderRun)
            .where(ReminderRun.status == RunStatus.PLANNING, ReminderRun.claimed_by.in_(dead_runs))
            .values(lease_until=now)
        )
        result = session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.status == DeliveryStatus.CLAIMED, ReminderDelivery.claimed_by.in_(dead_deliveries))
            .values(status=DeliveryStatus.UNKNOWN, detail="claimed by a process that stopped; not resent")
        )
        return changed(result)

    lost = runtime.db.transaction(work)
    if lost:
        log.warning("%d reminder(s) were in flight in a process that stopped; marked unknown, not resent", lost)


def sweep_stale_claims(runtime: Runtime, now: datetime) -> int:
    stale = (ReminderDelivery.status == DeliveryStatus.CLAIMED, ReminderDelivery.claimed_at < now - CLAIM_TIMEOUT)
    with runtime.db.read() as session:
        if session.execute(select(ReminderDelivery.id).where(*stale).limit(1)).first() is None:
            return 0

    def work(session: Session) -> int:
        result = session.execute(
            update(ReminderDelivery)
            .where(*stale)
            .values(status=DeliveryStatus.UNKNOWN, detail="claim expired: the sending process stopped")
        )
        return changed(result)

    count = runtime.db.transaction(work)
    if count:
        log.warning("%d reminder(s) were claimed by a process that stopped; marked unknown, not resent", count)
    return count


# ---------------------------------------------------------------------------------------------------
# Finishing runs: the coordinators' digest
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunDigest:
    letter_id: int
    title: str
    offset_seconds: int
    reminded: list[str]
    skipped_note: str | None
    count: int
    new_since_last: int
    coordinators: list[str]
    failed: int


def finished_runs(runtime: Runtime, now: datetime) -> list[RunDigest]:
    """Runs with nothing left to send, claimed for their digest (each digest goes out once)."""
    digests = []
    with runtime.db.read() as session:
        candidates = list(
            session.execute(
                select(ReminderRun.id).where(
                    ReminderRun.status == RunStatus.SENDING, ReminderRun.digest_sent_at.is_(None)
                )
            ).scalars()
        )
    for run_id in candidates:

        def claim(session: Session, run_id: int = run_id) -> RunDigest | None:
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
            newest = (
                session.execute(select(func.max(Signatory.id)).where(Signatory.letter_id == letter.id)).scalar() or 0
            )
            new_since = session.execute(
                select(func.count()).where(
                    Signatory.letter_id == letter.id,
                    Signatory.status == SignatoryStatus.ACTIVE,
                    Signatory.id > letter.last_digest_signatory_id,
                )
            ).scalar_one()
            letter.last_digest_signatory_id = newest
            letter.last_digest_at = now
            numbers = letter_service.stats(session, letter.id, recent=0)
            return RunDigest(
                letter.id,
                letter.title,
                run.offset_seconds,
                reminded,
                run.note,
                numbers.count,
                new_since,
                letter_service.letter_coordinators(session, letter.id),
                failed,
            )

        digest = runtime.db.transaction(claim)
        if digest is not None:
            digests.append(digest)
    return digests


def posted_channels(session: Session, letter_id: int) -> list[str]:
    return list(
        session.execute(
            select(ChannelPost.channel_id).where(ChannelPost.letter_id == letter_id, ChannelPost.status == "posted")
        ).scalars()
    )
