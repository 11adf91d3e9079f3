"""Letter create, edit and reopen modal submissions (coordinators only, checked again here).

Docs: https://docs.slack.dev/tools/bolt-python/concepts/view-submissions
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.flows import coordinating
from bot.listeners.followups import follow_up_runner, later_for
from bot.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    follow_ups = [follow_up_runner(runtime)]

    def submit_new(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        coordinating.submit_new(runtime, ack, body, client, context.team_id or "", later_for(context))

    def submit_edit(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        coordinating.submit_edit(runtime, ack, body, client, context.team_id or "", later_for(context))

    def submit_reopen(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        coordinating.submit_reopen(runtime, ack, body, client, context.team_id or "")

    app.view(ids.LETTER_NEW_MODAL)(ack=submit_new, lazy=follow_ups)
    app.view(ids.LETTER_EDIT_MODAL)(ack=submit_edit, lazy=follow_ups)
    app.view(ids.LETTER_REOPEN_MODAL)(submit_reopen)
