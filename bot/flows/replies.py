"""Answering a button press where it happened: in the message (response_url) or, from a view, by DM."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from slack_sdk.webhook import WebhookClient

from bot.blocks.common import notice
from bot.slack.api import slack_error

log = logging.getLogger(__name__)


def reply(
    respond: Respond,
    body: dict[str, Any],
    client: WebClient,
    text: str = "",
    *,
    quoting: bool = True,
    replace: bool = False,
    message: dict[str, Any] | None = None,
) -> None:
    """``quoting`` when the text quotes what people typed (organization names): shown as plain text then.

    A message button carries a response_url: the answer is an ephemeral message there (replacing the original
    when ``replace``). Views (App Home, modals) have none: the answer is a DM.
    """
    if message is None:
        message = notice(text) if quoting else {"text": text}
    # With blocks, the top-level text is only the notification line: shown as written, never as mrkdwn.
    plain_notification = {"mrkdwn": False} if message.get("blocks") else {}
    url = body.get("response_url")
    try:
        if url:
            payload = {**message, **plain_notification, "response_type": "ephemeral", "replace_original": replace}
            WebhookClient(url, proxy=respond.proxy, ssl=respond.ssl).send_dict(payload)
        else:
            client.chat_postMessage(channel=body["user"]["id"], **message, mrkdwn=not message.get("blocks"))
    except (SlackClientError, OSError) as error:
        # What was done is done (and committed); only its answer is lost, and an old button checks again.
        code = slack_error(error)
        log.warning("answer to a button press not delivered: %s", code)
