"""Shared fixtures: a fake Slack with a small coalition in it, a database, and the real app process."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, make_url, text

from tests.fakeslack import FakeSlack, SlackDriver
from tests.harness import APP_TOKEN, BOT_TOKEN, REPO, SIGNING_SECRET, AppProcess

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


def manifest_bot_scopes() -> list[str]:
    """The fake grants exactly the scopes manifest.yml asks for, so a missing scope fails a test."""
    manifest = yaml.safe_load((REPO / "manifest.yml").read_text())
    return list(manifest["oauth_config"]["scopes"]["bot"])


@contextmanager
def fresh_database(directory: Path, prefix: str = "signon_t") -> Iterator[str]:
    """A new empty database: a SQLite file in ``directory``, or a new PostgreSQL database under
    TEST_DATABASE_URL, dropped afterwards."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{directory / 'signon.db'}"
        return
    from bot.settings import normalize_database_url

    admin_url = normalize_database_url(TEST_DATABASE_URL)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh empty database per test."""
    with fresh_database(tmp_path) as url:
        yield url


@dataclass
class Coalition:
    """Who is in the fake workspace. Channel and user ids are the fake's."""

    fake: FakeSlack
    coordinator: str
    admin: str
    members: list[str]
    external: str
    bot_member: str
    deactivated: str
    public: str
    private: str
    unjoined_public: str
    private_without_bot: str


def build_coalition(fake: FakeSlack) -> Coalition:
    coordinator = fake.add_user(
        name="cora",
        real_name="Cora Coordinator",
        email="cora@lead.org",
        title="Campaign Director",
        tz="America/Chicago",
    )["id"]
    admin = fake.add_user(name="ada", real_name="Ada Admin", email="ada@lead.org", is_admin=True)["id"]
    members = [
        fake.add_user(name=f"member{i}", real_name=f"Member {i}", email=f"m{i}@org{i}.org", title="Director")["id"]
        for i in range(4)
    ]
    guests = fake.add_team("T0GUEST", "Guest Org")
    del guests
    external = fake.add_user(name="guest", real_name="Gus Guest", team_id="T0GUEST", is_stranger=True)["id"]
    bot_member = fake.add_user(name="otherbot", is_bot=True)["id"]
    deactivated = fake.add_user(name="gone", deleted=True)["id"]
    everyone = [coordinator, admin, *members, external, bot_member, deactivated]
    public = fake.add_channel(name="coalition", members=everyone, is_ext_shared=True, shared_team_ids=["T0GUEST"])["id"]
    private = fake.add_channel(name="steering", is_private=True, members=[coordinator, admin, members[0]])["id"]
    unjoined = fake.add_channel(name="allies", members=[coordinator, members[1], members[2]], bot_is_member=False)["id"]
    hidden = fake.add_channel(name="leads-only", is_private=True, members=[coordinator], bot_is_member=False)["id"]
    return Coalition(
        fake, coordinator, admin, members, external, bot_member, deactivated, public, private, unjoined, hidden
    )


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    slack = FakeSlack(
        signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, app_token=APP_TOKEN, bot_scopes=manifest_bot_scopes()
    )
    slack.start()
    try:
        yield slack
    finally:
        slack.stop()


@pytest.fixture
def coalition(fake: FakeSlack) -> Coalition:
    return build_coalition(fake)


@dataclass
class RunningApp:
    process: AppProcess
    driver: SlackDriver
    fake: FakeSlack
    database_url: str


def start_app(
    fake: FakeSlack,
    database_url: str,
    coalition: Coalition | None = None,
    *,
    mode: str = "web",
    env: dict[str, str] | None = None,
    max_file_bytes: int | None = None,
) -> RunningApp:
    settings = {"SIGNON_COORDINATORS": coalition.coordinator} if coalition else {}
    settings.update(env or {})
    process = AppProcess(
        api_url=fake.api_url, database_url=database_url, mode=mode, env=settings, max_file_bytes=max_file_bytes
    ).start()
    driver = SlackDriver(fake, socket_mode=True) if mode == "socket" else SlackDriver(fake, process.url)
    return RunningApp(process, driver, fake, database_url)


def check_app_health(running: RunningApp) -> None:
    """After each test: Slack saw nothing it would reject, and no stack trace reached the log."""
    logs = running.process.logs()
    assert "Traceback" not in logs, logs[-4000:]
    running.fake.assert_no_violations()


@pytest.fixture
def app(fake: FakeSlack, coalition: Coalition, database_url: str) -> Iterator[RunningApp]:
    running = start_app(fake, database_url, coalition)
    try:
        yield running
        check_app_health(running)
    finally:
        running.process.stop()
