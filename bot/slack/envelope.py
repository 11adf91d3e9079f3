"""The envelope every request from Slack has, checked before Bolt sees the body, over HTTP and Socket Mode alike.

Bolt indexes the envelope without checks (``view["type"]``, ``actions[0]["action_id"]``, ``event["type"]``…), so
a body shaped unlike anything Slack sends would be a 500 and a stack trace, and an identifier with a NUL byte or
a thousand characters would travel into queries and log lines. A body that fails here is refused (400 over HTTP,
acknowledged and dropped over Socket Mode) before any listener runs (slack-platform.md §2.1, §2.5–§2.7).
"""

from __future__ import annotations

import re
from typing import Any

# Deeper than any payload Slack sends (Block Kit nests a handful of levels), far shallower than the
# interpreter's recursion limit, which Bolt's own re-parse of a lazy listener's copy must stay under.
MAX_NESTING = 64

# Slack's ids (T…, E…, U…, W…, C…, D…, G…, V…) are short runs of letters and digits.
_SLACK_ID = re.compile(r"[A-Za-z0-9_.-]{1,32}")

# Interaction payloads that always name the person and carry a trigger (slack-platform.md §2.7).
_TRIGGERED = {"block_actions", "view_submission", "shortcut", "message_action"}
_INTERACTIVE = _TRIGGERED | {"view_closed", "block_suggestion", "interactive_message", "dialog_submission"}
# Events whose ``user`` is the id of who did it (others, such as user_change, carry a whole user object).
_EVENTS_BY_A_USER = {"app_home_opened", "member_joined_channel", "member_left_channel", "message", "app_mention"}


def nested_deeper_than(value: Any, limit: int = MAX_NESTING) -> bool:
    """Whether lists and dicts nest more than ``limit`` levels (iteratively: no recursion to run out of)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def slack_shaped(body: Any) -> bool:
    """Whether ``body`` (parsed) is shallow enough and has the envelope of a request Slack sends."""
    return not nested_deeper_than(body) and _envelope_ok(body)


def _slack_id(value: Any) -> bool:
    return isinstance(value, str) and _SLACK_ID.fullmatch(value) is not None


def _id_or_none(mapping: dict[str, Any], key: str) -> bool:
    return mapping.get(key) is None or _slack_id(mapping[key])


def _str_or_none(mapping: dict[str, Any], key: str) -> bool:
    return mapping.get(key) is None or isinstance(mapping[key], str)


def _envelope_ok(body: Any) -> bool:
    if not isinstance(body, dict):
        return False
    if "command" in body:  # a slash command: form fields, always strings
        return (
            _slack_id(body.get("user_id"))
            and isinstance(body.get("trigger_id"), str)
            and all(_id_or_none(body, key) for key in ("team_id", "channel_id", "enterprise_id"))
            and all(_str_or_none(body, key) for key in ("command", "text", "response_url"))
        )
    kind = body.get("type")
    for key in ("team", "enterprise"):
        value = body.get(key)
        if not (value is None or _slack_id(value) or (isinstance(value, dict) and _id_or_none(value, "id"))):
            return False
    for key in ("container", "channel", "message", "state"):
        if body.get(key) is not None and not isinstance(body[key], dict):
            return False
    channel = body.get("channel")
    if isinstance(channel, dict) and not _id_or_none(channel, "id"):
        return False
    if not all(_id_or_none(body, key) for key in ("team_id", "user_id", "enterprise_id", "api_app_id", "channel_id")):
        return False
    if not all(_str_or_none(body, key) for key in ("type", "trigger_id")):
        return False
    user = body.get("user")
    if (user is not None or kind in _INTERACTIVE) and not (isinstance(user, dict) and _slack_id(user.get("id"))):
        return False
    if kind in _TRIGGERED and not isinstance(body.get("trigger_id"), str):
        return False
    url = body.get("response_url")
    if url is not None and not (isinstance(url, str) and url.startswith(("https://", "http://"))):
        return False
    if not _response_urls_ok(body):
        return False
    return _view_ok(body, kind) and _actions_ok(body, kind) and _event_ok(body, kind) and _authorizations_ok(body)


def _response_urls_ok(body: dict[str, Any]) -> bool:
    """A modal's ``response_urls``: signon asks for none (no ``response_url_enabled``), and Bolt fails on more
    than one (it logs through a context that has no logger yet)."""
    if "response_urls" not in body:
        return True
    urls = body["response_urls"]
    return (
        isinstance(urls, list)
        and len(urls) <= 1
        and all(isinstance(u, dict) and isinstance(u.get("response_url"), str) for u in urls)
    )


def _view_ok(body: dict[str, Any], kind: Any) -> bool:
    if "view" not in body and kind not in ("view_submission", "view_closed"):
        return True
    view = body.get("view")
    if not (isinstance(view, dict) and _slack_id(view.get("id")) and _str_or_none(view, "callback_id")):
        return False
    if view.get("type") not in ("modal", "home"):  # the only views signon opens
        return False
    if not (_str_or_none(view, "private_metadata") and isinstance(view.get("state") or {}, dict)):
        return False
    return len(view.get("private_metadata") or "") <= 3000  # Slack's limit (§2.9): else not a view signon opened


def _actions_ok(body: dict[str, Any], kind: Any) -> bool:
    if "actions" not in body and kind != "block_actions":
        return True
    actions = body.get("actions")
    if not (isinstance(actions, list) and actions):
        return False
    return all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions)


def _event_ok(body: dict[str, Any], kind: Any) -> bool:
    event = body.get("event")
    if event is None:
        return bool(kind != "event_callback")  # an event callback without its event is not one
    if not (isinstance(event, dict) and isinstance(event.get("type"), str)):
        return False
    nested = [event, event.get("item"), event.get("assistant_thread")]
    if not all(_channel_ok(part) for part in nested if isinstance(part, dict)):
        return False
    user = event.get("user")
    if event["type"] in _EVENTS_BY_A_USER:
        return user is None or _slack_id(user)
    return user is None or _slack_id(user) or isinstance(user, dict)


def _channel_ok(part: dict[str, Any]) -> bool:
    """An event's ``channel`` (or its item's): an id, or a channel object (channel_created and the like)."""
    channel = part.get("channel")
    if not _id_or_none(part, "channel_id"):
        return False
    if isinstance(channel, dict):
        return _id_or_none(channel, "id")
    return channel is None or _slack_id(channel)


def _authorizations_ok(body: dict[str, Any]) -> bool:
    authorizations = body.get("authorizations")
    return authorizations is None or (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    )
