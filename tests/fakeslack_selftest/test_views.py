"""views.* through slack_sdk: triggers, stack, hash, external_id, state (slack-platform.md §2.3, §2.9, §2.11)."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakeslack import FakeSlack, SlackDriver

from .conftest import take_violations


def modal(callback_id: str = "signon", *, external_id: str | None = None, **extra: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": "Sign on"},
        "submit": {"type": "plain_text", "text": "Submit"},
        "blocks": [
            {
                "type": "input",
                "block_id": "org",
                "label": {"type": "plain_text", "text": "Organization"},
                "element": {"type": "plain_text_input", "action_id": "name"},
            }
        ],
    }
    if external_id:
        view["external_id"] = external_id
    view.update(extra)
    return view


def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as info:
        call()
    return str(info.value.response["error"])


@pytest.fixture
def alice(fake: FakeSlack) -> str:
    return str(fake.add_user(name="alice")["id"])


def test_open_returns_view_and_stores_stack(fake: FakeSlack, client: WebClient, alice: str) -> None:
    view = client.views_open(trigger_id=fake.issue_trigger(alice), view=modal(private_metadata="L1"))["view"]
    assert view["id"].startswith("V")
    assert view["root_view_id"] == view["id"]
    assert view["previous_view_id"] is None
    assert (view["team_id"], view["app_installed_team_id"]) == (fake.team_id, fake.team_id)
    assert (view["app_id"], view["bot_id"]) == (fake.app_id, fake.bot_id)
    assert view["state"] == {"values": {}}
    assert view["private_metadata"] == "L1"
    assert [v["id"] for v in fake.open_views(alice)] == [view["id"]]


def test_trigger_lifecycle(fake: FakeSlack, client: WebClient, alice: str) -> None:
    trigger = fake.issue_trigger(alice)
    client.views_open(trigger_id=trigger, view=modal())
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=modal())) == "exchanged_trigger_id"
    assert error_of(lambda: client.views_open(trigger_id="1.2.abc", view=modal())) == "invalid_trigger_id"
    late = fake.issue_trigger(alice)
    fake.advance(3.5)
    assert error_of(lambda: client.views_open(trigger_id=late, view=modal())) == "expired_trigger_id"
    in_time = fake.issue_trigger(alice)
    fake.advance(2.5)
    assert client.views_open(trigger_id=in_time, view=modal())["ok"]


def test_invalid_view_is_rejected_with_slack_messages(fake: FakeSlack, client: WebClient, alice: str) -> None:
    trigger = fake.issue_trigger(alice)
    bad = modal(title={"type": "plain_text", "text": "A title that is far too long"})
    with pytest.raises(SlackApiError) as info:
        client.views_open(trigger_id=trigger, view=bad)
    assert info.value.response["error"] == "invalid_arguments"
    assert info.value.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    assert take_violations(fake) == [
        "views.open: invalid view: [ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    no_submit = modal(submit=None)
    del no_submit["submit"]
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=no_submit)) == "invalid_arguments"
    take_violations(fake)
    huge = modal(blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2900}}] * 99)
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=huge)) == "view_too_large"
    take_violations(fake)


def test_push_stack_limit(fake: FakeSlack, client: WebClient, alice: str) -> None:
    assert error_of(lambda: client.views_push(trigger_id=fake.issue_trigger(alice), view=modal())) == "not_found"
    root = client.views_open(trigger_id=fake.issue_trigger(alice), view=modal("root"))["view"]
    second = client.views_push(trigger_id=fake.issue_trigger(alice, view_id=root["id"]), view=modal("two"))["view"]
    third = client.views_push(trigger_id=fake.issue_trigger(alice, view_id=second["id"]), view=modal("three"))["view"]
    assert (second["previous_view_id"], second["root_view_id"]) == (root["id"], root["id"])
    assert (third["previous_view_id"], third["root_view_id"]) == (second["id"], root["id"])
    fourth = fake.issue_trigger(alice, view_id=third["id"])
    assert error_of(lambda: client.views_push(trigger_id=fourth, view=modal("four"))) == "push_limit_reached"
    assert [v["callback_id"] for v in fake.open_views(alice)] == ["root", "two", "three"]


def test_update_by_id_external_id_and_hash(fake: FakeSlack, client: WebClient, alice: str) -> None:
    view = client.views_open(trigger_id=fake.issue_trigger(alice), view=modal(external_id="letter-1"))["view"]
    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=modal(private_metadata="p2"))["view"]
    assert updated["id"] == view["id"]
    assert updated["hash"] != view["hash"]
    assert error_of(lambda: client.views_update(view_id=view["id"], hash=view["hash"], view=modal())) == (
        "hash_conflict"
    )
    by_external = client.views_update(external_id="letter-1", view=modal(external_id="letter-1", private_metadata="p3"))
    assert by_external["view"]["id"] == view["id"]
    assert by_external["view"]["private_metadata"] == "p3"
    assert error_of(lambda: client.views_update(view_id="V404", view=modal())) == "not_found"
    assert error_of(lambda: client.views_update(external_id="nope", view=modal())) == "not_found"
    dup = fake.issue_trigger(fake.add_user(name="bob")["id"])
    assert error_of(lambda: client.views_open(trigger_id=dup, view=modal(external_id="letter-1"))) == (
        "duplicate_external_id"
    )


def test_update_keeps_input_of_unchanged_block_and_action_ids(fake: FakeSlack, client: WebClient, alice: str) -> None:
    driver = SlackDriver(fake, "http://127.0.0.1:9/unused")
    view = client.views_open(trigger_id=fake.issue_trigger(alice), view=modal())["view"]
    driver.fill(alice, {"org": {"name": "Friends of the Earth"}})
    kept = client.views_update(view_id=view["id"], view=modal(private_metadata="step2"))["view"]
    assert kept["state"]["values"] == {"org": {"name": {"type": "plain_text_input", "value": "Friends of the Earth"}}}
    renamed = modal()
    renamed["blocks"][0]["element"]["action_id"] = "org_name_v2"
    dropped = client.views_update(view_id=view["id"], view=renamed)["view"]
    assert dropped["state"]["values"] == {}


def test_closed_view_cannot_be_updated(fake: FakeSlack, client: WebClient, alice: str) -> None:
    driver = SlackDriver(fake, "http://127.0.0.1:9/unused")
    view = client.views_open(trigger_id=fake.issue_trigger(alice), view=modal())["view"]
    closed = driver.close_view(alice)
    assert closed.sent is False  # no notify_on_close: Slack sends nothing
    assert fake.open_views(alice) == []
    assert error_of(lambda: client.views_update(view_id=view["id"], view=modal())) == "not_found"


def test_publish_home(fake: FakeSlack, client: WebClient, alice: str) -> None:
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Letters"}}]}
    first = client.views_publish(user_id=alice, view=home)["view"]
    assert first["type"] == "home"
    second = client.views_publish(user_id=alice, view=home, hash=first["hash"])["view"]
    assert second["id"] == first["id"]
    assert error_of(lambda: client.views_publish(user_id=alice, view=home, hash=first["hash"])) == "hash_conflict"
    home_view = fake.home_view(alice)
    assert home_view is not None
    assert home_view["hash"] == second["hash"]
    assert error_of(lambda: client.views_publish(user_id=alice, view=modal())) == "invalid_arguments"
    take_violations(fake)
    assert error_of(lambda: client.views_publish(user_id="U404", view=home)) == "user_not_found"
    fake.home_tab_enabled = False
    assert error_of(lambda: client.views_publish(user_id=alice, view=home)) == "not_enabled"
