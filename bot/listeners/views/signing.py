"""Sign-on, edit and withdrawal modal submissions.

Each handler commits before it acknowledges, so an acknowledged sign-on survives a crash; the receipt DM is sent
after the acknowledgement. Docs: https://docs.slack.dev/tools/bolt-python/concepts/view-submissions
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.flows import editing, members, signing
from bot.listeners.followups import later_for


def submit_signon(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    # The receipt follows from the receipts job (bot/delivery/receipts.py), at a pace Slack accepts.
    signing.submit_signon(context["runtime"], ack, client, body, context.team_id or "")


def submit_edit(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    # The signer's receipt is updated in place by the refresh job (bot/delivery/refreshes.py); someone else who
    # edited (a coordinator, a person the signer added) gets a receipt of what is now recorded.
    signatory_id = editing.submit_edit(context["runtime"], ack, client, body, context.team_id or "")
    if signatory_id is not None and not editing.is_signer(context["runtime"], signatory_id, body["user"]["id"]):
        later_for(context)("send_receipt", signatory_id=signatory_id, user_id=body["user"]["id"], updated=True)


def submit_withdraw(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    members.submit_withdraw(context["runtime"], ack, client, body, context.team_id or "", later_for(context))
