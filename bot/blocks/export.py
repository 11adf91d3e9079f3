"""Block Kit for exports: the signatory block as a message, and what changed since the last export."""

from __future__ import annotations

from bot import ids
from bot.blocks.common import Block, actions, button, context, escape, plain, section, truncate
from bot.contracts import ExportButton
from bot.messages import Words
from bot.services import export as export_service

# Slack reports msg_blocks_too_long well below 50 full sections; stay far under it.
INLINE_BLOCK_CHARS = 11000
CODE_BLOCK_CHARS = 2800


def _code_blocks(names: list[str]) -> list[Block]:
    """The names as preformatted sections of at most CODE_BLOCK_CHARS, one name per line."""
    blocks: list[Block] = []
    chunk: list[str] = []
    size = 0
    for name in names:
        line = escape(name).replace("```", "'''")
        if size + len(line) + 1 > CODE_BLOCK_CHARS and chunk:
            blocks.append(section("```" + "\n".join(chunk) + "```"))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        blocks.append(section("```" + "\n".join(chunk) + "```"))
    return blocks


def export_message(
    w: Words,
    data: export_service.ExportData,
    summary: export_service.SnapshotSummary,
    *,
    heading: str,
    show_block: bool,
    layout_note: str | None = None,
) -> tuple[str, list[Block]]:
    """The export's message; ``layout_note`` (with the documents) says how they lay out the signatories."""
    count = len(data.rows)
    headline = w.export_headline(summary.number, summary.count, summary.previous_number, summary.added, summary.removed)
    blocks: list[Block] = [
        section(w.export_heading(escape(heading), data.letter_id, escape(data.title), count, headline))
    ]
    if listed_leads := sum(1 for row in data.rows if row.is_lead and row.signatory_id is None):
        blocks.append(context(w.count_with_leads(count, listed_leads)))
    if data.unconfirmed:
        blocks.append(context(w.not_confirmed(data.unconfirmed, data.version)))
    if summary.added:
        blocks.append(context(plain(truncate(w.new_list(", ".join(summary.added)), 2000), emoji=False)))
    if summary.removed:
        blocks.append(context(plain(truncate(w.no_longer_listed(", ".join(summary.removed)), 2000), emoji=False)))
    block_text = export_service.text_block(data)
    if show_block:
        if 0 < len(block_text) <= INLINE_BLOCK_CHARS:
            blocks.extend(_code_blocks(data.names))
        elif block_text:
            blocks.append(context(w.list_too_long()))
    blocks.append(context(w.export_files_explained()))
    if layout_note:
        blocks.append(context(layout_note))
    return w.export_notification(count, escape(data.title)), blocks[:50]


def changes_message(
    w: Words, title: str, summary: export_service.SnapshotSummary | None, count: int
) -> tuple[str, list[Block]]:
    if summary is None:
        text = w.nothing_to_compare(escape(title), count)
        return text, [section(text)]
    line = w.since_export(summary.number, escape(title), len(summary.added), len(summary.removed), count)
    blocks: list[Block] = [section(line)]
    if summary.added:
        blocks.append(section(w.new_heading() + "\n```" + escape("\n".join(summary.added))[:2700] + "```"))
    if summary.removed:
        blocks.append(section(w.removed_heading() + "\n```" + escape("\n".join(summary.removed))[:2700] + "```"))
    return line, blocks


def export_failed_message(w: Words, letter_id: int, fmt: str, code: str) -> tuple[str, list[Block]]:
    """The export could not be delivered (after trying again): say so, with a button to try once more."""
    text = w.export_failed(letter_id, code)
    retry = button(w.try_again(), ids.EXPORT_LETTER, ExportButton(letter_id, fmt).dump(), style="primary")
    return text, [section(text), actions(retry, block_id=f"export_retry_{letter_id}")]


def export_picker(w: Words, letters: list[tuple[int, str]], fmt: str) -> list[Block]:
    """Buttons to pick which of several letters (id, title) to export."""
    blocks: list[Block] = [section(w.several_to_export())]
    # Slack wants each action_id once per block: one block per letter, its button in it.
    for letter_id, title in letters[:20]:
        pick = button(f"#{letter_id} {title}", ids.EXPORT_LETTER, ExportButton(letter_id, fmt).dump())
        blocks.append(actions(pick, block_id=f"export_{letter_id}"))
    return blocks
