"""Events API deliveries of :class:`~tests.fakeslack.driver.SlackDriver` (slack-platform.md §2.6, §7.3).

``event()`` wraps any event in the ``event_callback`` envelope; ``app_home_opened`` builds that event
from the fake's state (the user opens the Home or Messages tab).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .driver_response import DriverResponse
from .errors import DriverError
from .payloads import event_callback
from .state import User, clone

if TYPE_CHECKING:
    from .fake import FakeSlack


class EventsMixin:
    """Events API part of the driver; needs ``fake``, ``socket_mode``, ``_deliver`` and ``_user``."""

    fake: FakeSlack
    socket_mode: bool

    if TYPE_CHECKING:

        def _deliver(
            self,
            kind: str,
            payload: dict[str, Any],
            *,
            label: str,
            retry: tuple[int, str] = (0, ""),
            check: bool = True,
        ) -> DriverResponse: ...

        def _user(self, user_id: str) -> User: ...

    def app_home_opened(self, user_id: str, tab: str = "home") -> DriverResponse:
        """The user opens the app's Home (or Messages) tab: an ``app_home_opened`` event (§2.6)."""
        fake = self.fake
        with fake.state.lock:
            user = self._user(user_id)
            channel_id = fake.dm_channel_id(user.id)
            event: dict[str, Any] = {
                "type": "app_home_opened",
                "user": user.id,
                "channel": channel_id,
                "tab": tab,
                "event_ts": fake.ids.ts(),
            }
            home = fake.state.homes.get(user.id)
            if home is not None and tab == "home":
                event["view"] = fake.state.view_json(fake.state.views[home])
        return self.event(event)

    def event(
        self,
        event: dict[str, Any],
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
        *,
        team_id: str | None = None,
        auto_retry: bool = False,
    ) -> DriverResponse:
        """Deliver an Events API ``event_callback`` wrapping ``event``.

        The envelope's ``team_id`` is the acting user's team (``event["user"]``), its
        ``authorizations`` name the installed team, and ``is_ext_shared_channel`` reflects
        ``event["channel"]``. ``retry_num``/``retry_reason`` add ``X-Slack-Retry-Num``/``-Reason``
        (Socket Mode: ``retry_attempt``/``retry_reason``). ``auto_retry`` re-sends up to 3 times
        while the app fails or times out, unless it answered ``X-Slack-No-Retry: 1`` (§2.6).
        """
        fake = self.fake
        with fake.state.lock:
            actor = event.get("user") if isinstance(event.get("user"), str) else None
            user = fake.state.users.get(actor or "")
            source_team = team_id or (user.team_id if user else fake.team_id)
            installed = fake.installed_team_for(user.id) if user else fake.team_id
            channel = fake.state.channels.get(str(event.get("channel") or ""))
            envelope = event_callback(
                fake,
                clone(event),
                event_id=event_id or fake.ids.new("Ev"),
                source_team_id=source_team,
                installed_team_id=installed,
                is_ext_shared_channel=bool(channel and channel.is_ext_shared),
            )
        attempt = retry_num or 0
        reason = retry_reason or ""
        retries = 0
        while True:
            resp = self._deliver("event", envelope, label=f"event {event.get('type')}", retry=(attempt, reason))
            no_retry = resp.headers.get("x-slack-no-retry") == "1"
            if resp.ok or not auto_retry or no_retry or attempt >= 3:
                resp.retries = retries
                return resp
            attempt += 1
            retries += 1
            reason = "http_timeout" if resp.timed_out else "http_error"

    def url_verification(self, challenge: str) -> DriverResponse:
        """The ``url_verification`` handshake (HTTP only); the app must echo ``challenge``."""
        if self.socket_mode:
            raise DriverError("url_verification does not exist in Socket Mode")
        body = {"token": self.fake.verification_token, "challenge": challenge, "type": "url_verification"}
        return self._deliver("event", body, label="url_verification", check=False)
