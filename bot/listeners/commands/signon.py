"""``/signon [subcommand] [arguments]``: one slash command, routed by the table in table.py.

Docs: https://docs.slack.dev/interactivity/implementing-slash-commands
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.flows.commands import CommandRequest
from bot.listeners.commands.table import parse
from bot.listeners.followups import later_for


def signon_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    entry, rest = parse(command.get("text", ""))
    request = CommandRequest(
        runtime=context["runtime"],
        ack=ack,
        client=client,
        command=command,
        team_id=context.team_id or command.get("team_id", ""),
        subcommand=entry.name,
        rest=rest,
        later=later_for(context),
    )
    entry.run(request)
