"""``/signon help``: short usage for members, plus the coordinator commands for coordinators."""

from __future__ import annotations

from bot.blocks.common import Block, context, escape, section

MEMBER_USAGE = (
    "*Sign on to a coalition letter*\n"
    "• `/signon` — sign the open letter posted in this channel (or pick one)\n"
    "• `/signon 12` or `/signon &lt;words of the title&gt;` — sign a particular letter\n"
    "• `/signon list` — open letters, their deadlines and counts\n"
    "• `/signon status` — what your organization has signed\n"
    "• `/signon withdraw [letter]` — take your organization's signature off a letter"
)

COORDINATOR_USAGE = (
    "*Coordinators*\n"
    "• `/signon new` — draft a letter and post it to channels\n"
    "• `/signon edit [letter]` — change the text, deadline, channels, lead organizations or reminders\n"
    "• `/signon close [letter]` / `/signon reopen [letter]`\n"
    "• `/signon export [letter] [text|csv|all]` — the signatory list as the letter prints it, plus a CSV\n"
    "• `/signon export [letter] changes` — what changed since the last export"
)


def help_message(*, coordinator: bool) -> tuple[str, list[Block]]:
    blocks = [section(MEMBER_USAGE)]
    if coordinator:
        blocks.append(section(COORDINATOR_USAGE))
    blocks.append(context("You can also use the *Sign on* button on a letter, or the app's Home tab."))
    return "How to use /signon", blocks


def unknown_command(word: str, *, coordinator: bool) -> tuple[str, list[Block]]:
    text, blocks = help_message(coordinator=coordinator)
    shown = escape(word[:40]).replace("`", "'")
    return text, [section(f"I don't know `{shown}`. Here is what `/signon` can do:"), *blocks]
