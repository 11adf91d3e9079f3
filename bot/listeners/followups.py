"""Work that happens after the acknowledgement, as Bolt lazy listeners.

The app runs with ``process_before_response=True``: each listener's ack function runs in the request's own
thread and its answer goes back to Slack as soon as it returns, with no executor hop and no polling for
``ack()``. Anything slow (opening a modal, posting, exporting) is queued on the request context with
``later(name, **args)`` and run by :func:`run_follow_ups`, a lazy listener Bolt starts right after the ack.
Arguments travel in the (deep-copied) context, so they must be plain data.

Docs: https://docs.slack.dev/tools/bolt-python/concepts/lazy-listeners
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.delivery.exports import deliver_request
from bot.delivery.receipts import send_receipt
from bot.flows import Later, coordinating, delivering, editing, home, letter_form, members, signing
from bot.runtime import Runtime

KEY = "signon_follow_ups"


def later_for(context: BoltContext) -> Later:
    """A function that queues a follow-up for after the acknowledgement."""

    def later(name: str, **args: Any) -> None:
        if name not in FOLLOW_UPS:
            raise KeyError(f"unknown follow-up {name}")
        context.setdefault(KEY, []).append([name, args])

    return later


def acknowledge(ack: Ack) -> None:
    """The ack function of listeners whose whole work comes after the acknowledgement."""
    ack()


def _tell(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


FOLLOW_UPS: dict[str, Callable[[Runtime, WebClient, Respond, dict[str, Any]], object]] = {
    "open_signon": lambda runtime, client, respond, args: signing.open_signon(
        runtime, client, tell=lambda text: _tell(respond, text), **args
    ),
    "open_withdraw": lambda runtime, client, respond, args: members.open_withdraw_modal(runtime, client, **args),
    "open_new_letter": lambda runtime, client, respond, args: letter_form.open_new_letter_modal(
        runtime, client, **args
    ),
    "open_edit_letter": lambda runtime, client, respond, args: letter_form.open_edit_modal(runtime, client, **args),
    "start_reopen": lambda runtime, client, respond, args: coordinating.start_reopen(
        runtime, client, tell=lambda text: _tell(respond, text), **args
    ),
    "post_letter": lambda runtime, client, respond, args: letter_form.post_new_letter(runtime, client, **args),
    "after_letter_edit": lambda runtime, client, respond, args: letter_form.after_letter_edit(runtime, client, **args),
    "deliver_export": lambda runtime, client, respond, args: deliver_request(runtime, client, **args),
    "send_receipt": lambda runtime, client, respond, args: send_receipt(runtime, client, **args),
    "tell_coordinators_withdrawal": lambda runtime, client, respond, args: editing.notify_coordinators_of_withdrawal(
        runtime, client, **args
    ),
    "publish_home": lambda runtime, client, respond, args: home.publish(runtime, client, **args),
    "open_delivery": lambda runtime, client, respond, args: delivering.open_delivery_modal(runtime, client, **args),
    "confirm_delivery": lambda runtime, client, respond, args: delivering.confirm_delivery(runtime, client, **args),
    "open_response": lambda runtime, client, respond, args: delivering.open_response_modal(runtime, client, **args),
}


def run_follow_ups(context: BoltContext, client: WebClient, respond: Respond) -> None:
    """The lazy listener that runs what the ack function queued."""
    for name, args in context.get(KEY, []):
        FOLLOW_UPS[name](context["runtime"], client, respond, args)
