"""Buttons on reminder DMs: stop reminders for a letter, or "my organization already signed"."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot import ids
from bot.contracts import LetterButton
from bot.flows.members import mute_reminders
from bot.listeners.middleware import action_value


def mute(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    button = LetterButton.load(action_value(body))
    if button is None:
        return
    org_signed = body["actions"][0]["action_id"] == ids.ORG_ALREADY_SIGNED
    runtime, team_id = context["runtime"], context.team_id or ""
    mute_reminders(runtime, client, respond, body, button.letter_id, team_id, org_signed=org_signed)
