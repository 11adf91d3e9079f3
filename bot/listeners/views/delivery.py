"""The delivery and follow-up modal submissions. Listener middleware checks that the submitting person may
manage the letter first, so a crafted submission is refused on the form.

Docs: https://docs.slack.dev/tools/bolt-python/concepts/view-submissions
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.flows import delivering
from bot.listeners.followups import later_for


def submit_delivery(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    delivering.submit_delivery(context["runtime"], ack, body, client, later_for(context), context["letter_id"])


def submit_response(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    delivering.submit_response(context["runtime"], ack, body, context["letter_id"])
