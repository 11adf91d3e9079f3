"""Buttons members press: Sign on, Read the letter, Edit, Withdraw, merge questions, re-confirmation.

Docs: https://docs.slack.dev/reference/interaction-payloads/block_actions-payload
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks.common import notice
from bot.flows import signing
from bot.listeners.followups import acknowledge
from bot.listeners.values import action_value, ints, letter_and_source
from bot.runtime import Runtime
from bot.services import signons
from bot.services.signons import Actor, Merged, NotAllowed, Updated, Withdrawn
from bot.timeutil import utcnow
from db.models import Signatory


def _default_source(body: dict[str, Any]) -> str:
    container = body.get("container") or {}
    if container.get("type") == "view":
        return "app_home" if (body.get("view") or {}).get("type") == "home" else "slash_command"
    channel = str(container.get("channel_id") or "")
    return "reminder_dm" if channel.startswith("D") else "post_button"


def _reply(respond: Respond, body: dict[str, Any], client: WebClient, text: str, *, replace: bool = False) -> None:
    """Answer a button press where it happened: in the message (response_url) or, from a view, by DM.

    ``text`` is plain text: these answers quote organization names.
    """
    message = notice(text)
    if body.get("response_url"):
        respond(**message, replace_original=replace, response_type="ephemeral")
    else:
        client.chat_postMessage(channel=body["user"]["id"], **message)


def register(app: App, runtime: Runtime) -> None:
    def sign_on_button(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        parsed = letter_and_source(action_value(body), _default_source(body))
        if parsed is None:
            return
        letter_id, source = parsed
        channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
        signing.open_signon(
            runtime,
            client,
            trigger_id=body["trigger_id"],
            user_id=body["user"]["id"],
            team_id=context.team_id or "",
            channel_id=channel if source == "post_button" else None,
            source=source,
            letter_id=letter_id,
        )

    def read_letter_button(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        parsed = letter_and_source(action_value(body), "post_button")
        if parsed is not None:
            signing.read_letter(runtime, client, body, parsed[0], context.team_id or "")

    def pick_letter(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        signing.picked_letter(runtime, client, body, context.team_id or "")

    def edit_signature(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        parsed = ints(action_value(body), 1)
        if parsed is not None:
            signing.open_edit(runtime, client, body, parsed[0], context.team_id or "")

    def withdraw_signature(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond) -> None:
        parsed = ints(action_value(body), 1)
        if parsed is None:
            return
        user_id = body["user"]["id"]
        outcome = signing.withdraw_signature(runtime, client, user_id, parsed[0], context.team_id or "")
        _reply(respond, body, client, signing.withdrawal_text(outcome), replace=isinstance(outcome, Withdrawn))
        if isinstance(outcome, Withdrawn) and not outcome.already:
            signing.notify_coordinators_of_withdrawal(
                runtime,
                client,
                letter_id=outcome.letter_id,
                letter_title=outcome.letter_title,
                org_name=outcome.org_name,
                user_id=user_id,
            )

    def keep_signature(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        parsed = ints(action_value(body), 1)
        if parsed is None:
            return
        actor = Actor(body["user"]["id"], (body.get("user") or {}).get("team_id"))
        outcome = runtime.db.transaction(
            lambda s: signons.keep_signature(s, signatory_id=parsed[0], actor=actor, now=utcnow())
        )
        if isinstance(outcome, Updated):
            text = f":white_check_mark: Thanks — {outcome.org_name} stays on “{outcome.letter_title}”."
        elif isinstance(outcome, NotAllowed):
            text = outcome.reason
        else:
            text = "That signature was withdrawn or merged, so there is nothing to keep."
        _reply(respond, body, client, text, replace=isinstance(outcome, Updated))

    def confirm_merge(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        parsed = ints(action_value(body), 2)
        if parsed is None:
            return
        source_id, target_id = parsed
        actor = Actor(body["user"]["id"])
        outcome = runtime.db.transaction(
            lambda s: signons.merge(
                s, source_id=source_id, target_id=target_id, actor=actor, now=utcnow(), is_coordinator=False
            )
        )
        if isinstance(outcome, Merged):
            text = (
                f":link: Merged: your sign-on is now part of “{outcome.target_name}”, which is listed once. "
                "You are recorded as one of its contacts."
            )
        elif isinstance(outcome, NotAllowed):
            text = outcome.reason
        else:
            text = "These can no longer be merged (one of them was withdrawn or already merged)."
        _reply(respond, body, client, text, replace=isinstance(outcome, Merged))

    def decline_merge(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        parsed = ints(action_value(body), 1)
        if parsed is None:
            return
        actor = Actor(body["user"]["id"])
        with runtime.db.read() as session:
            signatory = session.get(Signatory, parsed[0])
            allowed = signatory is not None and signons.may_act_for(session, signatory, actor.user_id)
        if not allowed:
            _reply(respond, body, client, "Only the person who signed can answer this.")
            return
        runtime.db.transaction(
            lambda s: signons.dismiss_duplicate(s, signatory_id=parsed[0], actor=actor, now=utcnow())
        )
        _reply(respond, body, client, "Got it — listed as a separate organization.", replace=False)

    app.action(ids.SIGN_ON_BUTTON)(ack=acknowledge, lazy=[sign_on_button])
    app.action(ids.READ_LETTER_BUTTON)(ack=acknowledge, lazy=[read_letter_button])
    app.action(ids.PICK_LETTER)(ack=acknowledge, lazy=[pick_letter])
    app.action(ids.EDIT_SIGNATURE)(ack=acknowledge, lazy=[edit_signature])
    app.action(ids.WITHDRAW_SIGNATURE)(ack=acknowledge, lazy=[withdraw_signature])
    app.action(ids.WITHDRAW_AFTER_CHANGE)(ack=acknowledge, lazy=[withdraw_signature])
    app.action(ids.KEEP_SIGNATURE)(ack=acknowledge, lazy=[keep_signature])
    app.action(ids.CONFIRM_MERGE)(ack=acknowledge, lazy=[confirm_merge])
    app.action(ids.DECLINE_MERGE)(ack=acknowledge, lazy=[decline_merge])
