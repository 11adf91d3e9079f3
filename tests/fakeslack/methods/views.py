"""views.open / views.push / views.update / views.publish (slack-platform.md §2.3, §2.9, §2.11, §7.2).

Triggers: unknown → ``invalid_trigger_id``; second use → ``exchanged_trigger_id``; older than 3 s on
the fake clock → ``expired_trigger_id``. The view is validated before the trigger is consumed (an
invalid view does not burn the trigger: UNVERIFIED). views.* need no scope (§2.11).
"""

from __future__ import annotations

from typing import Any

from .. import modals
from ..errors import ApiError, invalid_arguments, missing_field
from ..http_parsing import as_json
from ..state import Trigger
from .base import ApiRequest, api_method

TRIGGER_TTL = 3.0


def _view_arg(req: ApiRequest, expected_type: str | None) -> dict[str, Any]:
    raw = req.params.get("view")
    if raw is None or raw == "":
        raise missing_field("view")
    try:
        definition = as_json(raw)
    except ValueError:
        req.violation("view is not valid JSON")
        raise invalid_arguments("[ERROR] failed to parse JSON [json-pointer:/view]") from None
    return modals.check_view(definition, expected_type=expected_type, report=req.violation)


def _consume_trigger(req: ApiRequest) -> Trigger:
    trigger_id = req.arg("trigger_id") or req.arg("interactivity_pointer")
    if trigger_id is None:
        raise missing_field("trigger_id")
    trigger = req.state.triggers.get(trigger_id)
    if trigger is None:
        raise ApiError("invalid_trigger_id")
    if trigger.used:
        raise ApiError("exchanged_trigger_id")
    if req.state.now() - trigger.issued_at > TRIGGER_TTL:
        raise ApiError("expired_trigger_id")
    trigger.used = True
    return trigger


def _new_view(req: ApiRequest, trigger: Trigger, definition: dict[str, Any], previous: Any = None) -> Any:
    return modals.create_view(
        req.state,
        user_id=trigger.user_id,
        team_id=trigger.team_id,
        installed_team_id=req.auth.team_id,
        bot_id=req.auth.bot_id or "",
        definition=definition,
        previous=previous,
    )


@api_method("views.open")
def open_view(req: ApiRequest) -> dict[str, Any]:
    definition = _view_arg(req, "modal")
    trigger = _consume_trigger(req)
    view = _new_view(req, trigger, definition)
    modals.open_root(req.state, view)
    return {"view": req.state.view_json(view)}


@api_method("views.push")
def push_view(req: ApiRequest) -> dict[str, Any]:
    """Push onto the user's stack; needs an open modal (else ``not_found``: UNVERIFIED), max 3."""
    definition = _view_arg(req, "modal")
    trigger = _consume_trigger(req)
    stack = modals.stack_of(req.state, trigger.user_id)
    if not stack:
        raise ApiError("not_found")
    if len(stack) >= modals.MAX_STACK:
        raise ApiError("push_limit_reached")
    view = _new_view(req, trigger, definition, previous=stack[-1])
    modals.push(req.state, view)
    return {"view": req.state.view_json(view)}


@api_method("views.update")
def update_view(req: ApiRequest) -> dict[str, Any]:
    view_id, external_id = req.arg("view_id"), req.arg("external_id")
    if not view_id and not external_id:
        raise invalid_arguments("[ERROR] must provide either view_id or external_id [json-pointer:/view_id]")
    view = modals.find_open_view(req.state, view_id=view_id, external_id=external_id, installed_team=req.auth.team_id)
    definition = _view_arg(req, view.type)
    expected_hash = req.arg("hash")
    if expected_hash is not None and expected_hash != view.hash:
        raise ApiError("hash_conflict")
    modals.replace_definition(req.state, view, definition)
    return {"view": req.state.view_json(view)}


@api_method("views.publish")
def publish(req: ApiRequest) -> dict[str, Any]:
    user_id = req.arg("user_id")
    if user_id is None:
        raise missing_field("user_id")
    user = req.user(user_id)
    if not req.fake.home_tab_enabled:
        raise ApiError("not_enabled")
    definition = _view_arg(req, "home")
    state = req.state
    existing_id = state.homes.get(user.id)
    if existing_id is not None:
        view = state.views[existing_id]
        expected_hash = req.arg("hash")
        if expected_hash is not None and expected_hash != view.hash:
            raise ApiError("hash_conflict")
        modals.replace_definition(state, view, definition)
    else:
        view = modals.create_view(
            state,
            user_id=user.id,
            team_id=user.team_id,
            installed_team_id=req.auth.team_id,
            bot_id=req.auth.bot_id or "",
            definition=definition,
        )
        state.homes[user.id] = view.id
    return {"view": state.view_json(view)}
