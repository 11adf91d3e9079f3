"""Keeping receipts true: every change a receipt shows counts a revision (the receipts refresh job then updates
the DM in place), and a signer whose organization a coordinator merged or removed is owed a notice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.services.dialect import insert
from db.enums import DeliveryStatus
from db.models import Signatory, SignatoryNotice

MERGED = "merged"
REMOVED = "removed"
RESTORED = "restored"


def receipt_changed(signatory: Signatory) -> None:
    """The receipt no longer shows this signatory as it is: count a revision, so the refresh job updates it."""
    signatory.receipt_revision = (signatory.receipt_revision or 0) + 1


def tell_signer(
    session: Session, signatory: Signatory, kind: str, *, actor: str, now: datetime, into_id: int | None = None
) -> None:
    """Owe the signer a DM about a coordinator's change (once per change: the constraint settles a replay).

    Call after :func:`receipt_changed`: the revision names the change. Nobody is told about their own change.
    """
    if actor == signatory.signer_user_id:
        return
    session.flush()
    session.execute(
        insert(session, SignatoryNotice)
        .values(
            signatory_id=signatory.id,
            kind=kind,
            revision=signatory.receipt_revision,
            user_id=signatory.signer_user_id,
            actor_id=actor,
            into_id=into_id,
            status=DeliveryStatus.PENDING,
            attempts=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["signatory_id", "kind", "revision"])
    )
