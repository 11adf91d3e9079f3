"""Workspace setup for ``FakeSlack``: teams, installations and tokens, users, channels (slack-platform.md §7.4).

A mixin so that ``fake.py`` stays readable; every method takes ``state.lock`` and returns copies as the
Web API would render them (users.info / conversations.info objects).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .clock import Clock
from .ids import IdFactory
from .state import Channel, OAuthCode, SlackState, Team, Token, User


class WorkspaceMixin:
    """Test-side setup of the fake workspace (used by :class:`~tests.fakeslack.fake.FakeSlack`)."""

    state: SlackState
    ids: IdFactory
    clock: Clock
    team_id: str
    bot_name: str
    bot_user_id: str
    _default_scopes: tuple[str, ...]

    # -- teams and tokens ---------------------------------------------------------------------------

    def add_team(
        self,
        team_id: str | None = None,
        name: str = "Partner Org",
        *,
        domain: str | None = None,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        email_domain: str = "",
    ) -> dict[str, Any]:
        """Add a workspace (a Slack Connect partner org, or a team to install into for OAuth tests)."""
        with self.state.lock:
            team_id = team_id or self.ids.new("T")
            if team_id in self.state.teams:
                raise ValueError(f"team {team_id} exists")
            team = Team(
                id=team_id,
                name=name,
                domain=domain or name.lower().replace(" ", "-"),
                enterprise_id=enterprise_id,
                enterprise_name=enterprise_name,
                email_domain=email_domain,
            )
            self.state.teams[team_id] = team
            return self._team_dict(team)

    def install_team(self, team_id: str, *, token: str | None = None, scopes: Iterable[str] | None = None) -> str:
        """Install the app in ``team_id``: create its bot user and bot token; return the token.

        Idempotent: a second call returns the existing token.
        """
        with self.state.lock:
            team = self.state.teams[team_id]
            if team.bot_token is not None:
                return team.bot_token
            bot_id = self.ids.new("B")
            bot_user = User(
                id=self.ids.new("U"),
                team_id=team_id,
                name=self.bot_name,
                real_name=self.bot_name,
                display_name=self.bot_name,
                is_bot=True,
                bot_id=bot_id,
                tz="America/Los_Angeles",
            )
            self.state.users[bot_user.id] = bot_user
            token = token or f"xoxb-{team_id}-{self.ids.secret(12)}"
            granted = frozenset(scopes if scopes is not None else self._default_scopes)
            self.state.tokens[token] = Token(token, "bot", team_id, bot_user.id, bot_id, granted)
            team.bot_user_id, team.bot_id, team.bot_token = bot_user.id, bot_id, token
            return token

    def bot_user_id_for(self, team_id: str) -> str | None:
        with self.state.lock:
            return self.state.bot_user_for(team_id)

    def revoke(self, token: str) -> None:
        """Make ``token`` answer ``token_revoked`` from now on."""
        with self.state.lock:
            self.state.tokens[token].revoked = True

    def set_scopes(self, token: str, scopes: Iterable[str]) -> None:
        """Replace the scopes granted to ``token``."""
        with self.state.lock:
            self.state.tokens[token].scopes = frozenset(scopes)

    def add_token(
        self, token: str, *, team_id: str | None = None, kind: str = "bot", scopes: Iterable[str] = ()
    ) -> None:
        """Register an extra token (e.g. a second bot token or a user token) for the team's bot."""
        with self.state.lock:
            team = self.state.teams[team_id or self.team_id]
            user_id = team.bot_user_id if kind == "bot" else None
            bot_id = team.bot_id if kind == "bot" else None
            self.state.tokens[token] = Token(token, kind, team.id, user_id, bot_id, frozenset(scopes))

    def oauth_authorize(self, team_id: str, user_id: str, *, redirect_uri: str | None = None) -> str:
        """Mint a single-use OAuth code, as if ``user_id`` approved the install in ``team_id``."""
        with self.state.lock:
            code = f"{int(self.clock.now())}.{self.ids.secret(16)}"
            self.state.oauth_codes[code] = OAuthCode(code, team_id, user_id, self.clock.now(), redirect_uri)
            return code

    # -- users --------------------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str | None = None,
        name: str | None = None,
        real_name: str | None = None,
        email: str | None = None,
        title: str | None = None,
        tz: str = "America/New_York",
        team_id: str | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        is_stranger: bool = False,
        *,
        display_name: str | None = None,
        locale: str = "en-US",
        is_restricted: bool = False,
        is_ultra_restricted: bool = False,
        visible: bool = True,
        dm_allowed: bool = True,
    ) -> dict[str, Any]:
        """Add a user and return their users.info object (as a token with every scope sees it).

        ``is_stranger``: an external Slack Connect user with a limited profile (no email/title);
        ``visible=False``: users.info and conversations.open answer ``user_not_visible``;
        ``dm_allowed=False``: conversations.open answers ``invalid_user_combination``.
        """
        with self.state.lock:
            user_id = user_id or self.ids.new("U")
            team_id = team_id or self.team_id
            if team_id not in self.state.teams:
                raise ValueError(f"unknown team {team_id}; add_team() first")
            name = name or f"user{len(self.state.users)}"
            user = User(
                id=user_id,
                team_id=team_id,
                name=name,
                real_name=real_name if real_name is not None else name.title(),
                display_name=display_name if display_name is not None else name,
                email=email,
                title=title or "",
                tz=tz,
                locale=locale,
                is_admin=is_admin,
                is_owner=is_owner,
                is_bot=is_bot,
                bot_id=self.ids.new("B") if is_bot else None,
                deleted=deleted,
                is_restricted=is_restricted,
                is_ultra_restricted=is_ultra_restricted,
                is_stranger=is_stranger,
                visible=visible,
                dm_allowed=dm_allowed,
                updated=int(self.clock.now()),
            )
            self.state.users[user_id] = user
            return self.state.user_json(user)

    def update_user(self, user_id: str, **fields: Any) -> dict[str, Any]:
        """Change user attributes (``deleted=True`` deactivates, ``tz=...``, ``email=...``)."""
        with self.state.lock:
            user = self.state.users[user_id]
            for key, value in fields.items():
                if not hasattr(user, key):
                    raise AttributeError(f"User has no field {key!r}")
                setattr(user, key, value)
            user.updated = int(self.clock.now())
            return self.state.user_json(user)

    def user(self, user_id: str) -> dict[str, Any]:
        with self.state.lock:
            return self.state.user_json(self.state.users[user_id])

    # -- channels -----------------------------------------------------------------------------------

    def add_channel(
        self,
        channel_id: str | None = None,
        name: str | None = None,
        is_private: bool = False,
        members: Iterable[str] = (),
        bot_is_member: bool = True,
        is_archived: bool = False,
        is_ext_shared: bool = False,
        shared_team_ids: Iterable[str] = (),
        *,
        team_id: str | None = None,
        is_general: bool = False,
    ) -> dict[str, Any]:
        """Add a channel and return its conversations.info object (as the home bot sees it)."""
        with self.state.lock:
            channel_id = channel_id or self.ids.new("C")
            team_id = team_id or self.team_id
            member_ids = list(members)
            for member in member_ids:
                if member not in self.state.users:
                    raise ValueError(f"unknown member {member}")
            if bot_is_member:
                member_ids.append(self.bot_user_id)
            shared = list(shared_team_ids)
            if is_ext_shared and team_id not in shared:
                shared.insert(0, team_id)
            channel = Channel(
                id=channel_id,
                name=name or channel_id.lower(),
                team_id=team_id,
                created=int(self.clock.now()),
                creator=member_ids[0] if member_ids else "",
                is_private=is_private,
                is_archived=is_archived,
                is_general=is_general,
                is_ext_shared=is_ext_shared or len(shared) > 1,
                shared_team_ids=shared,
                members=dict.fromkeys(member_ids),
            )
            self.state.channels[channel_id] = channel
            return self.state.channel_json(channel, viewer_user=self.bot_user_id, include_num_members=True)

    def add_members(self, channel_id: str, *user_ids: str) -> None:
        with self.state.lock:
            channel = self.state.channels[channel_id]
            for user_id in user_ids:
                channel.members[user_id] = None

    def remove_members(self, channel_id: str, *user_ids: str) -> None:
        with self.state.lock:
            channel = self.state.channels[channel_id]
            for user_id in user_ids:
                channel.members.pop(user_id, None)

    def archive_channel(self, channel_id: str, archived: bool = True) -> None:
        with self.state.lock:
            self.state.channels[channel_id].is_archived = archived

    def channel(self, channel_id: str) -> dict[str, Any]:
        with self.state.lock:
            channel = self.state.channels[channel_id]
            return self.state.channel_json(channel, viewer_user=self.bot_user_id, include_num_members=True)

    def channel_members(self, channel_id: str) -> list[str]:
        with self.state.lock:
            return list(self.state.channels[channel_id].members)

    def dm_channel_id(self, user_id: str, *, team_id: str | None = None) -> str:
        """The bot's DM (``D…``) with ``user_id``, created if needed (the app's Messages tab)."""
        with self.state.lock:
            team_id = team_id or self.installed_team_for(user_id)
            bot_user = self.state.bot_user_for(team_id) or self.bot_user_id
            channel = self.state.dm_with(bot_user, user_id, team_id)
            assert channel is not None
            return channel.id

    def installed_team_for(self, user_id: str) -> str:
        """The workspace whose installation handles this user's actions: their own if the app is
        installed there, else the home team (Slack Connect, §4)."""
        with self.state.lock:
            user = self.state.users.get(user_id)
            if user is not None:
                team = self.state.teams.get(user.team_id)
                if team is not None and team.bot_token is not None:
                    return team.id
            return self.team_id

    def _team_dict(self, team: Team) -> dict[str, Any]:
        return {
            "id": team.id,
            "name": team.name,
            "domain": team.domain,
            "enterprise_id": team.enterprise_id,
            "enterprise_name": team.enterprise_name,
        }

    def team(self, team_id: str | None = None) -> dict[str, Any]:
        with self.state.lock:
            return self._team_dict(self.state.teams[team_id or self.team_id])
