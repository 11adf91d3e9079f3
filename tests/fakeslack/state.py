"""The fake workspace: teams, users, channels, messages, views, files, tokens (slack-platform.md §7.4).

Everything here is guarded by :attr:`SlackState.lock` (an ``RLock``): Web API handlers, the driver
and test helpers all hold it while they read or change state. The ``*_json`` methods render the
objects with the field names Slack's API uses (§7.2; java-slack-sdk ``json-logs/samples/api``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from .clock import Clock
from .ids import IdFactory

SLACKBOT_ID = "USLACKBOT"


def clone(value: Any) -> Any:
    """Deep copy of JSON-shaped data (a JSON round trip is several times faster than ``deepcopy``)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.loads(json.dumps(value))


#: Long names Slack shows as ``tz_label`` for common zone abbreviations.
_TZ_LABELS = {
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "AKST": "Alaska Standard Time",
    "AKDT": "Alaska Daylight Time",
    "HST": "Hawaii-Aleutian Standard Time",
    "GMT": "Greenwich Mean Time",
    "UTC": "Coordinated Universal Time",
    "BST": "British Summer Time",
    "IST": "India Standard Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "WET": "Western European Time",
    "WEST": "Western European Summer Time",
    "JST": "Japan Standard Time",
    "KST": "Korea Standard Time",
    "AEST": "Australian Eastern Standard Time",
    "AEDT": "Australian Eastern Daylight Time",
    "NZST": "New Zealand Standard Time",
    "NZDT": "New Zealand Daylight Time",
    "SAST": "South Africa Standard Time",
    "WAT": "West Africa Time",
    "EAT": "East Africa Time",
}


@lru_cache(maxsize=4096)
def _tz_info(tz: str, hour: int) -> tuple[int, str]:
    now = datetime.fromtimestamp(hour * 3600, ZoneInfo(tz))
    offset = now.utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    abbr = now.tzname() or "UTC"
    if abbr in _TZ_LABELS:
        return seconds, _TZ_LABELS[abbr]
    sign = "+" if seconds >= 0 else "-"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return seconds, f"GMT{sign}{hours:02d}:{minutes:02d}"


def tz_offset_and_label(tz: str, at: float) -> tuple[int, str]:
    """``(tz_offset seconds, tz_label)`` for an IANA zone at Unix time ``at`` (cached per hour)."""
    return _tz_info(tz, int(at // 3600))


@dataclass
class Team:
    id: str
    name: str
    domain: str
    enterprise_id: str | None = None
    enterprise_name: str | None = None
    email_domain: str = ""
    #: Set when the app is installed in this team.
    bot_user_id: str | None = None
    bot_id: str | None = None
    bot_token: str | None = None


@dataclass
class User:
    id: str
    team_id: str
    name: str
    real_name: str
    display_name: str = ""
    email: str | None = None
    title: str = ""
    tz: str = "America/New_York"
    locale: str = "en-US"
    is_admin: bool = False
    is_owner: bool = False
    is_primary_owner: bool = False
    is_bot: bool = False
    is_app_user: bool = False
    bot_id: str | None = None
    deleted: bool = False
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    is_stranger: bool = False
    #: False: users.info / conversations.open answer ``user_not_visible``.
    visible: bool = True
    #: False: conversations.open answers ``invalid_user_combination`` (§4).
    dm_allowed: bool = True
    updated: int = 0


@dataclass
class Channel:
    id: str
    name: str
    team_id: str
    created: int
    creator: str = ""
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    is_archived: bool = False
    is_general: bool = False
    is_ext_shared: bool = False
    shared_team_ids: list[str] = field(default_factory=list)
    #: Insertion-ordered member set (dict keys).
    members: dict[str, None] = field(default_factory=dict)
    #: For DMs: the human on the other side.
    im_user: str | None = None
    topic: str = ""
    purpose: str = ""


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    user: str | None
    team: str
    bot_id: str | None = None
    app_id: str | None = None
    blocks: list[dict[str, Any]] | None = None
    attachments: list[dict[str, Any]] | None = None
    thread_ts: str | None = None
    #: A thread reply also shown in the channel (chat.postMessage ``reply_broadcast``).
    reply_broadcast: bool = False
    files: list[dict[str, Any]] | None = None
    metadata: dict[str, Any] | None = None
    edited: dict[str, str] | None = None
    deleted: bool = False
    #: ``mrkdwn: false`` on chat.postMessage/update or a response_url payload: the top-level ``text`` is shown
    #: as written, not parsed as mrkdwn (docs.slack.dev chat.postMessage "mrkdwn"; message payload reference).
    mrkdwn: bool = True
    #: Earlier versions: ``{"text", "blocks", "attachments", "edited"}`` each, oldest first.
    history: list[dict[str, Any]] = field(default_factory=list)
    #: Where it came from: ``chat.postMessage``, ``response_url``, ``command_ack``, ``files``, ``user``.
    source: str = "chat.postMessage"


@dataclass
class Ephemeral:
    channel: str
    user: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] | None
    attachments: list[dict[str, Any]] | None
    thread_ts: str | None
    source: str
    deleted: bool = False
    history: list[dict[str, Any]] = field(default_factory=list)
    mrkdwn: bool = True


@dataclass
class View:
    id: str
    team_id: str
    app_installed_team_id: str
    user_id: str
    type: str
    definition: dict[str, Any]
    hash: str
    root_view_id: str
    previous_view_id: str | None
    app_id: str
    bot_id: str
    #: ``{block_id: {action_id: state entry}}`` for values the user has entered.
    values: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    open: bool = True

    @property
    def external_id(self) -> str:
        return str(self.definition.get("external_id") or "")


@dataclass
class FileRecord:
    id: str
    filename: str
    length: int
    team_id: str
    user: str
    created: int
    title: str = ""
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes | None = None
    uploaded: bool = False
    completed: bool = False
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None
    thread_ts: str | None = None
    #: ``{"public"|"private": {channel: [{"ts": ...}]}}`` once shared.
    shares: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)


@dataclass
class Token:
    token: str
    kind: str  # "bot" | "app" | "user"
    team_id: str
    user_id: str | None
    bot_id: str | None
    scopes: frozenset[str]
    revoked: bool = False


@dataclass
class Trigger:
    id: str
    user_id: str
    team_id: str
    issued_at: float
    #: Set when the interaction happened inside a modal (views.push pushes onto that stack).
    view_id: str | None = None
    used: bool = False


@dataclass
class ResponseUrl:
    id: str
    team_id: str
    channel_id: str
    user_id: str
    created_at: float
    #: The message the interaction came from (``None`` for slash commands).
    message_ts: str | None = None
    message_is_ephemeral: bool = False
    uses: int = 0


@dataclass
class OAuthCode:
    code: str
    team_id: str
    user_id: str
    issued_at: float
    redirect_uri: str | None = None
    used: bool = False


class SlackState:
    """All mutable workspace state plus the JSON renderers."""

    def __init__(self, clock: Clock, ids: IdFactory, app_id: str) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.ids = ids
        self.app_id = app_id
        self.teams: dict[str, Team] = {}
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.dms: dict[tuple[str, str], str] = {}  # (bot user, user) -> D id
        self.messages: dict[str, list[Message]] = {}
        self.message_index: dict[tuple[str, str], Message] = {}
        self.ephemerals: list[Ephemeral] = []
        self.views: dict[str, View] = {}
        self.stacks: dict[str, list[str]] = {}  # user -> modal view ids, top last
        self.homes: dict[str, str] = {}  # user -> home view id
        self.external_ids: dict[tuple[str, str], str] = {}  # (installed team, external_id) -> open view id
        self.files: dict[str, FileRecord] = {}
        self.tokens: dict[str, Token] = {}
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.oauth_codes: dict[str, OAuthCode] = {}

    # -- lookups ------------------------------------------------------------------------------------

    def now(self) -> float:
        return self.clock.now()

    def bot_user_for(self, team_id: str) -> str | None:
        team = self.teams.get(team_id)
        return team.bot_user_id if team else None

    def team_sees_channel(self, team_id: str, channel: Channel) -> bool:
        return channel.team_id == team_id or team_id in channel.shared_team_ids

    def shares_channel(self, user_id: str, other_id: str) -> bool:
        """Whether two users are both members of some non-DM conversation."""
        return any(
            user_id in ch.members and other_id in ch.members
            for ch in self.channels.values()
            if not ch.is_im and not ch.is_archived
        )

    def dm_with(self, bot_user_id: str, user_id: str, team_id: str, *, create: bool = True) -> Channel | None:
        """The bot's DM channel (``D…``) with ``user_id``; created on demand like conversations.open."""
        channel_id = self.dms.get((bot_user_id, user_id))
        if channel_id is not None:
            return self.channels[channel_id]
        if not create:
            return None
        channel = Channel(
            id=self.ids.new("D"),
            name=user_id,
            team_id=team_id,
            created=int(self.now()),
            is_im=True,
            is_private=True,
            im_user=user_id,
            members=dict.fromkeys([bot_user_id, user_id]),
        )
        self.channels[channel.id] = channel
        self.dms[(bot_user_id, user_id)] = channel.id
        return channel

    # -- messages -----------------------------------------------------------------------------------

    def add_message(self, message: Message) -> Message:
        self.messages.setdefault(message.channel, []).append(message)
        self.message_index[(message.channel, message.ts)] = message
        return message

    def find_message(self, channel: str, ts: str) -> Message | None:
        message = self.message_index.get((channel, ts))
        return None if message is None or message.deleted else message

    # -- renderers ----------------------------------------------------------------------------------

    def user_json(self, user: User, *, viewer: Token | None = None, include_locale: bool = False) -> dict[str, Any]:
        """A user object as users.info / users.list return it.

        Email appears only when the viewer's token has ``users:read.email`` and the user is not an
        external stranger (slack-platform.md §3, §4).
        """
        tz_offset, tz_label = tz_offset_and_label(user.tz, self.now())
        profile: dict[str, Any] = {
            "title": "" if user.is_stranger else user.title,
            "phone": "",
            "skype": "",
            "real_name": user.real_name,
            "real_name_normalized": user.real_name,
            "display_name": user.display_name,
            "display_name_normalized": user.display_name,
            "fields": None,
            "status_text": "",
            "status_emoji": "",
            "status_expiration": 0,
            "avatar_hash": "g" + user.id.lower()[-10:],
            "first_name": user.real_name.split(" ")[0] if user.real_name else "",
            "last_name": " ".join(user.real_name.split(" ")[1:]),
            "image_24": f"https://secure.gravatar.com/avatar/{user.id}.jpg?s=24",
            "image_48": f"https://secure.gravatar.com/avatar/{user.id}.jpg?s=48",
            "image_72": f"https://secure.gravatar.com/avatar/{user.id}.jpg?s=72",
            "team": user.team_id,
        }
        if user.bot_id:
            profile["bot_id"] = user.bot_id
            profile["api_app_id"] = self.app_id
            profile["always_active"] = True
        can_see_email = viewer is None or "users:read.email" in viewer.scopes
        if user.email and can_see_email and not user.is_stranger:
            profile["email"] = user.email
        body: dict[str, Any] = {
            "id": user.id,
            "team_id": user.team_id,
            "name": user.name,
            "deleted": user.deleted,
            "color": "9f69e7",
            "real_name": user.real_name,
            "tz": user.tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "profile": profile,
            "is_admin": user.is_admin,
            "is_owner": user.is_owner,
            "is_primary_owner": user.is_primary_owner,
            "is_restricted": user.is_restricted,
            "is_ultra_restricted": user.is_ultra_restricted,
            "is_bot": user.is_bot,
            "is_app_user": user.is_app_user,
            "updated": user.updated,
            "is_email_confirmed": bool(user.email),
            "who_can_share_contact_card": "EVERYONE",
        }
        if user.is_stranger:
            body["is_stranger"] = True
        if viewer is not None and user.team_id != viewer.team_id:
            body["enterprise_user"] = None
        if include_locale:
            body["locale"] = user.locale
        return body

    def channel_json(
        self, channel: Channel, *, viewer_user: str | None, include_num_members: bool = False
    ) -> dict[str, Any]:
        """A conversation object as conversations.info / list return it."""
        if channel.is_im:
            user = self.users.get(channel.im_user or "")
            return {
                "id": channel.id,
                "created": channel.created,
                "is_archived": False,
                "is_im": True,
                "is_org_shared": False,
                "context_team_id": channel.team_id,
                "updated": channel.created * 1000,
                "user": channel.im_user,
                "is_user_deleted": bool(user and user.deleted),
                "priority": 0,
            }
        body: dict[str, Any] = {
            "id": channel.id,
            "name": channel.name,
            "is_channel": not channel.is_private and not channel.is_mpim,
            "is_group": channel.is_private and not channel.is_mpim,
            "is_im": False,
            "is_mpim": channel.is_mpim,
            "is_private": channel.is_private,
            "created": channel.created,
            "is_archived": channel.is_archived,
            "is_general": channel.is_general,
            "unlinked": 0,
            "name_normalized": channel.name,
            "is_shared": channel.is_ext_shared,
            "is_org_shared": False,
            "is_ext_shared": channel.is_ext_shared,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "context_team_id": channel.team_id,
            "updated": channel.created * 1000,
            "parent_conversation": None,
            "creator": channel.creator,
            "shared_team_ids": list(channel.shared_team_ids) or [channel.team_id],
            "is_member": viewer_user is not None and viewer_user in channel.members,
            "topic": {"value": channel.topic, "creator": "", "last_set": 0},
            "purpose": {"value": channel.purpose, "creator": "", "last_set": 0},
            "previous_names": [],
        }
        if channel.is_ext_shared:
            body["connected_team_ids"] = [t for t in channel.shared_team_ids if t != channel.team_id]
        if include_num_members:
            body["num_members"] = len(channel.members)
        return body

    def message_json(self, message: Message, *, include_metadata: bool = True) -> dict[str, Any]:
        """A message object; conversations.history leaves ``metadata`` out unless asked for it."""
        body: dict[str, Any] = {"type": "message", "text": message.text, "ts": message.ts}
        if message.reply_broadcast and message.thread_ts:
            body["subtype"] = "thread_broadcast"
        if message.user:
            body["user"] = message.user
        if message.bot_id:
            body["bot_id"] = message.bot_id
            body["app_id"] = message.app_id
            team = self.teams.get(message.team)
            body["bot_profile"] = {
                "id": message.bot_id,
                "app_id": message.app_id,
                "name": self.users[message.user].real_name if message.user in self.users else "app",
                "deleted": False,
                "team_id": team.id if team else message.team,
            }
        body["team"] = message.team
        if message.blocks is not None:
            body["blocks"] = clone(message.blocks)
        if message.attachments:
            body["attachments"] = clone(message.attachments)
        if message.thread_ts:
            body["thread_ts"] = message.thread_ts
        if message.files:
            body["files"] = clone(message.files)
            body["upload"] = True
            body["display_as_bot"] = False
        if message.metadata and include_metadata:
            body["metadata"] = clone(message.metadata)
        if message.edited:
            body["edited"] = dict(message.edited)
        return body

    def view_json(self, view: View) -> dict[str, Any]:
        """A view object as views.* return it and as interaction payloads carry it (§7.2 views.open)."""
        d = view.definition
        body: dict[str, Any] = {
            "id": view.id,
            "team_id": view.team_id,
            "type": view.type,
            "blocks": clone(d.get("blocks", [])),
            "private_metadata": d.get("private_metadata", ""),
            "callback_id": d.get("callback_id", ""),
            "state": {"values": clone(view.values)},
            "hash": view.hash,
            "title": clone(d.get("title")),
            "clear_on_close": bool(d.get("clear_on_close", False)),
            "notify_on_close": bool(d.get("notify_on_close", False)),
            "close": clone(d.get("close")),
            "submit": clone(d.get("submit")),
            "previous_view_id": view.previous_view_id,
            "root_view_id": view.root_view_id,
            "app_id": view.app_id,
            "external_id": view.external_id,
            "app_installed_team_id": view.app_installed_team_id,
            "bot_id": view.bot_id,
        }
        if view.type == "modal":
            body["submit_disabled"] = bool(d.get("submit_disabled", False))
        else:
            body["title"] = body["title"] or {"type": "plain_text", "text": "View Title", "emoji": True}
        return body

    def file_json(self, record: FileRecord, *, with_shares: bool = True) -> dict[str, Any]:
        team = self.teams.get(record.team_id)
        domain = team.domain if team else "fake"
        ext = record.filename.rsplit(".", 1)[-1].lower() if "." in record.filename else "text"
        body: dict[str, Any] = {
            "id": record.id,
            "created": record.created,
            "timestamp": record.created,
            "name": record.filename,
            "title": record.title or record.filename,
            "mimetype": _mimetype(ext),
            "filetype": ext,
            "pretty_type": ext.upper(),
            "user": record.user,
            "user_team": record.team_id,
            "editable": False,
            "size": len(record.content) if record.content is not None else record.length,
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": bool(record.shares.get("public")) if with_shares else False,
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": f"https://files.slack.com/files-pri/{record.team_id}-{record.id}/{record.filename}",
            "url_private_download": (
                f"https://files.slack.com/files-pri/{record.team_id}-{record.id}/download/{record.filename}"
            ),
            "permalink": f"https://{domain}.slack.com/files/{record.user}/{record.id}/{record.filename}",
            "comments_count": 0,
            "shares": clone(record.shares) if with_shares else {},
            "channels": [],
            "groups": [],
            "ims": [],
            "has_rich_preview": False,
            "file_access": "visible",
        }
        if with_shares:
            for channel_id in record.channels:
                ch = self.channels.get(channel_id)
                bucket = "ims" if ch and ch.is_im else ("groups" if ch and ch.is_private else "channels")
                body[bucket].append(channel_id)
        if record.alt_txt:
            body["alt_txt"] = record.alt_txt
        return body

    # -- exported snapshots (for tests) -------------------------------------------------------------

    def message_snapshot(self, message: Message) -> dict[str, Any]:
        return {
            "channel": message.channel,
            "ts": message.ts,
            "user": message.user,
            "bot_id": message.bot_id,
            "text": message.text,
            "blocks": clone(message.blocks),
            "attachments": clone(message.attachments),
            "thread_ts": message.thread_ts,
            "files": clone(message.files),
            "metadata": clone(message.metadata),
            "edited": dict(message.edited) if message.edited else None,
            "deleted": message.deleted,
            "history": clone(message.history),
            "source": message.source,
            "mrkdwn": message.mrkdwn,
        }

    def ephemeral_snapshot(self, eph: Ephemeral) -> dict[str, Any]:
        return {
            "channel": eph.channel,
            "user": eph.user,
            "ts": eph.ts,
            "text": eph.text,
            "blocks": clone(eph.blocks),
            "attachments": clone(eph.attachments),
            "thread_ts": eph.thread_ts,
            "source": eph.source,
            "deleted": eph.deleted,
            "history": clone(eph.history),
            "mrkdwn": eph.mrkdwn,
        }

    def iter_messages(self, channel: str | None) -> Iterable[Message]:
        if channel is not None:
            return list(self.messages.get(channel, []))
        everything = [m for msgs in self.messages.values() for m in msgs]
        everything.sort(key=lambda m: (float(m.ts), m.channel))
        return everything


def _mimetype(ext: str) -> str:
    return {
        "csv": "text/csv",
        "txt": "text/plain",
        "json": "application/json",
        "pdf": "application/pdf",
        "png": "image/png",
        "jpg": "image/jpeg",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }.get(ext, "application/octet-stream")
