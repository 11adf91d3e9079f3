"""Receipts for new sign-ons: claimed a batch at a time, flagged for near-duplicates, sent once.

A sign-on commits with ``receipt_status = 'pending'`` and is acknowledged at once. This job then claims
pending receipts (``pending`` -> ``claimed``) in small batches before it checks for likely duplicate
organizations and sends the DMs, so a rush of sign-ons never waits on Slack, receipts go out at a pace
Slack accepts, and a receipt is sent once even with several processes.

A process sends its claimed receipts in id order and finishes each one as soon as Slack answered, so when it
dies only its lowest still-claimed receipt can have been in flight: that one becomes ``unknown`` (never
resent), and the rest of its batch goes back to ``pending``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from slack_sdk import WebClient
from slack_sdk.errors import SlackRequestError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.blocks.signon import receipt_message
from bot.delivery.claim import claim_many, record
from bot.runtime import Runtime
from bot.services.letters.queries import titles_in
from bot.services.signing.duplicates import flag_near_duplicates as flag
from bot.services.signing.queries import receipt_view
from bot.slack.api import send_dm
from bot.slack.language import words_for
from db.enums import ReceiptStatus, SignatoryStatus
from db.models import Letter, Signatory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClaimedReceipt:
    signatory_id: int
    letter_id: int
    team_id: str | None
    org_name: str
    # Active and not yet reviewed: worth a near-duplicate check.
    checkable: bool


def claim_batch(runtime: Runtime, limit: int) -> list[ClaimedReceipt]:
    """Claim up to ``limit`` of the oldest pending receipts, in id order; [] when there are none."""
    pending = Signatory.receipt_status == ReceiptStatus.PENDING
    with runtime.db.read() as session:
        if session.execute(select(Signatory.id).where(pending).limit(1)).first() is None:
            return []
    claimed = claim_many(
        runtime.db,
        Signatory,
        where=[pending],
        values={"receipt_status": ReceiptStatus.CLAIMED, "receipt_claimed_by": runtime.worker_id},
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


def _finish(runtime: Runtime, signatory_id: int, status: ReceiptStatus) -> None:
    record(
        runtime.db,
        Signatory,
        signatory_id,
        where=[Signatory.receipt_status == ReceiptStatus.CLAIMED],
        values={"receipt_status": status},
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
                .values(receipt_status=ReceiptStatus.PENDING, receipt_claimed_by=None)
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


def release_dead_claims(runtime: Runtime) -> None:
    """Receipts claimed by a process that stopped: the one it may have been sending becomes unknown (never
    resent); the ones it had not reached yet go back to pending."""
    claimed = Signatory.receipt_status == ReceiptStatus.CLAIMED
    with runtime.db.read() as session:
        owners = {
            owner: lowest
            for owner, lowest in session.execute(
                select(Signatory.receipt_claimed_by, func.min(Signatory.id))
                .where(claimed)
                .group_by(Signatory.receipt_claimed_by)
            )
        }
    dead = {owner: lowest for owner, lowest in owners.items() if owner and runtime.owner_is_gone(owner)}
    if not dead:
        return

    def work(session: Session) -> None:
        for owner, lowest in dead.items():
            claimed_by_owner = (claimed, Signatory.receipt_claimed_by == owner)
            session.execute(
                update(Signatory)
                .where(*claimed_by_owner, Signatory.id == lowest)
                .values(receipt_status=ReceiptStatus.UNKNOWN)
            )
            session.execute(
                update(Signatory)
                .where(*claimed_by_owner, Signatory.id > lowest)
                .values(receipt_status=ReceiptStatus.PENDING, receipt_claimed_by=None)
            )
        log.info("receipts left claimed by %d stopped process(es) released", len(dead))

    runtime.db.transaction(work)


def send_receipt(
    runtime: Runtime,
    client: WebClient,
    signatory_id: int,
    *,
    user_id: str | None = None,
    updated: bool = False,
) -> bool:
    """DM what was recorded (to ``user_id``, default the signer), or say so in the channel where DMs are
    not allowed. True when Slack took the message."""
    with runtime.db.read() as session:
        receipt = receipt_view(session, signatory_id)
    if receipt is None:
        return False
    recipient = user_id or receipt.recipient_id
    w = words_for(runtime, recipient)
    with runtime.db.read() as session:
        translated = titles_in(session, [receipt.letter_id], w.language).get(receipt.letter_id)
    receipt = replace(receipt, letter_title=translated or receipt.letter_title)
    text, blocks = receipt_message(w, receipt, heading=w.receipt_updated() if updated else w.receipt_you_signed())
    return send_dm(client, recipient, text, blocks, fallback_channel=receipt.fallback_channel_id) is not None


def _send_claimed(runtime: Runtime, signatory_id: int, team_id: str | None) -> None:
    try:
        sent = send_receipt(runtime, runtime.client(team_id), signatory_id)
    except (SlackRequestError, OSError) as error:
        # The connection broke: Slack may have the message, so it is not sent again.
        log.warning("receipt for signatory %s: %s; not resent", signatory_id, type(error).__name__)
        _finish(runtime, signatory_id, ReceiptStatus.UNKNOWN)
        return
    except Exception:
        # Slack may have the message: never sent again, and not left claimed by a process that lives on.
        _finish(runtime, signatory_id, ReceiptStatus.UNKNOWN)
        raise
    _finish(runtime, signatory_id, ReceiptStatus.SENT if sent else ReceiptStatus.FAILED)


def deliver_receipts(runtime: Runtime) -> None:
    """Send pending receipts, at most SIGNON_RECEIPT_RATE a second from this process."""
    release_dead_claims(runtime)
    rate = runtime.settings.receipt_rate
    # About a second's worth per claim: few write transactions during a rush of sign-ons, and a batch that
    # goes back to pending quickly if this process stops.
    batch_size = max(1, round(rate))
    while claimed := claim_batch(runtime, batch_size):
        flag_near_duplicates(runtime, claimed)
        unsent = [receipt.signatory_id for receipt in claimed]
        try:
            for receipt in claimed:
                started = time.monotonic()
                unsent.remove(receipt.signatory_id)
                _send_claimed(runtime, receipt.signatory_id, receipt.team_id)
                time.sleep(max(0.0, 1.0 / rate - (time.monotonic() - started)))
        finally:
            release(runtime, unsent)
