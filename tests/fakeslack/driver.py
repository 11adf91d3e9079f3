"""``SlackDriver``: sends the app what Slack sends, and applies the app's answers as Slack would.

Transports (slack-platform.md §7.3):

* HTTP: signed POSTs to the app's Request URL(s) — slash commands form-encoded (§2.1),
  interactivity as ``payload=<JSON>`` (§2.7), events as JSON (§2.6); ``X-Slack-Signature`` /
  ``X-Slack-Request-Timestamp`` (§2.5) with the wall-clock time (the app checks its own clock).
* Socket Mode: the same payloads as envelopes over the app's WebSocket connection(s) (§2.12).

Slack's 3-second rule (§2.2): an answer slower than ``ack_timeout`` is an ``operation_timeout``: the
response is marked ``timed_out``, a violation is recorded and the answer is NOT applied (Slack has
already shown the user an error). Non-2xx answers to legitimate deliveries are violations too.

Applying answers: slash-command ack bodies become ephemeral (or ``in_channel``) messages;
view_submission acks close the view (empty body), show errors (``response_action: errors`` — keys
must be input block_ids of the view), ``update``, ``push`` or ``clear`` (§2.8).
"""

from __future__ import annotations

import http.client
import json
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from . import modals
from .blockkit import iter_elements, stateful_keys
from .content import parse_content
from .driver_events import EventsMixin
from .driver_response import DriverResponse
from .errors import ApiError, DriverError
from .fake import FakeSlack
from .payloads import (
    empty_entry,
    initial_entry,
    interaction_base,
    is_empty,
    slash_command,
    to_entry,
    view_payload,
)
from .responses import post_as_app
from .signing import signed_headers
from .state import Ephemeral, User, View, clone

ACK_TIMEOUT = 3.0
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


class SlackDriver(EventsMixin):
    """Plays Slack's side towards the app.

    Args:
        fake: The :class:`FakeSlack` whose state the payloads come from and are applied to.
        app_url: The app's Request URL for HTTP mode (e.g. ``http://127.0.0.1:3000/slack/events``).
        socket_mode: Deliver over the app's Socket Mode connection(s) instead of HTTP.
        commands_url / interactivity_url / events_url: Per-feature URLs (default ``app_url``).
        ack_timeout: Slack's acknowledgement deadline (3 s).
        http_timeout: How long to wait for a slow HTTP answer before giving up entirely.
    """

    def __init__(
        self,
        fake: FakeSlack,
        app_url: str | None = None,
        *,
        socket_mode: bool = False,
        commands_url: str | None = None,
        interactivity_url: str | None = None,
        events_url: str | None = None,
        ack_timeout: float = ACK_TIMEOUT,
        http_timeout: float | None = None,
    ) -> None:
        if not socket_mode and not (app_url or (commands_url and interactivity_url and events_url)):
            raise ValueError("HTTP mode needs app_url (or all three per-feature URLs)")
        self.fake = fake
        self.socket_mode = socket_mode
        self.urls = {
            "command": commands_url or app_url or "",
            "interactive": interactivity_url or app_url or "",
            "event": events_url or app_url or "",
        }
        self.ack_timeout = ack_timeout
        self.http_timeout = http_timeout if http_timeout is not None else ack_timeout + 7.0
        self._message_values: dict[tuple[str, str, str], dict[str, dict[str, dict[str, Any]]]] = {}

    # -- slash commands -----------------------------------------------------------------------------

    def slash_command(
        self, user_id: str, command: str, text: str = "", channel_id: str | None = None
    ) -> DriverResponse:
        """``user_id`` types ``command text`` in ``channel_id`` (default: the app's DM with them)."""
        fake = self.fake
        with fake.state.lock:
            user = self._user(user_id)
            team_id = fake.installed_team_for(user_id)
            if channel_id is None:
                channel_id = fake.dm_channel_id(user_id, team_id=team_id)
            channel = fake.state.channels.get(channel_id)
            if channel is None:
                raise DriverError(f"unknown channel {channel_id}")
            if user.id not in channel.members:
                raise DriverError(f"{user_id} is not a member of {channel_id}: Slack would not let them type there")
            if channel.is_archived:
                raise DriverError(f"{channel_id} is archived")
            if not command.startswith("/"):
                raise DriverError("commands start with '/'")
            trigger_id = fake.issue_trigger(user.id)
            response_url = fake.issue_response_url(user_id=user.id, channel_id=channel.id, team_id=team_id)
            fields = slash_command(
                fake,
                user=user,
                command=command,
                text=text,
                channel=channel,
                trigger_id=trigger_id,
                response_url=response_url,
                team_id=team_id,
            )
        resp = self._deliver("command", fields, label=f"slash command {command}")
        resp.trigger_id, resp.response_url = trigger_id, response_url
        if resp.ok:
            self._apply_command_ack(resp, user=user, channel_id=channel.id, team_id=team_id)
        resp.view = fake.top_view(user.id)
        return resp

    def _apply_command_ack(self, resp: DriverResponse, *, user: User, channel_id: str, team_id: str) -> None:
        body: dict[str, Any] | None
        if isinstance(resp.json, dict):
            body = resp.json
        elif resp.body.strip():
            body = {"text": resp.body}
        else:
            body = None
        if not body:
            return
        fake = self.fake
        with fake.state.lock:
            try:
                content = parse_content(body, report=lambda m: fake.record_violation(f"slash command ack: {m}"))
            except ApiError as exc:
                fake.record_violation(f"slash command ack: Slack would show the user an error ({exc.error})")
                return
            if content.empty:
                return
            if body.get("response_type") == "in_channel":
                post_as_app(
                    fake,
                    team_id=team_id,
                    channel_id=channel_id,
                    text=content.text,
                    blocks=content.blocks,
                    attachments=content.attachments,
                    thread_ts=None,
                    source="command_ack",
                )
            else:
                fake.state.ephemerals.append(
                    Ephemeral(
                        channel=channel_id,
                        user=user.id,
                        ts=fake.ids.ts(),
                        text=content.text or "",
                        blocks=content.blocks,
                        attachments=content.attachments,
                        thread_ts=None,
                        source="command_ack",
                    )
                )

    # -- block_actions ------------------------------------------------------------------------------

    def click(
        self,
        user_id: str,
        action_id: str,
        value: Any = None,
        block_id: str | None = None,
        *,
        message: tuple[str, str] | None = None,
        view_id: str | None = None,
        values: dict[str, dict[str, Any]] | None = None,
    ) -> DriverResponse:
        """``user_id`` uses the element ``action_id`` (a ``block_actions`` interaction).

        Args:
            value: For selects/pickers/inputs, what the user chose (see :func:`payloads.to_entry`);
                for buttons it may be omitted (must equal the button's value if given).
            block_id: Disambiguates an action_id used in several blocks.
            message: ``(channel, ts)`` of the message (or ephemeral message) holding the element.
            view_id: The view holding the element; default: the user's top modal, else Home tab.
            values: Input the user typed in the view before clicking, ``{block_id: {action_id: v}}``.
        """
        fake = self.fake
        with fake.state.lock:
            user = self._user(user_id)
            team_id = fake.installed_team_for(user_id)
            if message is not None:
                payload, state_key = self._message_container(user, message, team_id)
                blocks = payload.pop("_blocks")
                block, element = self._find_element(blocks, action_id, block_id)
                action, entry = self._action(block, element, value)
                if entry is not None:
                    self._message_values.setdefault(state_key, {}).setdefault(block["block_id"], {})[
                        element["action_id"]
                    ] = entry
                trigger_id = fake.issue_trigger(user.id)
                channel_id, ts = message
                ephemeral = payload["container"]["is_ephemeral"]
                response_url = fake.issue_response_url(
                    user_id=user.id,
                    channel_id=channel_id,
                    team_id=team_id,
                    message_ts=ts,
                    ephemeral=ephemeral,
                )
                payload["trigger_id"] = trigger_id
                payload["state"] = {"values": clone(self._message_values.get(state_key, {}))}
                payload["response_url"] = response_url
                payload["actions"] = [action]
            else:
                view = self._view_for_click(user, view_id)
                if values:
                    self._set_values(view, values, inputs_only=False)
                block, element = self._find_element(view.definition["blocks"], action_id, block_id)
                action, entry = self._action(block, element, value)
                if entry is not None:
                    view.values.setdefault(block["block_id"], {})[element["action_id"]] = entry
                trigger_id = fake.issue_trigger(user.id, view_id=view.id)
                response_url = None
                payload = interaction_base(fake, "block_actions", user, trigger_id)
                payload["container"] = {"type": "view", "view_id": view.id}
                payload["view"] = view_payload(fake, view, view.values)
                payload["actions"] = [action]
        resp = self._deliver("interactive", payload, label=f"block_actions {action_id}")
        resp.trigger_id, resp.response_url = trigger_id, response_url
        resp.view = fake.top_view(user.id)
        return resp

    def _message_container(
        self, user: User, message: tuple[str, str], team_id: str
    ) -> tuple[dict[str, Any], tuple[str, str, str]]:
        fake = self.fake
        channel_id, ts = message
        channel = fake.state.channels.get(channel_id)
        if channel is None:
            raise DriverError(f"unknown channel {channel_id}")
        payload = interaction_base(fake, "block_actions", user, None, team_id=team_id)
        stored = fake.state.find_message(channel_id, ts)
        if stored is not None:
            if user.id not in channel.members:
                raise DriverError(f"{user.id} is not in {channel_id} and cannot see that message")
            payload["container"] = {
                "type": "message",
                "message_ts": ts,
                "channel_id": channel_id,
                "is_ephemeral": False,
            }
            payload["channel"] = {"id": channel_id, "name": "directmessage" if channel.is_im else channel.name}
            payload["message"] = fake.state.message_json(stored)
            payload["_blocks"] = stored.blocks or []
            return payload, (user.id, channel_id, ts)
        for eph in fake.state.ephemerals:
            if eph.ts == ts and eph.channel == channel_id and not eph.deleted:
                if eph.user != user.id:
                    raise DriverError(f"ephemeral {ts} was shown to {eph.user}, not {user.id}")
                payload["container"] = {
                    "type": "message",
                    "message_ts": ts,
                    "channel_id": channel_id,
                    "is_ephemeral": True,
                }
                payload["channel"] = {"id": channel_id, "name": "directmessage" if channel.is_im else channel.name}
                payload["_blocks"] = eph.blocks or []
                return payload, (user.id, channel_id, ts)
        raise DriverError(f"no message {ts} in {channel_id}")

    def _view_for_click(self, user: User, view_id: str | None) -> View:
        state = self.fake.state
        if view_id is not None:
            view = state.views.get(view_id)
            if view is None or not view.open or view.user_id != user.id:
                raise DriverError(f"view {view_id} is not open for {user.id}")
            stack = state.stacks.get(user.id, [])
            if view.type == "modal" and (not stack or stack[-1] != view.id):
                raise DriverError(f"view {view_id} is not the top modal: the user cannot click in it")
            return view
        modal_stack = state.stacks.get(user.id)
        if modal_stack:
            return state.views[modal_stack[-1]]
        home = state.homes.get(user.id)
        if home is not None:
            return state.views[home]
        raise DriverError(f"{user.id} has no open modal or Home tab; pass message=(channel, ts)")

    def _find_element(
        self, blocks: list[dict[str, Any]], action_id: str, block_id: str | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        found = [
            (block, el)
            for block, el in iter_elements(blocks)
            if el.get("action_id") == action_id and (block_id is None or block.get("block_id") == block_id)
        ]
        if not found:
            raise DriverError(
                f"no element with action_id={action_id!r}" + (f" in block {block_id!r}" if block_id else "")
            )
        if len(found) > 1:
            raise DriverError(f"action_id {action_id!r} is in several blocks; pass block_id")
        return found[0]

    def _action(
        self, block: dict[str, Any], element: dict[str, Any], value: Any
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        kind = element["type"]
        now_ts = self.fake.ids.ts()
        base = {"action_id": element["action_id"], "block_id": block["block_id"], "type": kind}
        if kind in ("button", "workflow_button"):
            if value is not None and value != element.get("value"):
                raise DriverError(f"button {element['action_id']!r} has value {element.get('value')!r}, not {value!r}")
            action = {**base, "text": clone(element["text"])}
            if "value" in element:
                action["value"] = element["value"]
            if "style" in element:
                action["style"] = element["style"]
            action["action_ts"] = now_ts
            return action, None
        if value is None:
            raise DriverError(f"{kind} {element['action_id']!r}: pass the value the user chose")
        entry = to_entry(element, value, fake=self.fake, where=f"{block['block_id']}/{element['action_id']}")
        action = {**base, **{k: v for k, v in entry.items() if k != "type"}, "action_ts": now_ts}
        if "placeholder" in element:
            action["placeholder"] = clone(element["placeholder"])
        return action, (entry if kind != "overflow" else None)

    # -- views --------------------------------------------------------------------------------------

    def fill(self, user_id: str, values: dict[str, dict[str, Any]], view_id: str | None = None) -> dict[str, Any]:
        """The user types into a view without submitting (kept across ``views.update``)."""
        with self.fake.state.lock:
            user = self._user(user_id)
            view = self._view_for_click(user, view_id)
            self._set_values(view, values, inputs_only=False)
            return self.fake.state.view_json(view)

    def _set_values(self, view: View, values: dict[str, dict[str, Any]], *, inputs_only: bool) -> None:
        blocks = view.definition.get("blocks", [])
        elements = {
            (block["block_id"], el["action_id"]): (block, el)
            for block, el in iter_elements(blocks)
            if "action_id" in el and (block.get("type") == "input" or not inputs_only)
        }
        stateful = stateful_keys(blocks)
        for block_id, actions in values.items():
            if not isinstance(actions, dict):
                raise DriverError(f"values[{block_id!r}] must be {{action_id: value}}")
            for action_id, raw in actions.items():
                key = (block_id, action_id)
                if key not in elements or key not in stateful:
                    what = "input block/action" if inputs_only else "stateful element"
                    known = sorted(f"{b}/{a}" for b, a in elements if (b, a) in stateful)
                    raise DriverError(f"{block_id}/{action_id} is not a {what} of view {view.id}; known: {known}")
                _block, element = elements[key]
                entry = to_entry(element, raw, fake=self.fake, where=f"{block_id}/{action_id}")
                view.values.setdefault(block_id, {})[action_id] = entry

    def submit_view(
        self,
        user_id: str,
        view_id: str | None = None,
        values: dict[str, dict[str, Any]] | None = None,
        *,
        strict: bool = True,
    ) -> DriverResponse:
        """The user presses Submit on their top modal (a ``view_submission``).

        ``values`` sets input blocks: ``{block_id: {action_id: value}}`` (see
        :func:`payloads.to_entry` for value forms). Inputs the test leaves out keep what the user
        typed before, else their ``initial_*`` value, else are empty. With ``strict`` the driver
        refuses what Slack's client refuses: empty required inputs, text shorter than
        ``min_length`` or longer than ``max_length``.
        """
        fake = self.fake
        with fake.state.lock:
            user = self._user(user_id)
            stack = fake.state.stacks.get(user.id, [])
            if not stack:
                raise DriverError(f"{user_id} has no open modal")
            view = fake.state.views[view_id or stack[-1]]
            if view.id != stack[-1]:
                raise DriverError(f"view {view.id} is not {user_id}'s top modal; only the top one can be submitted")
            if not view.definition.get("submit"):
                raise DriverError(f"view {view.id} has no submit button")
            if values:
                self._set_values(view, values, inputs_only=True)
            submitted = self._submission_values(view, strict=strict)
            response_urls = self._response_urls(user, view, submitted)
            trigger_id = fake.issue_trigger(user.id, view_id=view.id)
            payload = interaction_base(fake, "view_submission", user, trigger_id)
            payload["view"] = view_payload(fake, view, submitted)
            payload["response_urls"] = response_urls
        resp = self._deliver("interactive", payload, label=f"view_submission {view.definition.get('callback_id')}")
        resp.trigger_id = trigger_id
        if resp.ok:
            self._apply_submission_ack(resp, user, view)
        resp.view = fake.top_view(user.id)
        return resp

    def _submission_values(self, view: View, *, strict: bool) -> dict[str, dict[str, dict[str, Any]]]:
        out: dict[str, dict[str, dict[str, Any]]] = clone(view.values)
        for block in view.definition.get("blocks", []):
            if block.get("type") != "input":
                continue
            element = block["element"]
            block_id, action_id = block["block_id"], element["action_id"]
            entry = view.values.get(block_id, {}).get(action_id) or initial_entry(element) or empty_entry(element)
            out.setdefault(block_id, {})[action_id] = entry
            if strict:
                self._check_client_side(block, element, entry)
        return out

    @staticmethod
    def _check_client_side(block: dict[str, Any], element: dict[str, Any], entry: dict[str, Any]) -> None:
        where = f"{block['block_id']}/{element['action_id']}"
        if not block.get("optional", False) and is_empty(entry):
            raise DriverError(f"{where} is required and empty: Slack's client would not submit (strict=False to force)")
        if element["type"] == "plain_text_input" and isinstance(entry.get("value"), str):
            length = len(entry["value"])
            lo, hi = element.get("min_length"), element.get("max_length")
            if isinstance(lo, int) and 0 < length < lo:
                raise DriverError(f"{where}: {length} chars < min_length {lo}: Slack's client would not submit")
            if isinstance(hi, int) and length > hi:
                raise DriverError(f"{where}: {length} chars > max_length {hi}: Slack's client would not submit")

    def _response_urls(
        self, user: User, view: View, values: dict[str, dict[str, dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        urls = []
        for block in view.definition.get("blocks", []):
            element = block.get("element") if block.get("type") == "input" else None
            if not element or not element.get("response_url_enabled"):
                continue
            entry = values.get(block["block_id"], {}).get(element["action_id"], {})
            channel_id = entry.get("selected_conversation") or entry.get("selected_channel")
            if channel_id:
                url = self.fake.issue_response_url(user_id=user.id, channel_id=channel_id)
                urls.append(
                    {
                        "block_id": block["block_id"],
                        "action_id": element["action_id"],
                        "channel_id": channel_id,
                        "response_url": url,
                    }
                )
        return urls

    def _apply_submission_ack(self, resp: DriverResponse, user: User, view: View) -> None:
        fake = self.fake

        def violation(message: str) -> None:
            fake.record_violation(f"view_submission ack ({view.definition.get('callback_id')}): {message}")

        body = resp.json
        if body is None and resp.body.strip():
            violation(f"non-JSON ack body {resp.body[:200]!r}")
            return
        with fake.state.lock:
            if not body:
                modals.close_top(fake.state, user.id)
                return
            if not isinstance(body, dict):
                violation("ack body is not a JSON object")
                return
            action = body.get("response_action")
            if action == "errors":
                errors = body.get("errors")
                if not isinstance(errors, dict) or not errors:
                    violation("response_action=errors without an errors object")
                    return
                inputs = {b["block_id"] for b in view.definition["blocks"] if b.get("type") == "input"}
                for key, message in errors.items():
                    if key not in inputs:
                        violation(f"errors key {key!r} is not an input block_id; inputs are {sorted(inputs)}")
                    if not isinstance(message, str) or not message:
                        violation(f"errors[{key!r}] must be a non-empty string")
                resp.errors = {str(k): str(v) for k, v in errors.items()}
            elif action in ("update", "push"):
                try:
                    definition = modals.check_view(
                        body.get("view"), expected_type="modal", report=violation, pointer="/view"
                    )
                except ApiError as exc:
                    violation(f"response_action={action} with an invalid view ({exc.error})")
                    return
                try:
                    if action == "update":
                        modals.replace_definition(fake.state, view, definition)
                    else:
                        if len(fake.state.stacks.get(user.id, [])) >= modals.MAX_STACK:
                            violation("response_action=push beyond 3 stacked views (push_limit_reached)")
                            return
                        new = modals.create_view(
                            fake.state,
                            user_id=user.id,
                            team_id=view.team_id,
                            installed_team_id=view.app_installed_team_id,
                            bot_id=view.bot_id,
                            definition=definition,
                            previous=view,
                        )
                        modals.push(fake.state, new)
                except ApiError as exc:
                    violation(f"response_action={action} failed: {exc.error}")
            elif action == "clear":
                modals.clear_stack(fake.state, user.id)
            elif action is None:
                violation(f"JSON ack without response_action: {json.dumps(body)[:200]}")
            else:
                violation(f"unknown response_action {action!r}")

    def close_view(self, user_id: str, view_id: str | None = None, *, clear: bool = False) -> DriverResponse:
        """The user closes their top modal (``clear=True``: the X, closing the whole stack).

        Sends ``view_closed`` only if the view has ``notify_on_close``; otherwise returns a
        response with ``sent=False``.
        """
        fake = self.fake
        with fake.state.lock:
            user = self._user(user_id)
            stack = fake.state.stacks.get(user.id, [])
            if not stack:
                raise DriverError(f"{user_id} has no open modal")
            view = fake.state.views[view_id or stack[-1]]
            if view.id != stack[-1]:
                raise DriverError(f"view {view.id} is not the top modal")
            notify = bool(view.definition.get("notify_on_close"))
            payload = interaction_base(fake, "view_closed", user, None)
            payload["view"] = view_payload(fake, view, view.values)
            payload["is_cleared"] = clear
            if clear:
                modals.clear_stack(fake.state, user.id)
            else:
                modals.close_top(fake.state, user.id)
        if not notify:
            return DriverResponse(0, {}, "", None, 0.0, payload=payload, sent=False, view=fake.top_view(user.id))
        resp = self._deliver("interactive", payload, label=f"view_closed {view.definition.get('callback_id')}")
        resp.view = fake.top_view(user.id)
        return resp

    def send_raw(
        self,
        body: bytes | str,
        content_type: str = "application/x-www-form-urlencoded",
        timestamp: str | int | None = None,
        signature: str | None = None,
        *,
        url: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> DriverResponse:
        """POST arbitrary bytes (signed unless ``signature`` is given) — for forgery/staleness tests."""
        if self.socket_mode and url is None:
            raise DriverError("send_raw needs HTTP mode (or url=)")
        raw = body.encode("utf-8") if isinstance(body, str) else body
        signed = signed_headers(self.fake.signing_secret, raw, timestamp=timestamp, signature_value=signature)
        return self._http_post(url or self.urls["command"], raw, content_type, {**signed, **(headers or {})})

    # -- transport ----------------------------------------------------------------------------------

    def _deliver(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        label: str,
        retry: tuple[int, str] = (0, ""),
        check: bool = True,
    ) -> DriverResponse:
        if self.socket_mode:
            resp = self._deliver_socket(kind, payload, retry)
        else:
            resp = self._deliver_http(kind, payload, retry)
        resp.payload = payload
        if check:
            if resp.timed_out:
                self.fake.record_violation(
                    f"operation_timeout: {label} took {resp.elapsed:.2f}s (ack deadline {self.ack_timeout}s)"
                )
            elif not resp.ok:
                self.fake.record_violation(f"{label}: the app answered HTTP {resp.status} {resp.body[:200]!r}")
        return resp

    def _deliver_http(self, kind: str, payload: dict[str, Any], retry: tuple[int, str]) -> DriverResponse:
        if kind == "command":
            raw = urlencode(payload).encode("utf-8")
            content_type = "application/x-www-form-urlencoded"
        elif kind == "interactive":
            raw = urlencode({"payload": json.dumps(payload)}).encode("utf-8")
            content_type = "application/x-www-form-urlencoded"
        else:
            raw = json.dumps(payload).encode("utf-8")
            content_type = "application/json"
        headers = signed_headers(self.fake.signing_secret, raw)
        attempt, reason = retry
        if attempt:
            headers["X-Slack-Retry-Num"] = str(attempt)
            headers["X-Slack-Retry-Reason"] = reason
        return self._http_post(self.urls[kind], raw, content_type, headers)

    def _http_post(self, url: str, body: bytes, content_type: str, headers: dict[str, str]) -> DriverResponse:
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=self.http_timeout)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        all_headers = {
            "Content-Type": content_type,
            "User-Agent": USER_AGENT,
            "Accept": "application/json,*/*",
            **headers,
        }
        started = time.monotonic()
        try:
            conn.request("POST", path, body=body, headers=all_headers)
            answer = conn.getresponse()
            text = answer.read().decode("utf-8", "replace")
            elapsed = time.monotonic() - started
            resp_headers = {k.lower(): v for k, v in answer.getheaders()}
            status = answer.status
        except TimeoutError:
            return DriverResponse(0, {}, "", None, time.monotonic() - started, timed_out=True)
        except (ConnectionError, http.client.HTTPException) as exc:
            return DriverResponse(0, {}, f"{type(exc).__name__}: {exc}", None, time.monotonic() - started)
        finally:
            conn.close()
        parsed: Any = None
        if text and "json" in resp_headers.get("content-type", ""):
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
        return DriverResponse(status, resp_headers, text, parsed, elapsed, timed_out=elapsed > self.ack_timeout)

    def _deliver_socket(self, kind: str, payload: dict[str, Any], retry: tuple[int, str]) -> DriverResponse:
        envelope_type = {"command": "slash_commands", "interactive": "interactive", "event": "events_api"}[kind]
        accepts = kind == "command" or (kind == "interactive" and payload.get("type") == "view_submission")
        attempt, reason = retry
        try:
            result = self.fake.socket_server.deliver(
                envelope_type,
                payload,
                accepts_response_payload=accepts,
                retry_attempt=attempt,
                retry_reason=reason,
                timeout=self.ack_timeout,
            )
        except TimeoutError as exc:
            return DriverResponse(0, {}, str(exc), None, 0.0, timed_out=True)
        body = json.dumps(result.ack_payload) if result.ack_payload is not None else ""
        return DriverResponse(
            200 if result.acked else 0,
            {},
            body,
            result.ack_payload,
            result.elapsed,
            timed_out=result.timed_out,
            envelope_id=result.envelope_id,
        )

    # -- helpers ------------------------------------------------------------------------------------

    def _user(self, user_id: str) -> User:
        user = self.fake.state.users.get(user_id)
        if user is None:
            raise DriverError(f"unknown user {user_id}")
        if user.deleted:
            raise DriverError(f"{user_id} is deactivated and cannot use Slack")
        if user.is_bot:
            raise DriverError(f"{user_id} is a bot")
        return user
