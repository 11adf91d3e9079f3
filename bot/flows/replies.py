"""Answering a button press where it happened: in the message (response_url) or, from a view, by DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.blocks.common import notice


def reply(
    respond: Respond, body: dict[str, Any], client: WebClient, text: str, *, quoting: bool = True, replace: bool = False
) -> None:
    """``quoting`` when the text quotes what people typed (organization names): shown as plain text then.

    A message button carries a response_url: the answer is an ephemeral message there (replacing the original
    when ``replace``). Views (App Home, modals) have none: the answer is a DM.
    """
    message = notice(text) if quoting else {"text": text}
    if body.get("response_url"):
        respond(**message, response_type="ephemeral", replace_original=replace)
    else:
        client.chat_postMessage(channel=body["user"]["id"], **message)
