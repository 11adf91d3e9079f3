"""Who may act for an organization: a recorded contact asks, and the signer or a coordinator lets them."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks.common import quoted
from bot.blocks.signon import message_modal, request_to_act_message
from bot.delivery.receipts import send_receipt
from bot.flows import words_for
from bot.flows.editing import signatory_in_workspace
from bot.flows.replies import reply
from bot.runtime import Runtime
from bot.services.letters.queries import letter_coordinators
from bot.services.outcomes import Actor, NotAllowed
from bot.services.signing import acting
from bot.slack.api import OpenedView, send_dm, update_view
from bot.slack.permissions import can_manage
from bot.slack.profiles import get_profile
from bot.timeutil import utcnow
from db.enums import SignatoryStatus


def ask_to_act(runtime: Runtime, client: WebClient, body: dict[str, Any], signatory_id: int, team_id: str) -> None:
    """A contact asks the signer and the letter's coordinators to be able to edit or withdraw the sign-on."""
    user_id = body["user"]["id"]
    w = words_for(runtime, user_id)
    found = signatory_in_workspace(runtime, signatory_id, team_id)
    if found is None or found[0].status != SignatoryStatus.ACTIVE:
        return
    signatory, letter = found
    with runtime.db.read() as session:
        # Only someone recorded for the organization (who typed its name) may ask; nobody else is told it exists.
        if not acting.is_contact(session, signatory.id, user_id) or acting.may_act_for(session, signatory, user_id):
            return
        people = list(dict.fromkeys([signatory.signer_user_id, *letter_coordinators(session, letter.id)]))
    people = [person for person in people if person != user_id]
    for person in people:
        text, blocks = request_to_act_message(
            words_for(runtime, person), user_id, signatory.org_name, letter.title, signatory.id
        )
        send_dm(client, person, text, blocks)
    view = body.get("view") or {}
    if isinstance(view.get("id"), str):
        asked = w.asked_to_be_added(", ".join(f"<@{person}>" for person in people))
        update_view(client, OpenedView(view["id"], None), message_modal(w, w.already_signed_title(), asked))


def let_act(
    runtime: Runtime,
    client: WebClient,
    respond: Respond,
    body: dict[str, Any],
    signatory_id: int,
    user_id: str,
    team_id: str,
) -> None:
    """The signer (or someone they added, or a coordinator) lets ``user_id`` act for the organization too."""
    actor_id = body["user"]["id"]
    w = words_for(runtime, actor_id)
    found = signatory_in_workspace(runtime, signatory_id, team_id)
    if found is None:
        return
    is_coordinator = can_manage(runtime, client, actor_id, found[1].id)
    name = get_profile(runtime.db, client, user_id).name or user_id
    outcome = runtime.db.transaction(
        lambda session: acting.add_delegate(
            session,
            signatory_id=signatory_id,
            user_id=user_id,
            name=name,
            actor=Actor(actor_id),
            now=utcnow(),
            is_coordinator=is_coordinator,
            team_id=team_id,
        )
    )
    if isinstance(outcome, NotAllowed):
        reply(respond, body, client, w.not_allowed(outcome.action))
        return
    if not isinstance(outcome, acting.DelegateAdded):
        reply(respond, body, client, w.signon_gone())
        return
    reply(respond, body, client, message=quoted(w.delegate_added(f"<@{user_id}>"), outcome.org_name), replace=True)
    if not outcome.already:
        told = words_for(runtime, user_id)
        text = told.you_were_added(outcome.org_name, outcome.letter_title)
        send_dm(client, user_id, text, [{"type": "section", "text": {"type": "plain_text", "text": text}}])
        send_receipt(runtime, client, signatory_id, user_id=user_id)
