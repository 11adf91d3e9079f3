"""Block Kit for letters: the channel post, the full-text modal, the list of open letters."""

from __future__ import annotations

from collections.abc import Sequence
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
    split_text,
    text_sections,
    truncate,
)
from bot.contracts import LetterButton, ReadButton, Source
from bot.messages import Words, words
from bot.services.letters.queries import LetterView
from db.enums import Language

OPENING_CHARS = 600
# A modal holds 100 blocks; keep room for the title, deadline and buttons around the text.
MODAL_TEXT_BLOCKS_MAX = 90


def opening(text: str, limit: int = OPENING_CHARS) -> str:
    """The first paragraph(s) of the letter, cut at a clean boundary."""
    first = split_text(text, limit)
    if not first:
        return ""
    return first[0] if len(first) == 1 else first[0].rstrip(".,;: ") + " …"


def deadline_line(w: Words, letter: LetterView) -> str:
    if letter.is_open:
        return w.deadline_line(w.deadline_date(letter.deadline_at))
    return w.closed_line(w.deadline_date(letter.closed_at or letter.deadline_at))


def read_in_buttons(letter: LetterView) -> list[dict[str, Any]]:
    """A button for each of the letter's other languages, labeled in that language (“Leer en español”)."""
    return [
        button(
            words(language).read_in_this_language(),
            ids.READ_IN_LANGUAGE,
            ReadButton(letter.id, Language(language)).dump(),
        )
        for language in letter.languages[1:]
    ]


def letter_post(w: Words, letter: LetterView) -> tuple[str, list[Block]]:
    """The message posted in coalition channels (in the letter's main language, the words ``w`` are in), with a
    button to read each of its other languages; updated as organizations sign."""
    letter = letter.in_language(w.language)
    blocks: list[Block] = [header(letter.title)]
    read = button(w.read_full_letter(), ids.READ_LETTER_BUTTON, LetterButton(letter.id).dump())
    others = read_in_buttons(letter)
    if letter.is_open:
        blocks.append(section(escape(opening(letter.text))))
        blocks.append(context(deadline_line(w, letter)))
        if letter.delivered_on is not None:
            blocks.append(context(w.open_for_the_record(letter.delivered_on, letter.delivered_count or 0)))
        blocks.append(section(w.signed_so_far(letter.count)))
        if letter.listed_leads:
            blocks.append(context(w.count_with_leads(letter.count, letter.listed_leads)))
        if letter.recent:
            blocks.append(context(plain(truncate(w.latest_names(", ".join(letter.recent)), 2000), emoji=False)))
        sign = button(w.sign_on_button(), ids.SIGN_ON_BUTTON, LetterButton(letter.id).dump(), style="primary")
        blocks.append(actions(sign, read, *others, block_id=f"letter_{letter.id}"))
        fallback = w.post_notification(letter.title, letter.count)
    elif letter.delivered_on is not None:
        delivered = letter.delivered_count or 0
        blocks.append(section(w.post_delivered(letter.delivered_on, delivered)))
        blocks.append(actions(read, *others, block_id=f"letter_{letter.id}"))
        fallback = w.delivered_post_notification(letter.title, letter.delivered_on, delivered)
    else:
        blocks.append(section(w.post_closed(letter.count)))
        if letter.listed_leads:
            blocks.append(context(w.count_with_leads(letter.count, letter.listed_leads)))
        blocks.append(context(deadline_line(w, letter)))
        blocks.append(actions(read, *others, block_id=f"letter_{letter.id}"))
        fallback = w.closed_post_notification(letter.title, letter.count)
    return escape(fallback), blocks


def read_letter_modal(
    w: Words, letter: LetterView, *, language: str | None = None, sign: bool = True
) -> dict[str, Any]:
    """The whole letter, split across sections (Slack allows 3,000 characters per section): in ``language``
    when asked, else in the reader's (the words ``w``) when it has that text, else in its main language with a
    note saying so; buttons switch to its other languages."""
    letter = letter.in_language(language or w.language)
    blocks: list[Block] = [header(letter.title), context(w.version_after(deadline_line(w, letter), letter.version))]
    if language is None and letter.language != w.language:
        blocks.append(context(w.not_in_your_language(letter.language)))
    if others := read_in_buttons(letter):
        blocks.append(actions(*others, block_id=f"read_in_{letter.id}"))
    body = text_sections(letter.text)
    if len(body) > MODAL_TEXT_BLOCKS_MAX:
        body = [*body[: MODAL_TEXT_BLOCKS_MAX - 1], section(w.letter_continues())]
    blocks.extend(body)
    if letter.lead_orgs:
        blocks.append(divider())
        blocks.append(context(plain(truncate(w.led_by("; ".join(letter.lead_orgs)), 2000), emoji=False)))
    blocks.append(context(w.have_signed(letter.count)))
    if sign and letter.is_open:
        sign_on = button(w.sign_on_button(), ids.SIGN_ON_BUTTON, LetterButton(letter.id).dump(), style="primary")
        blocks.append(actions(sign_on, block_id=f"read_sign_{letter.id}"))
    return modal(w.letter_modal_title(), blocks, callback_id=ids.LETTER_READ_MODAL, close=w.close())


def letter_list(w: Words, letters: Sequence[LetterView], *, coordinator: bool) -> tuple[str, list[Block]]:
    if not letters:
        text = w.no_open_letters(coordinator=coordinator)
        return text, [section(text)]
    blocks: list[Block] = [section(w.open_letters_heading(len(letters)))]
    for listed in letters[:45]:
        letter = listed.in_language(w.language)
        blocks.append(
            section(
                w.letter_list_entry(letter.id, escape(letter.title), letter.count, w.deadline_date(letter.deadline_at)),
                accessory=button(
                    w.sign_on_button(), ids.SIGN_ON_BUTTON, LetterButton(letter.id, Source.SLASH_COMMAND).dump()
                ),
            )
        )
    if len(letters) > 45:
        blocks.append(context(w.and_more(len(letters) - 45)))
    return w.open_letters_notification(len(letters)), blocks
