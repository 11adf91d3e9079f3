"""A minimal Bolt app served over WSGI receives what the driver sends (slack-platform.md §1.4, §2, §7.3)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltContext, BoltRequest, Respond
from slack_sdk import WebClient

from tests.fakeslack import DriverError, FakeSlack, SlackDriver

from .conftest import serve_bolt, take_violations


def signon_modal(**extra: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": "signon_modal",
        "title": {"type": "plain_text", "text": "Sign on"},
        "submit": {"type": "plain_text", "text": "Sign"},
        "notify_on_close": True,
        "blocks": [
            {
                "type": "input",
                "block_id": "org",
                "label": {"type": "plain_text", "text": "Organization"},
                "element": {"type": "plain_text_input", "action_id": "name", "max_length": 100},
            },
            {
                "type": "input",
                "block_id": "kind",
                "label": {"type": "plain_text", "text": "Kind"},
                "element": {
                    "type": "static_select",
                    "action_id": "pick",
                    "initial_option": {"text": {"type": "plain_text", "text": "NGO"}, "value": "ngo"},
                    "options": [
                        {"text": {"type": "plain_text", "text": "NGO"}, "value": "ngo"},
                        {"text": {"type": "plain_text", "text": "Union"}, "value": "union"},
                    ],
                },
            },
            {
                "type": "input",
                "block_id": "note",
                "optional": True,
                "label": {"type": "plain_text", "text": "Note"},
                "element": {"type": "plain_text_input", "action_id": "text"},
            },
        ],
    }
    view.update(extra)
    return view


def second_view() -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "second",
        "title": {"type": "plain_text", "text": "More"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Thanks"}}],
    }


class Seen:
    """What the app's listeners observed."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Any]] = []
        self.lock = threading.Lock()

    def add(self, kind: str, value: Any) -> None:
        with self.lock:
            self.items.append((kind, value))

    def of(self, kind: str) -> list[Any]:
        with self.lock:
            return [v for k, v in self.items if k == kind]


def build_app(make_app: Callable[..., App], seen: Seen, **kwargs: Any) -> App:
    app = make_app(**kwargs)

    @app.command("/signon")
    def command(ack: Ack, body: dict[str, Any], client: WebClient, command: dict[str, Any]) -> None:
        seen.add("command", body)
        if command["text"] == "help":
            ack("Usage: /signon [letter]")
        elif command["text"] == "announce":
            ack(response_type="in_channel", text="A new letter is open")
        elif command["text"] == "slow":
            time.sleep(0.8)
            ack()
        else:
            ack()
            client.views_open(trigger_id=body["trigger_id"], view=signon_modal())

    @app.view("signon_modal")
    def submit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
        seen.add("submission", view)
        seen.add("context_team", context.team_id)
        name = view["state"]["values"]["org"]["name"]["value"]
        if name == "bad":
            ack(response_action="errors", errors={"org": "Unknown organization"})
        elif name == "wrongkey":
            ack(response_action="errors", errors={"not_an_input": "x"})
        elif name == "more":
            ack(response_action="push", view=second_view())
        elif name == "rename":
            ack(response_action="update", view=signon_modal(private_metadata="renamed"))
        elif name == "clear":
            ack(response_action="clear")
        else:
            ack()

    @app.view_closed("signon_modal")
    def closed(ack: Ack, body: dict[str, Any]) -> None:
        seen.add("closed", body)
        ack()

    @app.action("approve")
    def approve(ack: Ack, respond: Respond, body: dict[str, Any]) -> None:
        ack()
        seen.add("action", body)
        respond(text="Approved", replace_original=True)

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient, request: BoltRequest) -> None:
        seen.add("home_retry", request.headers.get("x-slack-retry-num"))
        client.views_publish(
            user_id=event["user"],
            view={"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}]},
        )

    return app


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def driver(fake: FakeSlack, make_app: Callable[..., App], seen: Seen) -> Iterator[SlackDriver]:
    with serve_bolt(build_app(make_app, seen)) as url:
        yield SlackDriver(fake, url)


@pytest.fixture
def alice(fake: FakeSlack) -> str:
    return str(fake.add_user(name="alice", real_name="Alice Doe")["id"])


def test_slash_command_fields_and_ack_text(fake: FakeSlack, driver: SlackDriver, seen: Seen, alice: str) -> None:
    channel = fake.add_channel(name="coalition", members=[alice])
    resp = driver.slash_command(alice, "/signon", "help", channel_id=channel["id"])
    assert resp.status == 200 and not resp.timed_out
    (body,) = seen.of("command")
    expected = {
        "token": fake.verification_token,
        "team_id": fake.team_id,
        "team_domain": "homecoalition",
        "channel_id": channel["id"],
        "channel_name": "coalition",
        "user_id": alice,
        "user_name": "alice",
        "command": "/signon",
        "text": "help",
        "api_app_id": fake.app_id,
        "is_enterprise_install": "false",
        "response_url": resp.response_url,
        "trigger_id": resp.trigger_id,
    }
    assert body == expected
    assert resp.trigger_id and resp.trigger_id.count(".") == 2
    (eph,) = fake.ephemerals(alice)
    assert (eph["text"], eph["channel"], eph["source"]) == ("Usage: /signon [letter]", channel["id"], "command_ack")


def test_in_channel_ack_posts_visibly(fake: FakeSlack, driver: SlackDriver, alice: str) -> None:
    channel = fake.add_channel(name="coalition", members=[alice], bot_is_member=False)
    driver.slash_command(alice, "/signon", "announce", channel_id=channel["id"])
    assert [m["text"] for m in fake.messages(channel["id"])] == ["A new letter is open"]
    assert fake.ephemerals(alice) == []


def test_default_channel_is_the_app_dm(fake: FakeSlack, driver: SlackDriver, seen: Seen, alice: str) -> None:
    driver.slash_command(alice, "/signon", "help")
    (body,) = seen.of("command")
    assert body["channel_id"] == fake.dm_channel_id(alice)
    assert body["channel_name"] == "directmessage"


def test_modal_round_trip(fake: FakeSlack, driver: SlackDriver, seen: Seen, alice: str) -> None:
    driver.slash_command(alice, "/signon")
    fake.wait_for("views.open")
    view = fake.wait_until(lambda: fake.top_view(alice))
    assert view["callback_id"] == "signon_modal"

    with pytest.raises(DriverError, match="required"):
        driver.submit_view(alice)  # 'org' is required and empty: Slack's client would not submit
    with pytest.raises(DriverError, match="not a input block/action"):
        driver.submit_view(alice, values={"nope": {"name": "x"}})
    with pytest.raises(DriverError, match="not one of the element's options"):
        driver.submit_view(alice, values={"org": {"name": "x"}, "kind": {"pick": "church"}})

    errors = driver.submit_view(alice, values={"org": {"name": "bad"}})
    assert errors.errors == {"org": "Unknown organization"}
    assert errors.view is not None and errors.view["id"] == view["id"]

    done = driver.submit_view(alice, values={"org": {"name": "Friends of the Earth"}})
    assert done.status == 200 and done.view is None
    assert fake.open_views(alice) == []
    values = seen.of("submission")[-1]["state"]["values"]
    assert values["org"]["name"] == {"type": "plain_text_input", "value": "Friends of the Earth"}
    assert values["kind"]["pick"]["selected_option"]["value"] == "ngo"  # initial_option prefilled
    assert values["note"]["text"] == {"type": "plain_text_input", "value": None}
    assert seen.of("context_team")[-1] == fake.team_id


def test_response_actions(fake: FakeSlack, driver: SlackDriver, alice: str) -> None:
    driver.slash_command(alice, "/signon")
    root = fake.wait_until(lambda: fake.top_view(alice))
    renamed = driver.submit_view(alice, values={"org": {"name": "rename"}})
    assert renamed.view is not None
    assert (renamed.view["id"], renamed.view["private_metadata"]) == (root["id"], "renamed")
    assert renamed.view["state"]["values"]["org"]["name"]["value"] == "rename"  # input kept on update
    pushed = driver.submit_view(alice, values={"org": {"name": "more"}})
    assert pushed.view is not None
    assert (pushed.view["callback_id"], pushed.view["previous_view_id"]) == ("second", root["id"])
    assert len(fake.open_views(alice)) == 2
    with pytest.raises(DriverError, match="no submit button"):
        driver.submit_view(alice)
    assert driver.close_view(alice).sent is False  # Back from the pushed view; it has no notify_on_close
    driver.submit_view(alice, values={"org": {"name": "clear"}})
    assert fake.open_views(alice) == []


def test_errors_must_name_input_blocks(fake: FakeSlack, driver: SlackDriver, alice: str) -> None:
    driver.slash_command(alice, "/signon")
    fake.wait_until(lambda: fake.top_view(alice))
    resp = driver.submit_view(alice, values={"org": {"name": "wrongkey"}})
    assert resp.errors == {"not_an_input": "x"}
    (violation,) = take_violations(fake)
    assert "'not_an_input' is not an input block_id" in violation


def test_view_closed_notification(fake: FakeSlack, driver: SlackDriver, seen: Seen, alice: str) -> None:
    driver.slash_command(alice, "/signon")
    fake.wait_until(lambda: fake.top_view(alice))
    resp = driver.close_view(alice)
    assert resp.sent and resp.status == 200
    (body,) = seen.of("closed")
    assert (body["type"], body["is_cleared"], body["view"]["callback_id"]) == ("view_closed", False, "signon_modal")


def test_block_action_and_respond_replace_original(
    fake: FakeSlack, driver: SlackDriver, client: WebClient, seen: Seen, alice: str
) -> None:
    channel = fake.add_channel(name="coalition", members=[alice])
    posted = client.chat_postMessage(
        channel=channel["id"],
        text="Approve?",
        blocks=[
            {
                "type": "actions",
                "block_id": "decide",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "approve",
                        "value": "L1",
                        "text": {"type": "plain_text", "text": "OK"},
                    }
                ],
            }
        ],
    )
    resp = driver.click(alice, "approve", message=(channel["id"], posted["ts"]))
    assert resp.status == 200
    (body,) = seen.of("action")
    assert body["container"] == {
        "type": "message",
        "message_ts": posted["ts"],
        "channel_id": channel["id"],
        "is_ephemeral": False,
    }
    assert body["actions"][0]["value"] == "L1"
    assert body["message"]["ts"] == posted["ts"]
    assert body["response_url"] == resp.response_url
    fake.wait_for("response_url")
    stored = fake.message(channel["id"], posted["ts"])
    assert stored is not None
    assert (stored["text"], stored["blocks"]) == ("Approved", None)
    with pytest.raises(DriverError, match="no element"):
        driver.click(alice, "missing", message=(channel["id"], posted["ts"]))


def test_signature_checks(fake: FakeSlack, driver: SlackDriver) -> None:
    body = "token=x&team_id=T0HOME&user_id=U1&command=%2Fsignon&text=help"
    assert driver.send_raw(body, signature="v0=" + "0" * 64).status == 401
    assert driver.send_raw(body, timestamp=int(time.time()) - 600).status == 401
    assert driver.send_raw(body).status != 401


def test_url_verification(driver: SlackDriver) -> None:
    resp = driver.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    assert resp.json == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_ack_deadline(fake: FakeSlack, make_app: Callable[..., App], seen: Seen, alice: str) -> None:
    with serve_bolt(build_app(make_app, seen, process_before_response=True)) as url:
        resp = SlackDriver(fake, url, ack_timeout=0.5).slash_command(alice, "/signon", "slow")
    assert resp.timed_out and resp.elapsed > 0.5
    (violation,) = take_violations(fake)
    assert violation.startswith("operation_timeout: slash command /signon")


def test_unhandled_request_is_a_violation(fake: FakeSlack, driver: SlackDriver, alice: str) -> None:
    resp = driver.event({"type": "member_joined_channel", "user": alice, "channel": "C1"})
    assert resp.status == 404
    assert "event member_joined_channel: the app answered HTTP 404" in take_violations(fake)[0]


def test_app_home_opened_and_retry_headers(fake: FakeSlack, driver: SlackDriver, seen: Seen, alice: str) -> None:
    resp = driver.app_home_opened(alice)
    assert resp.status == 200
    event = resp.payload["event"]
    assert (event["type"], event["user"], event["channel"], event["tab"]) == (
        "app_home_opened",
        alice,
        fake.dm_channel_id(alice),
        "home",
    )
    assert resp.payload["authorizations"][0]["user_id"] == fake.bot_user_id
    home = fake.wait_until(lambda: fake.home_view(alice))
    assert home["blocks"][0]["text"]["text"] == "Hi"
    driver.event(resp.payload["event"], retry_num=1, retry_reason="http_timeout")
    fake.wait_until(lambda: len(seen.of("home_retry")) == 2)
    assert seen.of("home_retry") == [None, ["1"]]


def test_slack_connect_submission_uses_installed_team(fake: FakeSlack, driver: SlackDriver, seen: Seen) -> None:
    partner = fake.add_team("T0PARTNER", "Partner Org")
    guest = fake.add_user(name="guest", team_id=partner["id"])["id"]
    shared = fake.add_channel(name="shared", members=[guest], is_ext_shared=True, shared_team_ids=[partner["id"]])
    driver.slash_command(guest, "/signon", channel_id=shared["id"])
    command = seen.of("command")[0]
    assert (command["team_id"], command["user_id"]) == (fake.team_id, guest)  # the installed workspace
    view = fake.wait_until(lambda: fake.top_view(guest))
    assert (view["team_id"], view["app_installed_team_id"]) == (partner["id"], fake.team_id)
    driver.submit_view(guest, values={"org": {"name": "Partner Org"}})
    submission = seen.of("submission")[0]
    assert submission["app_installed_team_id"] == fake.team_id
    assert seen.of("context_team") == [fake.team_id]
