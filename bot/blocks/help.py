"""``/signon help``: the usage lines of the command table, members' first, coordinators' for coordinators."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.common import Block, context, escape, section
from bot.messages import Words


def help_message(
    w: Words, member_lines: Sequence[str], coordinator_lines: Sequence[str] = ()
) -> tuple[str, list[Block]]:
    """``member_lines`` and ``coordinator_lines`` are the usage lines (mrkdwn) of the command table."""
    blocks = [section(w.member_usage_heading() + "\n" + "\n".join(f"• {line}" for line in member_lines))]
    if coordinator_lines:
        blocks.append(
            section(w.coordinator_usage_heading() + "\n" + "\n".join(f"• {line}" for line in coordinator_lines))
        )
    blocks.append(context(w.help_footer()))
    return w.help_notification(), blocks


def unknown_command(
    w: Words, word: str, member_lines: Sequence[str], coordinator_lines: Sequence[str] = ()
) -> tuple[str, list[Block]]:
    text, blocks = help_message(w, member_lines, coordinator_lines)
    shown = escape(word[:40]).replace("`", "'")
    return text, [section(w.unknown_subcommand(shown)), *blocks]
