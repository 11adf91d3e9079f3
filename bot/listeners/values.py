"""Parsing button values safely: payloads can be crafted, so every value is checked."""

from __future__ import annotations

from typing import Any


def action_value(body: dict[str, Any]) -> str:
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
        return ""
    value = actions[0].get("value")
    return value if isinstance(value, str) else ""


def ints(value: str, count: int) -> tuple[int, ...] | None:
    """``"12:34"`` -> (12, 34); None for anything else."""
    parts = value.split(":")[:count]
    if len(parts) != count:
        return None
    try:
        numbers = tuple(int(part) for part in parts)
    except ValueError:
        return None
    return numbers if all(0 < n < 2**31 for n in numbers) else None


def letter_and_source(value: str, default_source: str) -> tuple[int, str] | None:
    """``"12"`` or ``"12:reminder_dm"``."""
    head, _, tail = value.partition(":")
    parsed = ints(head, 1)
    if parsed is None:
        return None
    source = (
        tail if tail in ("post_button", "slash_command", "reminder_dm", "app_home", "reconfirm_dm") else default_source
    )
    return parsed[0], source
