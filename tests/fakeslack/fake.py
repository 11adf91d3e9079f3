"""``FakeSlack``: the public face of the local Slack double (slack-platform.md §7).

Typical use::

    with FakeSlack(signing_secret="s3cret") as fake:
        alice = fake.add_user(name="alice", real_name="Alice Doe", email="alice@example.org")
        general = fake.add_channel(name="general", members=[alice["id"]])
        client = WebClient(token=fake.bot_token, base_url=fake.api_url)
        client.chat_postMessage(channel=general["id"], text="hi")
        assert fake.messages(general["id"])[0]["text"] == "hi"

Everything is on 127.0.0.1 with ephemeral ports, so fakes can run in parallel (pytest-xdist).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from . import modals
from .clock import Clock
from .faults import Fault, FaultPlan
from .ids import IdFactory
from .metadata import DEFAULT_MAX_BYTES as DEFAULT_METADATA_MAX_BYTES
from .ratelimit import RateLimiter
from .recording import CallLog, CallPredicate, SlackApiCall
from .server import ApiServer, Reply
from .socket_mode import SocketModeServer
from .state import SLACKBOT_ID, Message, ResponseUrl, SlackState, Token, Trigger, User, clone
from .workspace import WorkspaceMixin

#: Scopes granted to the bot token by default: everything signon needs (§5) plus read scopes.
DEFAULT_BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "im:read",
    "mpim:read",
    "users:read",
    "users:read.email",
    "channels:read",
    "groups:read",
    "channels:join",
    "files:write",
    "files:read",
    "team:read",
)
APP_TOKEN_SCOPES = ("connections:write",)

T = TypeVar("T")


class FakeSlack(WorkspaceMixin):
    """A faithful local Slack: Web API + upload URL + response URLs + Socket Mode + state.

    Args:
        signing_secret: Used by :class:`~tests.fakeslack.driver.SlackDriver` to sign requests.
        bot_token: The home team's bot token (``xoxb-…``).
        app_token: The app-level token (``xapp-…``) for apps.connections.open.
        bot_scopes: Scopes granted to ``bot_token`` (default :data:`DEFAULT_BOT_SCOPES`).
        rate_limits: Enforce Slack's tiers (§3); per-method limits can be set either way.
        team_id / team_name / team_domain / enterprise_id: The home workspace.
        app_id / bot_name / client_id / client_secret / verification_token: App identity.
        home_tab_enabled: ``False`` makes views.publish answer ``not_enabled``.
        clock: A shared :class:`Clock` (default: a new one following the wall clock).
    """

    def __init__(
        self,
        signing_secret: str = "fake-signing-secret",  # noqa: S107
        bot_token: str = "xoxb-test",  # noqa: S107
        app_token: str = "xapp-test",  # noqa: S107
        bot_scopes: Iterable[str] | None = None,
        rate_limits: bool = False,
        *,
        team_id: str = "T0HOME",
        team_name: str = "Home Coalition",
        team_domain: str = "homecoalition",
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        app_id: str = "A0SIGNON01",
        bot_name: str = "signon",
        client_id: str = "1111111111.2222222222",
        client_secret: str = "fake-client-secret",  # noqa: S107
        verification_token: str = "fake-verification-token",  # noqa: S107
        home_tab_enabled: bool = True,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.signing_secret = signing_secret
        self.bot_token = bot_token
        self.app_token = app_token
        self.app_id = app_id
        self.bot_name = bot_name
        self.client_id = client_id
        self.client_secret = client_secret
        self.verification_token = verification_token
        self.home_tab_enabled = home_tab_enabled
        #: Largest ``metadata`` (compact JSON bytes) chat.postMessage/update accept (UNVERIFIED limit).
        self.metadata_max_bytes = DEFAULT_METADATA_MAX_BYTES
        #: Scope conversations.history/replies need to return ``metadata`` (UNVERIFIED; ``None``: none).
        self.metadata_read_scope: str | None = "metadata.message:read"
        self.host = host
        self.clock = clock or Clock()
        self.ids = IdFactory(self.clock.now)
        self.state = SlackState(self.clock, self.ids, app_id)
        self.limiter = RateLimiter(self.clock.now, enabled=rate_limits)
        self.faults = FaultPlan()
        self._calls = CallLog()
        #: Everything the app did that Slack would reject or that breaks Slack's protocol.
        self.violations: list[str] = []
        self._server = ApiServer(self, host)
        self.socket_server = SocketModeServer(self, host)
        self._started = False
        self._default_scopes = tuple(bot_scopes) if bot_scopes is not None else DEFAULT_BOT_SCOPES

        self.team_id = team_id
        self.add_team(
            team_id,
            team_name,
            domain=team_domain,
            enterprise_id=enterprise_id,
            enterprise_name=enterprise_name,
        )
        self.install_team(team_id, token=bot_token, scopes=self._default_scopes)
        home = self.state.teams[team_id]
        self.bot_user_id: str = home.bot_user_id or ""
        self.bot_id: str = home.bot_id or ""
        self.state.tokens[app_token] = Token(app_token, "app", team_id, None, None, frozenset(APP_TOKEN_SCOPES))
        self.state.users[SLACKBOT_ID] = User(
            id=SLACKBOT_ID, team_id=team_id, name="slackbot", real_name="Slackbot", display_name="Slackbot"
        )

    # -- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        """Start the HTTP server and the Socket Mode server (daemon threads, ephemeral ports)."""
        if not self._started:
            self._server.start()
            self.socket_server.start()
            self._started = True
        return self

    def stop(self) -> None:
        if self._started:
            self.socket_server.stop()
            self._server.stop()
            self._started = False

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/``."""
        return f"http://{self.host}:{self.port}/"

    @property
    def api_url(self) -> str:
        """``http://127.0.0.1:PORT/api/`` — pass as ``WebClient(base_url=...)`` / ``SLACK_API_URL``."""
        return f"{self.base_url}api/"

    # -- clock --------------------------------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Move the fake clock (trigger / response_url expiry, rate-limit refill)."""
        self.clock.advance(seconds)

    # -- messages -----------------------------------------------------------------------------------

    def post_user_message(
        self, user_id: str, channel_id: str, text: str, *, blocks: list[dict[str, Any]] | None = None
    ) -> str:
        """Store a message written by a person (for cant_update_message tests etc.); return its ts."""
        with self.state.lock:
            user = self.state.users[user_id]
            message = Message(
                channel=channel_id,
                ts=self.ids.ts(),
                text=text,
                user=user_id,
                team=user.team_id,
                blocks=clone(blocks),
                source="user",
            )
            self.state.add_message(message)
            return message.ts

    def messages(
        self, channel: str | None = None, user: str | None = None, *, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        """Messages in ``channel`` (or all channels) in ts order, optionally only those by ``user``.

        Each is a dict: ``channel, ts, user, bot_id, text, blocks, attachments, thread_ts, files,
        metadata, edited, deleted, history`` (earlier versions after chat.update / replace_original)
        and ``source``.
        """
        with self.state.lock:
            return [
                self.state.message_snapshot(m)
                for m in self.state.iter_messages(channel)
                if (include_deleted or not m.deleted) and (user is None or m.user == user)
            ]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self.state.lock:
            found = self.state.message_index.get((channel, ts))
            return self.state.message_snapshot(found) if found else None

    def dm_messages(self, user_id: str) -> list[dict[str, Any]]:
        """Messages the bot (of any installed team) sent into its DM with ``user_id``."""
        with self.state.lock:
            bots = {t.bot_user_id for t in self.state.teams.values() if t.bot_user_id}
            out: list[dict[str, Any]] = []
            for (bot_user, other), channel_id in self.state.dms.items():
                if other == user_id and bot_user in bots:
                    out.extend(
                        self.state.message_snapshot(m)
                        for m in self.state.messages.get(channel_id, [])
                        if m.user == bot_user and not m.deleted
                    )
            return sorted(out, key=lambda m: float(m["ts"]))

    def ephemerals(self, user_id: str | None = None, channel: str | None = None) -> list[dict[str, Any]]:
        """Ephemeral messages (chat.postEphemeral, response_url replies, slash-command ack bodies)."""
        with self.state.lock:
            return [
                self.state.ephemeral_snapshot(e)
                for e in self.state.ephemerals
                if not e.deleted
                and (user_id is None or e.user == user_id)
                and (channel is None or e.channel == channel)
            ]

    # -- views --------------------------------------------------------------------------------------

    def open_views(self, user_id: str) -> list[dict[str, Any]]:
        """The user's modal stack, root first, top last (each as views.* return it)."""
        with self.state.lock:
            return [self.state.view_json(v) for v in modals.stack_of(self.state, user_id)]

    def top_view(self, user_id: str) -> dict[str, Any] | None:
        views = self.open_views(user_id)
        return views[-1] if views else None

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self.state.lock:
            view_id = self.state.homes.get(user_id)
            return self.state.view_json(self.state.views[view_id]) if view_id else None

    def view(self, view_id: str) -> dict[str, Any] | None:
        """Any view ever created (open or closed)."""
        with self.state.lock:
            found = self.state.views.get(view_id)
            return self.state.view_json(found) if found else None

    # -- files --------------------------------------------------------------------------------------

    def files(self) -> list[dict[str, Any]]:
        """Files created through the upload flow: ``id, filename, title, content (bytes), length,
        uploaded, completed, channels, channel (first share or None), initial_comment, thread_ts``."""
        with self.state.lock:
            return [
                {
                    "id": f.id,
                    "filename": f.filename,
                    "title": f.title or f.filename,
                    "content": f.content,
                    "length": f.length,
                    "uploaded": f.uploaded,
                    "completed": f.completed,
                    "channels": list(f.channels),
                    "channel": f.channels[0] if f.channels else None,
                    "initial_comment": f.initial_comment,
                    "thread_ts": f.thread_ts,
                    "team_id": f.team_id,
                    "user": f.user,
                }
                for f in self.state.files.values()
            ]

    # -- interactions (used by the driver) ----------------------------------------------------------

    def issue_trigger(self, user_id: str, *, view_id: str | None = None) -> str:
        """A fresh trigger_id for an interaction by ``user_id`` (3 s, single use; §2.3)."""
        with self.state.lock:
            trigger_id = self.ids.trigger_id()
            team_id = self.state.users[user_id].team_id
            self.state.triggers[trigger_id] = Trigger(trigger_id, user_id, team_id, self.clock.now(), view_id)
            return trigger_id

    def issue_response_url(
        self,
        *,
        user_id: str,
        channel_id: str,
        team_id: str | None = None,
        message_ts: str | None = None,
        ephemeral: bool = False,
    ) -> str:
        """A fresh ``http://127.0.0.1:PORT/response/<id>`` (5 uses / 30 min; §2.4)."""
        with self.state.lock:
            response_id = f"{team_id or self.installed_team_for(user_id)}/{self.ids.secret(18)}"
            self.state.response_urls[response_id] = ResponseUrl(
                id=response_id,
                team_id=team_id or self.installed_team_for(user_id),
                channel_id=channel_id,
                user_id=user_id,
                created_at=self.clock.now(),
                message_ts=message_ts,
                message_is_ephemeral=ephemeral,
            )
            return f"{self.base_url}response/{response_id}"

    # -- recording, violations, waiting -------------------------------------------------------------

    def finish_call(self, call: SlackApiCall, reply: Reply) -> Reply:
        """Record a served request (called by the server before it writes the answer)."""
        call.status = reply.status
        call.response = reply.json_body
        reply.call = call
        self._calls.append(call)
        return reply

    def calls(self, method: str | None = None) -> list[SlackApiCall]:
        """Recorded requests, oldest first, optionally only one method."""
        return self._calls.select(method)

    def reset_calls(self) -> None:
        self._calls.clear()

    def wait_for(
        self, predicate_or_method: str | CallPredicate, timeout: float = 5.0, count: int = 1
    ) -> list[SlackApiCall]:
        """Wait until ``count`` recorded calls match (method name or predicate); return them all.

        The app works after ``ack()`` on background threads, so assert on calls with this.
        """
        return self._calls.wait_for(predicate_or_method, timeout=timeout, count=count)

    def wait_until(self, condition: Callable[[], T | None], timeout: float = 15.0, interval: float = 0.02) -> T:
        """Poll ``condition()`` until it returns something truthy; return that value.

        The default is generous so a loaded machine does not fail a test that waits for background work; what
        must happen within a limit (an acknowledgement in 3 s, a views.open within a trigger's 3 s) is checked
        by the fake itself, not by this wait."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")
            time.sleep(interval)

    def record_violation(self, message: str) -> None:
        self.violations.append(message)

    def assert_no_violations(self) -> None:
        if self.violations:
            raise AssertionError("Slack protocol violations:\n  " + "\n  ".join(self.violations))

    # -- faults and rate limits ---------------------------------------------------------------------

    def inject(
        self,
        method: str,
        status: int | None = None,
        error: str | None = None,
        retry_after: int = 1,
        times: int = 1,
        delay: float = 0.0,
        reset_connection: bool = False,
        *,
        html: bool | None = None,
        after: int = 0,
        processed: bool = False,
        drop_response_after_processing: bool = False,
        response_delay: float = 0.0,
    ) -> None:
        """Make ``times`` calls of ``method`` fail (or just be slow), after letting ``after`` calls through.

        ``method`` is a Web API method, ``"upload"``, ``"response_url"`` or ``"*"``.

        What the client gets: ``status=429`` answers ``ratelimited`` with ``Retry-After: retry_after``;
        500 answers ``{"ok":false,"error":"internal_error"}``; 502/503/504 answer an HTML page (``html``
        overrides); ``error`` alone answers HTTP 200 ``{"ok":false,"error":error}`` (e.g.
        ``fatal_error``, ``invalid_auth``); ``reset_connection`` drops the TCP connection.

        When: ``delay`` waits *before* processing. By default the fault replaces the call, which is
        never processed (connection reset before processing, 429, edge 5xx). ``processed=True`` runs
        the call first and then answers with the fault (an ``internal_error`` after the message was
        posted); ``drop_response_after_processing=True`` runs the call and then closes the connection
        without any answer (the response was lost). ``response_delay`` holds the answer after
        processing, so a client timeout shorter than it fires although the call took effect.
        The call log shows ``processed``, ``answered`` and ``processed_response`` for each request.
        """
        if drop_response_after_processing:
            reset_connection, processed = True, True
        if processed and not (status or error or reset_connection):
            raise ValueError("processed=True needs status, error or drop_response_after_processing")
        if status is None and error is None and not reset_connection and delay <= 0 and response_delay <= 0:
            raise ValueError(
                "inject() needs status, error, reset_connection, drop_response_after_processing, "
                "delay or response_delay"
            )
        self.faults.add(
            method,
            Fault(
                status=status,
                error=error,
                retry_after=retry_after,
                times=times,
                delay=delay,
                reset_connection=reset_connection,
                html=html,
                after=after,
                processed=processed,
                response_delay=response_delay,
            ),
        )

    def set_latency(self, method: str, seconds: float) -> None:
        """Every call of ``method`` (or ``"*"``) waits ``seconds`` before being answered."""
        self.faults.set_latency(method, seconds)

    def clear_faults(self) -> None:
        self.faults.clear()

    @property
    def rate_limits(self) -> bool:
        return self.limiter.enabled

    @rate_limits.setter
    def rate_limits(self, enabled: bool) -> None:
        self.limiter.enabled = enabled
        self.limiter.reset()

    @property
    def rate_limit_scale(self) -> float:
        return self.limiter.scale

    @rate_limit_scale.setter
    def rate_limit_scale(self, value: float) -> None:
        self.limiter.scale = value

    def set_rate_limit(self, method: str, per_minute: float | None, burst: float | None = None) -> None:
        """Limit ``method`` per team to ``per_minute`` with ``burst`` (default one minute's worth);
        ``None`` removes the override. Applies even when ``rate_limits`` is off."""
        self.limiter.set_limit(method, per_minute, burst)

    # -- socket mode --------------------------------------------------------------------------------

    def socket_connections(self) -> int:
        return self.socket_server.connection_count()

    def wait_for_socket_connections(self, count: int = 1, timeout: float = 5.0) -> None:
        if not self.socket_server.wait_for_connections(count, timeout):
            raise AssertionError(
                f"{self.socket_connections()} Socket Mode connections after {timeout}s, wanted {count}"
            )

    def socket_disconnect(self, reason: str = "refresh_requested", close_after: float = 1.0) -> int:
        """Send ``{"type":"disconnect","reason":reason}`` to every connection; close them after
        ``close_after`` s (negative: leave them open). Returns how many got the frame."""
        return self.socket_server.disconnect_all(reason, close_after)

    # -- helpers ------------------------------------------------------------------------------------

    def run_locked(self, fn: Callable[[SlackState], T]) -> T:
        """Run ``fn(state)`` under the state lock (escape hatch for unusual test setups)."""
        with self.state.lock:
            return fn(self.state)
