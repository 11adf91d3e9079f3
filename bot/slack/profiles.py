"""People's profiles from Slack (users.info, users.list), through the cache in the database.

Both calls ask ``include_locale``: the person's Slack language decides the language signon speaks to them
(bot/slack/language.py). https://docs.slack.dev/reference/methods/users.info
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.services.profiles import Profile, cached_profiles, save_profiles
from bot.slack.api import slack_error
from bot.timeutil import utcnow
from db.engine import Database
from db.models import EMAIL_MAX, PERSON_NAME_MAX, TITLE_MAX

log = logging.getLogger(__name__)
PROFILE_MAX_AGE = timedelta(hours=6)


def profile_from_user(user: dict[str, Any]) -> Profile:
    """Read Slack's user object; external (Slack Connect) users often lack email and title."""
    profile = user.get("profile") or {}
    name = profile.get("real_name") or user.get("real_name") or profile.get("display_name") or user.get("name")
    return Profile(
        user_id=user["id"],
        team_id=user.get("team_id") or profile.get("team"),
        name=(name or None) and str(name)[:PERSON_NAME_MAX],
        title=(profile.get("title") or None) and str(profile["title"])[:TITLE_MAX],
        email=(profile.get("email") or None) and str(profile["email"])[:EMAIL_MAX],
        tz=user.get("tz"),
        is_bot=bool(user.get("is_bot") or user.get("is_app_user")) or user.get("id") == "USLACKBOT",
        deleted=bool(user.get("deleted")),
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        is_stranger=bool(user.get("is_stranger")),
        locale=(user.get("locale") or None) and str(user["locale"])[:16],
    )


def get_profile(db: Database, client: WebClient, user_id: str, *, max_age: timedelta = PROFILE_MAX_AGE) -> Profile:
    """The person's profile, from the cache when fresh, else from users.info; never raises for Slack errors."""
    now = utcnow()
    cached = db.reading(lambda session: cached_profiles(session, [user_id])).get(user_id)
    if cached and now - cached[1] < max_age:
        return cached[0]
    try:
        user = client.users_info(user=user_id, include_locale=True)["user"]
    except (SlackClientError, OSError) as error:
        log.info("users.info failed for %s: %s", user_id, slack_error(error))
        return cached[0] if cached else Profile(user_id)
    profile = profile_from_user(user)
    try:
        db.transaction(lambda session: save_profiles(session, [profile], now))
    except Exception:  # the cache is an optimization; the caller still gets the profile
        log.warning("could not cache the profile of %s", user_id, exc_info=True)
    return profile


def refresh_profiles(db: Database, client: WebClient, user_ids: Iterable[str]) -> dict[str, Profile]:
    """Profiles for many people: the cache where fresh, users.list pages (200 a call) for the rest."""
    wanted = set(user_ids)
    now = utcnow()
    with db.read() as session:
        cached = cached_profiles(session, wanted)
    result = {uid: profile for uid, (profile, at) in cached.items() if now - at < PROFILE_MAX_AGE}
    missing = wanted - result.keys()
    if not missing:
        return result
    fetched: list[Profile] = []
    if len(missing) > 20:
        cursor: str | None = None
        while True:
            # include_locale: the language each person reads their reminder in.
            page = (
                client.users_list(limit=200, cursor=cursor, include_locale=True)
                if cursor
                else client.users_list(limit=200, include_locale=True)
            )
            members: list[dict[str, Any]] = page.get("members", [])
            for user in members:
                profile = profile_from_user(user)
                fetched.append(profile)
                if profile.user_id in missing:
                    result[profile.user_id] = profile
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
    for user_id in wanted - result.keys():
        # Not in this workspace's list (Slack Connect guests) or few enough to ask one by one.
        try:
            profile = profile_from_user(client.users_info(user=user_id, include_locale=True)["user"])
        except (SlackClientError, OSError) as error:
            log.info("users.info failed for %s: %s", user_id, slack_error(error))
            profile = cached[user_id][0] if user_id in cached else Profile(user_id)
        fetched.append(profile)
        result[user_id] = profile
    if fetched:
        db.transaction(lambda session: save_profiles(session, fetched, now))
    return result
