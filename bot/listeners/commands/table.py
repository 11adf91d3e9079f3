"""Every ``/signon`` subcommand in one table: it drives parsing, dispatch and help, so they cannot drift apart.

Docs: https://docs.slack.dev/interactivity/implementing-slash-commands
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.blocks.help import help_message, unknown_command
from bot.flows import commands, delivering
from bot.flows.commands import CommandRequest
from bot.flows.exporting import export_command
from bot.flows.language import language_command
from bot.flows.members import matching_letters
from bot.messages import Words
from bot.slack.permissions import coordinates_anything

COMMAND_TEXT_MAX = 500


@dataclass(frozen=True)
class Subcommand:
    name: str
    run: Callable[[CommandRequest], None]
    usage: Callable[[Words], str]
    for_coordinators: bool = False
    aliases: tuple[str, ...] = ()


def _help(request: CommandRequest) -> None:
    text, blocks = help_message(request.words, *usage_lines(request))
    request.ack(text=text, blocks=blocks)


def _sign(request: CommandRequest) -> None:
    """``/signon`` or ``/signon <letter>``; a single word that matches no letter is most likely a typo."""
    letter_id = None
    if request.rest:
        matches = matching_letters(request.runtime, request.client, request.user_id, request.team_id, request.rest)
        number = re.fullmatch(r"#?(\d{1,9})", request.rest)
        if not matches and number:
            # Said the same whether the letter does not exist or is not this person's to see.
            request.ack(text=request.words.no_letter_number(number.group(1)))
            return
        if not matches and (" " not in request.rest or not any(ch.isalnum() for ch in request.rest)):
            text, blocks = unknown_command(request.words, request.rest.split(" ")[0], *usage_lines(request))
            request.ack(text=text, blocks=blocks)
            return
        letter_id = matches[0] if len(matches) == 1 else None
    commands.sign(request, letter_id)


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("", _sign, Words.usage_sign, aliases=("sign", "open")),
    # Spanish aliases for what members type most; the usage lines name the English words.
    Subcommand("list", commands.list_letters, Words.usage_list, aliases=("ls", "lista")),
    Subcommand("status", commands.status, Words.usage_status, aliases=("estado",)),
    Subcommand("withdraw", commands.withdraw, Words.usage_withdraw, aliases=("remove",)),
    Subcommand("language", language_command, Words.usage_language, aliases=("idioma", "lang")),
    Subcommand("help", _help, Words.usage_help, aliases=("?", "ayuda")),
    Subcommand("new", commands.new_letter, Words.usage_new, for_coordinators=True, aliases=("create", "start")),
    Subcommand("edit", commands.manage, Words.usage_edit, for_coordinators=True),
    Subcommand("close", commands.manage, Words.usage_close, for_coordinators=True),
    Subcommand("reopen", commands.manage, Words.usage_reopen, for_coordinators=True),
    Subcommand("review", commands.manage, Words.usage_review, for_coordinators=True),
    Subcommand("remind", commands.manage, Words.usage_remind, for_coordinators=True, aliases=("recordar",)),
    Subcommand("export", export_command, Words.usage_export, for_coordinators=True),
    Subcommand(
        "delivered", delivering.delivered_command, Words.usage_delivered, for_coordinators=True, aliases=("entregada",)
    ),
    Subcommand("link", commands.link, Words.usage_link, for_coordinators=True, aliases=("enlace", "url")),
    Subcommand(
        "respond", delivering.respond_command, Words.usage_respond, for_coordinators=True, aliases=("followup",)
    ),
)
_BY_WORD = {word: entry for entry in SUBCOMMANDS for word in (entry.name, *entry.aliases) if word}


def parse(text: str) -> tuple[Subcommand, str]:
    """The subcommand the text starts with, and the rest; anything else means "sign on to <text>"."""
    text = " ".join((text or "").split())[:COMMAND_TEXT_MAX]
    word, _, rest = text.partition(" ")
    entry = _BY_WORD.get(word.lower())
    if entry is None:
        return SUBCOMMANDS[0], text
    return entry, rest.strip()


def usage_lines(request: CommandRequest) -> tuple[list[str], list[str]]:
    """Help lines for members, and for coordinators when the person is one."""
    w = request.words
    members = [entry.usage(w) for entry in SUBCOMMANDS if not entry.for_coordinators]
    if not coordinates_anything(request.runtime, request.client, request.user_id, request.team_id):
        return members, []
    return members, [entry.usage(w) for entry in SUBCOMMANDS if entry.for_coordinators]
