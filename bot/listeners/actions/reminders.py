"""Buttons on reminder DMs: stop reminders for a letter, or "my organization already signed"."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks.common import escape
from bot.listeners.followups import acknowledge
from bot.listeners.values import action_value, ints
from bot.runtime import Runtime
from bot.services import reminders
from bot.timeutil import utcnow


def register(app: App, runtime: Runtime) -> None:
    def mute(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        parsed = ints(action_value(body), 1)
        if parsed is None:
            return
        action_id = body["actions"][0]["action_id"]
        reason = "org_signed" if action_id == ids.ORG_ALREADY_SIGNED else "muted"
        title = runtime.db.transaction(
            lambda s: reminders.mute(s, letter_id=parsed[0], user_id=body["user"]["id"], reason=reason, now=utcnow())
        )
        if title is None:
            return
        if reason == "org_signed":
            text = f":ok_hand: Thanks — no more reminders about “{escape(title)}”, since your organization has signed."
        else:
            text = f":no_bell: You won't get more reminders about “{escape(title)}”. You can still sign with `/signon`."
        if body.get("response_url"):
            respond(text=text, replace_original=False, response_type="ephemeral")
        else:
            client.chat_postMessage(channel=body["user"]["id"], text=text)

    app.action(ids.STOP_REMINDERS)(ack=acknowledge, lazy=[mute])
    app.action(ids.ORG_ALREADY_SIGNED)(ack=acknowledge, lazy=[mute])
