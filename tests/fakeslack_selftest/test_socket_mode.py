"""Bolt's built-in SocketModeHandler against the fake's WebSocket server (slack-platform.md §1.3, §2.12)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.fakeslack import FakeSlack, SlackDriver

pytestmark = pytest.mark.timeout(20)


@contextmanager
def socket_app(fake: FakeSlack, app: App) -> Iterator[tuple[SocketModeHandler, list[dict[str, Any]]]]:
    """Connect ``app`` through apps.connections.open; yield the handler and the frames it received."""
    handler = SocketModeHandler(app, fake.app_token, web_client=WebClient(base_url=fake.api_url), ping_interval=2)
    frames: list[dict[str, Any]] = []
    handler.client.on_message_listeners.append(lambda raw: frames.append(json.loads(raw)))
    handler.connect()  # type: ignore[no-untyped-call]
    try:
        yield handler, frames
    finally:
        # close() closes the socket at once but then joins a reader thread that sits in a blocking recv
        # for up to 3 s (slack_sdk's built-in client); let that finish in the background.
        threading.Thread(target=handler.close, daemon=True).start()


def command_app(make_app: Callable[..., App], calls: list[str], name: str = "app") -> App:
    app = make_app()

    @app.command("/signon")
    def command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        calls.append(name)
        if body["text"] == "help":
            ack("Usage: /signon")
            return
        ack()
        client.views_open(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "signon_modal",
                "title": {"type": "plain_text", "text": "Sign on"},
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}],
            },
        )

    return app


def test_handler_connects_receives_and_acks(fake: FakeSlack, make_app: Callable[..., App]) -> None:
    alice = fake.add_user(name="alice")["id"]
    calls: list[str] = []
    with socket_app(fake, command_app(make_app, calls)) as (_handler, frames):
        fake.wait_for_socket_connections(1)
        assert fake.calls("apps.connections.open")[0].headers["authorization"] == f"Bearer {fake.app_token}"
        driver = SlackDriver(fake, socket_mode=True)
        resp = driver.slash_command(alice, "/signon", "help")
        assert (resp.status, resp.json, resp.timed_out) == (200, {"text": "Usage: /signon"}, False)
        assert [e["text"] for e in fake.ephemerals(alice)] == ["Usage: /signon"]
        envelope = next(f for f in frames if f.get("type") == "slash_commands")
        assert envelope["envelope_id"] == resp.envelope_id
        assert envelope["accepts_response_payload"] is True
        assert envelope["payload"]["trigger_id"] == resp.trigger_id
        hello = frames[0]
        assert (hello["type"], hello["num_connections"], hello["connection_info"]) == (
            "hello",
            1,
            {"app_id": fake.app_id},
        )
        driver.slash_command(alice, "/signon")
        view = fake.wait_until(lambda: fake.top_view(alice))
        assert view["callback_id"] == "signon_modal"


def test_reconnects_after_disconnect_frame(fake: FakeSlack, make_app: Callable[..., App]) -> None:
    alice = fake.add_user(name="alice")["id"]
    calls: list[str] = []
    with socket_app(fake, command_app(make_app, calls)):
        fake.wait_for_socket_connections(1)
        assert fake.socket_disconnect("refresh_requested", close_after=0.2) == 1
        fake.wait_for("apps.connections.open", count=2)
        fake.wait_until(lambda: fake.socket_connections() == 1 and len(fake.calls("apps.connections.open")) == 2)
        resp = SlackDriver(fake, socket_mode=True).slash_command(alice, "/signon", "help")
        assert resp.json == {"text": "Usage: /signon"}
    fake.wait_until(lambda: fake.socket_connections() == 0)


def test_round_robin_over_connections(fake: FakeSlack, make_app: Callable[..., App]) -> None:
    alice = fake.add_user(name="alice")["id"]
    calls: list[str] = []
    with socket_app(fake, command_app(make_app, calls, "one")), socket_app(fake, command_app(make_app, calls, "two")):
        fake.wait_for_socket_connections(2)
        driver = SlackDriver(fake, socket_mode=True)
        for _ in range(4):
            assert driver.slash_command(alice, "/signon", "help").status == 200
    assert sorted(calls) == ["one", "one", "two", "two"]


def test_events_carry_retry_attempt(fake: FakeSlack, make_app: Callable[..., App]) -> None:
    alice = fake.add_user(name="alice")["id"]
    app = make_app()
    seen: list[Any] = []
    done = threading.Event()

    @app.event("app_home_opened")
    def home(request: BoltRequest) -> None:
        seen.append(request.headers.get("x-slack-retry-num"))
        done.set()

    with socket_app(fake, app) as (_handler, frames):
        fake.wait_for_socket_connections(1)
        resp = SlackDriver(fake, socket_mode=True).event(
            {"type": "app_home_opened", "user": alice, "channel": fake.dm_channel_id(alice), "tab": "home"},
            retry_num=2,
            retry_reason="timeout",
        )
        assert resp.status == 200 and resp.json is None
        assert done.wait(5)
        envelope = next(f for f in frames if f.get("type") == "events_api")
        assert (envelope["retry_attempt"], envelope["retry_reason"]) == (2, "timeout")
        assert envelope["accepts_response_payload"] is False
    assert seen == [["2"]]


def test_tickets_are_single_use(fake: FakeSlack, client: WebClient) -> None:
    url = WebClient(base_url=fake.api_url).apps_connections_open(app_token=fake.app_token)["url"]
    with connect(url, open_timeout=5) as ws:
        hello = json.loads(ws.recv(timeout=5))
        assert hello["type"] == "hello"
        assert ws.ping().wait(2)  # the server answers WebSocket pings
        with pytest.raises(InvalidStatus) as info:
            connect(url, open_timeout=5)
        assert info.value.response.status_code == 401
