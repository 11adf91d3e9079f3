"""Letter create, edit and reopen modal submissions. Listener middleware checks the submitting person first
(who may start letters; who may manage this letter), so a crafted submission is refused on the form.

Docs: https://docs.slack.dev/tools/bolt-python/concepts/view-submissions
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.flows import coordinating, letter_form
from bot.listeners.followups import later_for


def submit_new(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    letter_form.submit_new(context["runtime"], ack, body, client, context.team_id or "", later_for(context))


def submit_edit(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    letter_form.submit_edit(
        context["runtime"], ack, body, client, context.team_id or "", later_for(context), context["letter_id"]
    )


def submit_reopen(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    coordinating.submit_reopen(context["runtime"], ack, body, client, context.team_id or "", context["letter_id"])
