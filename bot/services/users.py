"""What Slack knows about people, cached in the database (reminder fan-outs would otherwise call
users.info thousands of times, at 100 calls a minute)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.dialect import insert
from bot.timeutil import utcnow
from db.engine import Database
from db.models import EMAIL_MAX, PERSON_NAME_MAX, TITLE_MAX, SlackUser

log = logging.getLogger(__name__)
PROFILE_MAX_AGE = timedelta(hours=6)


@dataclass(frozen=True)
class Profile:
    user_id: str
    team_id: str | None = None
    name: str | None = None
    title: str | None = None
    email: str | None = None
    tz: str | None = None
    is_bot: bool = False
    deleted: bool = False
    is_admin: bool = False
    is_stranger: bool = False

    @property
    def email_domain(self) -> str | None:
        if not self.email or "@" not in self.email:
            return None
        return self.email.rsplit("@", 1)[1].lower()


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
    )


def _row_to_profile(row: SlackUser) -> Profile:
    return Profile(
        row.user_id,
        row.team_id,
        row.name,
        row.title,
        row.email,
        row.tz,
        row.is_bot,
        row.deleted,
        row.is_admin,
        row.is_stranger,
    )


def save_profiles(session: Session, profiles: Iterable[Profile], now: datetime) -> None:
    for profile in profiles:
        values = {
            "user_id": profile.user_id,
            "team_id": profile.team_id,
            "name": profile.name,
            "title": profile.title,
            "email": profile.email,
            "tz": profile.tz,
            "is_bot": profile.is_bot,
            "deleted": profile.deleted,
            "is_admin": profile.is_admin,
            "is_stranger": profile.is_stranger,
            "fetched_at": now,
        }
        statement = insert(session, SlackUser).values(**values)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["user_id"], set_={k: v for k, v in values.items() if k != "user_id"}
            )
        )


def cached_profiles(db: Database, user_ids: Iterable[str]) -> dict[str, tuple[Profile, datetime]]:
    ids = list(user_ids)
    found: dict[str, tuple[Profile, datetime]] = {}
    with db.read() as session:
        for start in range(0, len(ids), 500):
            rows = session.execute(select(SlackUser).where(SlackUser.user_id.in_(ids[start : start + 500]))).scalars()
            for row in rows:
                found[row.user_id] = (_row_to_profile(row), row.fetched_at)
    return found


def get_profile(db: Database, client: WebClient, user_id: str, *, max_age: timedelta = PROFILE_MAX_AGE) -> Profile:
    """The person's profile, from the cache when fresh, else from users.info; never raises for Slack errors."""
    now = utcnow()
    cached = cached_profiles(db, [user_id]).get(user_id)
    if cached and now - cached[1] < max_age:
        return cached[0]
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        log.info("users.info failed for %s: %s", user_id, error.response.get("error"))
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
    cached = cached_profiles(db, wanted)
    result = {uid: profile for uid, (profile, at) in cached.items() if now - at < PROFILE_MAX_AGE}
    missing = wanted - result.keys()
    if not missing:
        return result
    fetched: list[Profile] = []
    if len(missing) > 20:
        cursor: str | None = None
        while True:
            page = client.users_list(limit=200, cursor=cursor) if cursor else client.users_list(limit=200)
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
            profile = profile_from_user(client.users_info(user=user_id)["user"])
        except SlackApiError as error:
            log.info("users.info failed for %s: %s", user_id, error.response.get("error"))
            profile = cached[user_id][0] if user_id in cached else Profile(user_id)
        fetched.append(profile)
        result[user_id] = profile
    if fetched:
        db.transaction(lambda session: save_profiles(session, fetched, now))
    return result
