"""The driver's wire format and delivery rules, seen by a bare WSGI recorder (slack-platform.md §2, §7.3)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import make_server

import pytest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from tests.fakeslack import DriverError, FakeSlack, SlackDriver

from .conftest import SIGNING_SECRET, _QuietHandler, _ThreadingWSGIServer, take_violations

Answer = tuple[int, dict[str, str], bytes]


class Recorder:
    """A WSGI app that records requests and answers from a script (default: empty 200)."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.script: list[Answer | Callable[[], Answer]] = []
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        headers["content-type"] = environ.get("CONTENT_TYPE", "")
        with self.lock:
            self.requests.append((headers, body))
            step = self.script.pop(0) if self.script else (200, {}, b"")
        status, extra, payload = step() if callable(step) else step
        start_response(f"{status} X", list(extra.items()))
        return [payload]


@contextmanager
def recorder_url(recorder: Recorder) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, recorder, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def driver(fake: FakeSlack, recorder: Recorder) -> Iterator[SlackDriver]:
    with recorder_url(recorder) as url:
        yield SlackDriver(fake, url)


def verify(headers: dict[str, str], body: bytes) -> bool:
    verifier = SignatureVerifier(SIGNING_SECRET)
    return verifier.is_valid(body, headers["x-slack-request-timestamp"], headers["x-slack-signature"])


def test_wire_formats(fake: FakeSlack, driver: SlackDriver, recorder: Recorder) -> None:
    alice = fake.add_user(name="alice")["id"]
    driver.slash_command(alice, "/signon", "Friends & Allies 100%")
    driver.event({"type": "app_home_opened", "user": alice, "channel": fake.dm_channel_id(alice), "tab": "home"})
    (cmd_headers, cmd_body), (event_headers, event_body) = recorder.requests
    assert cmd_headers["content-type"] == "application/x-www-form-urlencoded"
    assert verify(cmd_headers, cmd_body) and verify(event_headers, event_body)
    assert b"command=%2Fsignon" in cmd_body and b"text=Friends+%26+Allies+100%25" in cmd_body
    assert parse_qs(cmd_body.decode())["text"] == ["Friends & Allies 100%"]
    assert event_headers["content-type"] == "application/json"
    envelope = json.loads(event_body)
    assert envelope["type"] == "event_callback" and envelope["event_id"].startswith("Ev")
    assert envelope["authorizations"][0]["team_id"] == fake.team_id
    assert "x-slack-retry-num" not in event_headers
    assert cmd_headers["user-agent"].startswith("Slackbot 1.0")


def test_interactive_payload_encoding_and_view_state(fake: FakeSlack, driver: SlackDriver, recorder: Recorder) -> None:
    alice = fake.add_user(name="alice")["id"]
    bob = fake.add_user(name="bob")["id"]
    view = {
        "type": "modal",
        "callback_id": "pick",
        "title": {"type": "plain_text", "text": "Pick"},
        "submit": {"type": "plain_text", "text": "OK"},
        "blocks": [
            {
                "type": "input",
                "block_id": "who",
                "label": {"type": "plain_text", "text": "Who"},
                "element": {"type": "multi_users_select", "action_id": "users"},
            },
            {
                "type": "input",
                "block_id": "when",
                "label": {"type": "plain_text", "text": "When"},
                "element": {"type": "datepicker", "action_id": "date", "initial_date": "2026-03-01"},
            },
            {
                "type": "actions",
                "block_id": "tools",
                "elements": [
                    {"type": "button", "action_id": "preview", "text": {"type": "plain_text", "text": "Preview"}},
                    {
                        "type": "checkboxes",
                        "action_id": "flags",
                        "options": [{"text": {"type": "mrkdwn", "text": "*public*"}, "value": "public"}],
                    },
                ],
            },
        ],
    }
    WebClient(token=fake.bot_token, base_url=fake.api_url).views_open(trigger_id=fake.issue_trigger(alice), view=view)
    with pytest.raises(DriverError, match="unknown user"):
        driver.fill(alice, {"who": {"users": ["U404"]}})
    driver.click(alice, "flags", ["public"])
    driver.click(alice, "preview", values={"who": {"users": [bob]}})
    driver.submit_view(alice, values={"when": {"date": "2026-04-02"}})
    payloads = [json.loads(parse_qs(body.decode())["payload"][0]) for _h, body in recorder.requests]
    flags, preview, submission = payloads
    assert flags["actions"][0]["selected_options"][0]["value"] == "public"
    assert flags["container"]["type"] == "view"
    assert preview["view"]["state"]["values"]["who"]["users"] == {"type": "multi_users_select", "selected_users": [bob]}
    assert preview["view"]["state"]["values"]["tools"]["flags"]["selected_options"][0]["value"] == "public"
    values = submission["view"]["state"]["values"]
    assert values["when"]["date"] == {"type": "datepicker", "selected_date": "2026-04-02"}
    assert values["who"]["users"]["selected_users"] == [bob]
    assert len({p["trigger_id"] for p in payloads}) == 3
    assert fake.open_views(alice) == []  # the empty 200 closed it


def test_event_auto_retry_and_no_retry(fake: FakeSlack, driver: SlackDriver, recorder: Recorder) -> None:
    recorder.script = [(500, {}, b"boom"), (500, {}, b"boom"), (200, {}, b"")]
    resp = driver.event({"type": "app_mention", "text": "hi"}, auto_retry=True)
    assert (resp.status, resp.retries) == (200, 2)
    retry_headers = [(h.get("x-slack-retry-num"), h.get("x-slack-retry-reason")) for h, _ in recorder.requests]
    assert retry_headers == [(None, None), ("1", "http_error"), ("2", "http_error")]
    assert len({json.loads(b)["event_id"] for _h, b in recorder.requests}) == 1
    recorder.requests.clear()
    recorder.script = [(500, {"X-Slack-No-Retry": "1"}, b"")]
    resp = driver.event({"type": "app_mention", "text": "hi"}, auto_retry=True)
    assert (resp.status, resp.retries, len(recorder.requests)) == (500, 0, 1)
    assert len(take_violations(fake)) == 3  # each failed delivery is a violation


def test_slow_answer_is_an_operation_timeout(fake: FakeSlack, recorder: Recorder) -> None:
    alice = fake.add_user(name="alice")["id"]

    def slow() -> Answer:
        time.sleep(0.4)
        return 200, {"Content-Type": "application/json"}, b'{"text": "late"}'

    recorder.script = [slow]
    with recorder_url(recorder) as url:
        resp = SlackDriver(fake, url, ack_timeout=0.2).slash_command(alice, "/signon")
    assert resp.timed_out and resp.status == 200
    assert fake.ephemerals(alice) == []  # Slack already showed an error; the late answer is dropped
    assert take_violations(fake)[0].startswith("operation_timeout")


def test_driver_refuses_what_slack_clients_cannot_do(fake: FakeSlack, driver: SlackDriver) -> None:
    alice = fake.add_user(name="alice")["id"]
    gone = fake.add_user(name="gone", deleted=True)["id"]
    private = fake.add_channel(name="private", is_private=True)["id"]
    with pytest.raises(DriverError, match="not a member"):
        driver.slash_command(alice, "/signon", channel_id=private)
    with pytest.raises(DriverError, match="deactivated"):
        driver.slash_command(gone, "/signon")
    with pytest.raises(DriverError, match="no open modal"):
        driver.submit_view(alice)
    with pytest.raises(DriverError, match="url_verification"):
        SlackDriver(fake, socket_mode=True).url_verification("x")


def test_event_envelope_for_slack_connect_and_other_installs(
    fake: FakeSlack, driver: SlackDriver, recorder: Recorder
) -> None:
    partner = fake.add_team("T0PARTNER", "Partner Org")["id"]
    guest = fake.add_user(name="guest", team_id=partner)["id"]
    shared = fake.add_channel(name="shared", members=[guest], is_ext_shared=True, shared_team_ids=[partner])["id"]
    driver.event({"type": "member_joined_channel", "user": guest, "channel": shared})
    envelope = json.loads(recorder.requests[-1][1])
    assert (envelope["team_id"], envelope["is_ext_shared_channel"]) == (partner, True)
    assert envelope["authorizations"][0]["team_id"] == fake.team_id  # the installed workspace
    button = {"type": "button", "action_id": "sign_on", "text": {"type": "plain_text", "text": "Sign"}}
    posted = WebClient(token=fake.bot_token, base_url=fake.api_url).chat_postMessage(
        channel=shared, text="Letter", blocks=[{"type": "actions", "elements": [button]}]
    )
    driver.click(guest, "sign_on", message=(shared, posted["ts"]))
    action = json.loads(parse_qs(recorder.requests[-1][1].decode())["payload"][0])
    assert (action["team"]["id"], action["user"]["team_id"]) == (fake.team_id, partner)
    other_token = fake.install_team(partner)
    other_bot = fake.bot_user_id_for(partner)
    assert other_bot and other_bot != fake.bot_user_id and other_token != fake.bot_token
    driver.event({"type": "member_joined_channel", "user": guest, "channel": shared})
    envelope = json.loads(recorder.requests[-1][1])
    assert envelope["authorizations"][0] == {
        "enterprise_id": None,
        "team_id": partner,
        "user_id": other_bot,
        "is_bot": True,
        "is_enterprise_install": False,
    }
    driver.slash_command(guest, "/signon")
    fields = parse_qs(recorder.requests[-1][1].decode())
    assert fields["team_id"] == [partner]
    assert fields["channel_id"] == [fake.dm_channel_id(guest)]
    assert fake.channel_members(fields["channel_id"][0]) == [other_bot, guest]
