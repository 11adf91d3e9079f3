"""The coordinators' review queue of possible duplicate organizations."""

from __future__ import annotations

from collections.abc import Sequence

from bot import ids
from bot.blocks.common import Block, actions, button, confirm_dialog, context, escape, plain, section
from bot.contracts import MergeButton, SignatoryButton
from bot.messages import Words
from db.models import Signatory


def merge_button(w: Words, new: Signatory, existing: Signatory) -> Block:
    """Merge ``new`` into ``existing``, after Slack's confirmation dialog (a merge can be undone from the queue)."""
    confirm = confirm_dialog(
        w.merge_confirm_title(),
        w.merge_confirm_text(new.org_name[:120], existing.org_name[:120]),
        w.merge_it(),
        w.cancel(),
    )
    value = MergeButton(new.id, existing.id).dump()
    return button(w.merge_into_earlier(), ids.REVIEW_MERGE, value, style="primary", confirm=confirm)


def undo_merge_blocks(w: Words, merged: Signatory, into: Signatory) -> list[Block]:
    """One merge that can be undone: which organization went into which, and Undo (asks first)."""
    confirm = confirm_dialog(
        w.undo_confirm_title(),
        w.undo_confirm_text(merged.org_name[:120], into.org_name[:120]),
        w.undo_merge(),
        w.cancel(),
    )
    undo = button(w.undo_merge(), ids.REVIEW_UNMERGE, SignatoryButton(merged.id).dump(), confirm=confirm)
    names = w.notice_merged_names(merged.org_name, into.org_name)
    return [
        {
            "type": "section",
            "block_id": f"unmerge_{merged.id}",
            "text": plain(names[:2900], emoji=False),
            "accessory": undo,
        }
    ]


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
            merge_button(w, new, existing),
            button(w.different_organizations(), ids.REVIEW_DISMISS, SignatoryButton(new.id).dump()),
            block_id=f"review_{new.id}",
        ),
    ]


def review_message(
    w: Words,
    letter_id: int,
    title: str,
    pairs: Sequence[tuple[Signatory, Signatory]],
    merged: Sequence[tuple[Signatory, Signatory]] = (),
) -> tuple[str, list[Block]]:
    """The review queue: possible duplicates to merge or keep apart, then recent merges to undo."""
    undo: list[Block] = [section(w.recently_merged())] if merged else []
    for source, into in merged[:10]:
        undo.extend(undo_merge_blocks(w, source, into))
    if not pairs:
        text = w.no_duplicates(letter_id, escape(title))
        return text, [section(text), *undo]
    blocks: list[Block] = [section(w.duplicates_heading(letter_id, escape(title), len(pairs)))]
    for new, existing in pairs[:15]:
        blocks.extend(duplicate_pair_blocks(w, new, existing))
    if len(pairs) > 15:
        blocks.append(context(w.review_these_first(len(pairs) - 15)))
    return w.duplicates_notification(len(pairs)), [*blocks, *undo][:50]
