"""Small pure builders shared by every surface: text objects, escaping, splitting long text, dates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Block = dict[str, Any]

SECTION_TEXT_MAX = 3000
HEADER_TEXT_MAX = 150
BUTTON_TEXT_MAX = 75
MODAL_TITLE_MAX = 24
CONTEXT_ELEMENTS_MAX = 10


def escape(text: str) -> str:
    """Escape Slack's three control characters so user text can never become a mention or link.

    Slack asks for exactly these three and warns against HTML-encoding anything else.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain(text: str, *, emoji: bool = True) -> dict[str, Any]:
    """A plain_text object: user-provided names go here so ``*bold*`` or ``<!channel>`` stay literal."""
    return {"type": "plain_text", "text": text or " ", "emoji": emoji}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text or " "}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(truncate(text, HEADER_TEXT_MAX))}


def section(text: str, *, block_id: str | None = None, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(truncate(text, SECTION_TEXT_MAX))}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def notice(text: str) -> dict[str, Any]:
    """``text`` and ``blocks`` of a short message that quotes what people typed (organization names).

    The block is plain text, so ``*bold*``, ``_it_`` and ``~strike~`` stay literal: Slack's mrkdwn has no way to
    escape them. The notification text is escaped, so no mention or link can come alive there either.
    """
    return {
        "text": escape(text),
        "blocks": [{"type": "section", "text": plain(truncate(text, SECTION_TEXT_MAX), emoji=True)}],
    }


def quoted(text: str, name: str) -> dict[str, Any]:
    """``text`` and ``blocks`` of a message in our own mrkdwn (mentions work) that quotes a typed ``name`` below
    it as plain text."""
    return {
        "text": escape(f"{text} {name}"),
        "blocks": [section(text), {"type": "section", "text": plain(truncate(name, SECTION_TEXT_MAX), emoji=False)}],
    }


def plain_section(text: str, *, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": plain(truncate(text, SECTION_TEXT_MAX), emoji=False)}
    if block_id:
        block["block_id"] = block_id
    return block


def context(*elements: dict[str, Any] | str) -> Block:
    items = [mrkdwn(e) if isinstance(e, str) else e for e in elements][:CONTEXT_ELEMENTS_MAX]
    return {"type": "context", "elements": items}


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str,
    action_id: str,
    value: str | None = None,
    *,
    style: str | None = None,
    confirm: dict[str, Any] | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(truncate(text, BUTTON_TEXT_MAX)), "action_id": action_id}
    if value is not None:
        element["value"] = value
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    if url:
        element["url"] = url
    return element


def confirm_dialog(title: str, text: str, confirm: str, deny: str, *, danger: bool = False) -> dict[str, Any]:
    dialog: dict[str, Any] = {
        "title": plain(truncate(title, 100)),
        "text": plain(truncate(text, 300)),
        "confirm": plain(truncate(confirm, 30)),
        "deny": plain(truncate(deny, 30)),
    }
    if danger:
        dialog["style"] = "danger"
    return dialog


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


def modal(
    title: str,
    blocks: Sequence[Block],
    *,
    callback_id: str,
    close: str,
    submit: str | None = None,
    private_metadata: str = "",
    external_id: str | None = None,
    notify_on_close: bool = False,
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(truncate(title, MODAL_TITLE_MAX)),
        "close": plain(truncate(close, MODAL_TITLE_MAX)),
        "blocks": list(blocks),
        "private_metadata": private_metadata,
    }
    if submit:
        view["submit"] = plain(truncate(submit, MODAL_TITLE_MAX))
    if external_id:
        view["external_id"] = external_id
    if notify_on_close:
        view["notify_on_close"] = True
    return view


def split_text(text: str, limit: int = SECTION_TEXT_MAX) -> list[str]:
    """Split long text into chunks of at most ``limit`` characters at the cleanest boundary available.

    Prefers paragraph breaks, then line breaks, then sentence ends, then spaces; a single unbroken run
    longer than ``limit`` is cut hard. Joining the chunks with the separators they were split at gives
    back the text (whitespace at the cut points aside), so nothing is lost or reordered.
    """
    text = text.strip("\n")
    chunks: list[str] = []
    while len(text) > limit:
        window = text[: limit + 1]
        cut = -1
        for separator in ("\n\n", "\n", ". ", "; ", ", ", " "):
            position = window.rfind(separator)
            # A cut in the first third would make many tiny blocks; look for a better separator.
            if position > limit // 3:
                cut = position + (len(separator) if separator.strip() else 0)
                break
        if cut <= 0 or cut > limit:
            cut = limit
        chunk = text[:cut].rstrip()
        if chunk:
            chunks.append(chunk)
        text = text[cut:].lstrip(" \n")
    if text.strip():
        chunks.append(text)
    return chunks


def text_sections(text: str, *, escape_text: bool = True, limit: int = SECTION_TEXT_MAX) -> list[Block]:
    """The whole of ``text`` as consecutive mrkdwn sections, each within Slack's limit."""
    body = escape(text) if escape_text else text
    return [section(chunk) for chunk in split_text(body, limit)]
