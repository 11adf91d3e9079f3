"""Who may see a letter: the members of the channels it was posted to, its coordinators, or everyone when its
coordinator opened it to the whole workspace.

Channel members come from Slack (the caller reads them); here they are cached per channel in
``channel_rosters`` / ``channel_members`` and read back. Workspace coordinators (``SIGNON_COORDINATORS``,
admins) see every letter: the caller decides that before asking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import BindParameter, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from bot.services.dialect import insert_or_update
from db.models import ChannelMember, ChannelPost, ChannelRoster, Letter, LetterCoordinator

# How long a channel's member list is trusted before Slack is asked again: joining a channel shows its
# letters within this, and a busy hour of sign-ons costs one conversations.members walk per channel.
ROSTER_TTL = timedelta(minutes=2)
# Someone the cached list does not show is looked for again (a list younger than this is trusted): a person who
# just joined a channel and pressed Sign on is let in at once. The price: each refusal costs one
# conversations.members walk per channel of the letter (Slack allows that method 100 calls a minute and more).
MISS_TTL = timedelta(0)


# Built once, run on the session's connection: every sign-on checks who may see its letter before its
# acknowledgement, and building these statements each time cost more CPU than running them.
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_LETTER_CHANNELS = select(ChannelPost.letter_id, ChannelPost.channel_id).where(ChannelPost.letter_id.in_(_IDS))
_FRESH_ROSTERS = select(ChannelRoster.channel_id).where(
    ChannelRoster.team_id == bindparam("team_id"),
    ChannelRoster.channel_id.in_(bindparam("channels", expanding=True)),
    ChannelRoster.fetched_at > bindparam("since"),
)
_OPEN_TO_ALL = select(Letter.id).where(
    Letter.id.in_(_IDS), Letter.team_id == bindparam("team_id"), Letter.open_to_workspace.is_(True)
)
_COORDINATED = select(LetterCoordinator.letter_id).where(
    LetterCoordinator.letter_id.in_(_IDS), LetterCoordinator.user_id == bindparam("user_id")
)
_IN_A_CHANNEL = (
    select(ChannelPost.letter_id)
    .join(
        ChannelMember,
        (ChannelMember.channel_id == ChannelPost.channel_id) & (ChannelMember.team_id == bindparam("team_id")),
    )
    .where(ChannelPost.letter_id.in_(_IDS), ChannelMember.user_id == bindparam("user_id"))
)


def letter_channels(session: Session, letter_ids: Sequence[int]) -> dict[int, set[str]]:
    """The channels each letter was posted (or is being posted) to; a post deleted or archived since still
    says whom the letter was meant for."""
    channels: dict[int, set[str]] = {letter_id: set() for letter_id in letter_ids}
    if not letter_ids:
        return channels
    rows = session.connection().execute(_LETTER_CHANNELS, {"ids": list(letter_ids)})
    for letter_id, channel_id in rows:
        channels[letter_id].add(channel_id)
    return channels


def stale_rosters(
    session: Session, team_id: str, channels: Iterable[str], *, now: datetime, ttl: timedelta = ROSTER_TTL
) -> list[str]:
    """Of ``channels``, those whose member list is missing or older than ``ttl``."""
    wanted = sorted(set(channels))
    if not wanted:
        return []
    params = {"team_id": team_id, "channels": wanted, "since": now - ttl}
    fresh = set(session.connection().execute(_FRESH_ROSTERS, params).scalars())
    return [channel for channel in wanted if channel not in fresh]


def store_roster(
    session: Session, team_id: str, channel_id: str, members: Sequence[str] | None, *, now: datetime
) -> None:
    """Replace a channel's cached members (``None``: Slack would not say, so nobody is known to be in it).

    The roster row is written first, so two processes refreshing one channel take turns (its row lock).
    """
    dialect = session.get_bind().dialect.name
    upsert = insert_or_update(dialect, "channel_rosters", ("team_id", "channel_id"), ("fetched_at", "readable"))
    session.execute(
        upsert, {"team_id": team_id, "channel_id": channel_id, "fetched_at": now, "readable": members is not None}
    )
    session.execute(
        delete(ChannelMember).where(ChannelMember.team_id == team_id, ChannelMember.channel_id == channel_id)
    )
    unique = list(dict.fromkeys(members or ()))
    if unique:
        session.execute(
            insert(ChannelMember), [{"team_id": team_id, "channel_id": channel_id, "user_id": u} for u in unique]
        )


def visible_letters(session: Session, team_id: str, user_id: str, letter_ids: Sequence[int]) -> set[int]:
    """Of ``letter_ids``, those ``user_id`` may see: open to the workspace, coordinated by them, or posted to a
    channel they are in (as cached; refresh stale rosters first)."""
    ids = list(dict.fromkeys(letter_ids))
    if not ids:
        return set()
    connection = session.connection()
    seen = set(connection.execute(_OPEN_TO_ALL, {"ids": ids, "team_id": team_id}).scalars())
    seen |= set(connection.execute(_COORDINATED, {"ids": ids, "user_id": user_id}).scalars())
    rest = [letter_id for letter_id in ids if letter_id not in seen]
    if rest:
        params = {"ids": rest, "team_id": team_id, "user_id": user_id}
        seen |= set(connection.execute(_IN_A_CHANNEL, params).scalars())
    return seen
