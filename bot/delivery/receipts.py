"""Receipts for new sign-ons: claimed a batch at a time, flagged for near-duplicates, sent once.

A sign-on commits with ``receipt_status = 'pending'`` and is acknowledged at once. This job then claims pending
receipts (``pending`` -> ``claimed``, with a lease) in small batches, checks them for likely duplicate
organizations and sends the DMs, so a rush of sign-ons never waits on Slack and receipts go out at a pace Slack
accepts. Each DM carries a marker (bot/slack/sending.py): a claim whose lease ran out (its process stopped) is
resolved by looking for the DM, so the receipt is sent once and never lost. Transient failures (5xx, 429,
timeouts) go back to ``pending`` with a growing delay; after MAX_ATTEMPTS the receipt is ``failed``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from bot.blocks.receipts import receipt_message
from bot.delivery.claim import backoff, claim_many, claim_one, record
from bot.messages import Words
from bot.runtime import Runtime
from bot.services.dialect import insert
from bot.services.letters.queries import titles_in
from bot.services.signing.duplicates import flag_near_duplicates as flag
from bot.services.signing.queries import ReceiptView, receipt_view
from bot.slack.api import DM_REFUSALS, send_dm
from bot.slack.language import words_for
from bot.slack.sending import Marker, NotSent, classify, find_sent, open_dm, send_once
from bot.timeutil import utcnow
from db.enums import ReceiptStatus, SignatoryStatus
from db.models import Letter, ReceiptCopy, Signatory

log = logging.getLogger(__name__)

RECEIPT_LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
RECEIPT_EVENT = "signon_receipt"


@dataclass(frozen=True)
class ClaimedReceipt:
    signatory_id: int
    letter_id: int
    team_id: str | None
    org_name: str
    # Active and not yet reviewed: worth a near-duplicate check.
    checkable: bool


def _due(now: datetime) -> list[ColumnElement[bool]]:
    return [
        Signatory.receipt_status == ReceiptStatus.PENDING,
        or_(Signatory.receipt_not_before.is_(None), Signatory.receipt_not_before <= now),
    ]


def claim_batch(runtime: Runtime, limit: int) -> list[ClaimedReceipt]:
    """Claim up to ``limit`` of the oldest due receipts, in id order; [] when there are none."""
    now = utcnow()
    with runtime.db.read() as session:
        if session.execute(select(Signatory.id).where(*_due(now)).limit(1)).first() is None:
            return []
    claimed = claim_many(
        runtime.db,
        Signatory,
        where=_due(now),
        values={
            "receipt_status": ReceiptStatus.CLAIMED,
            "receipt_claimed_by": runtime.worker_id,
            "receipt_lease_until": now + RECEIPT_LEASE,
        },
        order_by=[Signatory.id],
        limit=limit,
    )
    if not claimed:
        return []
    with runtime.db.read() as session:
        rows = session.execute(
            select(
                Signatory.id,
                Signatory.letter_id,
                Letter.team_id,
                Signatory.org_name,
                Signatory.status,
                Signatory.duplicate_review,
            )
            .join(Letter, Letter.id == Signatory.letter_id)
            .where(Signatory.id.in_(claimed))
            .order_by(Signatory.id)
        ).all()
    return [
        ClaimedReceipt(
            row.id,
            row.letter_id,
            row.team_id,
            row.org_name,
            row.status == SignatoryStatus.ACTIVE and row.duplicate_review is None,
        )
        for row in rows
    ]


STILL_CLAIMED = [Signatory.receipt_status == ReceiptStatus.CLAIMED]


def _finish(runtime: Runtime, signatory_id: int, status: ReceiptStatus, **values: object) -> None:
    record(
        runtime.db,
        Signatory,
        signatory_id,
        where=STILL_CLAIMED,
        values={"receipt_status": status, "receipt_lease_until": None, **values},
    )


def _try_later(runtime: Runtime, signatory_id: int, attempts: int, code: str) -> None:
    if attempts >= MAX_ATTEMPTS:
        log.warning("receipt for signatory %s: %s after %d attempts; giving up", signatory_id, code, attempts)
        _finish(runtime, signatory_id, ReceiptStatus.FAILED, receipt_attempts=attempts)
        return
    log.info("receipt for signatory %s: %s; trying again later", signatory_id, code)
    _finish(
        runtime,
        signatory_id,
        ReceiptStatus.PENDING,
        receipt_attempts=attempts,
        receipt_claimed_by=None,
        receipt_not_before=utcnow() + backoff(attempts),
    )


def release(runtime: Runtime, signatory_ids: Sequence[int]) -> None:
    """Give back receipts this process claimed and never tried to send."""
    if signatory_ids:
        runtime.db.transaction(
            lambda session: session.execute(
                update(Signatory)
                .where(
                    Signatory.id.in_(signatory_ids),
                    Signatory.receipt_status == ReceiptStatus.CLAIMED,
                    Signatory.receipt_claimed_by == runtime.worker_id,
                )
                .values(receipt_status=ReceiptStatus.PENDING, receipt_claimed_by=None, receipt_lease_until=None)
            )
        )


def flag_near_duplicates(runtime: Runtime, receipts: Sequence[ClaimedReceipt]) -> None:
    """Flag likely duplicates of organizations that signed earlier (never of one that signed later, so two
    near-simultaneous spellings do not flag each other), in one write for the whole batch."""
    flagged: dict[int, int] = {}
    with runtime.db.read() as session:
        for receipt in receipts:
            if receipt.checkable:
                near = runtime.names.likely_duplicate(
                    session, receipt.letter_id, receipt.org_name, before_id=receipt.signatory_id
                )
                if near is not None:
                    flagged[receipt.signatory_id] = near.id
    if flagged:
        runtime.db.transaction(lambda session: flag(session, flagged))


def marker_of(signatory: Signatory) -> Marker:
    # A withdrawn organization that signs again gets a new receipt: the signing time tells them apart.
    return Marker(RECEIPT_EVENT, f"{signatory.id}:{int(signatory.signed_at.timestamp())}")


def for_reader(runtime: Runtime, receipt: ReceiptView, recipient: str) -> tuple[Words, ReceiptView]:
    """The recipient's words, and the receipt with the letter's title in their language when it has one."""
    w = words_for(runtime, recipient)
    with runtime.db.read() as session:
        translated = titles_in(session, [receipt.letter_id], w.language).get(receipt.letter_id)
    return w, replace(receipt, letter_title=translated or receipt.letter_title)


def send_receipt(
    runtime: Runtime, client: WebClient, signatory_id: int, *, user_id: str | None = None, updated: bool = False
) -> bool:
    """DM what was recorded (to ``user_id``, default the signer) now, outside the receipts job (an edit, a
    person just added); or say so in the channel where DMs are not allowed. True when Slack took it."""
    with runtime.db.read() as session:
        receipt = receipt_view(session, signatory_id)
    if receipt is None:
        return False
    recipient = user_id or receipt.recipient_id
    w, receipt = for_reader(runtime, receipt, recipient)
    text, blocks = receipt_message(w, receipt, heading=w.receipt_updated() if updated else w.receipt_you_signed())
    sent = send_dm(client, recipient, text, blocks, fallback_channel=receipt.fallback_channel_id)
    if sent is not None and sent.ts and not sent.ephemeral and recipient != receipt.recipient_id:
        # Someone besides the signer holds a receipt now: the refresh job keeps it current too.
        channel, ts, revision = sent.channel, sent.ts, receipt.revision
        runtime.db.transaction(
            lambda session: record_copy(
                session, signatory_id, user_id=recipient, channel=channel, ts=ts, revision=revision, now=utcnow()
            )
        )
    return sent is not None


def record_copy(
    session: Session, signatory_id: int, *, user_id: str, channel: str, ts: str, revision: int, now: datetime
) -> None:
    session.execute(
        insert(session, ReceiptCopy)
        .values(
            signatory_id=signatory_id,
            user_id=user_id,
            channel=channel,
            ts=ts,
            shown_revision=revision,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["channel", "ts"])
    )


def _still_mine(runtime: Runtime, signatory_id: int) -> bool:
    """Renew this process's claim on a receipt right before sending it. A batch is claimed at once and sent one
    by one, slowly when Slack fails; a receipt whose lease ran out meanwhile may have been resolved by another
    process (and sent by it), so it is sent only if the claim is still this process's."""
    return claim_one(
        runtime.db,
        Signatory,
        signatory_id,
        where=[*STILL_CLAIMED, Signatory.receipt_claimed_by == runtime.worker_id],
        values={"receipt_lease_until": utcnow() + RECEIPT_LEASE},
    )


def _deliver(runtime: Runtime, client: WebClient, signatory_id: int) -> None:
    """Send one claimed receipt and record the outcome."""
    if not _still_mine(runtime, signatory_id):
        log.info(
            "receipt for signatory %s: claim taken over while waiting in its batch; left to its new owner", signatory_id
        )
        return
    with runtime.db.read() as session:
        signatory = session.get(Signatory, signatory_id)
        receipt = receipt_view(session, signatory_id)
        if signatory is None or receipt is None:
            return
        marker, attempts = marker_of(signatory), signatory.receipt_attempts + 1
    w, receipt = for_reader(runtime, receipt, receipt.recipient_id)
    text, blocks = receipt_message(w, receipt, heading=w.receipt_you_signed())
    try:
        channel = open_dm(client, receipt.recipient_id)
        sent = send_once(client, channel, text, blocks, marker, look_first=attempts > 1)
    except NotSent as failure:
        if failure.code in DM_REFUSALS and receipt.fallback_channel_id:
            # DMs not allowed (some Slack Connect guests): say it where they signed, for them only.
            fallback = send_dm(client, receipt.recipient_id, text, blocks, fallback_channel=receipt.fallback_channel_id)
            if fallback is not None:
                _finish(runtime, signatory_id, ReceiptStatus.SENT, receipt_attempts=attempts)
                return
        if failure.transient:
            _try_later(runtime, signatory_id, attempts, failure.code)
        else:
            log.warning("receipt for signatory %s: %s", signatory_id, failure.code)
            _finish(runtime, signatory_id, ReceiptStatus.FAILED, receipt_attempts=attempts)
        return
    # The receipt shows the sign-on as it was read above; a change since is refreshed in place (refreshes.py).
    where = {"receipt_channel": sent.channel, "receipt_ts": sent.ts, "receipt_shown_revision": receipt.revision}
    _finish(runtime, signatory_id, ReceiptStatus.SENT, receipt_attempts=attempts, **where)


def resolve_expired_claims(runtime: Runtime, now: datetime) -> None:
    """Receipts whose claim outlived its lease (the process stopped mid-send, or stopped on the same host just
    now): found in the DM means sent; not found means it goes back to pending. Never lost, never doubled."""
    with runtime.db.read() as session:
        claimed = session.execute(
            select(Signatory.id, Signatory.receipt_claimed_by, Signatory.receipt_lease_until).where(
                Signatory.receipt_status == ReceiptStatus.CLAIMED
            )
        ).all()
    expired = [
        (row.id, row.receipt_claimed_by)
        for row in claimed
        if (row.receipt_lease_until is not None and row.receipt_lease_until < now)
        or runtime.owner_is_gone(row.receipt_claimed_by)
    ]
    for signatory_id, owner in expired:
        _resolve(runtime, signatory_id, owner, now)


def _resolve(runtime: Runtime, signatory_id: int, owner: str | None, now: datetime) -> None:
    # Only the claim seen as stopped is resolved: another worker may have resolved it and claimed it afresh
    # since, and its new claim is not this one's to give back.
    stopped_claim = [*STILL_CLAIMED, Signatory.receipt_claimed_by == owner]
    with runtime.db.read() as session:
        signatory = session.get(Signatory, signatory_id)
        if signatory is None:
            return
        letter = session.get(Letter, signatory.letter_id)
        marker, recipient = marker_of(signatory), signatory.signer_user_id
        team_id = letter.team_id if letter else None
    client = runtime.client(team_id)
    try:
        channel = open_dm(client, recipient)
        found = find_sent(client, channel, marker)
    except (NotSent, SlackClientError, OSError) as error:
        failure = error if isinstance(error, NotSent) else classify(error)
        if failure.transient:
            # Slack is not answering: keep the claim, look again a little later.
            record(
                runtime.db,
                Signatory,
                signatory_id,
                where=stopped_claim,
                values={"receipt_lease_until": now + RECEIPT_LEASE},
            )
            return
        found = None  # no DM to search (DMs refused): the fallback decides again
    if found:
        values: dict[str, object] = {"receipt_status": ReceiptStatus.SENT, "receipt_ts": found}
        values["receipt_channel"] = channel
    else:
        values = {"receipt_status": ReceiptStatus.PENDING, "receipt_claimed_by": None}
    record(runtime.db, Signatory, signatory_id, where=stopped_claim, values={"receipt_lease_until": None, **values})
    log.info("receipt for signatory %s after a stopped claim: %s", signatory_id, "sent" if found else "sending again")


def deliver_receipts(runtime: Runtime) -> None:
    """Send due receipts, at most SIGNON_RECEIPT_RATE a second from this process."""
    resolve_expired_claims(runtime, utcnow())
    rate = runtime.settings.receipt_rate
    # About a second's worth per claim: few write transactions during a rush of sign-ons, and a batch that
    # goes back to pending quickly if this process stops.
    batch_size = max(1, round(rate))
    while claimed := claim_batch(runtime, batch_size):
        unsent = [receipt.signatory_id for receipt in claimed]
        try:
            flag_near_duplicates(runtime, claimed)
            for receipt in claimed:
                started = time.monotonic()
                unsent.remove(receipt.signatory_id)
                _deliver(runtime, runtime.background_client(receipt.team_id), receipt.signatory_id)
                time.sleep(max(0.0, 1.0 / rate - (time.monotonic() - started)))
        finally:
            release(runtime, unsent)
