"""The language each person reads signon in."""

from __future__ import annotations

from bot.messages import ENGLISH, Words
from bot.runtime import Runtime


def words_for(runtime: Runtime, user_id: str | None) -> Words:
    """The words a person reads signon in."""
    return ENGLISH


def channel_words(runtime: Runtime, letter_id: int | None = None) -> Words:
    """The words of messages posted to a channel (a letter's posts)."""
    return ENGLISH
