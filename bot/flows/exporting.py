"""``/signon export``: acknowledge at once, then DM the coordinator the block, a .txt and a CSV."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot import ids
from bot.blocks.common import Block, actions, button, context, escape, plain, section, truncate
from bot.flows import Later
from bot.flows.coordinating import pick_letter, refusal
from bot.runtime import Runtime
from bot.services import coordinators
from bot.services import export as export_service
from bot.slackio import dm_channel, send_dm, slack_error
from bot.timeutil import utcnow
from db.models import Letter

log = logging.getLogger(__name__)

# Slack reports msg_blocks_too_long well below 50 full sections; stay far under it.
INLINE_BLOCK_CHARS = 11000


def parse_export_args(rest: str) -> tuple[str, str, bool]:
    """(letter reference, format, changes-only) from the text after ``export``."""
    words = rest.split()
    fmt, changes = "all", False
    while words and words[-1].lower() in (*export_service.FORMATS, "changes", "diff"):
        last = words.pop().lower()
        if last in ("changes", "diff"):
            changes = True
        else:
            fmt = last
    return " ".join(words), fmt, changes


def export_command(
    runtime: Runtime, ack: Ack, client: WebClient, command: dict[str, Any], team_id: str, rest: str, later: Later
) -> None:
    user_id = command["user_id"]
    reference, fmt, changes = parse_export_args(rest)
    found = pick_letter(runtime, team_id, user_id, command.get("channel_id"), reference, newest_in_channel=True)
    if not found:
        if not coordinators.is_coordinator(runtime, client, user_id):
            ack(text=refusal(runtime, "export signatories"))
            return
        ack(text="I couldn't find a letter to export. Use `/signon export 12` (see `/signon list`).")
        return
    if len(found) > 1:
        if not coordinators.is_coordinator(runtime, client, user_id):
            ack(text=refusal(runtime, "export signatories"))
            return
        ack(text="Which letter?", blocks=picker_blocks(found, fmt))
        return
    letter = found[0]
    if not coordinators.can_manage(runtime, client, user_id, letter.id):
        ack(text=refusal(runtime, "export signatories", letter_id=letter.id))
        return
    ack(
        text=f":hourglass_flowing_sand: Preparing the export of *#{letter.id} {escape(letter.title)}*; "
        "I'll send it to you "
        "in a direct message."
    )
    later("deliver_export", user_id=user_id, letter_id=letter.id, fmt=fmt, changes_only=changes)


def picker_blocks(letters: list[Letter], fmt: str) -> list[Block]:
    blocks: list[Block] = [section("Several letters could be meant. Which one should I export?")]
    buttons = [
        button(f"#{letter.id} {letter.title}", ids.EXPORT_LETTER, f"{letter.id}:{fmt}") for letter in letters[:20]
    ]
    for start in range(0, len(buttons), 5):
        blocks.append(actions(*buttons[start : start + 5]))
    return blocks


def channel_names(client: WebClient, channel_ids: set[str]) -> dict[str, str]:
    names = {}
    for channel_id in list(channel_ids)[:50]:
        try:
            names[channel_id] = str(client.conversations_info(channel=channel_id)["channel"]["name"])
        except (SlackApiError, SlackRequestError, OSError, KeyError, TypeError):
            # Names are a nicety in the CSV; the export goes out with channel ids instead.
            continue
    return names


def deliver_export(
    runtime: Runtime,
    client: WebClient,
    user_id: str,
    letter_id: int,
    fmt: str = "all",
    *,
    changes_only: bool = False,
    heading: str | None = None,
) -> bool:
    """Build the export from one database snapshot and DM it; True when the files were delivered."""
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        if letter is None:
            return False
        sources = {post.channel_id for post in letter.posts}
    names = channel_names(client, sources)
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        data = export_service.load_export(session, letter, names)
        if changes_only:
            summary = export_service.changes_since_last(session, data)
            text, blocks = changes_message(letter.title, summary, len(data.rows))
            send_dm(client, user_id, text, blocks)
            return True
    if not data.rows:
        # Slack refuses empty files; there is nothing to paste yet anyway.
        text = f"No organizations have signed #{letter_id} {escape(data.title)} yet, so there is nothing to export."
        send_dm(client, user_id, text, [section(text)])
        return False
    summary = runtime.db.transaction(
        lambda session: export_service.take_snapshot(session, data, actor=user_id, now=utcnow())
    )
    text, blocks = export_message(data, summary, heading=heading, show_block=fmt in ("text", "all"))
    channel = dm_channel(client, user_id)
    if channel is None:
        send_dm(client, user_id, text, blocks)
        return False
    try:
        client.chat_postMessage(channel=channel, text=text, blocks=blocks, unfurl_links=False)
    except SlackApiError as error:
        log.warning("export message failed: %s", slack_error(error))
    stem = f"letter-{letter_id}-export-{summary.number}"
    uploads = []
    if fmt in ("text", "all"):
        uploads.append(
            {
                "content": export_service.text_block(data),
                "filename": f"{stem}-signatories.txt",
                "title": f"Signatories: {data.title} (export {summary.number})",
            }
        )
    if fmt in ("csv", "all"):
        uploads.append(
            {
                "content": export_service.csv_text(data),
                "filename": f"{stem}.csv",
                "title": f"Signatories CSV: {data.title} (export {summary.number})",
            }
        )
    try:
        client.files_upload_v2(
            file_uploads=uploads, channel=channel, initial_comment=f"Files for export {summary.number} of #{letter_id}."
        )
    except (SlackApiError, SlackRequestError, OSError) as error:
        # The upload URL step is plain HTTP: its failures arrive as urllib errors, not SlackApiError.
        code = slack_error(error) if isinstance(error, SlackApiError) else type(error).__name__
        log.warning("export upload failed: %s", code)
        send_dm(
            client,
            user_id,
            f"I couldn't upload the export files ({code}). Try `/signon export {letter_id}` again in a minute.",
            [
                section(
                    f":warning: I couldn't upload the export files ({code}). Try "
                    f"`/signon export {letter_id}` again in a minute."
                )
            ],
        )
        return False
    return True


def export_message(
    data: export_service.ExportData, summary: export_service.SnapshotSummary, *, heading: str | None, show_block: bool
) -> tuple[str, list[Block]]:
    count = len(data.rows)
    blocks: list[Block] = [
        section(
            f"*{escape(heading or 'Signatories')}: #{data.letter_id} {escape(data.title)}*\n"
            f"*{count:,} organization{'s' if count != 1 else ''}* · {summary.headline()}"
        )
    ]
    if summary.added:
        blocks.append(context(plain(truncate("New: " + ", ".join(summary.added), 2000), emoji=False)))
    if summary.removed:
        blocks.append(context(plain(truncate("No longer listed: " + ", ".join(summary.removed), 2000), emoji=False)))
    block_text = export_service.text_block(data)
    if show_block:
        if 0 < len(block_text) <= INLINE_BLOCK_CHARS:
            chunk: list[str] = []
            size = 0
            for name in data.names:
                line = escape(name).replace("```", "'''")
                if size + len(line) + 1 > 2800 and chunk:
                    blocks.append(section("```" + "\n".join(chunk) + "```"))
                    chunk, size = [], 0
                chunk.append(line)
                size += len(line) + 1
            if chunk:
                blocks.append(section("```" + "\n".join(chunk) + "```"))
        elif block_text:
            blocks.append(context("The list is too long to show here; it is in the .txt file below."))
    blocks.append(
        context(
            "The .txt file holds only the names, one per line. In the CSV, cells that a spreadsheet would "
            "read as a formula (starting with = + - @) begin with an apostrophe."
        )
    )
    return f"{count:,} organizations: {escape(data.title)}", blocks[:50]


def changes_message(title: str, summary: export_service.SnapshotSummary | None, count: int) -> tuple[str, list[Block]]:
    if summary is None:
        text = (
            f"No export of “{escape(title)}” yet, so there is nothing to compare. It has {count:,} organizations now."
        )
        return text, [section(text)]
    lines = [
        f"*Since export {summary.number}* of “{escape(title)}”: {len(summary.added)} new, {len(summary.removed)} "
        f"gone; {count:,} organizations now."
    ]
    blocks: list[Block] = [section(lines[0])]
    if summary.added:
        blocks.append(section("*New*\n```" + escape("\n".join(summary.added))[:2700] + "```"))
    if summary.removed:
        blocks.append(section("*No longer listed*\n```" + escape("\n".join(summary.removed))[:2700] + "```"))
    return lines[0], blocks
