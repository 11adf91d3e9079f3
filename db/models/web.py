"""The public sign-on page's own rows: its rate-limit counters and the emails it sends, once each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import EMAIL_MAX, LANGUAGE_MAX, WEB_TOKEN_MAX, Base, LeasedSend

RATE_BUCKET_MAX = 160


class WebRateCount(Base):
    """How many requests one bucket (a client address, or a letter) made in one fixed window.

    Kept in the database so that every process and host counts against the same limit; an INSERT … ON CONFLICT
    increments it in one statement.
    """

    __tablename__ = "web_rate_counts"

    bucket: Mapped[str] = mapped_column(String(RATE_BUCKET_MAX), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_web_rate_counts_window", "window_start"),)


class WebEmail(LeasedSend, Base):
    """One email to a web signer (the confirmation with its edit and withdraw links): claimed, sent, recorded.

    One per sign-on and nonce (the constraint): the same submission twice makes one email. A claim whose
    process stopped mid-send becomes ``unknown``, never sent again blindly (SMTP has no way to look).
    """

    __tablename__ = "web_emails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signatory_id: Mapped[int] = mapped_column(ForeignKey("signatories.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(WEB_TOKEN_MAX))
    recipient: Mapped[str] = mapped_column(String(EMAIL_MAX))
    language: Mapped[str] = mapped_column(String(LANGUAGE_MAX))
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("signatory_id", "nonce"),
        Index("ix_web_emails_status", "status"),
    )
