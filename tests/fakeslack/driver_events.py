"""Events API deliveries of :class:`~tests.fakeslack.driver.SlackDriver` (slack-platform.md §2.6, §7.3).

``event()`` wraps any event in the ``event_callback`` envelope; the helpers build the events signon
subscribes to, from the fake's state:

* ``app_home_opened`` — the user opens the Home or Messages tab.
* ``member_joined_channel`` / ``member_left_channel`` — they change the fake's membership first, then
  deliver ``{"type", "user", "channel", "channel_type", "team", "inviter"?, "event_ts"}``
  (https://docs.slack.dev/reference/events/member_joined_channel,
  https://docs.slack.dev/reference/events/member_left_channel). ``channel_type`` is the one-letter
  prefix of the channel id ("Private channels created before March 2021 have a G prefix. Both public
  and private channels created after March 2021 have a C prefix"). Slack only delivers
  member_joined_channel to a bot that is in the conversation ("Bot users will receive this event when
  a new member joins a channel your bot or app is already a member of" — or when the bot itself
  joins) and only with ``channels:read`` (public) / ``groups:read`` (private; ``mpim:read`` for
  MPIMs is UNVERIFIED); otherwise nothing is sent and the response has ``sent=False``.
  member_left_channel is delivered when the bot was a member before the change, including its own
  removal (UNVERIFIED for that case).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .driver_response import DriverResponse
from .errors import DriverError
from .payloads import event_callback
from .state import Channel, User, clone

if TYPE_CHECKING:
    from .fake import FakeSlack

MEMBERSHIP_READ_SCOPES = {"public": "channels:read", "private": "groups:read", "mpim": "mpim:read"}


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

    def member_joined(self, user_id: str, channel_id: str, *, inviter: str | None = None) -> DriverResponse:
        """``user_id`` joins ``channel_id`` (a person, or the app's own bot being invited): the fake's
        membership changes, then ``member_joined_channel`` goes to the app if Slack would send it."""
        with self.fake.state.lock:
            channel, user = self._membership_change(user_id, channel_id)
            if user.id in channel.members:
                raise DriverError(f"{user_id} is already in {channel_id}")
            channel.members[user.id] = None
            event = self._membership_event("member_joined_channel", user, channel)
            if inviter is not None:
                event["inviter"] = inviter
            deliver = self._bot_hears(channel, bot_was_member=self._bot_of(channel) in channel.members)
        return self._deliver_membership(event, deliver)

    def member_left(self, user_id: str, channel_id: str) -> DriverResponse:
        """``user_id`` leaves (or is removed from) ``channel_id``: membership changes, then
        ``member_left_channel`` goes to the app if its bot was in the conversation."""
        with self.fake.state.lock:
            channel, user = self._membership_change(user_id, channel_id)
            if user.id not in channel.members:
                raise DriverError(f"{user_id} is not in {channel_id}")
            bot_was_member = self._bot_of(channel) in channel.members
            del channel.members[user.id]
            event = self._membership_event("member_left_channel", user, channel)
            deliver = self._bot_hears(channel, bot_was_member=bot_was_member)
        return self._deliver_membership(event, deliver)

    def _membership_change(self, user_id: str, channel_id: str) -> tuple[Channel, User]:
        state = self.fake.state
        channel = state.channels.get(channel_id)
        if channel is None:
            raise DriverError(f"unknown channel {channel_id}")
        if channel.is_im:
            raise DriverError("nobody joins or leaves a DM")
        user = state.users.get(user_id)
        if user is None:
            raise DriverError(f"unknown user {user_id}")
        if user.deleted:
            raise DriverError(f"{user_id} is deactivated")
        return channel, user

    def _bot_of(self, channel: Channel) -> str:
        return self.fake.state.bot_user_for(channel.team_id) or self.fake.bot_user_id

    def _membership_event(self, kind: str, user: User, channel: Channel) -> dict[str, Any]:
        event: dict[str, Any] = {
            "type": kind,
            "user": user.id,
            "channel": channel.id,
            "channel_type": channel.id[:1],
            "team": user.team_id,
            "event_ts": self.fake.ids.ts(),
        }
        team = self.fake.state.teams.get(user.team_id)
        if team is not None and team.enterprise_id:
            event["enterprise"] = team.enterprise_id
        return event

    def _bot_hears(self, channel: Channel, *, bot_was_member: bool) -> bool:
        bot = self._bot_of(channel)
        if not (bot_was_member or bot in channel.members):
            return False
        kind = "mpim" if channel.is_mpim else "private" if channel.is_private else "public"
        team = self.fake.state.teams.get(channel.team_id)
        token = self.fake.state.tokens.get(team.bot_token or "") if team else None
        return token is not None and MEMBERSHIP_READ_SCOPES[kind] in token.scopes

    def _deliver_membership(self, event: dict[str, Any], deliver: bool) -> DriverResponse:
        if deliver:
            return self.event(event)
        return DriverResponse(0, {}, "", None, 0.0, payload=event, sent=False)
