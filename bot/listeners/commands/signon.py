"""``/signon [subcommand] [arguments]``: one slash command, routed by its first word.

Docs: https://docs.slack.dev/interactivity/implementing-slash-commands
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks.help import help_message, unknown_command
from bot.flows import coordinating, exporting, signing
from bot.listeners.followups import follow_up_runner, later_for
from bot.runtime import Runtime
from bot.services.coordinators import is_coordinator

SUBCOMMANDS = {"help", "new", "edit", "list", "close", "reopen", "export", "status", "withdraw", "review"}
# Words people type by habit that mean the same thing.
ALIASES = {"create": "new", "start": "new", "ls": "list", "sign": "", "open": "", "remove": "withdraw", "?": "help"}
COMMAND_TEXT_MAX = 500


def parse(text: str) -> tuple[str, str]:
    """Split command text into (subcommand, rest); an empty subcommand means "sign on to <rest>"."""
    text = " ".join((text or "").split())[:COMMAND_TEXT_MAX]
    word, _, rest = text.partition(" ")
    lowered = word.lower()
    lowered = ALIASES.get(lowered, lowered)
    if lowered in SUBCOMMANDS:
        return lowered, rest.strip()
    if word.lower() in ALIASES:  # "sign 12"
        return "", rest.strip()
    return "", text


def register(app: App, runtime: Runtime) -> None:
    def signon_command(
        ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
    ) -> None:
        later = later_for(context)
        subcommand, rest = parse(command.get("text", ""))
        user_id = command["user_id"]
        team_id = context.team_id or command.get("team_id", "")
        if subcommand == "help":
            text, blocks = help_message(coordinator=is_coordinator(runtime, client, user_id))
            ack(text=text, blocks=blocks)
        elif subcommand == "":
            letter_id = None
            if rest:
                matches = signing.matching_letters(runtime, team_id, rest)
                if not matches and (" " not in rest or not any(ch.isalnum() for ch in rest)):
                    # Most likely a mistyped subcommand rather than a letter title.
                    text, blocks = unknown_command(rest.split(" ")[0], coordinator=False)
                    ack(text=text, blocks=blocks)
                    return
                letter_id = matches[0] if len(matches) == 1 else None
            ack()
            later(
                "open_signon",
                trigger_id=command["trigger_id"],
                user_id=user_id,
                team_id=team_id,
                channel_id=command.get("channel_id"),
                source="slash_command",
                letter_id=letter_id,
                reference=rest or None,
            )
        elif subcommand == "list":
            signing.list_letters(runtime, ack, client, user_id, team_id)
        elif subcommand == "status":
            signing.status(runtime, ack, user_id, team_id)
        elif subcommand == "withdraw":
            signing.withdraw_command(runtime, ack, command, team_id, rest, later)
        elif subcommand == "new":
            coordinating.new_letter(runtime, ack, client, command, later)
        elif subcommand in ("edit", "close", "reopen", "review"):
            coordinating.manage_command(runtime, ack, client, command, team_id, subcommand, rest, later)
        elif subcommand == "export":
            exporting.export_command(runtime, ack, client, command, team_id, rest, later)

    app.command(ids.COMMAND)(ack=signon_command, lazy=[follow_up_runner(runtime)])
