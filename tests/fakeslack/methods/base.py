"""Plumbing shared by the Web API method handlers: the request context, the registry, helpers.

A handler is ``def handler(req: ApiRequest) -> dict`` registered with :func:`api_method`; it returns
the success body without ``"ok"`` or raises :class:`~tests.fakeslack.errors.ApiError`. The server has
already authenticated the token, checked the static scopes and the token type (slack-platform.md §7.1)
and holds ``state.lock`` while the handler runs.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ApiError, missing_field
from ..http_parsing import as_bool, as_json
from ..state import Channel, SlackState, Team, Token, User

if TYPE_CHECKING:
    from ..fake import FakeSlack

BOT_TOKENS = frozenset({"bot", "user"})
APP_TOKENS = frozenset({"app"})
NO_TOKEN: frozenset[str] = frozenset()


@dataclass
class ApiRequest:
    """Everything a handler needs about one Web API call."""

    fake: FakeSlack
    state: SlackState
    method: str
    params: dict[str, Any]
    token: Token | None
    headers: dict[str, str]
    token_from_header: bool = False
    files: dict[str, bytes] = field(default_factory=dict)
    response_headers: dict[str, str] = field(default_factory=dict)
    #: Warnings for a successful answer: ``warning`` + ``response_metadata.warnings`` (§3).
    warnings: list[str] = field(default_factory=list)

    # -- arguments ----------------------------------------------------------------------------------

    def arg(self, name: str) -> str | None:
        """A scalar argument as a string (``None`` when absent or empty)."""
        value = self.params.get(name)
        if value is None:
            return None
        text = value if isinstance(value, str) else str(value)
        return text if text != "" else None

    def require(self, name: str, error: str | None = None) -> str:
        """A required scalar argument; ``error`` is the code Slack answers when it is missing."""
        value = self.arg(name)
        if value is None:
            raise ApiError(error) if error else missing_field(name)
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        return as_bool(self.params.get(name), default)

    def int_arg(self, name: str, default: int, *, error: str = "invalid_arguments") -> int:
        value = self.params.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError(error) from None

    def json_arg(self, name: str, *, error: str) -> Any:
        value = self.params.get(name)
        if value is None or value == "":
            return None
        try:
            return as_json(value)
        except ValueError:
            raise ApiError(error) from None

    # -- identity -----------------------------------------------------------------------------------

    @property
    def auth(self) -> Token:
        assert self.token is not None, "handler registered without a token requirement"
        return self.token

    @property
    def team(self) -> Team:
        return self.state.teams[self.auth.team_id]

    @property
    def bot_user_id(self) -> str:
        return self.auth.user_id or ""

    def require_scope(self, *any_of: str) -> None:
        """Raise ``missing_scope`` unless the token has one of ``any_of`` (§3 "Common errors")."""
        token = self.auth
        if any(scope in token.scopes for scope in any_of):
            return
        raise ApiError(
            "missing_scope",
            extra={"needed": ",".join(any_of), "provided": ",".join(sorted(token.scopes))},
        )

    # -- lookups ------------------------------------------------------------------------------------

    def user(self, user_id: str | None, *, error: str = "user_not_found") -> User:
        user = self.state.users.get(user_id or "")
        if user is None:
            raise ApiError(error)
        return user

    def channel(self, channel_id: str | None, *, error: str = "channel_not_found") -> Channel:
        """A conversation the calling bot can see (§7.2: private ones only as a member)."""
        channel = self.state.channels.get(channel_id or "")
        if channel is None or not self.can_see(channel):
            raise ApiError(error)
        return channel

    def can_see(self, channel: Channel) -> bool:
        if channel.is_im or channel.is_mpim or channel.is_private:
            return self.bot_user_id in channel.members
        return self.state.team_sees_channel(self.auth.team_id, channel)

    def read_scope_for(self, channel: Channel) -> str:
        if channel.is_im:
            return "im:read"
        if channel.is_mpim:
            return "mpim:read"
        return "groups:read" if channel.is_private else "channels:read"

    def violation(self, message: str) -> None:
        self.fake.record_violation(f"{self.method}: {message}")

    def warn(self, code: str) -> None:
        if code not in self.warnings:
            self.warnings.append(code)


@dataclass(frozen=True)
class MethodSpec:
    name: str
    handler: Callable[[ApiRequest], dict[str, Any]]
    scopes: tuple[str, ...]
    token_kinds: frozenset[str]


METHODS: dict[str, MethodSpec] = {}


def api_method(
    name: str, *, scopes: Sequence[str] = (), token_kinds: frozenset[str] = BOT_TOKENS
) -> Callable[[Callable[[ApiRequest], dict[str, Any]]], Callable[[ApiRequest], dict[str, Any]]]:
    """Register a handler for Web API method ``name``.

    Args:
        scopes: Scopes the token needs, *all* of them (checked before the handler).
        token_kinds: Token types accepted; another type answers ``not_allowed_token_type``.
            Empty means no token is needed (oauth.v2.access).
    """

    def register(fn: Callable[[ApiRequest], dict[str, Any]]) -> Callable[[ApiRequest], dict[str, Any]]:
        METHODS[name] = MethodSpec(name, fn, tuple(scopes), token_kinds)
        return fn

    return register


# -- cursor pagination (https://docs.slack.dev/apis/web-api/pagination; §3 "Pagination") ---------------

MAX_PAGE = 1000


def page_limit(req: ApiRequest, default: int) -> int:
    """The ``limit`` argument: default when absent or 0, capped at 1000, ``invalid_limit`` if bad."""
    limit = req.int_arg("limit", default, error="invalid_limit")
    if limit < 0:
        raise ApiError("invalid_limit")
    return min(limit or default, MAX_PAGE)


def paginate(req: ApiRequest, items: list[Any], *, default_limit: int, tag: str) -> tuple[list[Any], str]:
    """One page of ``items`` and the opaque ``next_cursor`` (``""`` at the end).

    Cursors are base64 of ``"<tag>:<offset>"``; a cursor from another listing or garbage answers
    ``invalid_cursor``. ``default_limit=0`` means "everything" when the caller passes no limit.
    """
    limit = page_limit(req, default_limit) if default_limit else req.int_arg("limit", 0, error="invalid_limit")
    if limit < 0:
        raise ApiError("invalid_limit")
    offset = 0
    cursor = req.arg("cursor")
    if cursor:
        offset = decode_cursor(cursor, tag)
    if not limit:
        return items[offset:], ""
    limit = min(limit, MAX_PAGE)
    page = items[offset : offset + limit]
    end = offset + len(page)
    return page, (encode_cursor(tag, end) if end < len(items) else "")


def encode_cursor(tag: str, offset: int) -> str:
    return base64.b64encode(f"{tag}:{offset}".encode()).decode("ascii")


def decode_cursor(cursor: str, tag: str) -> int:
    try:
        raw = base64.b64decode(cursor.encode("ascii"), validate=True).decode("utf-8")
        got_tag, _, number = raw.rpartition(":")
        offset = int(number)
    except (ValueError, UnicodeError, binascii.Error):
        raise ApiError("invalid_cursor") from None
    if got_tag != tag or offset < 0:
        raise ApiError("invalid_cursor")
    return offset
