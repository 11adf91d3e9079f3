"""Block Kit for members: the sign-on modal, confirmations, receipts, withdrawal."""

from __future__ import annotations

import json
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
    slack_date,
    truncate,
)
from bot.blocks.letters import _input, _text_input, letter_choice_label, organizations
from bot.services.letters import LetterView
from bot.services.signons import ORG_TYPES
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


@dataclass(frozen=True)
class SignOnContext:
    """Carried in the modal's private_metadata: which letter, and where the member came from."""

    letter_id: int
    source: str
    channel_id: str | None = None
    signatory_id: int | None = None

    def dump(self) -> str:
        return json.dumps({"l": self.letter_id, "s": self.source, "c": self.channel_id, "sig": self.signatory_id})

    @staticmethod
    def load(text: str) -> SignOnContext | None:
        try:
            data = json.loads(text or "{}")
            letter_id = int(data["l"])
            signatory_id = int(data["sig"]) if data.get("sig") is not None else None
            channel = data.get("c")
            source = str(data.get("s") or "slash_command")
        except (ValueError, KeyError, TypeError, OverflowError):
            return None
        # Ids beyond what the database stores, and a channel that is no Slack id, come from a crafted form.
        if not 0 < letter_id < 2**31 or (signatory_id is not None and not 0 < signatory_id < 2**31):
            return None
        if not (isinstance(channel, str) and 0 < len(channel) <= 32 and channel.isascii() and channel.isalnum()):
            channel = None
        return SignOnContext(letter_id, source[:24], channel, signatory_id)


def loading_modal(title: str = "Sign on") -> dict[str, Any]:
    """Opened at once so the 3-second trigger is never missed; replaced by the real form."""
    return modal(title, [section(":hourglass_flowing_sand: Loading…")], callback_id=ids.LOADING_MODAL)


def message_modal(title: str, text: str, *, callback_id: str = ids.INFO_MODAL, quoting: bool = False) -> dict[str, Any]:
    """A modal with one message; ``quoting`` when the text quotes what people typed (shown as plain text)."""
    return modal(title, notice(text)["blocks"] if quoting else [section(text)], callback_id=callback_id, close="Close")


def letter_heading(letter: LetterView) -> list[Block]:
    return [
        section(
            f"*{escape(letter.title)}*\n{organizations(letter.count)} signed · "
            f"deadline {slack_date(letter.deadline_at)}",
            accessory=button("Read the full letter", ids.READ_LETTER_BUTTON, str(letter.id)),
        ),
        divider(),
    ]


def signon_modal(
    letter: LetterView, prefill: SignOnPrefill, meta: SignOnContext, *, editing: bool = False
) -> dict[str, Any]:
    org_type_element: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.ORG_TYPE_INPUT,
        "placeholder": plain("Choose one"),
        "options": [{"text": plain(name), "value": name} for name in ORG_TYPES],
    }
    if prefill.org_type in ORG_TYPES:
        org_type_element["initial_option"] = {"text": plain(prefill.org_type), "value": prefill.org_type}
    authorized_option = {
        "text": plain("I am authorized to sign on behalf of this organization"),
        "value": ids.AUTHORIZED_VALUE,
    }
    authorized_element: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": ids.AUTHORIZED_INPUT,
        "options": [authorized_option],
    }
    if prefill.authorized:
        authorized_element["initial_options"] = [authorized_option]
    blocks: list[Block] = [
        *letter_heading(letter),
        _input(
            ids.ORG_BLOCK,
            "Organization name",
            _text_input(
                ids.ORG_INPUT,
                initial=prefill.org_name,
                max_length=ORG_NAME_MAX,
                placeholder="Exactly as it should appear in the letter",
            ),
            hint="Spelling, accents and capitals are kept exactly as you type them.",
        ),
        _input(
            ids.NAME_BLOCK, "Your name", _text_input(ids.NAME_INPUT, initial=prefill.name, max_length=PERSON_NAME_MAX)
        ),
        _input(
            ids.TITLE_BLOCK,
            "Your title or role",
            _text_input(ids.TITLE_INPUT, initial=prefill.title, max_length=TITLE_MAX),
        ),
        _input(
            ids.EMAIL_BLOCK,
            "Email",
            _text_input(ids.EMAIL_INPUT, initial=prefill.email, max_length=EMAIL_MAX),
            hint="So coordinators can reach you about the letter. Not published.",
        ),
        _input(
            ids.CITY_BLOCK,
            "City and state",
            _text_input(
                ids.CITY_INPUT, initial=prefill.city_state, max_length=CITY_STATE_MAX, placeholder="Houston, TX"
            ),
            optional=True,
        ),
        _input(ids.ORG_TYPE_BLOCK, "Organization type", org_type_element, optional=True),
        _input(ids.AUTHORIZED_BLOCK, "Authorization", authorized_element),
        _input(
            ids.NOTE_BLOCK,
            "Note to the coordinators",
            _text_input(ids.NOTE_INPUT, initial=prefill.note, multiline=True, max_length=NOTE_MAX),
            optional=True,
        ),
    ]
    if editing:
        return modal(
            "Edit your sign-on",
            blocks,
            callback_id=ids.SIGNON_EDIT_MODAL,
            submit="Save",
            close="Cancel",
            private_metadata=meta.dump(),
        )
    return modal(
        "Sign on", blocks, callback_id=ids.SIGNON_MODAL, submit="Sign on", close="Cancel", private_metadata=meta.dump()
    )


def picker_modal(letters: Sequence[LetterView], meta_source: str, channel_id: str | None) -> dict[str, Any]:
    """Several letters are open: the member picks one, then the form replaces this view."""
    options = [{"text": plain(letter_choice_label(letter)), "value": str(letter.id)} for letter in letters[:100]]
    blocks: list[Block] = [
        section("Several letters are open for sign-on. Which one are you signing?"),
        {
            "type": "actions",
            "block_id": ids.PICKER_BLOCK,
            "elements": [
                {
                    "type": "static_select",
                    "action_id": ids.PICK_LETTER,
                    "placeholder": plain("Choose a letter"),
                    "options": options,
                }
            ],
        },
    ]
    for letter in letters[:20]:
        blocks.append(
            context(
                f"*#{letter.id}* {escape(letter.title)} · {organizations(letter.count)} · deadline "
                f"{slack_date(letter.deadline_at)}"
            )
        )
    metadata = json.dumps({"s": meta_source, "c": channel_id})
    return modal("Sign on", blocks, callback_id=ids.LETTER_PICKER_MODAL, private_metadata=metadata)


def signed_modal(org_name: str, letter_title: str, *, resigned: bool) -> dict[str, Any]:
    blocks: list[Block] = [
        section(f":white_check_mark: *Thank you!* {'Signed again' if resigned else 'Signed'}:"),
        plain_section(org_name),
        context(
            f"on *{escape(letter_title)}*. Your receipt comes in a direct message, where you can edit or withdraw."
        ),
    ]
    return modal("Signed", blocks, callback_id=ids.INFO_MODAL, close="Done")


def already_signed_modal(
    org_name: str, signed_by: str, signed_at: datetime, letter_title: str, *, by_you: bool
) -> dict[str, Any]:
    on_letter = f"on *{escape(letter_title)}*"
    if by_you:
        lead = ":white_check_mark: *You already signed this letter for*"
        details = context(
            f"{on_letter}. Nothing changed. Your receipt in a direct message has Edit and Withdraw buttons."
        )
    else:
        lead = ":information_source: *Your organization has already signed*"
        # The person's name as plain text: mrkdwn cannot escape *, _ or ~.
        details = context(
            f"{on_letter}, signed by",
            plain(signed_by, emoji=False),
            f"{slack_date(signed_at, '{date_short_pretty}')}. "
            "We've added you as another contact for your organization.",
        )
    return modal(
        "Already signed",
        [section(lead), plain_section(org_name), details],
        callback_id=ids.INFO_MODAL,
        close="Done",
    )


@dataclass(frozen=True)
class ReceiptData:
    signatory_id: int
    letter_id: int
    letter_title: str
    deadline_at: datetime
    org_name: str
    name: str
    title: str
    email: str
    city_state: str | None
    org_type: str | None
    note: str | None
    signed_at: datetime
    version: int
    possible_duplicate_id: int | None = None
    possible_duplicate_name: str | None = None


def receipt_message(receipt: ReceiptData, *, heading: str = "You signed on") -> tuple[str, list[Block]]:
    """The DM confirming exactly what was recorded, with Edit and Withdraw."""
    fields = [
        ("Organization", receipt.org_name),
        ("Signed by", f"{receipt.name}, {receipt.title}"),
        ("Email", receipt.email),
    ]
    if receipt.city_state:
        fields.append(("City and state", receipt.city_state))
    if receipt.org_type:
        fields.append(("Organization type", receipt.org_type))
    if receipt.note:
        fields.append(("Note to coordinators", receipt.note))
    blocks: list[Block] = [
        section(f":white_check_mark: *{heading}:* {escape(receipt.letter_title)}"),
        {
            "type": "section",
            "fields": [plain(truncate(f"{label}: {value}", 2000), emoji=False) for label, value in fields][:10],
        },
        context(
            f"Recorded {slack_date(receipt.signed_at)} · letter version {receipt.version} · deadline "
            f"{slack_date(receipt.deadline_at)}"
        ),
    ]
    if receipt.possible_duplicate_id and receipt.possible_duplicate_name:
        blocks.append(plain_section(f"Same organization as “{receipt.possible_duplicate_name}”, which signed already?"))
        blocks.append(
            actions(
                button(
                    "Yes, merge them",
                    ids.CONFIRM_MERGE,
                    f"{receipt.signatory_id}:{receipt.possible_duplicate_id}",
                    style="primary",
                ),
                button("No, we're different", ids.DECLINE_MERGE, str(receipt.signatory_id)),
                block_id=f"dup_{receipt.signatory_id}",
            )
        )
    blocks.append(
        actions(
            button("Edit", ids.EDIT_SIGNATURE, str(receipt.signatory_id)),
            button(
                "Withdraw",
                ids.WITHDRAW_SIGNATURE,
                str(receipt.signatory_id),
                style="danger",
                confirm=confirm_dialog(
                    "Withdraw signature?",
                    f"Take {receipt.org_name} off “{receipt.letter_title}”?",
                    "Withdraw",
                    "Keep it",
                    danger=True,
                ),
            ),
            button("Read the letter", ids.READ_LETTER_BUTTON, str(receipt.letter_id)),
            block_id=f"receipt_{receipt.signatory_id}",
        )
    )
    return escape(f"{heading}: {receipt.org_name} on {receipt.letter_title}"), blocks


def withdraw_modal(org_name: str, letter_title: str, signatory_id: int) -> dict[str, Any]:
    return modal(
        "Withdraw signature",
        [
            section(f"Withdraw this organization from *{escape(letter_title)}*?"),
            plain_section(org_name),
            context("Coordinators are told. You can sign again before the deadline."),
        ],
        callback_id=ids.WITHDRAW_MODAL,
        submit="Withdraw",
        close="Keep it",
        private_metadata=json.dumps({"sig": signatory_id}),
    )


def status_message(rows: Sequence[tuple[str, str, datetime, str]]) -> tuple[str, list[Block]]:
    """``/signon status``: (letter label, org name, signed at, letter status) for the member."""
    if not rows:
        text = "You haven't signed any letters yet. Type `/signon` to sign one."
        return text, [section(text)]
    blocks: list[Block] = [section("*Your organization's sign-ons*")]
    for label, org_name, signed_at, status in rows[:40]:
        blocks.append(section(f"*{escape(label)}* ({status}) · signed {slack_date(signed_at, '{date_short_pretty}')}"))
        blocks.append(context(plain(org_name, emoji=False)))
    return "Your sign-ons", blocks
