"""Sign-on, edit and withdrawal modal submissions.

Each handler commits before it acknowledges, so an acknowledged sign-on survives a crash; the receipt
DM is sent after the acknowledgement. Docs: https://docs.slack.dev/tools/bolt-python/concepts/view-submissions
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks.signon import message_modal
from bot.flows import signing
from bot.listeners.followups import follow_up_runner, later_for
from bot.runtime import Runtime
from bot.services.signons import Withdrawn


def register(app: App, runtime: Runtime) -> None:
    follow_ups = [follow_up_runner(runtime)]

    def submit_signon(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        # The receipt follows from the receipts job (bot/jobs.py), at a pace Slack accepts.
        signing.submit_signon(runtime, ack, body, client, context.team_id or "")

    def submit_edit(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        signatory_id = signing.submit_edit(runtime, ack, body, client, context.team_id or "")
        if signatory_id is not None:
            later_for(context)(
                "send_receipt",
                signatory_id=signatory_id,
                user_id=body["user"]["id"],
                heading="Your sign-on was updated",
            )

    def submit_withdraw(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        try:
            signatory_id = int(json.loads((body.get("view") or {}).get("private_metadata") or "{}")["sig"])
        except (KeyError, TypeError, ValueError):
            ack(response_action="update", view=message_modal("Withdraw", "This form is out of date."))
            return
        user_id = body["user"]["id"]
        outcome = signing.withdraw_signature(runtime, client, user_id, signatory_id, context.team_id or "")
        ack(response_action="update", view=message_modal("Withdraw", signing.withdrawal_text(outcome), quoting=True))
        if isinstance(outcome, Withdrawn) and not outcome.already:
            later_for(context)(
                "tell_coordinators_withdrawal",
                letter_id=outcome.letter_id,
                letter_title=outcome.letter_title,
                org_name=outcome.org_name,
                user_id=user_id,
            )

    app.view(ids.SIGNON_MODAL)(submit_signon)
    app.view(ids.SIGNON_EDIT_MODAL)(ack=submit_edit, lazy=follow_ups)
    app.view(ids.WITHDRAW_MODAL)(ack=submit_withdraw, lazy=follow_ups)
