"""response_url semantics with slack_sdk's WebhookClient (what Bolt's respond() uses; slack-platform.md §2.4)."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from tests.fakeslack import FakeSlack

from .conftest import take_violations


@pytest.fixture
def setup(fake: FakeSlack, client: WebClient) -> dict[str, Any]:
    alice = fake.add_user(name="alice")["id"]
    channel = fake.add_channel(name="coalition", members=[alice])["id"]
    posted = client.chat_postMessage(channel=channel, text="Letter v1")
    return {"alice": alice, "channel": channel, "ts": posted["ts"]}


def test_ephemeral_is_the_default(fake: FakeSlack, setup: dict[str, Any]) -> None:
    url = fake.issue_response_url(user_id=setup["alice"], channel_id=setup["channel"])
    resp = WebhookClient(url).send(text="Only you can see this")
    assert (resp.status_code, resp.body) == (200, "ok")
    assert [e["text"] for e in fake.ephemerals(setup["alice"])] == ["Only you can see this"]
    assert [m["text"] for m in fake.messages(setup["channel"])] == ["Letter v1"]
    assert fake.calls("response_url")[0].params == {"text": "Only you can see this"}


def test_in_channel_replace_and_delete(fake: FakeSlack, setup: dict[str, Any]) -> None:
    alice, channel, ts = setup["alice"], setup["channel"], setup["ts"]
    plain = WebhookClient(fake.issue_response_url(user_id=alice, channel_id=channel))
    plain.send(text="Everyone sees this", response_type="in_channel")
    assert [m["text"] for m in fake.messages(channel)] == ["Letter v1", "Everyone sees this"]
    original = WebhookClient(fake.issue_response_url(user_id=alice, channel_id=channel, message_ts=ts))
    original.send(text="Letter v2", replace_original=True)
    replaced = fake.message(channel, ts)
    assert replaced is not None
    assert (replaced["text"], replaced["history"][0]["text"]) == ("Letter v2", "Letter v1")
    original.send(delete_original=True)
    assert [m["text"] for m in fake.messages(channel)] == ["Everyone sees this"]


def test_ephemeral_original_can_be_replaced(fake: FakeSlack, client: WebClient, setup: dict[str, Any]) -> None:
    alice, channel = setup["alice"], setup["channel"]
    eph_ts = client.chat_postEphemeral(channel=channel, user=alice, text="Confirm?")["message_ts"]
    url = fake.issue_response_url(user_id=alice, channel_id=channel, message_ts=eph_ts, ephemeral=True)
    WebhookClient(url).send(text="Confirmed", replace_original=True)
    assert [e["text"] for e in fake.ephemerals(alice)] == ["Confirmed"]


def test_five_uses_and_thirty_minutes(fake: FakeSlack, setup: dict[str, Any]) -> None:
    hook = WebhookClient(fake.issue_response_url(user_id=setup["alice"], channel_id=setup["channel"]))
    for i in range(5):
        assert hook.send(text=f"reply {i}").status_code == 200
    sixth = hook.send(text="one too many")
    assert (sixth.status_code, sixth.body) == (404, "used_url")
    late = WebhookClient(fake.issue_response_url(user_id=setup["alice"], channel_id=setup["channel"]))
    fake.advance(30 * 60 + 1)
    expired = late.send(text="too late")
    assert (expired.status_code, expired.body) == (404, "expired_url")
    assert len(fake.ephemerals(setup["alice"])) == 5
    assert [v.split(":")[0] for v in take_violations(fake)] == ["response_url", "response_url"]


def test_invalid_blocks_are_rejected(fake: FakeSlack, setup: dict[str, Any]) -> None:
    hook = WebhookClient(fake.issue_response_url(user_id=setup["alice"], channel_id=setup["channel"]))
    resp = hook.send(text="x", blocks=[{"type": "header", "text": {"type": "mrkdwn", "text": "not allowed"}}])
    assert (resp.status_code, resp.body) == (400, "invalid_blocks")
    assert fake.ephemerals(setup["alice"]) == []
    assert "invalid_blocks" in take_violations(fake)[0]
