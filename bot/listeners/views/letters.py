"""Letter create, edit and reopen modal submissions (coordinators only, checked again here).

Docs: https://docs.slack.dev/tools/bolt-python/concepts/view-submissions
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.flows import coordinating
from bot.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    @app.view(ids.LETTER_NEW_MODAL)
    def submit_new(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        coordinating.submit_new(runtime, ack, body, client, context.team_id or "")

    @app.view(ids.LETTER_EDIT_MODAL)
    def submit_edit(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        coordinating.submit_edit(runtime, ack, body, client, context.team_id or "")

    @app.view(ids.LETTER_REOPEN_MODAL)
    def submit_reopen(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        coordinating.submit_reopen(runtime, ack, body, client, context.team_id or "")
