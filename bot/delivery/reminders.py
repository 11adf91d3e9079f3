"""Reminder DMs before a deadline: each due run planned once, each DM claimed row by row and sent once.

When a run is due, one process claims it, lists the members of the letter's channels (all pages), and the
rules in bot/services/reminders.py decide who is reminded. Any process then claims pending deliveries one at
a time (``pending`` -> ``claimed``) before ``chat.postMessage`` and marks them ``sent``; a claim whose process
died becomes ``unknown`` and is never resent. Only 429s are retried: Slack did not process those.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.blocks.reminders import reminder_message
from bot.delivery.claim import claim_many, claim_one, record
from bot.delivery.digests import deliver_run_digests
from bot.runtime import Runtime
from bot.services import reminders as rules
from bot.services.dialect import changed
from bot.services.letters.queries import letter_view
from bot.slack.api import slack_error
from bot.slack.channels import channel_members
from bot.slack.language import words_for
from bot.slack.profiles import refresh_profiles
from bot.timeutil import utcnow
from db.enums import DeliveryStatus, RunStatus
from db.models import Letter, ReminderDelivery, ReminderRun

log = logging.getLogger(__name__)

PLANNING_LEASE = timedelta(minutes=5)
# A claim older than this belongs to a process that died mid-send.
CLAIM_TIMEOUT = timedelta(minutes=5)
SEND_WORKERS = 4


def plan_due_runs(runtime: Runtime, now: datetime) -> None:
    with runtime.db.read() as session:
        due = rules.due_runs(session, now)
    for run_id in due:
        claimed = claim_one(
            runtime.db,
            ReminderRun,
            run_id,
            where=[rules.claimable_run(now)],
            values={"status": RunStatus.PLANNING, "claimed_by": runtime.worker_id, "lease_until": now + PLANNING_LEASE},
        )
        if claimed:
            plan_run(runtime, run_id, now)


def plan_run(runtime: Runtime, run_id: int, now: datetime) -> int:
    """List who this run reminds and write their delivery rows. Returns how many will get a DM."""
    with runtime.db.read() as session:
        plan = rules.prepare_run(session, run_id, now)
    if plan is None:
        return 0
    if isinstance(plan, rules.RunSkipped):
        record(runtime.db, ReminderRun, run_id, values={"status": RunStatus.SKIPPED, "note": plan.reason})
        if plan.reason == rules.SkipRun.LETTER_CLOSED:
            log.info("reminder run %s skipped: the letter is closed", run_id)
        else:
            log.info("reminder run %s skipped: a later reminder is also due", run_id)
        return 0
    client = runtime.client(plan.team_id)
    members: list[str] = []
    for channel_id in plan.channels:
        try:
            members.extend(channel_members(client, channel_id))
        except SlackApiError as error:
            log.warning("conversations.members for %s failed: %s", channel_id, slack_error(error))
    unique = list(dict.fromkeys(members))
    profiles = refresh_profiles(runtime.db, client, unique) if unique else {}
    audience = rules.choose_audience(
        plan, unique, profiles, bot_user_id=runtime.bot_user_id, quiet=runtime.settings.quiet_hours, now=now
    )
    runtime.db.transaction(lambda session: rules.record_audience(session, run_id, audience))
    log.info(
        "reminder %ss for letter %s: %d to remind, skipped %s",
        plan.offset_seconds,
        plan.letter_id,
        len(audience.rows),
        audience.skipped or "none",
    )
    return len(audience.rows)


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


def _mark(runtime: Runtime, delivery_id: int, status: DeliveryStatus, **values: object) -> None:
    still_claimed = [ReminderDelivery.status == DeliveryStatus.CLAIMED]
    record(runtime.db, ReminderDelivery, delivery_id, where=still_claimed, values={"status": status, **values})


def _send_one(runtime: Runtime, client_for: Callable[[str], WebClient], gate: RateGate, delivery_id: int) -> str:
    with runtime.db.read() as session:
        delivery = session.get(ReminderDelivery, delivery_id)
        if delivery is None:
            return "missing"
        now = utcnow()
        reason = rules.delivery_skip_reason(session, delivery, now)
        if reason:
            _mark(runtime, delivery_id, DeliveryStatus.SKIPPED, detail=reason)
            return "skipped"
        letter = session.get(Letter, delivery.letter_id)
        assert letter is not None
        view = letter_view(session, letter, recent=0)
        user_id, team_id = delivery.user_id, letter.team_id
    text, blocks = reminder_message(words_for(runtime, user_id), view, now)
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
        sent = {"sent_at": utcnow(), "channel_id": response.get("channel"), "ts": response.get("ts")}
        _mark(runtime, delivery_id, DeliveryStatus.SENT, **sent)
        return "sent"


def send_due(runtime: Runtime, client_for: Callable[[str], WebClient], now: datetime | None = None) -> int:
    """Send every due reminder this process can claim. Returns how many were sent.

    Each sending thread claims one delivery right before sending it, so a crash loses at most the messages in
    flight (one per thread), never a batch.
    """

    def due() -> list[object]:
        return [ReminderDelivery.status == DeliveryStatus.PENDING, ReminderDelivery.due_at <= (now or utcnow())]

    with runtime.db.read() as session:
        if session.execute(select(ReminderDelivery.id).where(*due()).limit(1)).first() is None:  # type: ignore[arg-type]
            return 0
    gate = RateGate()

    def sender() -> int:
        sent = 0
        while claimed := claim_many(
            runtime.db,
            ReminderDelivery,
            where=due(),  # type: ignore[arg-type]
            values={"status": DeliveryStatus.CLAIMED, "claimed_by": runtime.worker_id, "claimed_at": now or utcnow()},
            order_by=[ReminderDelivery.due_at, ReminderDelivery.id],
            limit=1,
        ):
            sent += _send_one(runtime, client_for, gate, claimed[0]) == "sent"
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
            .values(status=DeliveryStatus.UNKNOWN, detail="owner_stopped")
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
            update(ReminderDelivery).where(*stale).values(status=DeliveryStatus.UNKNOWN, detail="claim_expired")
        )
        return changed(result)

    count = runtime.db.transaction(work)
    if count:
        log.warning("%d reminder(s) were claimed by a process that stopped; marked unknown, not resent", count)
    return count


def deliver_reminders(runtime: Runtime) -> None:
    """The reminders job: release what stopped processes held, plan due runs, send due DMs."""
    now = utcnow()
    release_dead_claims(runtime, now)
    plan_due_runs(runtime, now)
    sweep_stale_claims(runtime, now)
    send_due(runtime, runtime.background_client)
    deliver_run_digests(runtime)
