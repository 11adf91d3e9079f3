"""Letters: their text versions and translations, coordinators, lead organizations and channel posts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.enums import CoordinatorRole, DocumentColumns, Language, LetterStatus, SignatoryGrouping
from db.models.base import (
    LANGUAGE_MAX,
    LETTER_TITLE_MAX,
    NOTE_MAX,
    ORG_NAME_MAX,
    PART_LINE_MAX,
    SLACK_ID_MAX,
    WEB_TOKEN_MAX,
    Base,
)


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
    # Seen and signed by everyone in the workspace; otherwise only by the members of its channels (and those
    # who coordinate it).
    open_to_workspace: Mapped[bool] = mapped_column(Boolean, default=False)
    # How the PDF and DOCX lay out the signatories: columns (auto, 1, 2) and grouping (none, org_type, state).
    document_columns: Mapped[str] = mapped_column(
        String(8), default=DocumentColumns.AUTO, server_default=DocumentColumns.AUTO
    )
    document_grouping: Mapped[str] = mapped_column(
        String(16), default=SignatoryGrouping.NONE, server_default=SignatoryGrouping.NONE
    )
    created_by: Mapped[str] = mapped_column(String(SLACK_ID_MAX))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(SLACK_ID_MAX))
    # Claimed by the one process that announces the close (final count, export to coordinators).
    close_announced_at: Mapped[datetime | None]
    # Each "remind them to confirm" a coordinator asked for counts one round; signers who have not confirmed the
    # current version get one DM per round (signatories.reconfirm_reminded, a conditional update).
    reconfirm_round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_digest_at: Mapped[datetime | None]
    last_digest_signatory_id: Mapped[int] = mapped_column(Integer, default=0)
    # The public sign-on page (bot/web/public): off unless the coordinator turns it on. The token is the
    # unguessable part of its address, kept when the page is turned off so the same link opens again.
    web_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    web_token: Mapped[str | None] = mapped_column(String(WEB_TOKEN_MAX), unique=True)
    web_show_list: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Every web sign-on waits for a coordinator, even when email confirmation is available.
    web_require_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    web_contact: Mapped[str | None] = mapped_column(String(PART_LINE_MAX))

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
    # The letter's parts around its text, as the coordinator typed them (main-language versions only; None
    # when left empty). Addressees and cc keep their line breaks; a blank line separates two addressees.
    date_line: Mapped[str | None] = mapped_column(String(PART_LINE_MAX))
    addressees: Mapped[str | None] = mapped_column(Text)
    re_line: Mapped[str | None] = mapped_column(String(PART_LINE_MAX))
    salutation: Mapped[str | None] = mapped_column(String(PART_LINE_MAX))
    closing: Mapped[str | None] = mapped_column(String(PART_LINE_MAX))
    cc: Mapped[str | None] = mapped_column(Text)

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
