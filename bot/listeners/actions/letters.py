"""Coordinator buttons (App Home, pickers, review queue). The listener middleware has already checked that the
letter is in this workspace and that the person may manage it; ``context["letter_id"]`` is that letter.

Docs: https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.contracts import ExportButton, MergeButton, RemindButton, SignatoryButton
from bot.delivery.exports import deliver_request
from bot.flows import coordinating, exporting, home, letter_form, public_page, words_for
from bot.flows.replies import reply
from bot.listeners.middleware import action_value

EXPORT_REQUEST = "signon_export_request"


def _refresh_home(context: BoltContext, client: WebClient, user_id: str) -> None:
    home.publish(context["runtime"], client, user_id, context.team_id or "")


def edit_letter(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    letter_form.open_edit_modal(
        context["runtime"], client, body["trigger_id"], body["user"]["id"], context["letter_id"]
    )


def close_letter(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    user_id = body["user"]["id"]
    text = coordinating.close(context["runtime"], user_id, context["letter_id"])
    # Pressed under /signon close's question: the answer takes its place.
    reply(respond, body, client, text, quoting=False, replace=True)
    _refresh_home(context, client, user_id)


def remind_unconfirmed(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    button = RemindButton.load(action_value(body))
    if button is not None:
        user_id = body["user"]["id"]
        text = coordinating.remind(context["runtime"], user_id, context["letter_id"], after_round=button.round)
        reply(respond, body, client, text, quoting=False)
        _refresh_home(context, client, user_id)


def reopen_letter(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    user_id = body["user"]["id"]
    coordinating.start_reopen(
        context["runtime"],
        client,
        body["trigger_id"],
        user_id,
        context["letter_id"],
        lambda text: reply(respond, body, client, text, quoting=False),
    )
    _refresh_home(context, client, user_id)


def record_export(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The export button's ack function: the request is committed before Slack hears back."""
    button = ExportButton.load(action_value(body))
    fmt = button.fmt if button else "all"
    context[EXPORT_REQUEST] = exporting.record_export(
        context["runtime"], context.team_id or "", body["user"]["id"], context["letter_id"], fmt
    )
    ack()


def export_letter(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    runtime, user_id, letter_id = context["runtime"], body["user"]["id"], context["letter_id"]
    reply(respond, body, client, words_for(runtime, user_id).preparing_export(letter_id), quoting=False)
    deliver_request(runtime, client, context[EXPORT_REQUEST])


def review_merge(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    button = MergeButton.load(action_value(body))
    if button is not None:
        coordinating.review_merge(context["runtime"], client, respond, body, button.source_id, button.target_id)
        _refresh_home(context, client, body["user"]["id"])


def review_unmerge(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    button = SignatoryButton.load(action_value(body))
    if button is not None:
        coordinating.review_unmerge(context["runtime"], client, respond, body, button.signatory_id)
        _refresh_home(context, client, body["user"]["id"])


def review_dismiss(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    button = SignatoryButton.load(action_value(body))
    if button is not None:
        coordinating.review_dismiss(context["runtime"], client, respond, body, button.signatory_id)
        _refresh_home(context, client, body["user"]["id"])


def remove_signatory(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    button = SignatoryButton.load(action_value(body))
    if button is not None:
        runtime, team_id = context["runtime"], context.team_id or ""
        coordinating.remove_signatory(runtime, client, respond, body, button.signatory_id, team_id)
        _refresh_home(context, client, body["user"]["id"])


def approve_web(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    _decide_web(body, client, context, respond, approve=True)


def reject_web(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
    _decide_web(body, client, context, respond, approve=False)


def _decide_web(
    body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond, *, approve: bool
) -> None:
    button = SignatoryButton.load(action_value(body))
    if button is not None:
        public_page.decide(context["runtime"], client, respond, body, button.signatory_id, approve)
        _refresh_home(context, client, body["user"]["id"])


def refresh_home(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    _refresh_home(context, client, body["user"]["id"])
