"""Fixtures of the public page's end-to-end tests: a local SMTP server, and the app started to send through it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Coalition, RunningApp, check_app_health, start_app
from tests.e2e.web_steps import Mailbox, smtp_env, smtp_server
from tests.fakeslack import FakeSlack


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def mail_app(fake: FakeSlack, coalition: Coalition, database_url: str, mailbox: Mailbox) -> Iterator[RunningApp]:
    running = start_app(fake, database_url, coalition, env=smtp_env(mailbox))
    try:
        yield running
        check_app_health(running)
    finally:
        running.process.stop()
