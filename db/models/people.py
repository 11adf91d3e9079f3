"""What signon knows of Slack people: their profile, their language, and who is in which channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import (
    EMAIL_MAX,
    LANGUAGE_MAX,
    PERSON_NAME_MAX,
    SLACK_ID_MAX,
    TITLE_MAX,
    Base,
)


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


class ChannelRoster(Base):
    """When signon last read a channel's members from Slack (conversations.members, every page).

    A letter is seen by the members of the channels it was posted to; the list is read again once it is a few
    minutes old. ``readable`` is False when Slack would not give it (a private channel the bot is not in).
    """

    __tablename__ = "channel_rosters"

    team_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX), primary_key=True)
    fetched_at: Mapped[datetime]
    readable: Mapped[bool] = mapped_column(Boolean, default=True)


class ChannelMember(Base):
    """One member of a channel, as of its roster's ``fetched_at``."""

    __tablename__ = "channel_members"

    team_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(SLACK_ID_MAX), primary_key=True)

    __table_args__ = (
        ForeignKeyConstraint(
            ["team_id", "channel_id"], ["channel_rosters.team_id", "channel_rosters.channel_id"], ondelete="CASCADE"
        ),
    )
