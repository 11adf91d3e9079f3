"""conversations.history and conversations.replies.

Sources:

* slack-ruby/slack-api-ref ``docs.slack.dev/methods/conversations.history.json``: bot scopes
  ``channels:history`` / ``groups:history`` / ``im:history`` / ``mpim:history``; ``limit`` default 100,
  "Maximum of 999"; ``include_all_metadata`` default false, "Return all metadata associated with this
  message"; ``inclusive`` "Ignored unless either timestamp is specified"; ``oldest`` default 0,
  ``latest`` default now; output ``messages``, ``has_more``, ``pin_count``, ``channel_actions_ts``,
  ``channel_actions_count``, ``response_metadata.next_cursor`` (the example cursor decodes to
  ``next_ts:<ts without the dot>``, which the fake's cursors imitate); errors ``channel_not_found``,
  ``not_in_channel`` ("Only user tokens can access public channels they are not in"),
  ``invalid_cursor``, ``invalid_ts_latest``, ``invalid_ts_oldest``. No ``invalid_limit`` is
  documented: a limit that is not a number answers ``invalid_arguments`` (UNVERIFIED).
* https://docs.slack.dev/reference/methods/conversations.history: "Bot token — Relevant *:history
  scope — Any conversation the relevant bot is a member of"; "The most recent messages in the time
  range are returned first"; "If a message has the same timestamp as oldest or latest it will not be
  included" (unless ``inclusive``). Apps distributed outside the Marketplace get 1 request/minute and
  a limit of 15 since 2025-05-29; not modelled (internal apps keep Tier 3).
* ``docs.slack.dev/methods/conversations.replies.json``: ``channel`` and ``ts`` required, ``limit``
  default 1000 (1–1000), errors ``thread_not_found`` ("Value for ``ts`` was missing or invalid"),
  ``channel_not_found``, ``invalid_cursor``; a ``ts`` without replies returns just that message. Its
  example shows the parent first, then the replies oldest first, with ``thread_ts``,
  ``reply_count`` on the parent and ``parent_user_id`` on replies.

Modelled beyond the pages (UNVERIFIED): history lists top-level messages and broadcast replies only
(thread replies are read with conversations.replies), never deleted or ephemeral ones; without
``latest`` nothing is cut off at the top; ``response_metadata`` appears only while ``has_more``;
``metadata`` is returned only with ``include_all_metadata`` *and* the ``metadata.message:read`` scope
("Allows your Slack app to read message metadata in channels that your Slack app has been added to",
https://docs.slack.dev/reference/scopes/metadata.message.read) — set ``FakeSlack.metadata_read_scope``
to ``None`` to drop the scope requirement. conversations.replies shows the parent on the first page
only.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import ApiError
from ..state import Channel, Message
from .base import ApiRequest, api_method

HISTORY_DEFAULT_LIMIT = 100
HISTORY_MAX_LIMIT = 999
REPLIES_DEFAULT_LIMIT = 1000
REPLIES_MAX_LIMIT = 1000


def history_scope(channel: Channel) -> str:
    if channel.is_im:
        return "im:history"
    if channel.is_mpim:
        return "mpim:history"
    return "groups:history" if channel.is_private else "channels:history"


def ts_micros(ts: str) -> int:
    """A message ``ts`` (or any Unix time) as integer microseconds, without float rounding."""
    value = Decimal(ts)
    if not value.is_finite():
        raise InvalidOperation(ts)
    return int(value * 1_000_000)


def _readable_channel(req: ApiRequest) -> Channel:
    channel = req.channel(req.arg("channel"))  # private ones the bot is not in look unknown
    req.require_scope(history_scope(channel))
    if req.auth.kind != "user" and req.bot_user_id not in channel.members:
        raise ApiError("not_in_channel")
    return channel


def _bound(req: ApiRequest, name: str) -> int | None:
    raw = req.arg(name)
    if raw is None:
        return None
    try:
        return ts_micros(raw)
    except (InvalidOperation, ValueError):
        raise ApiError(f"invalid_ts_{name}") from None


def _limit(req: ApiRequest, default: int, maximum: int) -> int:
    limit = req.int_arg("limit", default, error="invalid_arguments")
    if limit < 0:
        raise ApiError("invalid_arguments")
    return min(limit or default, maximum)


@dataclass(frozen=True)
class _Window:
    oldest: int | None
    latest: int | None
    inclusive: bool

    def __contains__(self, ts: int) -> bool:
        if self.oldest is not None and (ts < self.oldest or (ts == self.oldest and not self.inclusive)):
            return False
        return not (self.latest is not None and (ts > self.latest or (ts == self.latest and not self.inclusive)))


def _window(req: ApiRequest) -> _Window:
    return _Window(_bound(req, "oldest"), _bound(req, "latest"), req.flag("inclusive"))


def _encode_cursor(ts: int) -> str:
    return base64.b64encode(f"next_ts:{ts}".encode()).decode("ascii")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.b64decode(cursor.encode("ascii"), validate=True).decode("utf-8")
        tag, _, number = raw.partition(":")
        value = int(number)
    except (ValueError, UnicodeError, binascii.Error):
        raise ApiError("invalid_cursor") from None
    if tag != "next_ts" or value < 0:
        raise ApiError("invalid_cursor")
    return value


def _shows_metadata(req: ApiRequest) -> bool:
    if not req.flag("include_all_metadata"):
        return False
    needed = req.fake.metadata_read_scope
    return needed is None or needed in req.auth.scopes


def _replies(req: ApiRequest, channel: Channel, parent: Message) -> list[Message]:
    return [
        m
        for m in req.state.messages.get(channel.id, [])
        if m.thread_ts == parent.ts and m.ts != parent.ts and not m.deleted
    ]


def _render(req: ApiRequest, channel: Channel, message: Message, *, metadata: bool) -> dict[str, Any]:
    body = req.state.message_json(message, include_metadata=metadata)
    if message.thread_ts and message.thread_ts != message.ts:
        parent = req.state.find_message(channel.id, message.thread_ts)
        if parent is not None and parent.user:
            body["parent_user_id"] = parent.user
        return body
    replies = _replies(req, channel, message)
    if replies:
        users = list(dict.fromkeys(r.user for r in replies if r.user))
        body.update(
            thread_ts=message.ts,
            reply_count=len(replies),
            reply_users_count=len(users),
            latest_reply=replies[-1].ts,
            reply_users=users,
        )
    return body


@api_method("conversations.history")
def history(req: ApiRequest) -> dict[str, Any]:
    channel = _readable_channel(req)
    window = _window(req)
    limit = _limit(req, HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT)
    start = _decode_cursor(req.arg("cursor") or "") if req.arg("cursor") else None
    visible = [
        m
        for m in req.state.messages.get(channel.id, [])
        if not m.deleted and (not m.thread_ts or m.thread_ts == m.ts or m.reply_broadcast) and ts_micros(m.ts) in window
    ]
    visible.sort(key=lambda m: ts_micros(m.ts), reverse=True)
    if start is not None:
        visible = [m for m in visible if ts_micros(m.ts) <= start]
    page, rest = visible[:limit], visible[limit:]
    metadata = _shows_metadata(req)
    body: dict[str, Any] = {
        "messages": [_render(req, channel, m, metadata=metadata) for m in page],
        "has_more": bool(rest),
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
    }
    for name in ("oldest", "latest"):
        if req.arg(name) is not None:
            body[name] = req.arg(name)
    if rest:
        body["response_metadata"] = {"next_cursor": _encode_cursor(ts_micros(rest[0].ts))}
    return body


@api_method("conversations.replies")
def replies(req: ApiRequest) -> dict[str, Any]:
    channel = _readable_channel(req)
    message = req.state.find_message(channel.id, req.arg("ts") or "")
    if message is None:
        raise ApiError("thread_not_found")
    parent = message
    if message.thread_ts and message.thread_ts != message.ts:
        found = req.state.find_message(channel.id, message.thread_ts)
        if found is None:
            raise ApiError("thread_not_found")
        parent = found
    window = _window(req)
    limit = _limit(req, REPLIES_DEFAULT_LIMIT, REPLIES_MAX_LIMIT)
    start = _decode_cursor(req.arg("cursor") or "") if req.arg("cursor") else None
    thread = [r for r in _replies(req, channel, parent) if ts_micros(r.ts) in window]
    if start is None:
        thread.insert(0, parent)
    else:
        thread = [r for r in thread if ts_micros(r.ts) >= start]
    page, rest = thread[:limit], thread[limit:]
    metadata = _shows_metadata(req)
    body: dict[str, Any] = {
        "messages": [_render(req, channel, m, metadata=metadata) for m in page],
        "has_more": bool(rest),
    }
    if rest:
        body["response_metadata"] = {"next_cursor": _encode_cursor(ts_micros(rest[0].ts))}
    return body
