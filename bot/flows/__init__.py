"""What each command, button and form does, step by step: outcome -> words -> Slack calls."""

from __future__ import annotations

from typing import Any, Protocol

from bot.slack.language import words_for

__all__ = ["Later", "words_for"]


class Later(Protocol):
    """Queues work to run after the acknowledgement (see bot/listeners/followups.py)."""

    def __call__(self, name: str, **args: Any) -> None: ...
