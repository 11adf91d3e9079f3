"""Listeners called the way Bolt calls them, with plain mocks for ``ack``, ``respond`` and the Web API client
(the bolt-python starter template's way), and a real runtime on a fresh database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest.mock import Mock

import pytest
from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.runtime import BotIdentity, Runtime, SingleWorkspaceTokens
from bot.settings import load_settings
from db.engine import Database
from db.migrate import upgrade
from tests.conftest import fresh_database
from tests.harness import BOT_TOKEN, SIGNING_SECRET

TEAM = "T0HOME"
COORDINATOR = "UCOORD"
MEMBER = "UMEMBER"


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    with fresh_database(tmp_path, prefix="signon_l") as url:
        settings = load_settings(
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "DATABASE_URL": url,
                "SIGNON_COORDINATORS": COORDINATOR,
            }
        )
        database = Database(settings.database_url)
        upgrade(database)
        identity = BotIdentity(TEAM, "Home", "UBOT", "BBOT")
        try:
            yield Runtime(settings, database, SingleWorkspaceTokens(BOT_TOKEN, TEAM), identity)
        finally:
            database.dispose()


@pytest.fixture
def client() -> Mock:
    """A Web API client that knows every person as a plain member (not an admin)."""
    mock = Mock(WebClient)
    mock.users_info.side_effect = lambda user, **_: {"user": {"id": user, "team_id": TEAM, "profile": {}}}
    return mock


def context_for(runtime: Runtime, **values: Any) -> BoltContext:
    return BoltContext({"runtime": runtime, "team_id": TEAM, **values})


def mocks() -> tuple[Mock, Mock]:
    return Mock(Ack), Mock(Respond)
