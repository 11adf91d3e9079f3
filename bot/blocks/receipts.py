"""Block Kit of the receipt DM: exactly what was recorded, kept current (it is updated in place when the sign-on
is edited, withdrawn, removed or merged), and the notice a signer gets when a coordinator changed it."""

from __future__ import annotations

from bot import ids
from bot.blocks.common import (
    Block,
    actions,
    button,
    confirm_dialog,
    context,
    escape,
    plain,
    plain_section,
    section,
    truncate,
)
from bot.blocks.signon import sign_for_another_button, withdraw_confirm
from bot.contracts import LetterButton, MergeButton, SignatoryButton
from bot.messages import Words
from bot.services.signing.queries import ReceiptView
from db.enums import SignatoryStatus


def _gone_receipt(w: Words, receipt: ReceiptView, fields: list[tuple[str, str]]) -> tuple[str, list[Block]]:
    """A receipt whose sign-on was withdrawn, removed or merged: what was recorded, where it stands now, and no
    button that no longer applies."""
    when = w.deadline_date(receipt.changed_at or receipt.signed_at)
    if receipt.status == SignatoryStatus.MERGED:
        heading, state = w.receipt_merged_heading(), w.receipt_state_merged(when)
    elif receipt.status == SignatoryStatus.REMOVED:
        heading, state = w.receipt_removed_heading(), w.receipt_state_removed(when)
    else:
        heading, state = w.receipt_withdrawn_heading(), w.receipt_state_withdrawn(when)
    blocks: list[Block] = [
        section(w.receipt_gone_heading(heading, escape(receipt.letter_title))),
        {
            "type": "section",
            "fields": [plain(truncate(w.field_line(label, value), 2000), emoji=False) for label, value in fields][:10],
        },
        context(state),
    ]
    if receipt.merged_into_name:
        blocks.append(context(plain(truncate(receipt.merged_into_name, 2000), emoji=False)))
    blocks.append(
        actions(
            button(w.read_the_letter(), ids.READ_LETTER_BUTTON, LetterButton(receipt.letter_id).dump()),
            block_id=f"receipt_{receipt.signatory_id}",
        )
    )
    return escape(w.receipt_notification(heading, receipt.org_name, receipt.letter_title)), blocks


def receipt_message(w: Words, receipt: ReceiptView, *, heading: str) -> tuple[str, list[Block]]:
    """The DM confirming exactly what was recorded, with Edit and Withdraw; once the sign-on is withdrawn, removed
    or merged, where it stands instead, without them (receipts are updated in place)."""
    fields = [
        (w.org_label(), receipt.org_name),
        (w.signed_by_label(), w.signer_and_title(receipt.name, receipt.title)),
        (w.email_label(), receipt.email),
    ]
    if receipt.city_state:
        fields.append((w.city_label(), receipt.city_state))
    if receipt.org_type:
        fields.append((w.org_type_label(), w.org_type(receipt.org_type)))
    if receipt.note:
        fields.append((w.note_to_coordinators_label(), receipt.note))
    if not receipt.active:
        return _gone_receipt(w, receipt, fields)
    signatory = SignatoryButton(receipt.signatory_id).dump()
    blocks: list[Block] = [
        section(w.receipt_heading(heading, escape(receipt.letter_title))),
        {
            "type": "section",
            "fields": [plain(truncate(w.field_line(label, value), 2000), emoji=False) for label, value in fields][:10],
        },
        context(
            w.receipt_recorded(
                w.deadline_date(receipt.signed_at), receipt.version, w.deadline_date(receipt.deadline_at)
            )
        ),
    ]
    if receipt.also_signed_for:
        also = w.also_signed_for(", ".join(receipt.also_signed_for))
        blocks.append(context(plain(truncate(also, 2000), emoji=False)))
    if receipt.possible_duplicate_id and receipt.possible_duplicate_name:
        blocks.append(plain_section(w.same_organization_question(receipt.possible_duplicate_name)))
        blocks.append(
            actions(
                button(
                    w.merge_yes(),
                    ids.CONFIRM_MERGE,
                    MergeButton(receipt.signatory_id, receipt.possible_duplicate_id).dump(),
                    style="primary",
                    confirm=confirm_dialog(
                        w.merge_confirm_title(),
                        w.merge_yours_confirm_text(receipt.possible_duplicate_name[:200]),
                        w.merge_it(),
                        w.cancel(),
                    ),
                ),
                button(w.merge_no(), ids.DECLINE_MERGE, signatory),
                block_id=f"dup_{receipt.signatory_id}",
            )
        )
    blocks.append(
        actions(
            button(w.edit(), ids.EDIT_SIGNATURE, signatory),
            button(
                w.withdraw(),
                ids.WITHDRAW_SIGNATURE,
                signatory,
                style="danger",
                confirm=withdraw_confirm(w, receipt.org_name, receipt.letter_title),
            ),
            sign_for_another_button(w, receipt.letter_id),
            button(w.read_the_letter(), ids.READ_LETTER_BUTTON, LetterButton(receipt.letter_id).dump()),
            block_id=f"receipt_{receipt.signatory_id}",
        )
    )
    return escape(w.receipt_notification(heading, receipt.org_name, receipt.letter_title)), blocks


def notice_message(
    w: Words, kind: str, *, coordinator: str, letter_title: str, org_name: str, into_name: str | None
) -> tuple[str, list[Block]]:
    """To a signer: a coordinator merged their organization's sign-on into another's, or removed it."""
    if kind == "merged":
        text = w.notice_merged(coordinator, escape(letter_title))
        names = w.notice_merged_names(org_name, into_name or "")
    elif kind == "restored":
        text = w.notice_restored(coordinator, escape(letter_title))
        names = org_name
    else:
        text = w.notice_removed(coordinator, escape(letter_title))
        names = org_name
    return f"{text} {escape(names)}", [section(text), plain_section(names)]
