"""Reminder runs, one delivery per person and run, and the people who asked to stop them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.enums import DeliveryStatus, RunStatus
from db.models.base import (
    SLACK_ID_MAX,
    Base,
)


class ReminderRun(Base):
    """One reminder offset of one letter: planned once (members listed), then sent person by person."""

    __tablename__ = "reminder_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    offset_seconds: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.PENDING)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    planned_count: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    digest_sent_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        UniqueConstraint("letter_id", "offset_seconds"),
        Index("ix_reminder_runs_status_due", "status", "due_at"),
    )


class ReminderDelivery(Base):
    """One reminder DM to one person: claimed in the database before it is sent, so it is sent once."""

    __tablename__ = "reminder_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("reminder_runs.id", ondelete="CASCADE"))
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    offset_seconds: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    channel_id: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    ts: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        UniqueConstraint("letter_id", "user_id", "offset_seconds"),
        Index("ix_reminder_deliveries_status_due", "status", "due_at"),
        Index("ix_reminder_deliveries_run", "run_id", "status"),
    )


class ReminderMute(Base):
    """A member who asked not to be reminded about a letter (or said their organization already signed)."""

    __tablename__ = "reminder_mutes"

    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX), primary_key=True)
    reason: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime]
