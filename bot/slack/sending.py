"""Posting a message exactly once, even when Slack's answer is lost.

Every message signon sends from a claimed row carries Slack message ``metadata`` naming that row (a
:class:`Marker`). When the answer is ambiguous (a 5xx, a timeout, a reset connection: Slack may have posted
it), the conversation's recent history is searched for the marker before the message is sent again; a 429 was
not processed and is simply retried after ``Retry-After``. A process that died mid-send leaves its row claimed;
whoever finds the claim expired resolves it the same way (:func:`find_sent`), so the message is neither lost
nor doubled. Docs: https://docs.slack.dev/messaging/message-metadata,
https://docs.slack.dev/reference/methods/conversations.history (``include_all_metadata``).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.slack.api import DM_REFUSALS, slack_error

log = logging.getLogger(__name__)

# How far back a lost message can be: the newest messages of a DM or channel, a few pages at most.
HISTORY_PAGES = 3
HISTORY_PAGE_SIZE = 100
# Errors that will not go away by trying again.
PERMANENT = DM_REFUSALS | {
    "not_in_channel",
    "is_archived",
    "is_inactive",
    "invalid_blocks",
    "invalid_blocks_format",
    "msg_too_long",
    "no_text",
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "account_inactive",
    "missing_scope",
    "invalid_metadata_format",
    "invalid_metadata_schema",
    "metadata_too_large",
}


@dataclass(frozen=True)
class Marker:
    """What a message carries to be found again: its kind and the id of the row it was sent for."""

    event_type: str
    key: str

    def metadata(self) -> dict[str, Any]:
        return {"event_type": self.event_type, "event_payload": {"key": self.key}}

    def matches(self, message: dict[str, Any]) -> bool:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        return metadata.get("event_type") == self.event_type and payload.get("key") == self.key


@dataclass(frozen=True)
class Sent:
    channel: str
    ts: str | None
    ephemeral: bool = False


class NotSent(Exception):
    """Slack did not take the message. ``transient``: trying again later may work (5xx, 429, network)."""

    def __init__(self, code: str, *, transient: bool, retry_after: float | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.transient = transient
        self.retry_after = retry_after


def classify(error: Exception) -> NotSent:
    """What a failed call means: a code, whether to try again, and when."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 200)
        code = slack_error(error)
        if status == 429:
            retry_after = float(error.response.headers.get("Retry-After", "1") or 1)
            return NotSent("ratelimited", transient=True, retry_after=retry_after)
        return NotSent(code, transient=status >= 500 or code not in PERMANENT)
    # The request never got an answer (timeout, reset, DNS): Slack may or may not have it.
    return NotSent(type(error).__name__, transient=True)


def open_dm(client: WebClient, user_id: str) -> str:
    """The bot's DM channel with a person (``conversations.open`` is safe to repeat)."""
    try:
        return str(client.conversations_open(users=user_id)["channel"]["id"])
    except (SlackClientError, OSError) as error:
        raise classify(error) from error


def find_sent(client: WebClient, channel: str, marker: Marker) -> str | None:
    """The ts of the message carrying ``marker`` among the newest of ``channel``, if it is there."""
    cursor: str | None = None
    for _ in range(HISTORY_PAGES):
        arguments: dict[str, Any] = {"channel": channel, "limit": HISTORY_PAGE_SIZE, "include_all_metadata": True}
        if cursor:
            arguments["cursor"] = cursor
        try:
            page = client.conversations_history(**arguments)
        except (SlackClientError, OSError) as error:
            raise classify(error) from error
        messages: list[dict[str, Any]] = page.get("messages", [])
        for message in messages:
            if marker.matches(message):
                return str(message.get("ts"))
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor or not page.get("has_more"):
            return None
    return None


def send_once(
    client: WebClient,
    channel: str,
    text: str,
    blocks: list[dict[str, Any]],
    marker: Marker,
    *,
    budget_seconds: float = 10.0,
    look_first: bool = False,
    wait: Callable[[float], None] = time.sleep,
) -> Sent:
    """Post to ``channel`` (a conversation id: history needs one) unless it is already there; retries transient
    failures within ``budget_seconds``.

    ``text`` is the notification line and is sent with ``mrkdwn: false``: the formatting lives in ``blocks``, and
    a typed name in the notification must not turn bold or into a link.

    Once an attempt is ambiguous, every later one looks for the marker before posting, and a failed look is
    tried again rather than taken for "not there". ``look_first`` says an earlier call already failed for this
    row (it may have been ambiguous): look before the first post too.

    Raises:
        NotSent: Slack did not take it (``transient`` when a later attempt may succeed).
    """
    deadline = time.monotonic() + budget_seconds
    delay = 0.5
    unsure = look_first
    while True:
        posting = not unsure
        try:
            if unsure:
                found = find_sent(client, channel, marker)
                if found:
                    return Sent(channel, found)
                unsure, posting = False, True
            return _post(client, channel, text, blocks, marker)
        except NotSent as failed:
            failure = failed
        if not failure.transient:
            raise failure
        if posting and failure.code != "ratelimited":
            unsure = True  # Slack may have posted it: look before posting again
            with contextlib.suppress(NotSent):
                found = find_sent(client, channel, marker)
                if found:
                    return Sent(channel, found)
                unsure = False
        pause = failure.retry_after if failure.retry_after is not None else delay
        if time.monotonic() + pause > deadline:
            raise failure
        log.info("chat.postMessage to %s: %s, trying again in %.1f s", channel, failure.code, pause)
        wait(pause)
        delay = min(delay * 2, 8.0)


def _post(client: WebClient, channel: str, text: str, blocks: list[dict[str, Any]], marker: Marker) -> Sent:
    try:
        response = client.chat_postMessage(
            channel=channel,
            text=text,
            blocks=blocks,
            mrkdwn=False,
            unfurl_links=False,
            unfurl_media=False,
            metadata=marker.metadata(),
        )
    except (SlackClientError, OSError) as error:
        raise classify(error) from error
    return Sent(str(response["channel"]), response.get("ts"))
