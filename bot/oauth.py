"""Multi-workspace mode: Bolt's OAuth flow with slack_sdk's SQLAlchemy installation and state stores.

Off unless SLACK_CLIENT_ID is set. Each member workspace installs the app at /slack/install; tokens then
come from the installation store, and letters, coordinators and signatories are scoped by team.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import select

from bot.settings import Settings
from db.engine import Database

log = logging.getLogger(__name__)

# The same bot scopes as manifest.yml (a unit test keeps them equal).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "channels:join",
    "channels:read",
    "groups:read",
    "im:write",
    "im:history",
    "channels:history",
    "groups:history",
    "metadata.message:read",
    "users:read",
    "users:read.email",
    "files:write",
)
STATE_EXPIRATION_SECONDS = 600


class InstallationTokens:
    """Bot tokens per workspace, from the installation store (a TokenSource)."""

    def __init__(self, store: SQLAlchemyInstallationStore) -> None:
        self.store = store

    def bot_token(self, team_id: str | None, enterprise_id: str | None = None) -> str | None:
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        return bot.bot_token if bot is not None else None

    def teams(self) -> list[str]:
        table = self.store.bots
        with self.store.engine.connect() as connection:
            rows = connection.execute(
                select(table.c.team_id).where(table.c.client_id == self.store.client_id).distinct()
            )
            return [row[0] for row in rows if row[0]]


def stores(settings: Settings, database: Database) -> tuple[SQLAlchemyInstallationStore, SQLAlchemyOAuthStateStore]:
    """The stores on the app's own database (their tables are created by migration 0002)."""
    assert settings.oauth is not None
    installation_store = SQLAlchemyInstallationStore(client_id=settings.oauth.client_id, engine=database.engine)
    state_store = SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=database.engine)
    return installation_store, state_store


def oauth_settings(settings: Settings, database: Database) -> tuple[OAuthSettings, SQLAlchemyInstallationStore]:
    assert settings.oauth is not None
    installation_store, state_store = stores(settings, database)
    config = settings.oauth
    oauth = OAuthSettings(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=installation_store,
        installation_store_bot_only=True,
        state_store=state_store,
        install_path=config.install_url,
        redirect_uri_path=config.redirect_url,
        authorization_url=config.authorize_url,
    )
    return oauth, installation_store


def describe(settings: Settings) -> dict[str, Any]:
    assert settings.oauth is not None
    return {"install": settings.oauth.install_url, "redirect": settings.oauth.redirect_url}
