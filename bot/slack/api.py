"""Small, careful wrappers around Web API calls the flows make again and again."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

# Errors meaning "this person cannot get a DM from the bot" (Slack Connect policies, deactivated users).
DM_REFUSALS = {
    "cannot_dm_bot",
    "invalid_user_combination",
    "user_not_found",
    "user_disabled",
    "user_not_visible",
    "channel_not_found",
    "not_allowed_token_type",
    "restricted_action",
    "messages_tab_disabled",
}


def slack_error(error: SlackApiError) -> str:
    try:
        return str(error.response.get("error") or "unknown_error")
    except Exception:
        return "unknown_error"


@dataclass(frozen=True)
class OpenedView:
    id: str
    hash: str | None


def open_view(client: WebClient, trigger_id: str, view: dict[str, Any]) -> OpenedView | None:
    """views.open; None (logged) when the trigger expired or was used, which the person can just retry."""
    try:
        response = client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        log.warning("views.open failed: %s", slack_error(error))
        return None
    return OpenedView(response["view"]["id"], response["view"].get("hash"))


def push_view(client: WebClient, trigger_id: str, view: dict[str, Any]) -> bool:
    try:
        client.views_push(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        log.warning("views.push failed: %s", slack_error(error))
        return False
    return True


def update_view(client: WebClient, opened: OpenedView, view: dict[str, Any]) -> bool:
    """Replace an open view. A hash conflict means the person already moved on: leave it alone."""
    try:
        client.views_update(view_id=opened.id, hash=opened.hash, view=view)
    except SlackApiError as error:
        log.info("views.update skipped: %s", slack_error(error))
        return False
    return True


@dataclass(frozen=True)
class Delivered:
    channel: str
    ts: str | None
    ephemeral: bool = False


def send_dm(
    client: WebClient,
    user_id: str,
    text: str,
    blocks: list[dict[str, Any]],
    *,
    fallback_channel: str | None = None,
) -> Delivered | None:
    """DM a person (posting to their user id opens the app DM); fall back to an ephemeral message in
    ``fallback_channel`` when DMs are not allowed, e.g. for some Slack Connect guests.

    ``text`` is the notification line, sent with ``mrkdwn: false``: the formatting lives in ``blocks``, and a name
    someone typed must not turn bold or struck through in a notification.
    """
    try:
        response = client.chat_postMessage(
            channel=user_id, text=text, blocks=blocks, mrkdwn=False, unfurl_links=False, unfurl_media=False
        )
        return Delivered(response["channel"], response.get("ts"))
    except SlackApiError as error:
        code = slack_error(error)
        if code not in DM_REFUSALS or not fallback_channel:
            log.warning("DM to %s failed: %s", user_id, code)
            return None
    try:
        response = client.chat_postEphemeral(
            channel=fallback_channel, user=user_id, text=text, blocks=blocks, mrkdwn=False
        )
        return Delivered(fallback_channel, response.get("message_ts"), ephemeral=True)
    except SlackApiError as error:
        log.warning("ephemeral fallback to %s in %s failed: %s", user_id, fallback_channel, slack_error(error))
        return None


def dm_channel(client: WebClient, user_id: str) -> str | None:
    """The bot's DM channel id with a person (files need a channel id, not a user id)."""
    try:
        return str(client.conversations_open(users=user_id)["channel"]["id"])
    except SlackApiError as error:
        log.warning("conversations.open with %s failed: %s", user_id, slack_error(error))
        return None
