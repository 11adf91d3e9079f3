"""The coordinators' review queue of possible duplicate organizations."""

from __future__ import annotations

from collections.abc import Sequence

from bot import ids
from bot.blocks.common import Block, actions, button, context, escape, plain, section
from bot.contracts import MergeButton, SignatoryButton
from bot.messages import Words
from db.models import Signatory


def duplicate_pair_blocks(w: Words, new: Signatory, existing: Signatory) -> list[Block]:
    return [
        {
            "type": "section",
            "fields": [
                plain(f"{w.new_name(new.org_name)[:1900]} · {w.source_name(new.source)}", emoji=False),
                plain(
                    f"{w.already_signed_name(existing.org_name)[:1900]} · {w.source_name(existing.source)}", emoji=False
                ),
            ],
        },
        actions(
            button(w.merge_into_earlier(), ids.REVIEW_MERGE, MergeButton(new.id, existing.id).dump(), style="primary"),
            button(w.different_organizations(), ids.REVIEW_DISMISS, SignatoryButton(new.id).dump()),
            block_id=f"review_{new.id}",
        ),
    ]


def review_message(
    w: Words, letter_id: int, title: str, pairs: Sequence[tuple[Signatory, Signatory]]
) -> tuple[str, list[Block]]:
    if not pairs:
        text = w.no_duplicates(letter_id, escape(title))
        return text, [section(text)]
    blocks: list[Block] = [section(w.duplicates_heading(letter_id, escape(title), len(pairs)))]
    for new, existing in pairs[:15]:
        blocks.extend(duplicate_pair_blocks(w, new, existing))
    if len(pairs) > 15:
        blocks.append(context(w.review_these_first(len(pairs) - 15)))
    return w.duplicates_notification(len(pairs)), blocks
