"""Fixtures for the fake's conformance tests: a started FakeSlack, a WebClient, a served Bolt app.

Every test ends with ``fake.violations`` empty unless it took the violations it provoked
(``take_violations``), so a silently recorded protocol breach fails the test that caused it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from tests.fakeslack import FakeSlack

SIGNING_SECRET = "selftest-signing-secret"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(signing_secret=SIGNING_SECRET) as instance:
        yield instance
        assert instance.violations == [], "unexpected Slack protocol violations"


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    """A plain slack_sdk client (default retry handlers: connection errors only)."""
    return WebClient(token=fake.bot_token, base_url=fake.api_url, timeout=5)


def take_violations(fake: FakeSlack) -> list[str]:
    """Return and clear the violations a test provoked on purpose."""
    taken = list(fake.violations)
    fake.violations.clear()
    return taken


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    block_on_close = False


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


@contextmanager
def serve_bolt(app: App) -> Iterator[str]:
    """Serve ``app`` with Bolt's WSGI adapter on an ephemeral loopback port; yield the events URL."""
    server = make_server(
        "127.0.0.1", 0, SlackRequestHandler(app), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def make_app(fake: FakeSlack) -> Callable[..., App]:
    """Build a Bolt App whose client points at the fake (auth.test runs at construction)."""

    def build(**kwargs: object) -> App:
        logging.getLogger("slack_bolt").setLevel(logging.CRITICAL)
        return App(
            client=WebClient(token=fake.bot_token, base_url=fake.api_url, timeout=5),
            signing_secret=SIGNING_SECRET,
            **kwargs,  # type: ignore[arg-type]
        )

    return build
