"""Receipts for new sign-ons: claimed one at a time, flagged for near-duplicates, sent once.

A sign-on commits with ``receipt_status = 'pending'`` and is acknowledged at once. This job then claims
each pending receipt (``pending`` -> ``claimed``) before it checks for a likely duplicate organization and
sends the DM, so a rush of sign-ons never waits on Slack, receipts go out at a pace Slack accepts, and a
receipt is sent once even with several processes; a crash leaves at most the one in flight ``unknown``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.runtime import Runtime
from bot.services import signons
from bot.services.dialect import changed, skip_locked
from db.models import DuplicateReview, Signatory, SignatoryStatus

log = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=5)


def claim_next(runtime: Runtime) -> int | None:
    """Claim the oldest pending receipt; None when there is none."""

    def work(session: Session) -> int | None:
        candidate = session.execute(
            select(Signatory.id)
            .where(Signatory.receipt_status == "pending")
            .order_by(Signatory.id)
            .limit(1)
            .with_for_update(**skip_locked(session))
        ).scalar_one_or_none()
        if candidate is None:
            return None
        result = session.execute(
            update(Signatory)
            .where(Signatory.id == candidate, Signatory.receipt_status == "pending")
            .values(receipt_status="claimed", receipt_claimed_by=runtime.worker_id)
        )
        return candidate if changed(result) else None

    with runtime.db.read() as session:
        if session.execute(select(Signatory.id).where(Signatory.receipt_status == "pending").limit(1)).first() is None:
            return None
    return runtime.db.transaction(work)


def finish(runtime: Runtime, signatory_id: int, status: str) -> None:
    runtime.db.transaction(
        lambda session: session.execute(
            update(Signatory)
            .where(Signatory.id == signatory_id, Signatory.receipt_status == "claimed")
            .values(receipt_status=status)
        )
    )


def flag_near_duplicate(runtime: Runtime, signatory_id: int) -> None:
    """Flag a likely duplicate of an organization that signed earlier (never one that signed later, so two
    near-simultaneous spellings do not flag each other)."""
    with runtime.db.read() as session:
        signatory = session.get(Signatory, signatory_id)
        if signatory is None or signatory.status != SignatoryStatus.ACTIVE or signatory.duplicate_review is not None:
            return
        letter_id, org_name = signatory.letter_id, signatory.org_name
    near = signons.likely_duplicate(runtime.db, letter_id, org_name, before_id=signatory_id)
    if near is None:
        return
    runtime.db.transaction(
        lambda session: session.execute(
            update(Signatory)
            .where(Signatory.id == signatory_id, Signatory.duplicate_review.is_(None))
            .values(possible_duplicate_of_id=near.id, duplicate_review=DuplicateReview.PENDING)
        )
    )


def release_dead_claims(runtime: Runtime, now: datetime) -> None:
    """Receipts claimed by a process that stopped may have been sent: mark them unknown, never resend."""
    with runtime.db.read() as session:
        owners = set(
            session.execute(
                select(Signatory.receipt_claimed_by).where(Signatory.receipt_status == "claimed").distinct()
            ).scalars()
        )
    dead = [owner for owner in owners if runtime.owner_is_gone(owner)]
    if dead:
        runtime.db.transaction(
            lambda session: session.execute(
                update(Signatory)
                .where(Signatory.receipt_status == "claimed", Signatory.receipt_claimed_by.in_(dead))
                .values(receipt_status="unknown")
            )
        )
