"""Small, careful wrappers around Web API calls the flows make again and again."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

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


def slack_error(error: Exception) -> str:
    """Slack's error code for an API error (``ratelimited``, ``channel_not_found``…); for anything else (a reset,
    a timeout), the exception's name."""
    if not isinstance(error, SlackApiError):
        return type(error).__name__
    try:
        return str(error.response.get("error") or "unknown_error")
    except Exception:
        return "unknown_error"


@dataclass(frozen=True)
class OpenedView:
    """An open modal, found by its id, or by the ``external_id`` signon gave it when views.open's answer was
    lost (the modal may be open even though the call seemed to fail)."""

    id: str | None
    hash: str | None
    external_id: str | None = None


def open_view(client: WebClient, trigger_id: str, view: dict[str, Any]) -> OpenedView | None:
    """views.open; None (logged) when Slack did not open it (an expired or used trigger, Slack failing).

    A trigger lasts 3 s and opens one modal, so a failed call is tried once more at once; when the first call
    had in fact opened the modal (its answer lost), the second says the trigger was used, and the modal is
    reached by its ``external_id`` from then on.
    """
    external_id = view.get("external_id") or f"signon-{uuid.uuid4().hex}"
    view = {**view, "external_id": external_id}
    for attempt in (1, 2):
        try:
            response = client.views_open(trigger_id=trigger_id, view=view)
            return OpenedView(response["view"]["id"], response["view"].get("hash"), external_id)
        except SlackApiError as error:
            code = slack_error(error)
            status = getattr(error.response, "status_code", 200)
            if attempt == 2 and code == "exchanged_trigger_id":
                return OpenedView(None, None, external_id)  # the first call opened it
            if status < 500 and code not in ("internal_error", "fatal_error", "request_timeout"):
                log.warning("views.open failed: %s", code)
                return None
            log.warning("views.open failed: %s; trying once more", code)
        except (SlackClientError, OSError) as error:
            log.warning("views.open failed: %s; trying once more", type(error).__name__)
    return None


def push_view(client: WebClient, trigger_id: str, view: dict[str, Any]) -> bool:
    try:
        client.views_push(trigger_id=trigger_id, view=view)
    except (SlackClientError, OSError) as error:
        log.warning("views.push failed: %s", slack_error(error) if isinstance(error, SlackApiError) else error)
        return False
    return True


def update_view(client: WebClient, opened: OpenedView, view: dict[str, Any]) -> bool:
    """Replace an open view (safe to repeat, so slack_sdk retries Slack's failures). False when Slack failed;
    True when it was replaced, or when the person already moved on (a newer view, or the modal closed)."""
    target = {"view_id": opened.id} if opened.id else {"external_id": opened.external_id}
    if opened.external_id and opened.id is None:
        view = {**view, "external_id": opened.external_id}
    try:
        client.views_update(**target, hash=opened.hash, view=view)
    except SlackApiError as error:
        code = slack_error(error)
        moved_on = code in ("hash_conflict", "not_found")
        log.log(
            logging.INFO if moved_on else logging.WARNING,
            "views.update %s: %s",
            "skipped" if moved_on else "failed",
            code,
        )
        return moved_on
    except (SlackClientError, OSError) as error:
        log.warning("views.update failed: %s", type(error).__name__)
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
    except (SlackClientError, OSError) as error:
        # A reset or a timeout: perhaps not sent. Callers say it another way or try again; none may crash.
        log.warning("DM to %s failed: %s", user_id, type(error).__name__)
        return None
    try:
        response = client.chat_postEphemeral(
            channel=fallback_channel, user=user_id, text=text, blocks=blocks, mrkdwn=False
        )
        return Delivered(fallback_channel, response.get("message_ts"), ephemeral=True)
    except (SlackClientError, OSError) as error:
        code = slack_error(error)
        log.warning("ephemeral fallback to %s in %s failed: %s", user_id, fallback_channel, code)
        return None


def dm_channel(client: WebClient, user_id: str) -> str | None:
    """The bot's DM channel id with a person (files need a channel id, not a user id)."""
    try:
        return str(client.conversations_open(users=user_id)["channel"]["id"])
    except (SlackClientError, OSError) as error:
        code = slack_error(error)
        log.warning("conversations.open with %s failed: %s", user_id, code)
        return None
