"""Block Kit for members: the sign-on modal, confirmations, receipts, withdrawal, status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot import ids
from bot.blocks.common import (
    Block,
    actions,
    button,
    confirm_dialog,
    context,
    divider,
    escape,
    modal,
    notice,
    plain,
    plain_section,
    section,
    truncate,
)
from bot.blocks.forms import text_input, titled_input
from bot.contracts import (
    DelegateButton,
    LetterButton,
    PickerContext,
    SignatoryButton,
    SignOnContext,
    Source,
    WithdrawContext,
)
from bot.messages import Words
from bot.services.letters.queries import LetterView
from bot.services.signing.form import ORG_TYPES
from db.models import CITY_STATE_MAX, EMAIL_MAX, NOTE_MAX, ORG_NAME_MAX, PERSON_NAME_MAX, TITLE_MAX

# Which input block shows the inline error for each field the service validates.
FIELD_BLOCKS = {
    "org_name": ids.ORG_BLOCK,
    "name": ids.NAME_BLOCK,
    "title": ids.TITLE_BLOCK,
    "email": ids.EMAIL_BLOCK,
    "city_state": ids.CITY_BLOCK,
    "org_type": ids.ORG_TYPE_BLOCK,
    "authorized": ids.AUTHORIZED_BLOCK,
    "note": ids.NOTE_BLOCK,
}


@dataclass(frozen=True)
class SignOnPrefill:
    org_name: str = ""
    name: str = ""
    title: str = ""
    email: str = ""
    city_state: str = ""
    org_type: str | None = None
    note: str = ""
    authorized: bool = False


def loading_modal(w: Words) -> dict[str, Any]:
    """Opened at once so the 3-second trigger is never missed; replaced by the real form."""
    return modal(w.sign_on_title(), [section(w.loading())], callback_id=ids.LOADING_MODAL, close=w.close())


def message_modal(
    w: Words, title: str, text: str, *, callback_id: str = ids.INFO_MODAL, quoting: bool = False
) -> dict[str, Any]:
    """A modal with one message; ``quoting`` when the text quotes what people typed (shown as plain text)."""
    blocks = notice(text)["blocks"] if quoting else [section(text)]
    return modal(title, blocks, callback_id=callback_id, close=w.close())


def closed_letter_modal(w: Words, notice: str, others: Sequence[LetterView], meta: PickerContext) -> dict[str, Any]:
    """A closed letter's notice (no Sign on button), then the other open letters to pick from, if any."""
    if not others:
        return message_modal(w, w.letter_closed_title(), notice)
    return picker_modal(w, others, meta, lead=[section(notice), divider()])


def letter_heading(w: Words, letter: LetterView) -> list[Block]:
    """The letter in the reader's language when it has that text; else its main one, with a note saying so."""
    letter = letter.in_language(w.language)
    blocks: list[Block] = [
        section(
            w.letter_heading(escape(letter.title), letter.count, w.deadline_date(letter.deadline_at)),
            accessory=button(w.read_full_letter(), ids.READ_LETTER_BUTTON, LetterButton(letter.id).dump()),
        )
    ]
    if letter.language != w.language:
        blocks.append(context(w.not_in_your_language(letter.language)))
    return [*blocks, divider()]


def _org_type_element(w: Words, prefill: SignOnPrefill) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.ORG_TYPE_INPUT,
        "placeholder": plain(w.choose_one()),
        "options": [{"text": plain(w.org_type(name)), "value": name} for name in ORG_TYPES],
    }
    if prefill.org_type in ORG_TYPES:
        element["initial_option"] = {"text": plain(w.org_type(prefill.org_type)), "value": prefill.org_type}
    return element


def _authorized_element(w: Words, prefill: SignOnPrefill) -> dict[str, Any]:
    option = {"text": plain(w.authorized_option()), "value": ids.AUTHORIZED_VALUE}
    element: dict[str, Any] = {"type": "checkboxes", "action_id": ids.AUTHORIZED_INPUT, "options": [option]}
    if prefill.authorized:
        element["initial_options"] = [option]
    return element


def signon_modal(
    w: Words, letter: LetterView, prefill: SignOnPrefill, meta: SignOnContext, *, editing: bool = False
) -> dict[str, Any]:
    blocks: list[Block] = [
        *letter_heading(w, letter),
        titled_input(
            ids.ORG_BLOCK,
            w.org_label(),
            text_input(
                ids.ORG_INPUT, initial=prefill.org_name, max_length=ORG_NAME_MAX, placeholder=w.org_placeholder()
            ),
            hint=w.org_hint(),
        ),
        titled_input(
            ids.NAME_BLOCK, w.name_label(), text_input(ids.NAME_INPUT, initial=prefill.name, max_length=PERSON_NAME_MAX)
        ),
        titled_input(
            ids.TITLE_BLOCK, w.title_label(), text_input(ids.TITLE_INPUT, initial=prefill.title, max_length=TITLE_MAX)
        ),
        titled_input(
            ids.EMAIL_BLOCK,
            w.email_label(),
            text_input(ids.EMAIL_INPUT, initial=prefill.email, max_length=EMAIL_MAX),
            hint=w.email_hint(),
        ),
        titled_input(
            ids.CITY_BLOCK,
            w.city_label(),
            text_input(
                ids.CITY_INPUT, initial=prefill.city_state, max_length=CITY_STATE_MAX, placeholder=w.city_placeholder()
            ),
            optional=True,
        ),
        titled_input(ids.ORG_TYPE_BLOCK, w.org_type_label(), _org_type_element(w, prefill), optional=True),
        titled_input(ids.AUTHORIZED_BLOCK, w.authorized_label(), _authorized_element(w, prefill)),
        titled_input(
            ids.NOTE_BLOCK,
            w.note_label(),
            text_input(ids.NOTE_INPUT, initial=prefill.note, multiline=True, max_length=NOTE_MAX),
            optional=True,
        ),
    ]
    return modal(
        w.edit_signon_title() if editing else w.sign_on_title(),
        blocks,
        callback_id=ids.SIGNON_EDIT_MODAL if editing else ids.SIGNON_MODAL,
        submit=w.save() if editing else w.sign_on_button(),
        close=w.cancel(),
        private_metadata=meta.dump(),
    )


def picker_modal(
    w: Words, letters: Sequence[LetterView], meta: PickerContext, *, lead: Sequence[Block] = ()
) -> dict[str, Any]:
    """Several letters are open: the member picks one, then the form replaces this view; ``lead`` comes first
    (a closed letter's notice)."""
    options = [
        {"text": plain(truncate(letter.in_language(w.language).label, 75)), "value": str(letter.id)}
        for letter in letters[:100]
    ]
    blocks: list[Block] = [
        *lead,
        section(w.other_open_letters() if lead else w.which_letter_to_sign()),
        {
            "type": "actions",
            "block_id": ids.PICKER_BLOCK,
            "elements": [
                {
                    "type": "static_select",
                    "action_id": ids.PICK_LETTER,
                    "placeholder": plain(w.choose_a_letter()),
                    "options": options,
                }
            ],
        },
    ]
    for listed in letters[:20]:
        letter = listed.in_language(w.language)
        blocks.append(
            context(w.picker_line(letter.id, escape(letter.title), letter.count, w.deadline_date(letter.deadline_at)))
        )
    return modal(
        w.sign_on_title(), blocks, callback_id=ids.LETTER_PICKER_MODAL, close=w.close(), private_metadata=meta.dump()
    )


def signed_modal(w: Words, org_name: str, letter_title: str, *, resigned: bool) -> dict[str, Any]:
    blocks: list[Block] = [
        section(w.signed_again_heading() if resigned else w.signed_heading()),
        plain_section(org_name),
        context(w.signed_details(escape(letter_title))),
    ]
    return modal(w.signed_title(), blocks, callback_id=ids.INFO_MODAL, close=w.done())


def already_signed_modal(
    w: Words,
    org_name: str,
    signed_by: str,
    signed_at: datetime,
    letter_title: str,
    *,
    by_you: bool,
    signatory_id: int,
    may_act: bool,
    letter_id: int | None = None,
) -> dict[str, Any]:
    """``by_you``: the person signed it themselves; ``may_act``: they may edit or withdraw it (signer, or added);
    ``letter_id``: offer to sign this letter for another organization."""
    title = escape(letter_title)
    if by_you or may_act:
        lead = w.already_signed_by_you()
        details = context(w.already_signed_by_you_details(title))
    else:
        lead = w.org_already_signed()
        # The person's name as plain text: mrkdwn cannot escape *, _ or ~.
        details = context(
            w.org_already_signed_on(title),
            plain(signed_by, emoji=False),
            w.org_already_signed_when(w.short_date(signed_at)),
        )
    blocks = [section(lead), plain_section(org_name), details]
    if not (by_you or may_act):
        ask = button(w.ask_to_be_added(), ids.ASK_TO_ACT, SignatoryButton(signatory_id).dump())
        blocks.append(actions(ask, block_id=f"ask_{signatory_id}"))
    if letter_id is not None:
        blocks.append(actions(sign_for_another_button(w, letter_id), block_id=f"another_{letter_id}"))
    return modal(w.already_signed_title(), blocks, callback_id=ids.INFO_MODAL, close=w.done())


def sign_for_another_button(w: Words, letter_id: int, source: Source | None = None) -> Block:
    """Opens the form for this letter with the person's details and no organization."""
    return button(w.sign_for_another(), ids.SIGN_FOR_ANOTHER, LetterButton(letter_id, source).dump())


def request_to_act_message(
    w: Words, user_id: str, org_name: str, letter_title: str, signatory_id: int
) -> tuple[str, list[Block]]:
    """To the signer (and the letter's coordinators): a contact asks to be able to act for the organization."""
    text = w.request_to_act(f"<@{user_id}>", escape(letter_title))
    confirm = confirm_dialog(w.let_act_confirm_title(), w.let_act_confirm_text(org_name), w.let_them_act(), w.cancel())
    grant = button(
        w.let_them_act(), ids.LET_ACT, DelegateButton(signatory_id, user_id).dump(), style="primary", confirm=confirm
    )
    blocks = [section(text), plain_section(org_name), actions(grant, block_id=f"let_{signatory_id}_{user_id}")]
    return escape(text), blocks


def withdraw_modal(w: Words, org_name: str, letter_title: str, signatory_id: int) -> dict[str, Any]:
    return modal(
        w.withdraw_modal_title(),
        [
            section(w.withdraw_question(escape(letter_title))),
            plain_section(org_name),
            context(w.withdraw_consequence()),
        ],
        callback_id=ids.WITHDRAW_MODAL,
        submit=w.withdraw(),
        close=w.keep_it(),
        private_metadata=WithdrawContext(signatory_id).dump(),
    )


@dataclass(frozen=True)
class StatusRow:
    """One line of ``/signon status``."""

    letter_id: int
    letter_title: str
    org_name: str
    signed_at: datetime
    letter_open: bool


def status_message(w: Words, rows: Sequence[StatusRow]) -> tuple[str, list[Block]]:
    """``/signon status``: the member's organizations' sign-ons."""
    if not rows:
        text = w.no_signons_yet()
        return text, [section(text)]
    blocks: list[Block] = [section(w.status_heading())]
    for row in rows[:40]:
        label = escape(f"#{row.letter_id} {row.letter_title}")
        state = w.letter_state(row.letter_open)
        blocks.append(section(w.status_line(label, state, w.short_date(row.signed_at))))
        blocks.append(context(plain(row.org_name, emoji=False)))
    return w.status_notification(), blocks


def withdraw_confirm(w: Words, org_name: str, letter_title: str) -> dict[str, Any]:
    """Slack's own "are you sure?" on every Withdraw button: a withdrawal takes the name off the letter."""
    return confirm_dialog(
        w.withdraw_confirm_title(),
        w.withdraw_confirm_text(org_name, letter_title),
        w.withdraw(),
        w.keep_it(),
        danger=True,
    )
