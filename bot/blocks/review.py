"""The coordinators' review queue of possible duplicate organizations."""

from __future__ import annotations

from collections.abc import Sequence

from bot import ids
from bot.blocks.common import Block, actions, button, context, escape, plain, section
from db.models import Signatory


def duplicate_pair_blocks(new: Signatory, existing: Signatory) -> list[Block]:
    return [
        {
            "type": "section",
            "fields": [
                plain(f"New: {new.org_name}"[:2000], emoji=False),
                plain(f"Already signed: {existing.org_name}"[:2000], emoji=False),
            ],
        },
        actions(
            button("Merge into the earlier one", ids.REVIEW_MERGE, f"{new.id}:{existing.id}", style="primary"),
            button("Different organizations", ids.REVIEW_DISMISS, str(new.id)),
            block_id=f"review_{new.id}",
        ),
    ]


def review_message(letter_id: int, title: str, pairs: Sequence[tuple[Signatory, Signatory]]) -> tuple[str, list[Block]]:
    if not pairs:
        text = f"No possible duplicates to review on #{letter_id} {escape(title)}."
        return text, [section(text)]
    blocks: list[Block] = [section(f"*Possible duplicates on #{letter_id} {escape(title)}* ({len(pairs)})")]
    for new, existing in pairs[:15]:
        blocks.extend(duplicate_pair_blocks(new, existing))
    if len(pairs) > 15:
        blocks.append(context(f"…and {len(pairs) - 15} more; review these first."))
    return f"{len(pairs)} possible duplicates to review", blocks
