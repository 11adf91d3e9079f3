"""Delivering a letter: ``/signon delivered`` and its modal, the coordinator's confirmation, and ``/signon
respond`` (the one follow-up to every signer). The messages to every signer are sent by bot/delivery/thanks.py.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot import ids, viewstate
from bot.blocks import delivery as blocks
from bot.blocks.common import escape
from bot.blocks.signon import message_modal
from bot.delivery.thanks import refresh_progress
from bot.flows import Later, home, words_for
from bot.flows.commands import CommandRequest, managed_letter
from bot.flows.lookups import letter_and_view
from bot.messages import Task
from bot.runtime import Runtime
from bot.services import delivery as delivery_service
from bot.services.outcomes import Problem
from bot.slack.api import open_view
from bot.slack.profiles import get_profile
from bot.timeutil import utcnow, zone
from db.models import Letter

log = logging.getLogger(__name__)

# Where each field's inline error shows.
FIELD_BLOCKS = {
    "date": ids.DELIVERED_ON_BLOCK,
    "to": ids.DELIVERED_TO_BLOCK,
    "method": ids.DELIVERY_METHOD_BLOCK,
    "link": ids.PUBLIC_LINK_BLOCK,
}


def _email_on(runtime: Runtime) -> bool:
    """Web signers are thanked by email when the app can send email (SMTP_URL) and link to its pages."""
    return runtime.settings.smtp is not None and runtime.settings.public_url is not None


def _letter_for(request: CommandRequest, task: Task) -> int | None:
    """The letter the command names (or the newest posted here), once the person may manage it."""
    letter = managed_letter(request, task, newest_in_channel=True)
    return None if letter is None else letter.id


def delivered_command(request: CommandRequest) -> None:
    """``/signon delivered [letter]``: the delivery modal, for the letter's coordinators."""
    letter_id = _letter_for(request, Task.DELIVER)
    if letter_id is None:
        return
    with request.runtime.db.read() as session:
        existing = delivery_service.delivery_of(session, letter_id)
    if existing is not None:
        request.ack(text=request.words.already_delivered(letter_id, existing.delivered_on))
        return
    request.ack()
    request.later(
        "open_delivery", trigger_id=request.command["trigger_id"], user_id=request.user_id, letter_id=letter_id
    )


def _today(runtime: Runtime, client: WebClient, user_id: str) -> date:
    return utcnow().astimezone(zone(get_profile(runtime.db, client, user_id).tz)).date()


def open_delivery_modal(runtime: Runtime, client: WebClient, trigger_id: str, user_id: str, letter_id: int) -> None:
    w = words_for(runtime, user_id)
    _, view = letter_and_view(runtime, letter_id)
    open_view(
        client,
        trigger_id,
        blocks.delivery_modal(w, letter_id, view.title, view.count, _today(runtime, client, user_id)),
    )


def submit_delivery(
    runtime: Runtime, ack: Ack, body: dict[str, Any], client: WebClient, later: Later, letter_id: int
) -> None:
    """The delivery modal (the listener middleware checked the letter and the person)."""
    view = body.get("view") or {}
    user_id = body["user"]["id"]
    w = words_for(runtime, user_id)
    picked = viewstate.date_value(view, ids.DELIVERED_ON_BLOCK, ids.DELIVERED_ON_INPUT)
    try:
        day = date.fromisoformat(picked) if picked else None
    except ValueError:
        day = None
    raw = delivery_service.DeliveryInput(
        delivered_on=day,
        delivered_to=viewstate.text(view, ids.DELIVERED_TO_BLOCK, ids.DELIVERED_TO_INPUT),
        method=viewstate.selected(view, ids.DELIVERY_METHOD_BLOCK, ids.DELIVERY_METHOD_INPUT),
        public_link=viewstate.text(view, ids.PUBLIC_LINK_BLOCK, ids.PUBLIC_LINK_INPUT),
    )
    # A day ahead of UTC's: whoever delivers in the evening in Hawaii may still pick "today" there.
    form, problems = delivery_service.validate_delivery(raw, today=date.fromordinal(utcnow().date().toordinal() + 1))
    if form is None:
        ack(response_action="errors", errors={FIELD_BLOCKS[k]: w.delivery_problem(p) for k, p in problems.items()})
        return
    outcome = runtime.db.transaction(
        lambda s: delivery_service.record_delivery(
            s, letter_id=letter_id, actor=user_id, form=form, now=utcnow(), email=_email_on(runtime)
        )
    )
    if isinstance(outcome, delivery_service.AlreadyDelivered):
        ack(
            response_action="errors",
            errors={ids.DELIVERED_ON_BLOCK: w.already_delivered(letter_id, outcome.delivered_on)},
        )
        return
    text = w.delivery_recorded(letter_id, escape(outcome.title), outcome.count, outcome.recipients)
    ack(response_action="update", view=message_modal(w, w.delivery_recorded_title(), text))
    later("confirm_delivery", user_id=user_id, letter_id=letter_id)


def confirm_delivery(runtime: Runtime, client: WebClient, user_id: str, letter_id: int) -> None:
    """The coordinator's confirmation DM, which the thanks job then keeps current ("Thanks sent to 120 of 193"),
    and the coordinators' Home tabs, which it republishes as the count moves."""
    refresh_progress(runtime, client, letter_id, post_to=user_id)
    home.republish_for_letters(runtime, {letter_id})


def respond_command(request: CommandRequest) -> None:
    """``/signon respond [letter]``: the follow-up modal, once the letter was delivered and has had none."""
    letter_id = _letter_for(request, Task.RESPOND)
    if letter_id is None:
        return
    w = request.words
    with request.runtime.db.read() as session:
        existing = delivery_service.delivery_of(session, letter_id)
    if existing is None:
        request.ack(text=w.not_delivered_yet(letter_id))
        return
    if existing.response_at is not None:
        request.ack(text=w.response_already_sent(letter_id))
        return
    request.ack()
    request.later(
        "open_response", trigger_id=request.command["trigger_id"], user_id=request.user_id, letter_id=letter_id
    )


def open_response_modal(runtime: Runtime, client: WebClient, trigger_id: str, user_id: str, letter_id: int) -> None:
    w = words_for(runtime, user_id)
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        title = letter.title
    open_view(client, trigger_id, blocks.response_modal(w, letter_id, title))


def submit_response(runtime: Runtime, ack: Ack, body: dict[str, Any], letter_id: int) -> None:
    view = body.get("view") or {}
    user_id = body["user"]["id"]
    w = words_for(runtime, user_id)
    text = delivery_service.clean_response(viewstate.text(view, ids.RESPONSE_BLOCK, ids.RESPONSE_INPUT))
    if not text:
        problem = Problem(delivery_service.DeliveryProblem.RESPONSE_MISSING)
        ack(response_action="errors", errors={ids.RESPONSE_BLOCK: w.delivery_problem(problem)})
        return
    outcome = runtime.db.transaction(
        lambda s: delivery_service.record_response(
            s, letter_id=letter_id, actor=user_id, text=text, now=utcnow(), email=_email_on(runtime)
        )
    )
    if isinstance(outcome, delivery_service.NotDelivered):
        ack(response_action="errors", errors={ids.RESPONSE_BLOCK: w.not_delivered_yet(letter_id)})
        return
    if isinstance(outcome, delivery_service.ResponseAlreadySent):
        ack(response_action="errors", errors={ids.RESPONSE_BLOCK: w.response_already_sent(letter_id)})
        return
    ack(
        response_action="update",
        view=message_modal(w, w.response_sending_title(), w.response_sending(outcome.recipients)),
    )
