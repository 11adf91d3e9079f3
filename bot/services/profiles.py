"""What Slack told us about people, cached in the database: reminder fan-outs would otherwise call users.info
thousands of times, at 100 calls a minute. Reading and writing the cache; fetching is in bot/slack/profiles.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.dialect import insert
from db.models import SlackUser


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
    # Slack's locale ("es-ES"), asked with include_locale; None when Slack did not say.
    locale: str | None = None

    @property
    def email_domain(self) -> str | None:
        if not self.email or "@" not in self.email:
            return None
        return self.email.rsplit("@", 1)[1].lower()


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
        row.locale,
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
            "locale": profile.locale,
            "fetched_at": now,
        }
        statement = insert(session, SlackUser).values(**values)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["user_id"], set_={k: v for k, v in values.items() if k != "user_id"}
            )
        )


def cached_profiles(session: Session, user_ids: Iterable[str]) -> dict[str, tuple[Profile, datetime]]:
    """The cached profiles of ``user_ids`` with the time each was fetched."""
    ids = list(user_ids)
    found: dict[str, tuple[Profile, datetime]] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(select(SlackUser).where(SlackUser.user_id.in_(ids[start : start + 500]))).scalars()
        for row in rows:
            found[row.user_id] = (_row_to_profile(row), row.fetched_at)
    return found
