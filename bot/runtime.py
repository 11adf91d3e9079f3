"""What every listener, service and job shares: settings, the database, and Slack clients per workspace."""

from __future__ import annotations

import os
import socket
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass, field
from typing import Any, Protocol

from slack_sdk import WebClient

from bot.services.signing.duplicates import OrgNameCache
from bot.settings import Settings
from bot.slack.retries import retry_handlers
from db.engine import Database


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is in one workspace, as `auth.test` said."""

    team_id: str
    team_name: str
    bot_user_id: str
    bot_id: str | None
    enterprise_id: str | None = None
    url: str | None = None


class TokenSource(Protocol):
    """Finds the bot token for a workspace (one fixed token, or the OAuth installation store)."""

    def bot_token(self, team_id: str | None, enterprise_id: str | None = None) -> str | None: ...

    def teams(self) -> list[str]: ...


@dataclass
class SingleWorkspaceTokens:
    token: str
    team_id: str

    def bot_token(self, team_id: str | None, enterprise_id: str | None = None) -> str | None:
        return self.token

    def teams(self) -> list[str]:
        return [self.team_id]


def make_client(settings: Settings, token: str | None, *, rate_limit_retries: int = 2) -> WebClient:
    """A WebClient that retries what is safe to retry (bot/slack/retries.py): 429s, and 5xx answers, timeouts
    and resets of calls that only read or set state. Calls that create something are the caller's to retry."""
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout,
        retry_handlers=retry_handlers(rate_limit_retries=rate_limit_retries),
    )


class ContextPropagatingExecutor(ThreadPoolExecutor):
    """Bolt's listener executor, carrying the request's context variables (the log request id) along."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        context = copy_context()
        return super().submit(context.run, fn, *args, **kwargs)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    tokens: TokenSource
    identity: BotIdentity | None = None
    # Distinguishes this process in reminder and post claims (host, pid, random suffix for restarts).
    worker_id: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}")
    # The near-duplicate index of each letter's names, loaded incrementally: one per process.
    names: OrgNameCache = field(default_factory=OrgNameCache)

    def __deepcopy__(self, memo: dict[int, Any]) -> Runtime:
        # Bolt deep-copies the request context for lazy listeners; the runtime (engines, locks, caches) is
        # shared by every thread of the process, so a copy is the same runtime.
        return self

    def client(self, team_id: str | None = None, *, rate_limit_retries: int = 2) -> WebClient:
        """A Web API client for ``team_id`` (the installed workspace; any in single-workspace mode)."""
        token = self.tokens.bot_token(team_id)
        return make_client(self.settings, token, rate_limit_retries=rate_limit_retries)

    def background_client(self, team_id: str | None) -> WebClient:
        """No automatic retries at all: the jobs handle 429s themselves, without blocking a thread."""
        return self.client(team_id, rate_limit_retries=0)

    def owner_is_gone(self, worker_id: str | None) -> bool:
        """True when a claim's owner was a process on this host that no longer exists (killed, crashed).

        Claims of other hosts cannot be checked this way; they expire by their timeouts instead.
        """
        if not worker_id or worker_id == self.worker_id:
            return False
        host, _, rest = worker_id.partition(":")
        pid_text = rest.partition(":")[0]
        if host != socket.gethostname() or not pid_text.isdigit():
            return False
        pid = int(pid_text)
        if pid == os.getpid():
            return True  # an earlier process that had our pid
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    @property
    def bot_user_id(self) -> str | None:
        return self.identity.bot_user_id if self.identity else None
