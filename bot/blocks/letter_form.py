"""Block Kit for coordinators' letter modals: drafting or editing a letter, and reopening one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot import ids
from bot.blocks.common import Block, context, escape, modal, plain, section, split_text
from bot.blocks.forms import text_input, titled_input
from bot.contracts import LetterFormContext
from bot.messages import Words
from bot.services.layout import DocumentLayout
from bot.services.letters.form import BLOCK_PARTS, LetterParts, WebPage, other_language
from bot.services.letters.queries import LetterView
from bot.timeutil import zone
from db.enums import DocumentColumns, Language, SignatoryGrouping
from db.models import LETTER_TITLE_MAX, PART_BLOCK_MAX, PART_LINE_MAX

LETTER_TEXT_BOXES = 4
TEXT_BOX_MAX = 3000


@dataclass(frozen=True)
class LetterFormDefaults:
    reminders: str
    title: str = ""
    text: str = ""
    deadline_date: date | None = None
    deadline_time: str | None = None
    channels: Sequence[str] = ()
    lead_orgs: Sequence[str] = ()
    cocoordinators: Sequence[str] = ()
    open_to_workspace: bool = False
    tz_name: str | None = None
    # The main language (the title and text above), and the letter's translation into the other one.
    language: str = Language.EN
    translation_title: str = ""
    translation_text: str = ""
    parts: LetterParts = field(default_factory=LetterParts)
    layout: DocumentLayout = field(default_factory=DocumentLayout)
    web: WebPage = field(default_factory=WebPage)


def text_box_block_id(index: int) -> str:
    return f"{ids.LETTER_TEXT_BLOCK}_{index + 1}"


def translation_box_block_id(index: int) -> str:
    return f"{ids.TRANSLATION_TEXT_BLOCK}_{index + 1}"


def _text_boxes(w: Words, text: str) -> list[Block]:
    parts = split_text(text, TEXT_BOX_MAX) if text else []
    boxes = []
    for index in range(LETTER_TEXT_BOXES):
        first = index == 0
        boxes.append(
            titled_input(
                text_box_block_id(index),
                w.letter_text_label() if first else w.letter_text_continued_label(index + 1),
                text_input(
                    ids.LETTER_TEXT_INPUT,
                    initial=parts[index] if index < len(parts) else None,
                    multiline=True,
                    max_length=TEXT_BOX_MAX,
                    placeholder=w.letter_text_placeholder() if first else None,
                ),
                optional=not first,
                hint=w.letter_text_hint() if first else None,
            )
        )
    return boxes


def _language_input(w: Words, defaults: LetterFormDefaults, *, editing: bool) -> Block:
    """The letter's main language: chosen when drafting; an edit keeps it (the texts would swap roles)."""
    if editing:
        return context(w.field_line(w.letter_language_label(), w.own_language_name(defaults.language)))
    options = [{"text": plain(w.own_language_name(code)), "value": str(code)} for code in Language]
    initial = next((o for o in options if o["value"] == defaults.language), options[0])
    element = {
        "type": "static_select",
        "action_id": ids.LETTER_LANGUAGE_INPUT,
        "options": options,
        "initial_option": initial,
    }
    return titled_input(ids.LETTER_LANGUAGE_BLOCK, w.letter_language_label(), element, hint=w.letter_language_hint())


def _translation_inputs(w: Words, defaults: LetterFormDefaults, *, editing: bool) -> list[Block]:
    """The same letter in the other language, all optional: its own title and text."""
    parts = split_text(defaults.translation_text, TEXT_BOX_MAX) if defaults.translation_text else []
    title = text_input(ids.TRANSLATION_TITLE_INPUT, initial=defaults.translation_title, max_length=LETTER_TITLE_MAX)
    blocks: list[Block] = [
        section(w.translation_heading(other_language(defaults.language) if editing else None)),
        context(w.translation_explained()),
        titled_input(ids.TRANSLATION_TITLE_BLOCK, w.translation_title_label(), title, optional=True),
    ]
    for index in range(LETTER_TEXT_BOXES):
        first = index == 0
        blocks.append(
            titled_input(
                translation_box_block_id(index),
                w.translation_text_label() if first else w.translation_text_continued_label(index + 1),
                text_input(
                    ids.TRANSLATION_TEXT_INPUT,
                    initial=parts[index] if index < len(parts) else None,
                    multiline=True,
                    max_length=TEXT_BOX_MAX,
                ),
                optional=True,
                hint=w.translation_text_hint() if first else None,
            )
        )
    return blocks


def _parts_inputs(w: Words, parts: LetterParts) -> list[Block]:
    """The parts printed around the text, in print order; all optional, each with its hint."""
    labels = {
        "date_line": (w.date_line_label(), w.date_line_hint()),
        "addressees": (w.addressees_label(), w.addressees_hint()),
        "re_line": (w.re_line_label(), w.re_line_hint()),
        "salutation": (w.salutation_label(), w.salutation_hint()),
        "closing": (w.closing_label(), w.closing_hint()),
        "cc": (w.cc_label(), w.cc_hint()),
    }
    blocks: list[Block] = [section(w.letter_parts_heading()), context(w.letter_parts_explained())]
    for name, (label, hint) in labels.items():
        block_id = ids.LETTER_PART_BLOCKS[name]
        multiline = name in BLOCK_PARTS
        element = text_input(
            block_id,
            initial=getattr(parts, name),
            multiline=multiline,
            max_length=PART_BLOCK_MAX if multiline else PART_LINE_MAX,
        )
        blocks.append(titled_input(block_id, label, element, optional=True, hint=hint))
    return blocks


def _layout_inputs(w: Words, layout: DocumentLayout) -> list[Block]:
    """How the documents lay out the signatories: columns, and grouping (after the lead organizations)."""

    def select(action_id: str, options: list[tuple[str, str]], initial: str) -> dict[str, Any]:
        choices = [{"text": plain(text), "value": value} for value, text in options]
        chosen = next((option for option in choices if option["value"] == initial), choices[0])
        return {"type": "static_select", "action_id": action_id, "options": choices, "initial_option": chosen}

    columns = select(
        ids.DOCUMENT_COLUMNS_INPUT,
        [(str(code), w.columns_option(code)) for code in DocumentColumns],
        str(layout.columns),
    )
    grouping = select(
        ids.DOCUMENT_GROUPING_INPUT,
        [(str(code), w.grouping_option(code)) for code in SignatoryGrouping],
        str(layout.grouping),
    )
    return [
        titled_input(ids.DOCUMENT_COLUMNS_BLOCK, w.columns_label(), columns),
        titled_input(ids.DOCUMENT_GROUPING_BLOCK, w.grouping_label(), grouping, hint=w.grouping_hint()),
    ]


def _deadline_inputs(w: Words, defaults: LetterFormDefaults) -> list[Block]:
    date_element: dict[str, Any] = {"type": "datepicker", "action_id": ids.DEADLINE_DATE_INPUT}
    if defaults.deadline_date:
        date_element["initial_date"] = defaults.deadline_date.isoformat()
    time_element: dict[str, Any] = {
        "type": "timepicker",
        "action_id": ids.DEADLINE_TIME_INPUT,
        "initial_time": defaults.deadline_time or "17:00",
    }
    tz_hint = w.in_your_time_zone(zone(defaults.tz_name).key) if defaults.tz_name else None
    return [
        titled_input(ids.DEADLINE_DATE_BLOCK, w.deadline_date_label(), date_element),
        titled_input(ids.DEADLINE_TIME_BLOCK, w.deadline_time_label(), time_element, hint=tz_hint),
    ]


def _channels_input(w: Words, defaults: LetterFormDefaults, *, editing: bool) -> Block:
    element: dict[str, Any] = {
        "type": "multi_conversations_select",
        "action_id": ids.CHANNELS_INPUT,
        "filter": {
            "include": ["public", "private"],
            "exclude_bot_users": True,
            "exclude_external_shared_channels": False,
        },
        "max_selected_items": 10,
        "placeholder": plain(w.channels_placeholder()),
    }
    if defaults.channels:
        element["initial_conversations"] = list(defaults.channels)
    else:
        element["default_to_current_conversation"] = True
    return titled_input(
        ids.CHANNELS_BLOCK,
        w.also_post_label() if editing else w.post_to_label(),
        element,
        optional=editing,
        hint=w.channels_edit_hint() if editing else w.channels_hint(),
    )


def _audience_input(w: Words, defaults: LetterFormDefaults) -> Block:
    """Who sees the letter: the members of its channels, or (checked) the whole workspace."""
    option = {"text": plain(w.whole_workspace_option()), "value": ids.WHOLE_WORKSPACE_VALUE}
    element: dict[str, Any] = {"type": "checkboxes", "action_id": ids.AUDIENCE_INPUT, "options": [option]}
    if defaults.open_to_workspace:
        element["initial_options"] = [option]
    return titled_input(ids.AUDIENCE_BLOCK, w.audience_label(), element, optional=True, hint=w.audience_hint())


def _web_inputs(w: Words, web: WebPage) -> list[Block]:
    """The public sign-on page: on or off (off by default), the list shown, approval required; a contact line."""
    choices = [
        (ids.WEB_ENABLED_VALUE, w.web_enabled_option(), web.enabled),
        (ids.WEB_LIST_VALUE, w.web_show_list_option(), web.show_list),
        (ids.WEB_APPROVAL_VALUE, w.web_require_approval_option(), web.require_approval),
    ]
    options = [{"text": plain(text), "value": value} for value, text, _ in choices]
    element: dict[str, Any] = {"type": "checkboxes", "action_id": ids.WEB_INPUT, "options": options}
    chosen = [option for option, (_, _, on) in zip(options, choices, strict=True) if on]
    if chosen:
        element["initial_options"] = chosen
    contact = text_input(
        ids.WEB_CONTACT_INPUT, initial=web.contact, max_length=PART_LINE_MAX, placeholder=w.web_contact_placeholder()
    )
    return [
        titled_input(ids.WEB_BLOCK, w.web_label(), element, optional=True, hint=w.web_hint()),
        titled_input(ids.WEB_CONTACT_BLOCK, w.web_contact_label(), contact, optional=True),
    ]


def _edit_only_inputs(w: Words) -> list[Block]:
    substantive = {
        "type": "checkboxes",
        "action_id": ids.SUBSTANTIVE_INPUT,
        "options": [{"text": plain(w.substantive_option()), "value": ids.SUBSTANTIVE_VALUE}],
    }
    return [
        titled_input(
            ids.SUBSTANTIVE_BLOCK, w.substantive_label(), substantive, optional=True, hint=w.substantive_hint()
        ),
        titled_input(
            ids.CHANGE_NOTE_BLOCK,
            w.change_note_label(),
            text_input(ids.CHANGE_NOTE_INPUT, multiline=True, max_length=1000),
            optional=True,
        ),
    ]


def letter_form_modal(
    w: Words, defaults: LetterFormDefaults, *, editing_letter_id: int | None = None
) -> dict[str, Any]:
    """The modal to draft a letter (``editing_letter_id`` None) or edit one."""
    editing = editing_letter_id is not None
    title = text_input(
        ids.LETTER_TITLE_INPUT, initial=defaults.title, max_length=LETTER_TITLE_MAX, placeholder=w.title_placeholder()
    )
    leads = text_input(
        ids.LEADS_INPUT,
        initial="\n".join(defaults.lead_orgs),
        multiline=True,
        max_length=3000,
        placeholder=w.leads_placeholder(),
    )
    cocoordinators: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": ids.COCOORDINATORS_INPUT,
        "max_selected_items": 20,
    }
    if defaults.cocoordinators:
        cocoordinators["initial_users"] = list(defaults.cocoordinators)
    blocks: list[Block] = [
        _language_input(w, defaults, editing=editing),
        titled_input(ids.LETTER_TITLE_BLOCK, w.letter_title_label(), title),
        *_text_boxes(w, defaults.text),
        *_translation_inputs(w, defaults, editing=editing),
        *_parts_inputs(w, defaults.parts),
        *_layout_inputs(w, defaults.layout),
        *_deadline_inputs(w, defaults),
        _channels_input(w, defaults, editing=editing),
        _audience_input(w, defaults),
        *_web_inputs(w, defaults.web),
        titled_input(ids.LEADS_BLOCK, w.leads_label(), leads, optional=True, hint=w.leads_hint()),
        titled_input(
            ids.REMINDERS_BLOCK,
            w.reminders_label(),
            text_input(ids.REMINDERS_INPUT, initial=defaults.reminders, max_length=200),
            optional=True,
            hint=w.reminders_hint(),
        ),
        titled_input(
            ids.COCOORDINATORS_BLOCK,
            w.cocoordinators_label(),
            cocoordinators,
            optional=True,
            hint=w.cocoordinators_hint(),
        ),
    ]
    if editing:
        blocks.extend(_edit_only_inputs(w))
    return modal(
        w.edit_letter_title() if editing else w.new_letter_title(),
        blocks,
        callback_id=ids.LETTER_EDIT_MODAL if editing else ids.LETTER_NEW_MODAL,
        submit=w.save_changes() if editing else w.post_letter(),
        close=w.cancel(),
        private_metadata=LetterFormContext(editing_letter_id).dump(),
    )


def reopen_modal(w: Words, letter: LetterView, *, tz_name: str | None, suggested: date) -> dict[str, Any]:
    blocks: list[Block] = [
        section(w.reopen_prompt(escape(letter.title))),
        titled_input(
            ids.DEADLINE_DATE_BLOCK,
            w.new_deadline_date_label(),
            {"type": "datepicker", "action_id": ids.DEADLINE_DATE_INPUT, "initial_date": suggested.isoformat()},
        ),
        titled_input(
            ids.DEADLINE_TIME_BLOCK,
            w.new_deadline_time_label(),
            {"type": "timepicker", "action_id": ids.DEADLINE_TIME_INPUT, "initial_time": "17:00"},
            hint=w.in_your_time_zone(zone(tz_name).key),
        ),
    ]
    return modal(
        w.reopen_letter_title(),
        blocks,
        callback_id=ids.LETTER_REOPEN_MODAL,
        submit=w.reopen(),
        close=w.cancel(),
        private_metadata=LetterFormContext(letter.id).dump(),
    )
