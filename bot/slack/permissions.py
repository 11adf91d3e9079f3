"""Who may run letters: SIGNON_COORDINATORS, workspace admins and owners (users.info), and each letter's
coordinators (for that letter); and who may see a letter (the members of its channels, from
conversations.members)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from sqlalchemy.orm import Session

from bot.runtime import Runtime
from bot.services import visibility
from bot.services.letters.queries import coordinates_a_letter, is_letter_coordinator, letter_coordinators
from bot.slack.api import slack_error
from bot.slack.channels import channel_members
from bot.slack.profiles import get_profile
from bot.timeutil import utcnow

log = logging.getLogger(__name__)


def is_coordinator(runtime: Runtime, client: WebClient, user_id: str) -> bool:
    """May start letters and manage every letter of the workspace."""
    if user_id in runtime.settings.coordinators:
        return True
    return get_profile(runtime.db, client, user_id).is_admin


def coordinates_anything(runtime: Runtime, client: WebClient, user_id: str, team_id: str) -> bool:
    """A workspace coordinator, or a coordinator of some letter of this workspace (help shows them the
    coordinator commands)."""
    with runtime.db.read() as session:
        if coordinates_a_letter(session, team_id, user_id):
            return True
    return is_coordinator(runtime, client, user_id)


def can_manage(runtime: Runtime, client: WebClient, user_id: str, letter_id: int) -> bool:
    """May edit, close, reopen, review and export this letter."""
    with runtime.db.read() as session:
        if is_letter_coordinator(session, letter_id, user_id):
            return True
    return is_coordinator(runtime, client, user_id)


def people_who_can(runtime: Runtime, *, letter_id: int | None = None) -> list[str]:
    """User ids to name in a refusal: the letter's coordinators (if any) first, then SIGNON_COORDINATORS."""
    people = sorted(runtime.settings.coordinators)[:5]
    if letter_id is not None:
        with runtime.db.read() as session:
            people = letter_coordinators(session, letter_id)[:5] + people
    return list(dict.fromkeys(people))


def visible_letters(
    runtime: Runtime, client: WebClient, user_id: str, team_id: str, letter_ids: Iterable[int]
) -> set[int]:
    """Of ``letter_ids`` (letters of ``team_id``), those ``user_id`` may see and sign.

    Workspace coordinators see all; anyone else sees letters open to the whole workspace, those they coordinate,
    and those posted to a channel they are in. Channel members are read from Slack when the cached list is
    missing or a few minutes old.
    """
    wanted = list(dict.fromkeys(letter_ids))
    if not wanted:
        return set()
    now = utcnow()

    def channels_and_stale(session: Session) -> tuple[dict[int, set[str]], list[str], set[int]]:
        channels = visibility.letter_channels(session, wanted)
        stale = visibility.stale_rosters(session, team_id, set().union(*channels.values()), now=now)
        return channels, stale, visibility.visible_letters(session, team_id, user_id, wanted) if not stale else set()

    # The common case, a member of the letter's channel (every sign-on checks it before its acknowledgement):
    # one read, no profile, no Slack call.
    channels, stale, seen = runtime.db.reading(channels_and_stale)
    if len(seen) == len(wanted):
        return seen
    if is_coordinator(runtime, client, user_id):
        return set(wanted)

    def seen_and_missed(session: Session) -> tuple[set[int], list[str]]:
        seen = visibility.visible_letters(session, team_id, user_id, wanted)
        missed = set().union(*(channels[letter_id] for letter_id in wanted if letter_id not in seen))
        return seen, visibility.stale_rosters(session, team_id, missed, now=utcnow(), ttl=visibility.MISS_TTL)

    refresh_rosters(runtime, client, team_id, stale)
    seen, again = runtime.db.reading(seen_and_missed)
    if not again:
        return seen
    # Not in the cached lists: perhaps they joined a channel since; ask Slack again (at most every few seconds).
    refresh_rosters(runtime, client, team_id, again)
    return runtime.db.reading(lambda session: visibility.visible_letters(session, team_id, user_id, wanted))


def may_see(runtime: Runtime, client: WebClient, user_id: str, team_id: str, letter_id: int) -> bool:
    return letter_id in visible_letters(runtime, client, user_id, team_id, [letter_id])


def refresh_rosters(runtime: Runtime, client: WebClient, team_id: str, channels: list[str]) -> None:
    """Read the members of ``channels`` from Slack (in parallel) and cache them."""

    def read(channel_id: str) -> tuple[str, list[str] | None] | None:
        try:
            return channel_id, channel_members(client, channel_id)
        except SlackApiError as error:
            # A private channel the bot is not in, or one deleted: nobody is known to be in it.
            log.warning("conversations.members for %s failed: %s", channel_id, slack_error(error))
            return channel_id, None
        except (SlackRequestError, OSError) as error:
            log.warning("conversations.members for %s failed: %s; its cached members stay", channel_id, error)
            return None

    if not channels:
        return
    with ThreadPoolExecutor(max_workers=min(8, len(channels))) as pool:
        rosters = [roster for roster in pool.map(read, channels) if roster is not None]
    now = utcnow()

    def store(session: Session) -> None:
        for channel_id, members in rosters:
            visibility.store_roster(session, team_id, channel_id, members, now=now)

    if rosters:
        runtime.db.transaction(store)
