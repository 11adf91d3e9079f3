"""Channels: who is in them (conversations.members), whether the bot can post there (conversations.info), and
their names for the CSV."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError, SlackRequestError

from bot.services.outcomes import ChannelProblem, ChannelTrouble
from bot.slack.api import slack_error


def channel_members(client: WebClient, channel_id: str) -> list[str]:
    """Every member of a channel, all pages."""
    members: list[str] = []
    cursor: str | None = None
    while True:
        page = (
            client.conversations_members(channel=channel_id, limit=1000, cursor=cursor)
            if cursor
            else client.conversations_members(channel=channel_id, limit=1000)
        )
        members.extend(page.get("members", []))
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return members


def channel_problems(client: WebClient, channels: tuple[str, ...]) -> list[ChannelProblem]:
    """Why the bot cannot post in some of ``channels`` (checked in parallel); [] when it can post in all."""

    def check(channel_id: str) -> ChannelProblem | None:
        try:
            info = client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as error:
            if slack_error(error) == "channel_not_found":
                return ChannelProblem(channel_id, ChannelTrouble.NEEDS_INVITE)
            return ChannelProblem(channel_id, ChannelTrouble.UNCHECKED, error=slack_error(error))
        except (SlackClientError, OSError) as error:  # a reset or a timeout, after the client's own retries
            return ChannelProblem(channel_id, ChannelTrouble.UNCHECKED, error=type(error).__name__)
        name = info.get("name")
        if info.get("is_archived"):
            return ChannelProblem(channel_id, ChannelTrouble.ARCHIVED, name)
        if info.get("is_im") or info.get("is_mpim"):
            return ChannelProblem(channel_id, ChannelTrouble.NOT_A_CHANNEL, name)
        if info.get("is_private") and not info.get("is_member"):
            return ChannelProblem(channel_id, ChannelTrouble.NEEDS_INVITE, name)
        return None

    if not channels:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(channels))) as pool:
        return [problem for problem in pool.map(check, channels) if problem]


def channel_names(client: WebClient, channel_ids: set[str]) -> dict[str, str]:
    """Names of up to 50 channels; a channel that cannot be looked up is left out."""
    names = {}
    for channel_id in list(channel_ids)[:50]:
        try:
            names[channel_id] = str(client.conversations_info(channel=channel_id)["channel"]["name"])
        except (SlackApiError, SlackRequestError, OSError, KeyError, TypeError):
            # Names are a nicety in the CSV; the export goes out with channel ids instead.
            continue
    return names
