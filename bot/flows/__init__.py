"""What each command, button and form does, step by step: Slack calls around the services."""

from __future__ import annotations

from typing import Any, Protocol


class Later(Protocol):
    """Queues work to run after the acknowledgement (see bot/listeners/followups.py)."""

    def __call__(self, name: str, **args: Any) -> None: ...
