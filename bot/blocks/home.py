"""The App Home tab: open letters for everyone; counts, review queue and controls for coordinators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot import ids
from bot.blocks.common import Block, actions, button, confirm_dialog, context, divider, escape, header, plain, section
from bot.blocks.review import duplicate_pair_blocks, undo_merge_blocks
from bot.blocks.signon import sign_for_another_button
from bot.contracts import ExportButton, LetterButton, RemindButton, SignatoryButton, Source
from bot.messages import Words
from bot.services.delivery import Progress
from bot.services.languages import AUTOMATIC
from bot.services.letters.queries import LetterView
from bot.services.web import PendingWeb
from db.enums import Language
from db.models import Signatory

HOME_BLOCKS_MAX = 100


@dataclass(frozen=True)
class MemberLetter:
    letter: LetterView
    signed_as: str | None


@dataclass(frozen=True)
class DeliveryProgress:
    """A delivered letter: the day, and how far the thanks and the follow-up have gone out."""

    delivered_on: date
    thanks: Progress
    response: Progress


@dataclass(frozen=True)
class CoordinatorLetter:
    letter: LetterView
    new_today: int
    duplicates: Sequence[tuple[Signatory, Signatory]] = field(default_factory=list)
    # The newest signatories (id, organization, source), each with a Remove button.
    recent: Sequence[tuple[int, str, str]] = ()
    # The public page's line (its link, or why there is none), and web sign-ons waiting for approval.
    page_line: str | None = None
    pending: Sequence[PendingWeb] = ()
    pending_total: int = 0
    # Signers who have not confirmed the current version, and the reminder round a Remind button starts from.
    unconfirmed: int = 0
    reconfirm_round: int = 0
    delivery: DeliveryProgress | None = None
    # Recent merges that can be undone: (merged, merged into).
    merged: Sequence[tuple[Signatory, Signatory]] = ()


def _delivery_line(w: Words, delivery: DeliveryProgress) -> Block:
    thanks, response = delivery.thanks, delivery.response
    lines = [w.home_delivered(delivery.delivered_on)]
    lines.append(w.home_thanks_progress(thanks.sent, thanks.total, done=thanks.done))
    if response.total:
        lines.append(w.home_response_progress(response.sent, response.total))
    if failed := thanks.failed + response.failed:
        lines.append(w.messages_failed(failed))
    return context(*lines)


def language_selector(w: Words, choice: str) -> Block:
    """Which language signon speaks to this person: automatic (their Slack language) or one they pick, each
    listed by its own name so its readers find it whatever language the tab is in."""
    options = [{"text": plain(w.language_automatic()), "value": AUTOMATIC}]
    options += [{"text": plain(w.own_language_name(code)), "value": str(code)} for code in Language]
    selected = next((option for option in options if option["value"] == choice), options[0])
    select = {"type": "static_select", "action_id": ids.CHOOSE_LANGUAGE, "options": options, "initial_option": selected}
    text = f"{w.language_heading()}\n{w.language_explained()}"
    return section(text, block_id=ids.HOME_LANGUAGE_BLOCK, accessory=select)


def _member_blocks(w: Words, item: MemberLetter) -> list[Block]:
    letter = item.letter.in_language(w.language)
    status = w.your_org_signed() if item.signed_as else w.not_signed_yet()
    blocks: list[Block] = [
        section(
            w.home_member_letter(escape(letter.title), letter.count, w.deadline_date(letter.deadline_at), status),
            accessory=button(w.read(), ids.READ_LETTER_BUTTON, LetterButton(letter.id).dump()),
        )
    ]
    if item.signed_as:
        blocks.append(context(plain(w.signed_as(item.signed_as), emoji=False)))
        another = sign_for_another_button(w, letter.id, Source.APP_HOME)
        blocks.append(actions(another, block_id=f"home_another_{letter.id}"))
    else:
        value = LetterButton(letter.id, Source.APP_HOME).dump()
        sign = button(w.sign_on_button(), ids.SIGN_ON_BUTTON, value, style="primary")
        blocks.append(actions(sign, block_id=f"home_sign_{letter.id}"))
    return blocks


def close_button(w: Words, letter: LetterView) -> dict[str, Any]:
    """Close the letter, after Slack's confirmation dialog (the App Home and ``/signon close`` both use it)."""
    confirm = confirm_dialog(
        w.close_confirm_title(), w.close_confirm_text(letter.title[:200]), w.close_it(), w.cancel(), danger=True
    )
    return button(w.close_letter(), ids.CLOSE_LETTER, LetterButton(letter.id).dump(), style="danger", confirm=confirm)


def remind_button(w: Words, letter: LetterView, unconfirmed: int, reconfirm_round: int) -> dict[str, Any]:
    """Remind the signers who have not confirmed the current version, after Slack's confirmation dialog."""
    confirm = confirm_dialog(
        w.remind_confirm_title(),
        w.remind_confirm_text(unconfirmed, letter.version),
        w.send_reminder(),
        w.cancel(),
    )
    value = RemindButton(letter.id, reconfirm_round).dump()
    return button(w.remind_them(), ids.REMIND_UNCONFIRMED, value, confirm=confirm)


def unconfirmed_blocks(w: Words, letter: LetterView, unconfirmed: int, reconfirm_round: int) -> list[Block]:
    """How many signers have not confirmed the current version, with a Remind button while the letter is open."""
    if not unconfirmed:
        return []
    line = w.not_confirmed(unconfirmed, letter.version)
    if not letter.is_open:
        return [context(line)]
    remind = remind_button(w, letter, unconfirmed, reconfirm_round)
    return [section(line, block_id=f"home_unconfirmed_{letter.id}", accessory=remind)]


def _controls(w: Words, letter: LetterView) -> Block:
    ref = LetterButton(letter.id).dump()
    controls = [
        button(w.edit(), ids.EDIT_LETTER, ref),
        button(w.export(), ids.EXPORT_LETTER, ExportButton(letter.id, "all").dump()),
    ]
    if letter.is_open:
        controls.append(close_button(w, letter))
    else:
        controls.append(button(w.reopen(), ids.REOPEN_LETTER, ref))
    return actions(*controls, block_id=f"home_manage_{letter.id}")


def _remove_row(w: Words, letter: LetterView, signatory_id: int, org_name: str, source: str) -> Block:
    question = w.remove_confirm_text(org_name[:200], letter.title[:100])
    confirm = confirm_dialog(w.remove_confirm_title(), question, w.remove(), w.cancel(), danger=True)
    return {
        "type": "section",
        "block_id": f"home_signatory_{signatory_id}",
        "text": plain(f"{org_name[:2800]} · {w.source_name(source)}", emoji=False),
        "accessory": button(w.remove(), ids.REMOVE_SIGNATORY, SignatoryButton(signatory_id).dump(), confirm=confirm),
    }


def _pending_blocks(w: Words, item: CoordinatorLetter, room: int) -> list[Block]:
    """Web sign-ons waiting for approval: who they say they are (as typed, escaped), Approve and Reject."""
    if not item.pending_total or room < 3:
        return []
    blocks: list[Block] = [section(w.web_pending_heading(item.pending_total))]
    for pending in item.pending[: max(0, (room - 1) // 2)][:5]:
        line = w.web_pending_line(
            escape(pending.org_name),
            escape(pending.signer_name),
            escape(pending.signer_title),
            escape(pending.signer_email),
        )
        value = SignatoryButton(pending.signatory_id).dump()
        blocks.append(section(line, block_id=f"home_pending_{pending.signatory_id}"))
        blocks.append(
            actions(
                button(w.web_approve(), ids.APPROVE_WEB, value, style="primary"),
                button(w.web_reject(), ids.REJECT_WEB, value, style="danger"),
                block_id=f"home_decide_{pending.signatory_id}",
            )
        )
    return blocks


def home_view(
    w: Words,
    member_letters: Sequence[MemberLetter],
    managed: Sequence[CoordinatorLetter],
    *,
    language_choice: str = AUTOMATIC,
) -> dict[str, Any]:
    blocks: list[Block] = [header(w.home_heading()), language_selector(w, language_choice)]
    if not member_letters:
        blocks.append(section(w.no_letters_open_home()))
    for member_item in member_letters[:10]:
        blocks.extend(_member_blocks(w, member_item))
    if managed:
        blocks.append(divider())
        blocks.append(header(w.letters_you_coordinate()))
    for item in managed:
        letter = item.letter.in_language(w.language)
        if len(blocks) > HOME_BLOCKS_MAX - 8:
            blocks.append(context(w.more_letters_not_shown()))
            break
        blocks.append(
            section(
                w.home_coordinator_letter(
                    letter.id,
                    escape(letter.title),
                    w.letter_state(letter.is_open),
                    letter.count,
                    item.new_today,
                    w.deadline_date(letter.deadline_at),
                )
            )
        )
        if item.delivery is not None:
            blocks.append(_delivery_line(w, item.delivery))
        blocks.append(_controls(w, letter))
        blocks.extend(unconfirmed_blocks(w, letter, item.unconfirmed, item.reconfirm_round))
        if item.page_line:
            blocks.append(context(item.page_line))
        blocks.extend(_pending_blocks(w, item, room=HOME_BLOCKS_MAX - 10 - len(blocks)))
        for signatory_id, org_name, source in item.recent[:5]:
            if len(blocks) > HOME_BLOCKS_MAX - 6:
                break
            blocks.append(_remove_row(w, letter, signatory_id, org_name, source))
        if item.duplicates:
            blocks.append(context(w.duplicates_to_review(len(item.duplicates))))
            for new, existing in item.duplicates[:3]:
                if len(blocks) > HOME_BLOCKS_MAX - 4:
                    break
                blocks.extend(duplicate_pair_blocks(w, new, existing))
        if item.merged and len(blocks) < HOME_BLOCKS_MAX - 4:
            blocks.append(context(w.recently_merged()))
            for merged, into in item.merged[:2]:
                if len(blocks) > HOME_BLOCKS_MAX - 3:
                    break
                blocks.extend(undo_merge_blocks(w, merged, into))
    blocks.append(actions(button(w.refresh(), ids.HOME_REFRESH), block_id="home_refresh"))
    return {"type": "home", "blocks": blocks[:HOME_BLOCKS_MAX]}
