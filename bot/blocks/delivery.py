"""Block Kit for delivering a letter: the delivery form, the follow-up form, the coordinator's progress, and
the messages every signer gets."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import ids
from bot.blocks.common import Block, context, escape, modal, plain, plain_section, section
from bot.blocks.forms import text_input, titled_input
from bot.contracts import LetterFormContext
from bot.messages import Words
from bot.services.delivery import Progress
from db.enums import DeliveryMethod
from db.models.deliveries import DELIVERED_TO_MAX, PUBLIC_LINK_MAX, RESPONSE_TEXT_MAX


def delivery_modal(w: Words, letter_id: int, title: str, count: int, today: date) -> dict[str, Any]:
    options = [{"text": plain(w.delivery_method(method)), "value": str(method)} for method in DeliveryMethod]
    blocks: list[Block] = [
        section(w.delivery_intro(letter_id, escape(title), count)),
        titled_input(
            ids.DELIVERED_ON_BLOCK,
            w.delivered_on_label(),
            {"type": "datepicker", "action_id": ids.DELIVERED_ON_INPUT, "initial_date": today.isoformat()},
        ),
        titled_input(
            ids.DELIVERED_TO_BLOCK,
            w.delivered_to_label(),
            text_input(ids.DELIVERED_TO_INPUT, max_length=DELIVERED_TO_MAX),
            hint=w.delivered_to_hint(),
        ),
        titled_input(
            ids.DELIVERY_METHOD_BLOCK,
            w.delivery_method_label(),
            {"type": "radio_buttons", "action_id": ids.DELIVERY_METHOD_INPUT, "options": options},
        ),
        titled_input(
            ids.PUBLIC_LINK_BLOCK,
            w.public_link_label(),
            text_input(ids.PUBLIC_LINK_INPUT, max_length=PUBLIC_LINK_MAX),
            optional=True,
            hint=w.public_link_hint(),
        ),
    ]
    return modal(
        w.delivery_modal_title(),
        blocks,
        callback_id=ids.DELIVERY_MODAL,
        submit=w.delivery_submit(),
        close=w.cancel(),
        private_metadata=LetterFormContext(letter_id).dump(),
    )


def response_modal(w: Words, letter_id: int, title: str) -> dict[str, Any]:
    blocks: list[Block] = [
        section(w.response_intro(letter_id, escape(title))),
        titled_input(
            ids.RESPONSE_BLOCK,
            w.response_label(),
            text_input(ids.RESPONSE_INPUT, multiline=True, max_length=RESPONSE_TEXT_MAX),
            hint=w.response_hint(),
        ),
    ]
    return modal(
        w.response_modal_title(),
        blocks,
        callback_id=ids.RESPONSE_MODAL,
        submit=w.response_submit(),
        close=w.cancel(),
        private_metadata=LetterFormContext(letter_id).dump(),
    )


def progress_message(
    w: Words, letter_id: int, title: str, day: date, count: int, thanks: Progress, response: Progress | None
) -> tuple[str, list[Block]]:
    """The coordinator's confirmation DM, updated in place as the thanks (and the follow-up) go out."""
    heading = w.delivery_confirmation(letter_id, escape(title), day, count)
    lines = [w.thanks_done(thanks.sent, thanks.total) if thanks.done else w.thanks_progress(thanks.sent, thanks.total)]
    if response is not None and response.total:
        lines.append(w.response_progress(response.sent, response.total))
    failed = thanks.failed + (response.failed if response else 0)
    if failed:
        lines.append(w.messages_failed(failed))
    blocks: list[Block] = [section(heading), context(*lines)]
    return heading, blocks


def thanks_message(
    w: Words, title: str, day: date, to: str, method: str, count: int, link: str | None
) -> tuple[str, list[Block]]:
    blocks: list[Block] = [section(w.thanks_message(escape(title), day, escape(to), method, count))]
    if link:
        blocks.append(section(w.read_it_here(escape(link))))
    blocks.append(context(w.delivered_pdf_attached()))
    return escape(w.thanks_notification(title, count)), blocks


def response_message(w: Words, title: str, text: str) -> tuple[str, list[Block]]:
    blocks: list[Block] = [section(w.response_message(escape(title))), plain_section(text)]
    return escape(w.response_notification(title)), blocks
