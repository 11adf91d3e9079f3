"""Block Kit for letters: the channel post, the full-text modal, the create/edit modal, lists."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot import ids
from bot.blocks.common import (
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    header,
    modal,
    plain,
    section,
    slack_date,
    split_text,
    text_sections,
    truncate,
)
from bot.services.letters import LetterView
from bot.timeutil import zone
from db.models import LETTER_TITLE_MAX

OPENING_CHARS = 600
# A modal holds 100 blocks; keep room for the title, deadline and buttons around the text.
MODAL_TEXT_BLOCKS_MAX = 90


def organizations(count: int) -> str:
    return f"{count:,} organization{'s' if count != 1 else ''}"


def opening(text: str, limit: int = OPENING_CHARS) -> str:
    """The first paragraph(s) of the letter, cut at a clean boundary."""
    first = split_text(text, limit)
    if not first:
        return ""
    return first[0] if len(first) == 1 else first[0].rstrip(".,;: ") + " …"


def deadline_line(letter: LetterView) -> str:
    if letter.is_open:
        return f":alarm_clock: Deadline: *{slack_date(letter.deadline_at)}*"
    closed = letter.closed_at or letter.deadline_at
    return f":lock: Closed {slack_date(closed)}"


def letter_post(letter: LetterView) -> tuple[str, list[Block]]:
    """The message posted in coalition channels, updated as organizations sign."""
    blocks: list[Block] = [header(letter.title)]
    if letter.is_open:
        blocks.append(section(escape(opening(letter.text))))
        blocks.append(context(deadline_line(letter)))
        blocks.append(section(f":memo: *{organizations(letter.count)}* signed so far"))
        if letter.recent:
            names = ", ".join(letter.recent)
            blocks.append(context(plain(truncate(f"Latest: {names}", 2000), emoji=False)))
        blocks.append(
            actions(
                button("Sign on", ids.SIGN_ON_BUTTON, str(letter.id), style="primary"),
                button("Read the full letter", ids.READ_LETTER_BUTTON, str(letter.id)),
                block_id=f"letter_{letter.id}",
            )
        )
        fallback = f"Sign-on letter: {letter.title} ({organizations(letter.count)} so far)"
    else:
        blocks.append(section(f":lock: *Closed — {organizations(letter.count)} signed.* Thank you!"))
        blocks.append(context(deadline_line(letter)))
        blocks.append(
            actions(
                button("Read the full letter", ids.READ_LETTER_BUTTON, str(letter.id)), block_id=f"letter_{letter.id}"
            )
        )
        fallback = f"Closed — {organizations(letter.count)} signed: {letter.title}"
    return escape(fallback), blocks


def read_letter_modal(letter: LetterView) -> dict[str, Any]:
    """The whole letter, split across sections (Slack allows 3,000 characters per section)."""
    blocks: list[Block] = [header(letter.title), context(deadline_line(letter) + f"  ·  version {letter.version}")]
    body = text_sections(letter.text)
    if len(body) > MODAL_TEXT_BLOCKS_MAX:
        body = [
            *body[: MODAL_TEXT_BLOCKS_MAX - 1],
            section("_(The letter continues; ask a coordinator for the text.)_"),
        ]
    blocks.extend(body)
    if letter.lead_orgs:
        blocks.append(divider())
        blocks.append(context(plain(truncate("Led by " + "; ".join(letter.lead_orgs), 2000), emoji=False)))
    blocks.append(context(f":memo: {organizations(letter.count)} have signed"))
    return modal("Sign-on letter", blocks, callback_id=ids.LETTER_READ_MODAL, close="Close")


def letter_choice_label(letter: LetterView) -> str:
    return truncate(letter.label, 75)


# ---------------------------------------------------------------------------------------------------
# The create / edit modal
# ---------------------------------------------------------------------------------------------------

LETTER_TEXT_BOXES = 4
TEXT_BOX_MAX = 3000


@dataclass(frozen=True)
class LetterFormDefaults:
    title: str = ""
    text: str = ""
    deadline_date: date | None = None
    deadline_time: str | None = None
    channels: Sequence[str] = ()
    lead_orgs: Sequence[str] = ()
    reminders: str = "72h, 24h, 2h"
    cocoordinators: Sequence[str] = ()
    tz_name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def text_box_block_id(index: int) -> str:
    return f"{ids.LETTER_TEXT_BLOCK}_{index + 1}"


def _input(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(truncate(hint, 2000))
    return block


def _text_input(
    action_id: str,
    *,
    initial: str | None = None,
    multiline: bool = False,
    max_length: int = 3000,
    placeholder: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(truncate(placeholder, 150))
    return element


def letter_form_modal(defaults: LetterFormDefaults, *, editing_letter_id: int | None = None) -> dict[str, Any]:
    """The modal to draft a letter (``editing_letter_id`` None) or edit one."""
    blocks: list[Block] = [
        _input(
            ids.LETTER_TITLE_BLOCK,
            "Title",
            _text_input(
                ids.LETTER_TITLE_INPUT,
                initial=defaults.title,
                max_length=LETTER_TITLE_MAX,
                placeholder="Letter to Congress opposing …",
            ),
        ),
    ]
    parts = split_text(defaults.text, TEXT_BOX_MAX) if defaults.text else []
    for index in range(LETTER_TEXT_BOXES):
        first = index == 0
        blocks.append(
            _input(
                text_box_block_id(index),
                "Letter text" if first else f"Letter text (continued, part {index + 1})",
                _text_input(
                    ids.LETTER_TEXT_INPUT,
                    initial=parts[index] if index < len(parts) else None,
                    multiline=True,
                    max_length=TEXT_BOX_MAX,
                    placeholder="Paste the letter. Paragraphs and numbered lists are kept." if first else None,
                ),
                optional=not first,
                hint="Slack allows 3,000 characters per box; continue a longer letter in the next box at a"
                " paragraph break."
                if first
                else None,
            )
        )
    date_element: dict[str, Any] = {"type": "datepicker", "action_id": ids.DEADLINE_DATE_INPUT}
    if defaults.deadline_date:
        date_element["initial_date"] = defaults.deadline_date.isoformat()
    time_element: dict[str, Any] = {
        "type": "timepicker",
        "action_id": ids.DEADLINE_TIME_INPUT,
        "initial_time": defaults.deadline_time or "17:00",
    }
    tz_hint = f"In your Slack time zone ({zone(defaults.tz_name).key})." if defaults.tz_name else None
    blocks.append(_input(ids.DEADLINE_DATE_BLOCK, "Deadline date", date_element))
    blocks.append(_input(ids.DEADLINE_TIME_BLOCK, "Deadline time", time_element, hint=tz_hint))
    channels_element: dict[str, Any] = {
        "type": "multi_conversations_select",
        "action_id": ids.CHANNELS_INPUT,
        "filter": {
            "include": ["public", "private"],
            "exclude_bot_users": True,
            "exclude_external_shared_channels": False,
        },
        "max_selected_items": 10,
        "placeholder": plain("Coalition channels"),
    }
    if defaults.channels:
        channels_element["initial_conversations"] = list(defaults.channels)
    else:
        channels_element["default_to_current_conversation"] = True
    blocks.append(
        _input(
            ids.CHANNELS_BLOCK,
            "Post to channels" if editing_letter_id is None else "Also post to channels",
            channels_element,
            optional=editing_letter_id is not None,
            hint="Private channels need the app invited first (/invite @signon)."
            if editing_letter_id is None
            else "Channels where the letter is already posted stay as they are.",
        )
    )
    blocks.append(
        _input(
            ids.LEADS_BLOCK,
            "Lead organization(s)",
            _text_input(
                ids.LEADS_INPUT,
                initial="\n".join(defaults.lead_orgs),
                multiline=True,
                max_length=3000,
                placeholder="One per line, in the order they should be listed",
            ),
            optional=True,
            hint="Listed first in the final letter, in this order.",
        )
    )
    blocks.append(
        _input(
            ids.REMINDERS_BLOCK,
            "Reminders before the deadline",
            _text_input(ids.REMINDERS_INPUT, initial=defaults.reminders, max_length=200),
            optional=True,
            hint="Members who have not signed get a DM at each of these (h = hours, d = days, m = minutes).",
        )
    )
    co_element: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": ids.COCOORDINATORS_INPUT,
        "max_selected_items": 20,
    }
    if defaults.cocoordinators:
        co_element["initial_users"] = list(defaults.cocoordinators)
    blocks.append(
        _input(
            ids.COCOORDINATORS_BLOCK,
            "Co-coordinators",
            co_element,
            optional=True,
            hint="They can edit, close and export this letter.",
        )
    )
    if editing_letter_id is not None:
        blocks.append(
            _input(
                ids.SUBSTANTIVE_BLOCK,
                "If you changed the text",
                {
                    "type": "checkboxes",
                    "action_id": ids.SUBSTANTIVE_INPUT,
                    "options": [
                        {
                            "text": plain("This is a substantive change: ask signers to confirm again"),
                            "value": ids.SUBSTANTIVE_VALUE,
                        }
                    ],
                },
                optional=True,
                hint="Leave unticked for typo and formatting fixes; earlier signatures then carry over.",
            )
        )
        blocks.append(
            _input(
                ids.CHANGE_NOTE_BLOCK,
                "What changed (shown to signers)",
                _text_input(ids.CHANGE_NOTE_INPUT, multiline=True, max_length=1000),
                optional=True,
            )
        )
    metadata = json.dumps({"letter_id": editing_letter_id, **defaults.extra})
    if editing_letter_id is None:
        return modal(
            "New sign-on letter",
            blocks,
            callback_id=ids.LETTER_NEW_MODAL,
            submit="Post letter",
            close="Cancel",
            private_metadata=metadata,
        )
    return modal(
        "Edit letter",
        blocks,
        callback_id=ids.LETTER_EDIT_MODAL,
        submit="Save changes",
        close="Cancel",
        private_metadata=metadata,
    )


def reopen_modal(letter: LetterView, *, tz_name: str | None, suggested: date) -> dict[str, Any]:
    blocks: list[Block] = [
        section(f"Reopen *{escape(letter.title)}* for more sign-ons. Pick the new deadline."),
        _input(
            ids.DEADLINE_DATE_BLOCK,
            "New deadline date",
            {"type": "datepicker", "action_id": ids.DEADLINE_DATE_INPUT, "initial_date": suggested.isoformat()},
        ),
        _input(
            ids.DEADLINE_TIME_BLOCK,
            "New deadline time",
            {"type": "timepicker", "action_id": ids.DEADLINE_TIME_INPUT, "initial_time": "17:00"},
            hint=f"In your Slack time zone ({zone(tz_name).key}).",
        ),
    ]
    return modal(
        "Reopen letter",
        blocks,
        callback_id=ids.LETTER_REOPEN_MODAL,
        submit="Reopen",
        close="Cancel",
        private_metadata=json.dumps({"letter_id": letter.id}),
    )


def letter_list(letters: Sequence[LetterView], *, coordinator: bool) -> tuple[str, list[Block]]:
    if not letters:
        text = "There are no open sign-on letters right now."
        if coordinator:
            text += " Start one with `/signon new`."
        return text, [section(text)]
    blocks: list[Block] = [section(f"*Open sign-on letters ({len(letters)})*")]
    for letter in letters[:45]:
        blocks.append(
            section(
                f"*#{letter.id}* {escape(letter.title)}\n"
                f"{organizations(letter.count)} · deadline {slack_date(letter.deadline_at)}",
                accessory=button("Sign on", ids.SIGN_ON_BUTTON, f"{letter.id}:slash_command"),
            )
        )
    if len(letters) > 45:
        blocks.append(context(f"…and {len(letters) - 45} more."))
    return f"{len(letters)} open sign-on letters", blocks
