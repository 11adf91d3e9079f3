"""Reminder DMs before a deadline: each due run planned once, each DM claimed row by row and sent once.

When a run is due, one process claims it, lists the members of the letter's channels (all pages), and the rules
in bot/services/reminders.py decide who is reminded. A run whose members Slack could not list is tried again
later: it is never recorded with a partial or empty audience. Any process then claims pending deliveries one at
a time (``pending`` -> ``claimed``, with a lease) and sends each DM with a marker (bot/slack/sending.py); a claim
that outlives its lease (the process stopped) is resolved by looking for the DM, so nobody is reminded twice and
nobody is left out. Transient failures are tried again with a growing delay.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy import ColumnElement, select

from bot.blocks.reminders import reminder_message
from bot.delivery.claim import backoff, claim_many, claim_one, record
from bot.delivery.digests import deliver_run_digests
from bot.runtime import Runtime
from bot.services import reminders as rules
from bot.services.letters.queries import letter_view
from bot.slack.channels import channel_members
from bot.slack.language import words_for
from bot.slack.profiles import refresh_profiles
from bot.slack.sending import Marker, NotSent, classify, find_sent, open_dm, send_once
from bot.timeutil import utcnow
from db.enums import DeliveryStatus, RunStatus
from db.models import Letter, ReminderDelivery, ReminderRun

log = logging.getLogger(__name__)

REMINDER_RETRY_FIRST = timedelta(seconds=15)
REMINDER_RETRY_CAP = timedelta(minutes=5)

PLANNING_LEASE = timedelta(minutes=5)
SENDING_LEASE = timedelta(minutes=2)
SEND_WORKERS = 4
MAX_ATTEMPTS = 6
REMINDER_EVENT = "signon_reminder"


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
        attempts = (session.get(ReminderRun, run_id) or ReminderRun(attempts=0)).attempts
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
    try:
        members = [member for channel_id in plan.channels for member in channel_members(client, channel_id)]
        unique = list(dict.fromkeys(members))
        profiles = refresh_profiles(runtime.db, client, unique) if unique else {}
    except (SlackClientError, OSError) as error:
        # Never a run with a partial or empty audience: try the whole run again a little later.
        failure = classify(error)
        delay = backoff(attempts + 1, first=REMINDER_RETRY_FIRST, cap=REMINDER_RETRY_CAP)
        log.warning(
            "reminder run %s: Slack did not list the members (%s); trying again in %s", run_id, failure.code, delay
        )
        record(runtime.db, ReminderRun, run_id, values={"attempts": attempts + 1, "lease_until": now + delay})
        return 0
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
        self.wait()


STILL_CLAIMED = [ReminderDelivery.status == DeliveryStatus.CLAIMED]


def _mark(
    runtime: Runtime,
    delivery_id: int,
    status: DeliveryStatus,
    *,
    where: Sequence[ColumnElement[bool]] = STILL_CLAIMED,
    **values: object,
) -> None:
    record(
        runtime.db,
        ReminderDelivery,
        delivery_id,
        where=where,
        values={"status": status, "lease_until": None, **values},
    )


def marker_of(delivery_id: int) -> Marker:
    return Marker(REMINDER_EVENT, str(delivery_id))


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
        user_id, team_id, attempts = delivery.user_id, letter.team_id, delivery.attempts + 1
    text, blocks = reminder_message(words_for(runtime, user_id), view, now)
    client = client_for(team_id)
    gate.wait()
    try:
        channel = open_dm(client, user_id)
        marker = marker_of(delivery_id)
        sent = send_once(client, channel, text, blocks, marker, look_first=attempts > 1, wait=gate.pause)
    except NotSent as failure:
        if failure.transient and attempts < MAX_ATTEMPTS:
            log.info("reminder %s: %s; trying again later", delivery_id, failure.code)
            due_at = utcnow() + backoff(attempts, first=REMINDER_RETRY_FIRST, cap=REMINDER_RETRY_CAP)
            _mark(runtime, delivery_id, DeliveryStatus.PENDING, attempts=attempts, due_at=due_at, claimed_by=None)
            return "later"
        _mark(runtime, delivery_id, DeliveryStatus.FAILED, attempts=attempts, detail=failure.code[:200])
        return "failed"
    _mark(
        runtime,
        delivery_id,
        DeliveryStatus.SENT,
        attempts=attempts,
        sent_at=utcnow(),
        channel_id=sent.channel,
        ts=sent.ts,
    )
    return "sent"


def _due(now: datetime) -> list[ColumnElement[bool]]:
    return [ReminderDelivery.status == DeliveryStatus.PENDING, ReminderDelivery.due_at <= now]


def send_due(runtime: Runtime, client_for: Callable[[str], WebClient], now: datetime | None = None) -> int:
    """Send every due reminder this process can claim. Returns how many were sent.

    Each sending thread claims one delivery right before sending it, so a crash leaves at most the messages in
    flight claimed (one per thread), and those are resolved by the next pass.
    """
    with runtime.db.read() as session:
        if session.execute(select(ReminderDelivery.id).where(*_due(now or utcnow())).limit(1)).first() is None:
            return 0
    gate = RateGate()

    def sender() -> int:
        sent = 0
        while True:
            moment = now or utcnow()
            claimed = claim_many(
                runtime.db,
                ReminderDelivery,
                where=_due(moment),
                values={
                    "status": DeliveryStatus.CLAIMED,
                    "claimed_by": runtime.worker_id,
                    "claimed_at": moment,
                    "lease_until": moment + SENDING_LEASE,
                },
                order_by=[ReminderDelivery.due_at, ReminderDelivery.id],
                limit=1,
            )
            if not claimed:
                return sent
            sent += _send_one(runtime, client_for, gate, claimed[0]) == "sent"

    with ThreadPoolExecutor(max_workers=SEND_WORKERS, thread_name_prefix="reminders") as pool:
        return sum(pool.map(lambda _: sender(), range(SEND_WORKERS)))


def resolve_expired_claims(runtime: Runtime, now: datetime) -> None:
    """Claims that outlived their lease or whose process stopped on this host: planning runs can be planned again
    at once (planning is idempotent); a delivery found in the DM is sent, one not found goes back to pending."""
    with runtime.db.read() as session:
        planning = session.execute(
            select(ReminderRun.id, ReminderRun.claimed_by).where(ReminderRun.status == RunStatus.PLANNING)
        ).all()
        claimed = session.execute(
            select(ReminderDelivery.id, ReminderDelivery.claimed_by, ReminderDelivery.lease_until).where(
                ReminderDelivery.status == DeliveryStatus.CLAIMED
            )
        ).all()
    for run_id, owner in planning:
        if runtime.owner_is_gone(owner):
            record(
                runtime.db,
                ReminderRun,
                run_id,
                where=[ReminderRun.status == RunStatus.PLANNING],
                values={"lease_until": now},
            )
    for delivery_id, owner, lease_until in claimed:
        if (lease_until is not None and lease_until < now) or runtime.owner_is_gone(owner):
            _resolve(runtime, delivery_id, owner, now)


def _resolve(runtime: Runtime, delivery_id: int, owner: str | None, now: datetime) -> None:
    # Only the claim seen as stopped is resolved: another worker may have resolved it and claimed it afresh
    # since, and its new claim is not this one's to give back.
    stopped_claim = [*STILL_CLAIMED, ReminderDelivery.claimed_by == owner]
    with runtime.db.read() as session:
        delivery = session.get(ReminderDelivery, delivery_id)
        letter = session.get(Letter, delivery.letter_id) if delivery else None
        if delivery is None or letter is None:
            return
        user_id, team_id = delivery.user_id, letter.team_id
    client = runtime.client(team_id)
    try:
        channel = open_dm(client, user_id)
        found = find_sent(client, channel, marker_of(delivery_id))
    except NotSent as failure:
        if failure.transient:
            record(
                runtime.db,
                ReminderDelivery,
                delivery_id,
                where=stopped_claim,
                values={"lease_until": now + SENDING_LEASE},
            )
            return
        _mark(runtime, delivery_id, DeliveryStatus.FAILED, where=stopped_claim, detail=failure.code[:200])
        return
    if found:
        _mark(runtime, delivery_id, DeliveryStatus.SENT, where=stopped_claim, sent_at=now, channel_id=channel, ts=found)
    else:
        _mark(runtime, delivery_id, DeliveryStatus.PENDING, where=stopped_claim, claimed_by=None)
    log.info("reminder %s after a stopped claim: %s", delivery_id, "sent" if found else "sending again")


def deliver_reminders(runtime: Runtime) -> None:
    """The reminders job: resolve what stopped processes held, plan due runs, send due DMs, then the digests."""
    now = utcnow()
    resolve_expired_claims(runtime, now)
    plan_due_runs(runtime, now)
    send_due(runtime, runtime.background_client)
    deliver_run_digests(runtime)
