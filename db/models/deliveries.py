"""A letter's delivery (the frozen "delivered list") and the messages every signer gets about it, once each."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import SLACK_ID_MAX, Base, LeasedSend

DELIVERED_TO_MAX = 500
PUBLIC_LINK_MAX = 500
RESPONSE_TEXT_MAX = 3000


class LetterDelivery(Base):
    """When, to whom and how a letter was delivered, and which numbered export was the delivered list.

    One per letter (the constraint settles two coordinators submitting at once). ``response_*`` is the one
    follow-up to every signer ("The Department responded: …"), set once by a conditional update.
    """

    __tablename__ = "letter_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    delivered_on: Mapped[date] = mapped_column(Date)
    delivered_to: Mapped[str] = mapped_column(String(DELIVERED_TO_MAX))
    method: Mapped[str] = mapped_column(String(16))
    public_link: Mapped[str | None] = mapped_column(String(PUBLIC_LINK_MAX))
    # The export snapshot frozen as the delivered list (export_snapshots.number), and its count.
    snapshot_number: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    delivered_by: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    created_at: Mapped[datetime]
    # The coordinator's confirmation DM, updated in place with the thanks' progress.
    progress_channel: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    progress_ts: Mapped[str | None] = mapped_column(String(32))
    progress_rendered: Mapped[str | None] = mapped_column(String(64))
    response_text: Mapped[str | None] = mapped_column(Text)
    response_by: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    response_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("letter_id"),)


class SignerMessage(LeasedSend, Base):
    """One DM to one person about a delivered letter: claimed with a lease, sent once, recorded.

    One row per letter, kind and person (the constraint): a person who signed for two organizations, or who is
    a contact of several, gets one message.
    """

    __tablename__ = "signer_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    team_id: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    error: Mapped[str | None] = mapped_column(String(200))
    # Where the message went (an attempt that finds it set does not post again), and whether its PDF followed.
    channel: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    ts: Mapped[str | None] = mapped_column(String(32))
    file_shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("letter_id", "kind", "user_id"),
        Index("ix_signer_messages_status", "status", "not_before"),
    )
