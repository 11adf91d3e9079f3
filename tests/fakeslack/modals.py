"""View lifecycle shared by the views.* methods and the driver's response_action handling.

Rules (slack-platform.md §2.8, §2.9, §2.11): a user has one stack of at most 3 modals (root first);
``views.update`` keeps the view ID and gives it a new ``hash``; user input is kept for every
``(block_id, action_id)`` pair that still exists with the same element type; ``external_id`` is unique
per installed team among open views; a closed view can no longer be updated (``not_found``).
"""

from __future__ import annotations

import json
from typing import Any

from .blockkit import assign_missing_ids, stateful_keys, validate_view
from .errors import ApiError, invalid_arguments
from .ids import IdFactory
from .state import SlackState, View, clone

MAX_STACK = 3
#: "view_too_large: Size of the view > 250 kb" (slack-api-ref views.open); kB taken as 1000 bytes.
MAX_VIEW_BYTES = 250_000


def check_view(definition: Any, *, expected_type: str | None, report: Any, pointer: str = "/view") -> dict[str, Any]:
    """Validate a view payload and return a stored copy with generated block/action IDs.

    Raises:
        ApiError: ``invalid_arguments`` (with Slack-style messages) or ``view_too_large``.
    """
    problems = validate_view(definition, pointer=pointer, expected_type=expected_type)
    if problems:
        messages = [str(p) for p in problems]
        for message in messages:
            report(f"invalid view: {message}")
        raise invalid_arguments(*messages)
    size = len(json.dumps(definition, ensure_ascii=False).encode("utf-8"))
    if size > MAX_VIEW_BYTES:
        report(f"view_too_large: {size} bytes")
        raise ApiError("view_too_large")
    stored: dict[str, Any] = clone(definition)
    assign_missing_ids(stored["blocks"])
    return stored


def new_hash(state: SlackState) -> str:
    return f"{int(state.now())}.{IdFactory.short_id(8)}"


def _check_external_id(state: SlackState, installed_team: str, definition: dict[str, Any], own_id: str | None) -> None:
    external_id = definition.get("external_id")
    if external_id:
        holder = state.external_ids.get((installed_team, external_id))
        if holder is not None and holder != own_id:
            raise ApiError("duplicate_external_id")


def _index_external_id(state: SlackState, view: View) -> None:
    if view.external_id:
        state.external_ids[(view.app_installed_team_id, view.external_id)] = view.id


def _forget(state: SlackState, view: View) -> None:
    view.open = False
    if view.external_id and state.external_ids.get((view.app_installed_team_id, view.external_id)) == view.id:
        del state.external_ids[(view.app_installed_team_id, view.external_id)]


def create_view(
    state: SlackState,
    *,
    user_id: str,
    team_id: str,
    installed_team_id: str,
    bot_id: str,
    definition: dict[str, Any],
    previous: View | None = None,
) -> View:
    _check_external_id(state, installed_team_id, definition, None)
    view_id = state.ids.new("V")
    view = View(
        id=view_id,
        team_id=team_id,
        app_installed_team_id=installed_team_id,
        user_id=user_id,
        type=definition["type"],
        definition=definition,
        hash=new_hash(state),
        root_view_id=previous.root_view_id if previous else view_id,
        previous_view_id=previous.id if previous else None,
        app_id=state.app_id,
        bot_id=bot_id,
    )
    state.views[view.id] = view
    _index_external_id(state, view)
    return view


def open_root(state: SlackState, view: View) -> None:
    """Make ``view`` the user's only modal (a new views.open replaces any open stack)."""
    for old in clear_stack(state, view.user_id):
        _forget(state, old)
    state.stacks[view.user_id] = [view.id]


def push(state: SlackState, view: View) -> None:
    stack = state.stacks.setdefault(view.user_id, [])
    stack.append(view.id)


def stack_of(state: SlackState, user_id: str) -> list[View]:
    return [state.views[v] for v in state.stacks.get(user_id, [])]


def replace_definition(state: SlackState, view: View, definition: dict[str, Any]) -> None:
    """views.update / response_action=update: new content, same ID, new hash, input kept (§2.11).

    A definition without ``external_id`` keeps the view's existing one (UNVERIFIED: not documented).
    """
    if view.external_id and not definition.get("external_id"):
        definition["external_id"] = view.external_id
    _check_external_id(state, view.app_installed_team_id, definition, view.id)
    old_keys = stateful_keys(view.definition.get("blocks", []))
    new_keys = stateful_keys(definition.get("blocks", []))
    kept: dict[str, dict[str, dict[str, Any]]] = {}
    for block_id, actions in view.values.items():
        for action_id, entry in actions.items():
            key = (block_id, action_id)
            if key in new_keys and old_keys.get(key) == new_keys[key]:
                kept.setdefault(block_id, {})[action_id] = entry
    if view.external_id and state.external_ids.get((view.app_installed_team_id, view.external_id)) == view.id:
        del state.external_ids[(view.app_installed_team_id, view.external_id)]
    view.definition = definition
    view.values = kept
    view.hash = new_hash(state)
    _index_external_id(state, view)


def close_top(state: SlackState, user_id: str) -> View | None:
    """Close the top modal (empty-200 ack of a submission, or the Close/Back button)."""
    stack = state.stacks.get(user_id)
    if not stack:
        return None
    view = state.views[stack.pop()]
    _forget(state, view)
    if not stack:
        del state.stacks[user_id]
    return view


def clear_stack(state: SlackState, user_id: str) -> list[View]:
    """Close every modal of the user (``response_action: clear`` or the X button)."""
    closed = [state.views[v] for v in state.stacks.pop(user_id, [])]
    for view in closed:
        _forget(state, view)
    return closed


def find_open_view(state: SlackState, *, view_id: str | None, external_id: str | None, installed_team: str) -> View:
    view = None
    if view_id:
        view = state.views.get(view_id)
    elif external_id:
        found = state.external_ids.get((installed_team, external_id))
        view = state.views.get(found) if found else None
    if view is None or not view.open:
        raise ApiError("not_found")
    return view
