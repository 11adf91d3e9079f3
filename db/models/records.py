"""Exports (their snapshots and requests) and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import (
    SLACK_ID_MAX,
    Base,
    LeasedSend,
)


class ExportSnapshot(Base):
    """A numbered export, remembered so the next one can say what changed."""

    __tablename__ = "export_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    count: Mapped[int] = mapped_column(Integer)
    signatory_ids: Mapped[list[int]] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("letter_id", "number"),)


class ExportRequest(LeasedSend, Base):
    """An export someone asked for (or the final list at a close), delivered by the exports job: claimed with a
    lease, tried again when Slack fails, and reported to the person when it cannot be delivered."""

    __tablename__ = "export_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    team_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    user_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    fmt: Mapped[str] = mapped_column(String(8))
    changes_only: Mapped[bool] = mapped_column(Boolean, default=False)
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(8))  # of the export's words; the person's own when None
    # Where to say that the export failed when even a DM cannot be sent (a slash command's, valid 30 minutes).
    response_url: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(String(200))
    snapshot_number: Mapped[int | None] = mapped_column(Integer)
    # What an earlier attempt delivered: not repeated, and replaced by the failure when the export gives up.
    message_channel: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    message_ts: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    files_shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_export_requests_status", "status", "not_before"),)


class AuditEntry(Base):
    """Every change to letters and signatories: who, when, what."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    team_id: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id", ondelete="SET NULL"))
    actor_user_id: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    action: Mapped[str] = mapped_column(String(48))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_audit_log_letter_at", "letter_id", "at"),)
