"""Reading submitted values out of a view's ``state.values``, whatever shape a crafted payload has."""

from __future__ import annotations

from typing import Any


def _element(view: dict[str, Any], block_id: str, action_id: str) -> dict[str, Any]:
    values = ((view or {}).get("state") or {}).get("values") or {}
    block = values.get(block_id) if isinstance(values, dict) else None
    element = block.get(action_id) if isinstance(block, dict) else None
    return element if isinstance(element, dict) else {}


def text(view: dict[str, Any], block_id: str, action_id: str) -> str | None:
    value = _element(view, block_id, action_id).get("value")
    return value if isinstance(value, str) else None


def selected(view: dict[str, Any], block_id: str, action_id: str) -> str | None:
    option = _element(view, block_id, action_id).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else None


def checked(view: dict[str, Any], block_id: str, action_id: str) -> set[str]:
    options = _element(view, block_id, action_id).get("selected_options")
    if not isinstance(options, list):
        return set()
    return {o["value"] for o in options if isinstance(o, dict) and isinstance(o.get("value"), str)}


def _id_list(view: dict[str, Any], block_id: str, action_id: str, key: str) -> tuple[str, ...]:
    items = _element(view, block_id, action_id).get(key)
    if not isinstance(items, list):
        return ()
    return tuple(item for item in items if isinstance(item, str) and 0 < len(item) <= 32)


def conversations(view: dict[str, Any], block_id: str, action_id: str) -> tuple[str, ...]:
    return _id_list(view, block_id, action_id, "selected_conversations")


def users(view: dict[str, Any], block_id: str, action_id: str) -> tuple[str, ...]:
    return _id_list(view, block_id, action_id, "selected_users")


def date_value(view: dict[str, Any], block_id: str, action_id: str) -> str | None:
    value = _element(view, block_id, action_id).get("selected_date")
    return value if isinstance(value, str) else None


def time_value(view: dict[str, Any], block_id: str, action_id: str) -> str | None:
    value = _element(view, block_id, action_id).get("selected_time")
    return value if isinstance(value, str) else None
