"""Payloads Slack sends to an app, and the ``state.values`` entries users produce.

Shapes follow slack-platform.md §2.1 (slash commands), §2.6 (events), §2.7 (block_actions,
view_submission, view_closed) and the fixtures listed in §1.6. The same payload dicts are sent over
HTTP (form-encoded / ``payload=`` JSON / JSON) and inside Socket Mode envelopes.

State entries per element type (``{"type": <element type>, ...}``)::

    plain_text_input / email_text_input / url_text_input / number_input -> "value"
    rich_text_input -> "rich_text_value"        checkboxes / multi_static_select -> "selected_options"
    static_select / radio_buttons / external_select -> "selected_option"
    users_select -> "selected_user"             multi_users_select -> "selected_users"
    conversations_select -> "selected_conversation"   multi_conversations_select -> "selected_conversations"
    channels_select -> "selected_channel"       multi_channels_select -> "selected_channels"
    datepicker -> "selected_date"   timepicker -> "selected_time" (+ "timezone")
    datetimepicker -> "selected_date_time"      file_input -> "files"
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from .errors import DriverError
from .state import Channel, Team, User, View, clone

if TYPE_CHECKING:
    from .fake import FakeSlack

_SINGLE_OPTION = {"static_select", "radio_buttons", "external_select", "overflow"}
_MULTI_OPTION = {"checkboxes", "multi_static_select", "multi_external_select"}
_TEXT_VALUE = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
_ID_SINGLE = {
    "users_select": ("selected_user", "initial_user", "U"),
    "conversations_select": ("selected_conversation", "initial_conversation", "C"),
    "channels_select": ("selected_channel", "initial_channel", "C"),
}
_ID_MULTI = {
    "multi_users_select": ("selected_users", "initial_users", "U"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations", "C"),
    "multi_channels_select": ("selected_channels", "initial_channels", "C"),
}
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL_RE = re.compile(r"^https?://\S+$")


# -- state entries --------------------------------------------------------------------------------------


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    flat = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        flat.extend(group.get("options") or [])
    return flat


def _find_option(element: dict[str, Any], value: Any, where: str) -> dict[str, Any]:
    if isinstance(value, dict):
        value = value.get("value")
    if element["type"] in ("external_select", "multi_external_select"):
        raise DriverError(f"{where}: external selects need full option dicts, e.g. {{'text': ..., 'value': ...}}")
    for option in _options(element):
        if option.get("value") == value:
            found: dict[str, Any] = clone(option)
            return found
    choices = [o.get("value") for o in _options(element)]
    raise DriverError(f"{where}: {value!r} is not one of the element's options {choices}")


def empty_entry(element: dict[str, Any]) -> dict[str, Any]:
    """The entry Slack sends for an input the user left untouched and that has no initial value."""
    kind = element["type"]
    if kind in _TEXT_VALUE:
        return {"type": kind, "value": None}
    if kind == "rich_text_input":
        return {"type": kind, "rich_text_value": None}
    if kind in _SINGLE_OPTION:
        return {"type": kind, "selected_option": None}
    if kind in _MULTI_OPTION:
        return {"type": kind, "selected_options": []}
    if kind in _ID_SINGLE:
        return {"type": kind, _ID_SINGLE[kind][0]: None}
    if kind in _ID_MULTI:
        return {"type": kind, _ID_MULTI[kind][0]: []}
    if kind == "datepicker":
        return {"type": kind, "selected_date": None}
    if kind == "timepicker":
        entry: dict[str, Any] = {"type": kind, "selected_time": None}
        if element.get("timezone"):
            entry["timezone"] = element["timezone"]
        return entry
    if kind == "datetimepicker":
        return {"type": kind, "selected_date_time": None}
    if kind == "file_input":
        return {"type": kind, "files": []}
    return {"type": kind}


def initial_entry(element: dict[str, Any]) -> dict[str, Any] | None:
    """The entry built from the element's ``initial_*`` field, or ``None`` if it has none."""
    kind = element["type"]
    if kind in _TEXT_VALUE and element.get("initial_value") is not None:
        return {"type": kind, "value": str(element["initial_value"])}
    if kind == "rich_text_input" and element.get("initial_value") is not None:
        return {"type": kind, "rich_text_value": clone(element["initial_value"])}
    if kind in _SINGLE_OPTION and element.get("initial_option"):
        return {"type": kind, "selected_option": clone(element["initial_option"])}
    if kind in _MULTI_OPTION and element.get("initial_options"):
        return {"type": kind, "selected_options": clone(element["initial_options"])}
    if kind in _ID_SINGLE and element.get(_ID_SINGLE[kind][1]):
        return {"type": kind, _ID_SINGLE[kind][0]: element[_ID_SINGLE[kind][1]]}
    if kind in _ID_MULTI and element.get(_ID_MULTI[kind][1]):
        return {"type": kind, _ID_MULTI[kind][0]: list(element[_ID_MULTI[kind][1]])}
    if kind == "datepicker" and element.get("initial_date"):
        return {"type": kind, "selected_date": element["initial_date"]}
    if kind == "timepicker" and element.get("initial_time"):
        entry = {"type": kind, "selected_time": element["initial_time"]}
        if element.get("timezone"):
            entry["timezone"] = element["timezone"]
        return entry
    if kind == "datetimepicker" and element.get("initial_date_time") is not None:
        return {"type": kind, "selected_date_time": int(element["initial_date_time"])}
    return None


_REQUIRED_KEYS = {
    **dict.fromkeys(_TEXT_VALUE, "value"),
    "rich_text_input": "rich_text_value",
    **dict.fromkeys(_SINGLE_OPTION, "selected_option"),
    **dict.fromkeys(_MULTI_OPTION, "selected_options"),
    **{k: v[0] for k, v in _ID_SINGLE.items()},
    **{k: v[0] for k, v in _ID_MULTI.items()},
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
    "file_input": "files",
}


def to_entry(element: dict[str, Any], raw: Any, *, fake: FakeSlack, where: str) -> dict[str, Any]:
    """Turn what a test passes for an element into the ``state.values`` entry Slack would send.

    ``raw`` is either the full entry (a dict with ``"type"``), checked for shape, or a plain value:
    a string for text inputs / single selects / pickers, a list for multi selects and checkboxes,
    user/conversation IDs for the ``*_select`` of users and conversations, an int (or datetime) for
    datetimepicker, a ``datetime.date`` for datepicker.

    Raises:
        DriverError: the value cannot come from this element in Slack's client.
    """
    kind = element["type"]
    if isinstance(raw, dict) and "type" in raw:
        if raw["type"] != kind:
            raise DriverError(f"{where}: entry type {raw['type']!r} but the element is a {kind}")
        key = _REQUIRED_KEYS.get(kind)
        if key is not None and key not in raw:
            raise DriverError(f"{where}: a {kind} entry needs {key!r}")
        checked: dict[str, Any] = clone(raw)
        _check_entry_values(element, checked, fake=fake, where=where)
        return checked
    if raw is None:
        return empty_entry(element)
    if kind in _TEXT_VALUE:
        text = str(raw)
        if kind == "email_text_input" and not _EMAIL_RE.match(text):
            raise DriverError(f"{where}: {text!r} is not an email address (Slack's client refuses it)")
        if kind == "url_text_input" and not _URL_RE.match(text):
            raise DriverError(f"{where}: {text!r} is not a URL (Slack's client refuses it)")
        if kind == "number_input":
            _check_number(element, text, where)
        return {"type": kind, "value": text}
    if kind == "rich_text_input":
        value = raw if isinstance(raw, dict) else _rich_text(str(raw))
        return {"type": kind, "rich_text_value": value}
    if kind in _SINGLE_OPTION:
        option = raw if kind == "external_select" and isinstance(raw, dict) else _find_option(element, raw, where)
        return {"type": kind, "selected_option": option}
    if kind in _MULTI_OPTION:
        if not isinstance(raw, list | tuple):
            raise DriverError(f"{where}: {kind} takes a list of option values")
        if kind == "multi_external_select":
            options = [clone(o) for o in raw]
        else:
            options = [_find_option(element, v, where) for v in raw]
        _check_max_selected(element, options, where)
        return {"type": kind, "selected_options": options}
    if kind in _ID_SINGLE:
        key, _, _ = _ID_SINGLE[kind]
        entry = {"type": kind, key: str(raw)}
        _check_entry_values(element, entry, fake=fake, where=where)
        return entry
    if kind in _ID_MULTI:
        if not isinstance(raw, list | tuple):
            raise DriverError(f"{where}: {kind} takes a list of IDs")
        key, _, _ = _ID_MULTI[kind]
        entry = {"type": kind, key: [str(v) for v in raw]}
        _check_max_selected(element, entry[key], where)
        _check_entry_values(element, entry, fake=fake, where=where)
        return entry
    if kind == "datepicker":
        text = raw.isoformat() if isinstance(raw, dt.date) else str(raw)
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise DriverError(f"{where}: {text!r} is not YYYY-MM-DD") from None
        return {"type": kind, "selected_date": text}
    if kind == "timepicker":
        text = raw.strftime("%H:%M") if isinstance(raw, dt.time) else str(raw)
        if not re.match(r"^([01]\d|2[0-3]):[0-5]\d$", text):
            raise DriverError(f"{where}: {text!r} is not HH:MM")
        entry = {"type": kind, "selected_time": text}
        if element.get("timezone"):
            entry["timezone"] = element["timezone"]
        return entry
    if kind == "datetimepicker":
        seconds = int(raw.timestamp()) if isinstance(raw, dt.datetime) else int(raw)
        return {"type": kind, "selected_date_time": seconds}
    if kind == "file_input":
        return {"type": kind, "files": list(raw)}
    raise DriverError(f"{where}: a {kind} element holds no value")


def _rich_text(text: str) -> dict[str, Any]:
    return {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }


def _check_number(element: dict[str, Any], text: str, where: str) -> None:
    try:
        number = float(text)
    except ValueError:
        raise DriverError(f"{where}: {text!r} is not a number") from None
    if not element.get("is_decimal_allowed") and not re.match(r"^-?\d+$", text):
        raise DriverError(f"{where}: decimals are not allowed in this number_input")
    low, high = element.get("min_value"), element.get("max_value")
    if (low is not None and number < float(low)) or (high is not None and number > float(high)):
        raise DriverError(f"{where}: {text} is outside min_value={low} / max_value={high}")


def _check_max_selected(element: dict[str, Any], items: list[Any], where: str) -> None:
    limit = element.get("max_selected_items")
    if isinstance(limit, int) and len(items) > limit:
        raise DriverError(f"{where}: {len(items)} selected but max_selected_items={limit}")


def _check_entry_values(element: dict[str, Any], entry: dict[str, Any], *, fake: FakeSlack, where: str) -> None:
    kind = element["type"]
    ids: list[str] = []
    if kind in _ID_SINGLE and entry.get(_ID_SINGLE[kind][0]):
        ids = [entry[_ID_SINGLE[kind][0]]]
    elif kind in _ID_MULTI:
        ids = list(entry.get(_ID_MULTI[kind][0]) or [])
    state = fake.state
    for value in ids:
        if kind.endswith("users_select"):
            if value not in state.users:
                raise DriverError(f"{where}: unknown user {value!r}")
        elif value not in state.channels:
            raise DriverError(f"{where}: unknown conversation {value!r}")


def is_empty(entry: dict[str, Any]) -> bool:
    key = _REQUIRED_KEYS.get(entry["type"])
    if key is None:
        return False
    value = entry.get(key)
    return value is None or value == "" or value == []


# -- payload builders ---------------------------------------------------------------------------------


def user_ref(user: User) -> dict[str, Any]:
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": user.team_id}


def team_ref(team: Team) -> dict[str, Any]:
    ref: dict[str, Any] = {"id": team.id, "domain": team.domain}
    if team.enterprise_id:
        ref["enterprise_id"] = team.enterprise_id
        ref["enterprise_name"] = team.enterprise_name or ""
    return ref


def enterprise_ref(team: Team) -> dict[str, Any] | None:
    return {"id": team.enterprise_id, "name": team.enterprise_name or ""} if team.enterprise_id else None


def channel_name(channel: Channel) -> str:
    """``channel_name`` as slash commands carry it."""
    if channel.is_im:
        return "directmessage"
    if channel.is_mpim:
        return channel.name
    return "privategroup" if channel.is_private else channel.name


def slash_command(
    fake: FakeSlack,
    *,
    user: User,
    command: str,
    text: str,
    channel: Channel,
    trigger_id: str,
    response_url: str,
    team_id: str,
) -> dict[str, str]:
    """Form fields of a slash command, in Slack's order (§2.1).

    ``team_id`` is the workspace whose installation receives the command: for a Slack Connect guest
    that is the installed (host) workspace, as for messages and block_actions (bolt-js#1614; for
    slash commands UNVERIFIED). ``user_id``/``user_name`` stay the guest's.
    """
    team = fake.state.teams[team_id]
    fields = {
        "token": fake.verification_token,
        "team_id": team.id,
        "team_domain": team.domain,
    }
    if team.enterprise_id:
        fields["enterprise_id"] = team.enterprise_id
        fields["enterprise_name"] = team.enterprise_name or ""
    fields.update(
        {
            "channel_id": channel.id,
            "channel_name": channel_name(channel),
            "user_id": user.id,
            "user_name": user.name,
            "command": command,
            "text": text,
            "api_app_id": fake.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )
    return fields


def interaction_base(
    fake: FakeSlack, kind: str, user: User, trigger_id: str | None, *, team_id: str | None = None
) -> dict[str, Any]:
    """Common interaction fields. ``team`` is the user's own team by default (view payloads: the
    installed team is in ``view.app_installed_team_id``); message-container block_actions pass the
    installed team: Slack sends the workspace of the app that posted the message (java-slack-sdk#1041,
    bolt-js#1614)."""
    team = fake.state.teams[team_id or user.team_id]
    body: dict[str, Any] = {
        "type": kind,
        "user": user_ref(user),
        "api_app_id": fake.app_id,
        "token": fake.verification_token,
    }
    if trigger_id is not None:
        body["trigger_id"] = trigger_id
    body["team"] = team_ref(team)
    body["enterprise"] = enterprise_ref(team)
    body["is_enterprise_install"] = False
    return body


def view_payload(fake: FakeSlack, view: View, values: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    body = fake.state.view_json(view)
    body["state"] = {"values": clone(values)}
    return body


def event_callback(
    fake: FakeSlack,
    event: dict[str, Any],
    *,
    event_id: str,
    source_team_id: str,
    installed_team_id: str,
    is_ext_shared_channel: bool,
) -> dict[str, Any]:
    """The ``event_callback`` envelope (§2.6; Slack Connect: source team vs installed team, §4)."""
    state = fake.state
    installed = state.teams[installed_team_id]
    source = state.teams.get(source_team_id, installed)
    body: dict[str, Any] = {
        "token": fake.verification_token,
        "team_id": source.id,
        "api_app_id": fake.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(state.now()),
        "authorizations": [
            {
                "enterprise_id": installed.enterprise_id,
                "team_id": installed.id,
                "user_id": installed.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": is_ext_shared_channel,
        "event_context": "4-" + fake.state.ids.secret(30),
    }
    if source.enterprise_id:
        body["enterprise_id"] = source.enterprise_id
    return body
