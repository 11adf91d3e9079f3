"""Message content (text / blocks / attachments) checks shared by chat.*, response_url and acks.

Rules (slack-platform.md §2.10, §3 chat.postMessage row): a message needs ``text``, ``blocks`` or
``attachments`` (else ``no_text``); blocks must be a JSON array (else ``invalid_blocks_format``) that
passes Block Kit validation (else ``invalid_blocks`` with ``response_metadata.messages``); at most 100
attachments (``too_many_attachments``); top-level text beyond 40,000 characters is truncated, which
chat.postMessage / chat.update report as the warning ``message_truncated`` (slack-api-ref
``docs.slack.dev/methods/chat.postMessage.json`` "warnings").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .blockkit import assign_missing_ids, validate_message_blocks
from .errors import ApiError
from .http_parsing import as_json
from .state import clone

MAX_TEXT = 40_000
MAX_ATTACHMENTS = 100


@dataclass
class MessageContent:
    text: str | None
    blocks: list[dict[str, Any]] | None
    attachments: list[dict[str, Any]] | None
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not self.text and not self.blocks and not self.attachments


def parse_content(params: dict[str, Any], *, report: Callable[[str], None], pointer: str = "/blocks") -> MessageContent:
    """Parse and validate message content from request parameters.

    Args:
        params: The request arguments (``text``, ``blocks``, ``attachments``).
        report: Called with a description of each Block Kit violation (for ``fake.violations``).
        pointer: JSON pointer prefix of the blocks in error messages.

    Raises:
        ApiError: ``invalid_blocks_format``, ``invalid_blocks``, ``invalid_attachments``,
            ``too_many_attachments``.
    """
    raw_text = params.get("text")
    text = None if raw_text is None else str(raw_text)
    truncated = False
    if text is not None and len(text) > MAX_TEXT:
        text, truncated = text[:MAX_TEXT], True
    blocks: list[dict[str, Any]] | None = None
    raw_blocks = params.get("blocks")
    if raw_blocks is not None and raw_blocks != "":
        try:
            parsed = as_json(raw_blocks)
        except ValueError:
            report("invalid_blocks_format: blocks is not valid JSON")
            raise ApiError("invalid_blocks_format") from None
        if not isinstance(parsed, list):
            report("invalid_blocks_format: blocks is not an array")
            raise ApiError("invalid_blocks_format")
        problems = validate_message_blocks(parsed, pointer)
        if problems:
            messages = [str(p) for p in problems]
            for message in messages:
                report(f"invalid_blocks: {message}")
            raise ApiError("invalid_blocks", extra={"response_metadata": {"messages": messages}})
        blocks = clone(parsed)
        assign_missing_ids(blocks)
    attachments: list[dict[str, Any]] | None = None
    raw_attachments = params.get("attachments")
    if raw_attachments is not None and raw_attachments != "":
        try:
            parsed_attachments = as_json(raw_attachments)
        except ValueError:
            raise ApiError("invalid_attachments") from None
        if not isinstance(parsed_attachments, list):
            raise ApiError("invalid_attachments")
        if len(parsed_attachments) > MAX_ATTACHMENTS:
            raise ApiError("too_many_attachments")
        attachments = clone(parsed_attachments)
    return MessageContent(text, blocks, attachments, truncated)
