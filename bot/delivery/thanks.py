"""The messages every signer gets about a delivered letter, once per person: the thanks (with the PDF as
delivered) and the one follow-up.

Each message is a ``signer_messages`` row committed with the delivery, before the coordinator's submission was
acknowledged. This job claims pending rows a few at a time with a lease, sends each DM with a marker
(bot/slack/sending.py), records where it went, uploads the PDF, and records that too. A claim whose lease ran
out, or whose process is gone, is resolved by looking in the person's DM: a message with the marker (or the
PDF by its file name) already there is not sent again. So a kill -9 in the middle of sending, a restart or
several processes never thank anyone twice and never skip anyone. The pace stays within Slack's limits
(SIGNON_THANKS_RATE per process; a 429 holds the job for its ``Retry-After``); coordinators watch the count
in their confirmation DM, updated in place.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy import ColumnElement, or_, select, update

from bot.blocks import delivery as blocks
from bot.delivery.claim import backoff, claim_many, claim_one, record
from bot.delivery.documents import delivered_pdf
from bot.runtime import Runtime
from bot.services import delivery as delivery_service
from bot.services.letters.translations import titles
from bot.slack.api import slack_error
from bot.slack.language import words_for
from bot.slack.sending import Marker, NotSent, classify, find_sent, open_dm, send_once
from bot.timeutil import utcnow
from db.enums import DeliveryStatus, SignerMessageKind
from db.models import Letter, LetterDelivery, SignerMessage

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 6
EVENTS = {SignerMessageKind.THANKS: "signon_thanks", SignerMessageKind.RESPONSE: "signon_response"}
PROGRESS_EVENT = "signon_delivery"
# The coordinator's count is brought up to date at most this often while messages go out.
PROGRESS_EVERY = 3.0
CLAIMED = [SignerMessage.status == DeliveryStatus.CLAIMED]


def marker_of(row: SignerMessage) -> Marker:
    return Marker(EVENTS[SignerMessageKind(row.kind)], f"{row.letter_id}:{row.user_id}")


def _due(now: datetime) -> list[ColumnElement[bool]]:
    return [
        SignerMessage.status == DeliveryStatus.PENDING,
        or_(SignerMessage.not_before.is_(None), SignerMessage.not_before <= now),
    ]


def _mine(runtime: Runtime) -> list[ColumnElement[bool]]:
    return [*CLAIMED, SignerMessage.claimed_by == runtime.worker_id]


def _record(runtime: Runtime, row_id: int, **values: object) -> bool:
    return record(runtime.db, SignerMessage, row_id, where=_mine(runtime), values=values)


def release(runtime: Runtime, row_ids: Sequence[int]) -> None:
    """Give back messages this process claimed and never tried to send."""
    if row_ids:
        runtime.db.transaction(
            lambda session: session.execute(
                update(SignerMessage)
                .where(SignerMessage.id.in_(list(row_ids)), *_mine(runtime))
                .values(status=DeliveryStatus.PENDING, claimed_by=None, lease_until=None)
            )
        )


def _file_in(client: WebClient, channel: str, filename: str) -> bool:
    """Whether the DM's newest messages already hold the file (an upload whose record was lost)."""
    try:
        page = client.conversations_history(channel=channel, limit=100)
    except (SlackClientError, OSError) as error:
        raise classify(error) from error
    messages: list[dict[str, Any]] = page.get("messages", [])
    return any(f.get("name") == filename for m in messages for f in (m.get("files") or []))


def _upload(runtime: Runtime, client: WebClient, row: SignerMessage, channel: str, title: str) -> None:
    built = delivered_pdf(runtime, row.letter_id)
    if built is None:
        return
    content, filename = built
    if row.attempts and _file_in(client, channel, filename):
        return  # an earlier attempt uploaded it and stopped before recording so
    try:
        client.files_upload_v2(file=content, filename=filename, title=title, channel=channel)
    except (SlackClientError, OSError) as error:
        code = slack_error(error)
        log.info("thanks PDF upload to %s failed: %s", channel, code)
        raise classify(error) from error


def _message(runtime: Runtime, row: SignerMessage) -> tuple[str, list[dict[str, Any]], str] | None:
    """The message in the person's language (and the letter's title in it), and the PDF's title."""
    w = words_for(runtime, row.user_id)
    with runtime.db.read() as session:
        letter = session.get(Letter, row.letter_id)
        delivery = delivery_service.delivery_of(session, row.letter_id)
        if letter is None or delivery is None:
            return None
        title = titles(letter).get(w.language, letter.title)
        main_title = letter.title
    if row.kind == SignerMessageKind.RESPONSE:
        text, body = blocks.response_message(w, title, delivery.response_text or "")
    else:
        text, body = blocks.thanks_message(
            w,
            title,
            delivery.delivered_on,
            delivery.delivered_to,
            delivery.method,
            delivery.count,
            delivery.public_link,
        )
    return text, body, w.delivered_pdf_title(main_title)


def _deliver(runtime: Runtime, row_id: int) -> tuple[int | None, float | None]:
    """Send one claimed message and record it; its letter, and how long Slack asked us to wait (a 429)."""
    # A batch is claimed at once and sent one by one: renew this row's claim just before sending, and leave it
    # alone if its lease ran out meanwhile and another process took it over.
    if not claim_one(runtime.db, SignerMessage, row_id, where=_mine(runtime), values={"lease_until": utcnow() + LEASE}):
        return None, None
    with runtime.db.read() as session:
        row = session.get(SignerMessage, row_id)
        if row is None:
            return None, None
        session.expunge(row)
        letter = session.get(Letter, row.letter_id)
        team_id = letter.team_id if letter else None
    attempts = row.attempts + 1
    worded = _message(runtime, row)
    if worded is None:
        _record(runtime, row_id, status=DeliveryStatus.SKIPPED, lease_until=None, attempts=attempts)
        return row.letter_id, None
    text, body, pdf_title = worded
    client = runtime.background_client(team_id)
    try:
        channel = row.channel or open_dm(client, row.user_id)
        if row.ts is None:
            sent = send_once(client, channel, text, body, marker_of(row), budget_seconds=5.0, look_first=attempts > 1)
            if not _record(runtime, row_id, channel=sent.channel, ts=sent.ts):
                return row.letter_id, None  # the claim ran out meanwhile: its new holder looks before it sends
            channel = sent.channel
        if row.kind == SignerMessageKind.THANKS and not row.file_shared:
            _upload(runtime, client, row, channel, pdf_title)
            _record(runtime, row_id, file_shared=True)
    except NotSent as failure:
        return row.letter_id, _failed(runtime, row_id, attempts, failure)
    _record(runtime, row_id, status=DeliveryStatus.SENT, attempts=attempts, lease_until=None, sent_at=utcnow())
    return row.letter_id, None


def _failed(runtime: Runtime, row_id: int, attempts: int, failure: NotSent) -> float | None:
    if failure.code == "ratelimited":
        wait = failure.retry_after or 1.0
        later = utcnow() + timedelta(seconds=wait)
        _record(runtime, row_id, status=DeliveryStatus.PENDING, claimed_by=None, lease_until=None, not_before=later)
        return wait
    if failure.transient and attempts < MAX_ATTEMPTS:
        log.info("signer message %s: %s; trying again later", row_id, failure.code)
        later = utcnow() + backoff(attempts)
        values = {"claimed_by": None, "lease_until": None, "not_before": later, "error": failure.code[:200]}
        _record(runtime, row_id, status=DeliveryStatus.PENDING, attempts=attempts, **values)
        return None
    log.warning("signer message %s could not be sent: %s", row_id, failure.code)
    _record(
        runtime, row_id, status=DeliveryStatus.FAILED, attempts=attempts, lease_until=None, error=failure.code[:200]
    )
    return None


def resolve_expired_claims(runtime: Runtime, now: datetime) -> None:
    """Claims whose lease ran out or whose process is gone go back to pending, with what the DM shows: a
    message found by its marker is recorded, so the next attempt only adds what is missing (the PDF)."""
    with runtime.db.read() as session:
        claimed = session.execute(
            select(SignerMessage.id, SignerMessage.claimed_by, SignerMessage.lease_until).where(*CLAIMED)
        ).all()
    for row_id, owner, lease_until in claimed:
        if (lease_until is not None and lease_until < now) or runtime.owner_is_gone(owner):
            _resolve(runtime, row_id, owner, now)


def _resolve(runtime: Runtime, row_id: int, owner: str | None, now: datetime) -> None:
    with runtime.db.read() as session:
        row = session.get(SignerMessage, row_id)
        if row is None:
            return
        session.expunge(row)
        letter = session.get(Letter, row.letter_id)
        team_id = letter.team_id if letter else None
    stale = [*CLAIMED, SignerMessage.claimed_by == owner if owner else SignerMessage.claimed_by.is_(None)]
    found: dict[str, object] = {}
    if row.ts is None:
        client = runtime.background_client(team_id)
        try:
            channel = row.channel or open_dm(client, row.user_id)
            ts = find_sent(client, channel, marker_of(row))
        except NotSent as failure:
            if failure.transient:  # Slack is not answering: look again a little later
                record(runtime.db, SignerMessage, row_id, where=stale, values={"lease_until": now + LEASE})
                return
            ts = None
        if ts:
            found = {"channel": channel, "ts": ts}
    # The stopped attempt counts, so the upload looks for its PDF before sending it again.
    values = {"status": DeliveryStatus.PENDING, "claimed_by": None, "lease_until": None, **found}
    values["attempts"] = row.attempts + 1
    record(runtime.db, SignerMessage, row_id, where=stale, values=values)
    log.info("signer message %s after a stopped claim: %s", row_id, "found in the DM" if row.ts or found else "sending")


def deliver_signer_messages(runtime: Runtime, on_progress: Callable[[set[int]], None] | None = None) -> None:
    """The thanks job: messages left by stopped processes, then every due one, paced.

    ``on_progress`` hears of the letters whose count the coordinator's confirmation was just brought up to
    date for (at most every PROGRESS_EVERY seconds while messages go out, and at the end).
    """
    resolve_expired_claims(runtime, utcnow())
    rate = runtime.settings.thanks_rate
    batch_size = max(1, min(20, round(rate * 4)))
    touched: set[int] = set()
    last_progress = time.monotonic()
    while True:
        now = utcnow()
        claimed = claim_many(
            runtime.db,
            SignerMessage,
            where=_due(now),
            values={"status": DeliveryStatus.CLAIMED, "claimed_by": runtime.worker_id, "lease_until": now + LEASE},
            order_by=[SignerMessage.id],
            limit=batch_size,
        )
        if not claimed:
            break
        unsent = list(claimed)
        try:
            for row_id in claimed:
                started = time.monotonic()
                unsent.remove(row_id)
                letter_id, pause = _deliver(runtime, row_id)
                if letter_id is not None:
                    touched.add(letter_id)
                if time.monotonic() - last_progress > PROGRESS_EVERY:
                    _refresh_all(runtime, touched, on_progress)
                    last_progress = time.monotonic()
                if pause:
                    log.info("Slack asked to wait %.1f s before the next message", pause)
                    release(runtime, unsent)
                    unsent = []
                    time.sleep(pause)
                    break
                time.sleep(max(0.0, 1.0 / rate - (time.monotonic() - started)))
        finally:
            release(runtime, unsent)
    _refresh_all(runtime, touched | _unfinished_progress(runtime), on_progress)


# ---------------------------------------------------------------------------------------------------
# The coordinator's count
# ---------------------------------------------------------------------------------------------------


def _unfinished_progress(runtime: Runtime) -> set[int]:
    """Letters whose confirmation does not show the latest count yet (another process sent the last ones)."""
    with runtime.db.read() as session:
        rows = session.execute(
            select(LetterDelivery.letter_id, LetterDelivery.progress_rendered).where(
                LetterDelivery.progress_ts.is_not(None), LetterDelivery.created_at > utcnow() - timedelta(days=7)
            )
        ).all()
        stale = set()
        for letter_id, rendered in rows:
            if rendered != _progress_key(session, letter_id):
                stale.add(letter_id)
    return stale


def _progress_key(session: Any, letter_id: int) -> str:
    thanks = delivery_service.progress(session, letter_id, SignerMessageKind.THANKS)
    response = delivery_service.progress(session, letter_id, SignerMessageKind.RESPONSE)
    return f"{thanks.key()}|{response.key()}"


def _refresh_all(runtime: Runtime, letter_ids: set[int], on_progress: Callable[[set[int]], None] | None = None) -> None:
    moved: set[int] = set()
    for letter_id in sorted(letter_ids):
        with runtime.db.read() as session:
            letter = session.get(Letter, letter_id)
            team_id = letter.team_id if letter else None
        try:
            if refresh_progress(runtime, runtime.background_client(team_id), letter_id):
                moved.add(letter_id)
        except NotSent as failure:
            log.info("delivery progress of letter %s: %s", letter_id, failure.code)
    if moved and on_progress is not None:
        on_progress(moved)


def refresh_progress(runtime: Runtime, client: WebClient, letter_id: int, *, post_to: str | None = None) -> bool:
    """Post (``post_to``: the coordinator who delivered) or update in place the delivery confirmation; whether
    it showed a new count."""
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        delivery = delivery_service.delivery_of(session, letter_id)
        if letter is None or delivery is None:
            return False
        session.expunge(delivery)
        key = _progress_key(session, letter_id)
        thanks = delivery_service.progress(session, letter_id, SignerMessageKind.THANKS)
        response = delivery_service.progress(session, letter_id, SignerMessageKind.RESPONSE)
        title = letter.title
    if post_to is None and (delivery.progress_ts is None or delivery.progress_rendered == key):
        return False
    w = words_for(runtime, delivery.delivered_by)
    text, body = blocks.progress_message(w, letter_id, title, delivery.delivered_on, delivery.count, thanks, response)
    if delivery.progress_ts and delivery.progress_channel:
        try:
            client.chat_update(channel=delivery.progress_channel, ts=delivery.progress_ts, text=text, blocks=body)
        except (SlackClientError, OSError) as error:
            raise classify(error) from error
        values: dict[str, object] = {"progress_rendered": key}
    else:
        channel = open_dm(client, delivery.delivered_by)
        sent = send_once(client, channel, text, body, Marker(PROGRESS_EVENT, str(delivery.id)))
        values = {"progress_channel": sent.channel, "progress_ts": sent.ts, "progress_rendered": key}
    record(runtime.db, LetterDelivery, delivery.id, values=values)
    return True
