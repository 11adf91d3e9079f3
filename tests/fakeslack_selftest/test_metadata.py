"""Message metadata on chat.postMessage / chat.update (fakeslack/metadata.py, methods/chat.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.metadata import Metadata

from tests.fakeslack import FakeSlack

DELIVERY = {"event_type": "signon_delivery", "event_payload": {"delivery_id": "d-42", "attempt": 1}}


def api_error(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as info:
        call()
    return dict(info.value.response.data)


def test_json_body_metadata_is_stored_and_returned(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.add_channel(name="general")
    resp = client.chat_postMessage(channel=channel["id"], text="hi", metadata=Metadata(**DELIVERY))  # type: ignore[arg-type]
    assert fake.calls("chat.postMessage")[0].headers["content-type"].startswith("application/json")
    assert resp["message"]["metadata"] == DELIVERY
    assert fake.messages(channel["id"])[0]["metadata"] == DELIVERY


def test_form_body_metadata_is_a_json_string(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.add_channel(name="general")
    client.api_call("chat.postMessage", data={"channel": channel["id"], "text": "hi", "metadata": json.dumps(DELIVERY)})
    assert fake.calls("chat.postMessage")[0].headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert fake.messages(channel["id"])[0]["metadata"] == DELIVERY


@pytest.mark.parametrize(
    ("metadata", "error"),
    [
        ("{not json", "invalid_metadata_format"),
        ('["a list"]', "invalid_metadata_format"),
        ('"a string"', "invalid_metadata_format"),
        (json.dumps({"event_type": "x"}), "invalid_metadata_schema"),
        (json.dumps({"event_payload": {"a": 1}}), "invalid_metadata_schema"),
        (json.dumps({"event_type": "", "event_payload": {}}), "invalid_metadata_schema"),
        (json.dumps({"event_type": "x", "event_payload": "not an object"}), "invalid_metadata_schema"),
        (json.dumps({"event_type": 7, "event_payload": {}}), "invalid_metadata_schema"),
        (json.dumps({"event_type": "big", "event_payload": {"blob": "x" * 9000}}), "metadata_too_large"),
    ],
)
def test_malformed_metadata_is_refused_and_nothing_is_posted(
    fake: FakeSlack, client: WebClient, metadata: str, error: str
) -> None:
    channel = fake.add_channel(name="general")
    body = api_error(
        lambda: client.api_call("chat.postMessage", data={"channel": channel["id"], "text": "x", "metadata": metadata})
    )
    assert body["error"] == error
    assert fake.messages(channel["id"]) == []


def test_event_type_with_punctuation_is_a_warning_and_dropped(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.add_channel(name="general")
    resp = client.chat_postMessage(
        channel=channel["id"], text="hi", metadata={"event_type": "signon.delivery", "event_payload": {"a": 1}}
    )
    assert resp["ok"] and resp["warning"] == "invalid_metadata_schema"
    assert resp["response_metadata"]["warnings"] == ["invalid_metadata_schema"]
    assert "metadata" not in resp["message"]
    assert fake.messages(channel["id"])[0]["metadata"] is None


def test_size_limit_is_adjustable(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.add_channel(name="general")
    fake.metadata_max_bytes = 40
    assert api_error(lambda: client.chat_postMessage(channel=channel["id"], text="x", metadata=DELIVERY))["error"] == (
        "metadata_too_large"
    )


def test_user_tokens_cannot_send_metadata(fake: FakeSlack) -> None:
    channel = fake.add_channel(name="general")
    fake.add_token("xoxp-person", kind="user", scopes=["chat:write", "chat:write.public"])
    user_client = WebClient(token="xoxp-person", base_url=fake.api_url, timeout=5)
    body = api_error(lambda: user_client.chat_postMessage(channel=channel["id"], text="x", metadata=DELIVERY))
    assert body["error"] == "metadata_must_be_sent_from_app"


def test_empty_object_on_post_means_no_metadata(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.add_channel(name="general")
    resp = client.chat_postMessage(channel=channel["id"], text="x", metadata={})
    assert "metadata" not in resp["message"]


def test_update_keeps_replaces_or_clears_metadata(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.add_channel(name="general")
    ts = client.chat_postMessage(channel=channel["id"], text="v1", metadata=DELIVERY)["ts"]
    kept = client.chat_update(channel=channel["id"], ts=ts, text="v2")
    assert kept["message"]["metadata"] == DELIVERY  # omitted: "previous metadata will be retained"
    newer = {"event_type": "signon_delivery", "event_payload": {"delivery_id": "d-42", "attempt": 2}}
    assert client.chat_update(channel=channel["id"], ts=ts, text="v3", metadata=newer)["message"]["metadata"] == newer
    cleared = client.chat_update(channel=channel["id"], ts=ts, text="v4", metadata={})
    assert "metadata" not in cleared["message"]  # "To remove previous metadata, include an empty object"
    assert fake.message(channel["id"], ts)["metadata"] is None  # type: ignore[index]
    bad = api_error(lambda: client.chat_update(channel=channel["id"], ts=ts, text="v5", metadata={"event_type": "x"}))
    assert bad["error"] == "invalid_metadata_schema"
    assert fake.message(channel["id"], ts)["text"] == "v4"  # type: ignore[index]


def test_update_in_an_archived_channel_is_inactive(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.add_channel(name="general")
    ts = client.chat_postMessage(channel=channel["id"], text="v1")["ts"]
    fake.archive_channel(channel["id"])
    assert api_error(lambda: client.chat_update(channel=channel["id"], ts=ts, text="v2"))["error"] == "is_inactive"


def test_long_text_is_truncated_with_a_warning(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.add_channel(name="general")
    resp = client.chat_postMessage(channel=channel["id"], text="a" * 40_001)
    assert resp["warning"] == "message_truncated"
    assert len(fake.messages(channel["id"])[0]["text"]) == 40_000
    update = client.chat_update(channel=channel["id"], ts=resp["ts"], text="b" * 40_001)
    assert update["warning"] == "message_truncated"
