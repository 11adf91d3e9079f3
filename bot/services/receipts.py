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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.runtime import Runtime
from bot.services import signons
from bot.services.dialect import skip_locked
from db.models import DuplicateReview, Letter, Signatory, SignatoryStatus

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
    with runtime.db.read() as session:
        if session.execute(select(Signatory.id).where(Signatory.receipt_status == "pending").limit(1)).first() is None:
            return []

    def work(session: Session) -> list[ClaimedReceipt]:
        candidates = (
            session.execute(
                select(Signatory.id)
                .where(Signatory.receipt_status == "pending")
                .order_by(Signatory.id)
                .limit(limit)
                .with_for_update(**skip_locked(session))
            )
            .scalars()
            .all()
        )
        if not candidates:
            return []
        claimed = (
            session.execute(
                update(Signatory)
                .where(Signatory.id.in_(candidates), Signatory.receipt_status == "pending")
                .values(receipt_status="claimed", receipt_claimed_by=runtime.worker_id)
                .returning(Signatory.id)
                .execution_options(synchronize_session=False)
            )
            .scalars()
            .all()
        )
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

    return runtime.db.transaction(work)


def finish(runtime: Runtime, signatory_id: int, status: str) -> None:
    runtime.db.transaction(
        lambda session: session.execute(
            update(Signatory)
            .where(Signatory.id == signatory_id, Signatory.receipt_status == "claimed")
            .values(receipt_status=status)
        )
    )


def release(runtime: Runtime, signatory_ids: Sequence[int]) -> None:
    """Give back receipts this process claimed and never tried to send."""
    if signatory_ids:
        runtime.db.transaction(
            lambda session: session.execute(
                update(Signatory)
                .where(
                    Signatory.id.in_(signatory_ids),
                    Signatory.receipt_status == "claimed",
                    Signatory.receipt_claimed_by == runtime.worker_id,
                )
                .values(receipt_status="pending", receipt_claimed_by=None)
            )
        )


def flag_near_duplicates(runtime: Runtime, receipts: Sequence[ClaimedReceipt]) -> None:
    """Flag likely duplicates of organizations that signed earlier (never of one that signed later, so two
    near-simultaneous spellings do not flag each other), in one write for the whole batch."""
    flagged: dict[int, int] = {}
    for receipt in receipts:
        if receipt.checkable:
            near = signons.likely_duplicate(
                runtime.db, receipt.letter_id, receipt.org_name, before_id=receipt.signatory_id
            )
            if near is not None:
                flagged[receipt.signatory_id] = near.id
    if not flagged:
        return

    def work(session: Session) -> None:
        for signatory_id, near_id in flagged.items():
            session.execute(
                update(Signatory)
                .where(Signatory.id == signatory_id, Signatory.duplicate_review.is_(None))
                .values(possible_duplicate_of_id=near_id, duplicate_review=DuplicateReview.PENDING)
            )

    runtime.db.transaction(work)


def release_dead_claims(runtime: Runtime, now: datetime) -> None:
    """Receipts claimed by a process that stopped: the one it may have been sending becomes unknown (never
    resent); the ones it had not reached yet go back to pending."""
    with runtime.db.read() as session:
        owners = {
            owner: lowest
            for owner, lowest in session.execute(
                select(Signatory.receipt_claimed_by, func.min(Signatory.id))
                .where(Signatory.receipt_status == "claimed")
                .group_by(Signatory.receipt_claimed_by)
            )
        }
    dead = {owner: lowest for owner, lowest in owners.items() if owner and runtime.owner_is_gone(owner)}
    if not dead:
        return

    def work(session: Session) -> None:
        for owner, lowest in dead.items():
            claimed_by_owner = (Signatory.receipt_status == "claimed", Signatory.receipt_claimed_by == owner)
            session.execute(
                update(Signatory).where(*claimed_by_owner, Signatory.id == lowest).values(receipt_status="unknown")
            )
            session.execute(
                update(Signatory)
                .where(*claimed_by_owner, Signatory.id > lowest)
                .values(receipt_status="pending", receipt_claimed_by=None)
            )
        log.info("receipts left claimed by %d stopped process(es) released", len(dead))

    runtime.db.transaction(work)
