"""Signatories (one per organization and letter) and the people who may act for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.enums import SignatoryStatus
from db.models.base import (
    CITY_STATE_MAX,
    EMAIL_MAX,
    NOTE_MAX,
    ORG_NAME_MAX,
    ORG_TYPE_MAX,
    PERSON_NAME_MAX,
    SLACK_ID_MAX,
    TITLE_MAX,
    WEB_TOKEN_MAX,
    Base,
    LeasedSend,
)


class Signatory(Base):
    """One organization's signature on one letter."""

    __tablename__ = "signatories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    org_name: Mapped[str] = mapped_column(String(ORG_NAME_MAX))
    org_key: Mapped[str] = mapped_column(String(ORG_NAME_MAX))
    status: Mapped[str] = mapped_column(String(16), default=SignatoryStatus.ACTIVE)
    signer_user_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    signer_team_id: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    signer_name: Mapped[str] = mapped_column(String(PERSON_NAME_MAX))
    signer_title: Mapped[str] = mapped_column(String(TITLE_MAX))
    signer_email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    city_state: Mapped[str | None] = mapped_column(String(CITY_STATE_MAX))
    org_type: Mapped[str | None] = mapped_column(String(ORG_TYPE_MAX))
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    source: Mapped[str] = mapped_column(String(24))
    source_channel_id: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    version_confirmed: Mapped[int] = mapped_column(Integer, default=1)
    # Set when a substantive edit asks the signer to confirm again; cleared on keep or withdraw.
    reconfirm_requested_version: Mapped[int | None] = mapped_column(Integer)
    # The version whose re-confirmation DM was claimed for sending (so it goes out once).
    reconfirm_sent_version: Mapped[int | None] = mapped_column(Integer)
    # The letter's reminder round (letters.reconfirm_round) whose DM was claimed for sending to this signer.
    reconfirm_reminded: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    signed_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("signatories.id"))
    possible_duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("signatories.id"))
    duplicate_review: Mapped[str | None] = mapped_column(String(16))
    # The signer's receipt DM, sent by a background job so a rush of sign-ons is acknowledged at once and
    # receipts follow at a pace Slack accepts: pending -> claimed -> sent | failed | unknown.
    receipt_status: Mapped[str | None] = mapped_column(String(16))
    receipt_claimed_by: Mapped[str | None] = mapped_column(String(64))
    # A claim that outlives its lease belongs to a process that stopped: another resolves it (bot/delivery).
    receipt_lease_until: Mapped[datetime | None]
    receipt_attempts: Mapped[int] = mapped_column(Integer, default=0)
    receipt_not_before: Mapped[datetime | None]
    # Where the receipt went, so it can be found again (after a crash) and kept current.
    receipt_channel: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    receipt_ts: Mapped[str | None] = mapped_column(String(32))
    # Each change a receipt should show (edit, withdrawal, merge, removal, confirmation) counts one revision; the
    # receipt in Slack shows ``receipt_shown_revision``. A process claims the refresh (``refresh_claimed_by``,
    # with a lease), updates the message in place with chat.update and records the revision it showed.
    receipt_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    receipt_shown_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    refresh_claimed_by: Mapped[str | None] = mapped_column(String(64))
    refresh_lease_until: Mapped[datetime | None]
    # A sign-on from the public page: the secret its emailed links carry (new at every sign-on, so links of an
    # earlier one stop working), and who let it through (``email``, or the approving coordinator).
    web_nonce: Mapped[str | None] = mapped_column(String(WEB_TOKEN_MAX))
    verified_at: Mapped[datetime | None]
    verified_by: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))

    contacts: Mapped[list[SignatoryContact]] = relationship(
        back_populates="signatory",
        order_by="SignatoryContact.id",
        cascade="all, delete-orphan",
        foreign_keys="SignatoryContact.signatory_id",
    )

    __table_args__ = (
        UniqueConstraint("letter_id", "org_key"),
        Index("ix_signatories_letter_status", "letter_id", "status"),
        Index("ix_signatories_letter_updated", "letter_id", "updated_at"),
        Index("ix_signatories_signer", "signer_user_id"),
        Index("ix_signatories_receipt", "receipt_status"),
        Index("ix_signatories_refresh", "receipt_status", "receipt_shown_revision", "receipt_revision"),
    )


class SignatoryContact(Base):
    """A person who signed, or tried to sign, for an organization (the first signer included).

    Being recorded is not being trusted: only the signer and the people ``may_act`` (added by the signer or a
    coordinator) may edit, withdraw or confirm the organization's sign-on. A second staff member who submits
    the form is recorded as a contact and can ask to be added.
    """

    __tablename__ = "signatory_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signatory_id: Mapped[int] = mapped_column(ForeignKey("signatories.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    team_id: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    name: Mapped[str] = mapped_column(String(PERSON_NAME_MAX))
    title: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    is_signer: Mapped[bool] = mapped_column(Boolean, default=False)
    may_act: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    source: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime]

    signatory: Mapped[Signatory] = relationship(back_populates="contacts", foreign_keys=[signatory_id])

    __table_args__ = (
        UniqueConstraint("signatory_id", "user_id"),
        Index("ix_signatory_contacts_user", "user_id"),
    )


class SignatoryNotice(LeasedSend, Base):
    """A DM telling a signer that a coordinator changed their sign-on (merged it into another organization, or
    removed it): claimed with a lease, sent once (a marker in its metadata), recorded.

    One row per signatory, kind and change (``revision`` is the signatory's ``receipt_revision`` after it), so a
    retry, a double click or two processes make one notice, and a later change makes a new one.
    """

    __tablename__ = "signatory_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signatory_id: Mapped[int] = mapped_column(ForeignKey("signatories.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    # The coordinator who made the change, and the organization it was merged into (merges only).
    actor_id: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    into_id: Mapped[int | None] = mapped_column(ForeignKey("signatories.id", ondelete="SET NULL"))
    ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("signatory_id", "kind", "revision"),
        Index("ix_signatory_notices_status", "status"),
    )


class ReceiptCopy(Base):
    """A receipt DM sent to someone besides the signer (a person the signer added, a coordinator who edited the
    sign-on): kept current like the signer's, with the same claim (``claimed_by`` and a lease) and the revision it
    shows. One row per message (the constraint)."""

    __tablename__ = "receipt_copies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signatory_id: Mapped[int] = mapped_column(ForeignKey("signatories.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    channel: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    ts: Mapped[str] = mapped_column(String(32))
    shown_revision: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("channel", "ts"), Index("ix_receipt_copies_signatory", "signatory_id"))
