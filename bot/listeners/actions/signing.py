"""Buttons members press: Sign on, Read the letter (in one of its languages), the letter picker, Edit, Withdraw,
Keep, merge questions.

Docs: https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot.contracts import DelegateButton, LetterButton, MergeButton, ReadButton, SignatoryButton, Source, parse_id
from bot.flows import delegates, editing, signing
from bot.flows.replies import reply
from bot.listeners.middleware import action_value


def _default_source(body: dict[str, Any]) -> Source:
    container = body.get("container") or {}
    if container.get("type") == "view":
        return Source.APP_HOME if (body.get("view") or {}).get("type") == "home" else Source.SLASH_COMMAND
    channel = str(container.get("channel_id") or "")
    return Source.REMINDER_DM if channel.startswith("D") else Source.POST_BUTTON


def sign_on_button(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    button = LetterButton.load(action_value(body))
    if button is None:
        return
    source = button.source or _default_source(body)
    if signing.show_in_modal(context["runtime"], client, body, context.team_id or "", button.letter_id, source):
        return  # pressed in the letter's text: that modal becomes the form
    channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
    signing.open_signon(
        context["runtime"],
        client,
        trigger_id=body["trigger_id"],
        user_id=body["user"]["id"],
        team_id=context.team_id or "",
        channel_id=channel if source == Source.POST_BUTTON else None,
        source=source,
        letter_id=button.letter_id,
        tell=lambda text: reply(respond, body, client, text, quoting=False),
    )


def sign_for_another(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    button = LetterButton.load(action_value(body))
    if button is not None:
        source = button.source or _default_source(body)
        signing.sign_for_another(context["runtime"], client, body, context.team_id or "", button.letter_id, source)


def read_letter_button(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    button = LetterButton.load(action_value(body))
    if button is not None:
        signing.read_letter(context["runtime"], client, body, button.letter_id, context.team_id or "")


def read_in_language(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    button = ReadButton.load(action_value(body))
    if button is not None:
        signing.read_letter(
            context["runtime"], client, body, button.letter_id, context.team_id or "", language=button.language
        )


def pick_letter(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    action = (body.get("actions") or [{}])[0]
    option = action.get("selected_option")
    letter_id = parse_id(option.get("value") if isinstance(option, dict) else None)
    if letter_id is not None:
        signing.picked_letter(context["runtime"], client, body, context.team_id or "", letter_id)


def edit_signature(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    button = SignatoryButton.load(action_value(body))
    if button is not None:
        editing.open_edit(context["runtime"], client, body, button.signatory_id, context.team_id or "")


def withdraw_signature(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    button = SignatoryButton.load(action_value(body))
    if button is not None:
        editing.withdraw_from_button(
            context["runtime"], client, respond, body, button.signatory_id, context.team_id or ""
        )


def keep_signature(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    button = SignatoryButton.load(action_value(body))
    if button is not None:
        editing.keep_signature(context["runtime"], client, respond, body, button.signatory_id, context.team_id or "")


def confirm_merge(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    button = MergeButton.load(action_value(body))
    if button is not None:
        team_id = context.team_id or ""
        editing.confirm_merge(context["runtime"], client, respond, body, button.source_id, button.target_id, team_id)


def ask_to_act(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    button = SignatoryButton.load(action_value(body))
    if button is not None:
        delegates.ask_to_act(context["runtime"], client, body, button.signatory_id, context.team_id or "")


def let_act(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    button = DelegateButton.load(action_value(body))
    if button is not None:
        runtime, team_id = context["runtime"], context.team_id or ""
        delegates.let_act(runtime, client, respond, body, button.signatory_id, button.user_id, team_id)


def decline_merge(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    button = SignatoryButton.load(action_value(body))
    if button is not None:
        editing.decline_merge(context["runtime"], client, respond, body, button.signatory_id, context.team_id or "")
