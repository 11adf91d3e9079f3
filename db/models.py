"""The signon data model: letters, their versions and posts, signatories and contacts, reminders, audit.

Every rule that must hold across threads and processes is a database constraint, not a Python check:
one signatory per normalized organization key per letter, one reminder delivery per letter, person and
offset, one post per letter and channel. All times are UTC (`UTCDateTime`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.enums import CoordinatorRole, DeliveryStatus, Language, LetterStatus, RunStatus, SignatoryStatus
from db.types import UTCDateTime

# Named constraints let Alembic's batch mode alter them on SQLite later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Lengths shared by the modal inputs (max_length) and the columns, so a value that passes the form fits.
ORG_NAME_MAX = 200
PERSON_NAME_MAX = 120
TITLE_MAX = 120
EMAIL_MAX = 254
CITY_STATE_MAX = 120
ORG_TYPE_MAX = 60
NOTE_MAX = 1000
LETTER_TITLE_MAX = 150
LETTER_TEXT_MAX = 20000
SLACK_ID_MAX = 32
LANGUAGE_MAX = 8


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Letter(Base):
    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX), index=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    title: Mapped[str] = mapped_column(String(LETTER_TITLE_MAX))
    # The main language: the title above, the channel posts, and the versions in it (see LetterTranslation).
    language: Mapped[str] = mapped_column(String(LANGUAGE_MAX), default=Language.EN, server_default=Language.EN)
    status: Mapped[str] = mapped_column(String(16), default=LetterStatus.OPEN)
    deadline_at: Mapped[datetime]
    # Comma-separated offsets like "72h,24h,2h" (see bot.settings.parse_durations).
    reminder_schedule: Mapped[str] = mapped_column(String(200))
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    # Claimed by the one process that announces the close (final count, export to coordinators).
    close_announced_at: Mapped[datetime | None]
    last_digest_at: Mapped[datetime | None]
    last_digest_signatory_id: Mapped[int] = mapped_column(Integer, default=0)

    versions: Mapped[list[LetterVersion]] = relationship(
        back_populates="letter", order_by="LetterVersion.number", cascade="all, delete-orphan"
    )
    coordinators: Mapped[list[LetterCoordinator]] = relationship(back_populates="letter", cascade="all, delete-orphan")
    lead_organizations: Mapped[list[LeadOrganization]] = relationship(
        back_populates="letter", order_by="LeadOrganization.position", cascade="all, delete-orphan"
    )
    posts: Mapped[list[ChannelPost]] = relationship(back_populates="letter", cascade="all, delete-orphan")
    translations: Mapped[list[LetterTranslation]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (Index("ix_letters_status_deadline", "status", "deadline_at"),)


class LetterVersion(Base):
    __tablename__ = "letter_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # one numbering across the letter's languages
    language: Mapped[str] = mapped_column(String(LANGUAGE_MAX), default=Language.EN, server_default=Language.EN)
    text: Mapped[str] = mapped_column(Text)
    substantive: Mapped[bool] = mapped_column(Boolean, default=False)
    change_note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    created_by: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    created_at: Mapped[datetime]

    letter: Mapped[Letter] = relationship(back_populates="versions")

    __table_args__ = (UniqueConstraint("letter_id", "number"),)


class LetterTranslation(Base):
    """The letter in another language: its own title here, its own versions in letter_versions; one list."""

    __tablename__ = "letter_translations"

    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(LANGUAGE_MAX), primary_key=True)
    title: Mapped[str] = mapped_column(String(LETTER_TITLE_MAX))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class LetterCoordinator(Base):
    """Someone who may edit, close and export one letter (its creator and co-coordinators)."""

    __tablename__ = "letter_coordinators"

    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), default=CoordinatorRole.CO)

    letter: Mapped[Letter] = relationship(back_populates="coordinators")


class LeadOrganization(Base):
    """Organizations printed first in the final letter, in the coordinator's order."""

    __tablename__ = "lead_organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(ORG_NAME_MAX))
    org_key: Mapped[str] = mapped_column(String(ORG_NAME_MAX))

    letter: Mapped[Letter] = relationship(back_populates="lead_organizations")

    __table_args__ = (UniqueConstraint("letter_id", "org_key"),)


class ChannelPost(Base):
    """The letter's message in one channel, kept up to date with the count."""

    __tablename__ = "channel_posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    ts: Mapped[str | None] = mapped_column(String(32))
    # pending -> posting -> posted | needs_invite | failed; removed when the message is gone
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(String(200))
    posted_by: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    created_at: Mapped[datetime]
    posted_at: Mapped[datetime | None]
    # What the message shows (letter state + count); the refresher updates the post when it differs,
    # so a burst of sign-ons becomes one chat.update and a failed update is caught up later.
    rendered_state: Mapped[str | None] = mapped_column(String(200))
    refresh_not_before: Mapped[datetime | None]
    refreshed_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime | None]

    letter: Mapped[Letter] = relationship(back_populates="posts")

    __table_args__ = (
        UniqueConstraint("letter_id", "channel_id"),
        Index("ix_channel_posts_channel", "channel_id"),
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


class SlackUser(Base):
    """What Slack told us about a person, cached so reminders do not call users.info thousands of times."""

    __tablename__ = "slack_users"

    user_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    name: Mapped[str | None] = mapped_column(String(PERSON_NAME_MAX))
    title: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    tz: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(16))  # Slack's ("es-ES"): the language they read
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_stranger: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[datetime]


class LanguagePreference(Base):
    """The language a person chose (`/signon language`, App Home); without a row, their Slack locale decides."""

    __tablename__ = "language_preferences"

    user_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX), primary_key=True)
    language: Mapped[str] = mapped_column(String(LANGUAGE_MAX))
    updated_at: Mapped[datetime]


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
