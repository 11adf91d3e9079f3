"""Outcome values shared by the services: what happened, never how to say it (bot/messages words them)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from db.enums import LetterStatus


@dataclass(frozen=True)
class Problem:
    """Why one field of a form was refused: a code from a form's problem enum, and what the words need."""

    code: enum.StrEnum
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Actor:
    """The person doing something (their Slack user id and own team)."""

    user_id: str
    team_id: str | None = None


class Action(enum.StrEnum):
    """What someone tried to do to a sign-on, for refusals."""

    EDIT = "edit"
    WITHDRAW = "withdraw"
    MERGE = "merge"
    MERGE_OTHER = "merge_other"
    CONFIRM = "confirm"
    ANSWER = "answer"
    ADD_DELEGATE = "add_delegate"


@dataclass(frozen=True)
class NotAllowed:
    action: Action


@dataclass(frozen=True)
class LetterClosed:
    letter_id: int
    title: str
    closed_at: datetime | None


@dataclass(frozen=True)
class LetterMissing:
    letter_id: int | None


class _HasStatus(Protocol):
    status: str
    deadline_at: datetime


def is_accepting(letter: _HasStatus, now: datetime) -> bool:
    """Open and before its deadline (a Letter, or a row with those two columns)."""
    return letter.status == LetterStatus.OPEN and letter.deadline_at > now


class ChannelTrouble(enum.StrEnum):
    """Why the bot cannot post a letter in a channel."""

    NEEDS_INVITE = "needs_invite"
    ARCHIVED = "archived"
    NOT_A_CHANNEL = "not_a_channel"
    UNCHECKED = "unchecked"


@dataclass(frozen=True)
class ChannelProblem:
    channel_id: str
    trouble: ChannelTrouble
    name: str | None = None
    error: str | None = None
