"""conversations.history / conversations.replies with slack_sdk's WebClient (fakeslack/methods/history.py)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakeslack import DEFAULT_BOT_SCOPES, FakeSlack

HISTORY_SCOPES = ("channels:history", "groups:history", "im:history", "mpim:history", "metadata.message:read")
DELIVERY = {"event_type": "signon_delivery", "event_payload": {"delivery_id": "d-42"}}


def api_error(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as info:
        call()
    return dict(info.value.response.data)


@pytest.fixture
def reader(fake: FakeSlack, client: WebClient) -> WebClient:
    """The bot token with the history scopes and metadata.message:read on top of the defaults."""
    fake.set_scopes(fake.bot_token, [*DEFAULT_BOT_SCOPES, *HISTORY_SCOPES])
    return client


def post_many(client: WebClient, channel_id: str, count: int) -> list[str]:
    return [client.chat_postMessage(channel=channel_id, text=f"m{i}")["ts"] for i in range(count)]


def test_newest_first_with_pagination(fake: FakeSlack, reader: WebClient) -> None:
    channel = fake.add_channel(name="general")
    stamps = post_many(reader, channel["id"], 5)
    first = reader.conversations_history(channel=channel["id"], limit=2)
    assert [m["ts"] for m in first["messages"]] == stamps[::-1][:2]
    assert first["has_more"] is True and first["pin_count"] == 0
    cursor = first["response_metadata"]["next_cursor"]
    assert base64.b64decode(cursor).decode().startswith("next_ts:")
    seen, last = [], None
    for page in reader.conversations_history(channel=channel["id"], limit=2):  # slack_sdk follows the cursor
        seen.extend(m["ts"] for m in page["messages"])
        last = dict(page.data)
    assert seen == stamps[::-1]
    assert last is not None and last["has_more"] is False and "response_metadata" not in last


def test_default_limit_is_100_and_max_999(fake: FakeSlack, reader: WebClient) -> None:
    channel = fake.add_channel(name="general")
    fake.clock.freeze()
    for i in range(120):
        fake.post_user_message(fake.bot_user_id, channel["id"], f"m{i}")
    assert len(reader.conversations_history(channel=channel["id"])["messages"]) == 100
    assert len(reader.conversations_history(channel=channel["id"], limit=5000)["messages"]) == 120
    assert api_error(lambda: reader.conversations_history(channel=channel["id"], limit="many"))["error"] == (  # type: ignore[arg-type]
        "invalid_arguments"
    )


def test_oldest_latest_inclusive(fake: FakeSlack, reader: WebClient) -> None:
    channel = fake.add_channel(name="general")
    a, b, c, d = post_many(reader, channel["id"], 4)
    window = reader.conversations_history(channel=channel["id"], oldest=a, latest=d)
    assert [m["ts"] for m in window["messages"]] == [c, b]
    assert window["latest"] == d
    inclusive = reader.conversations_history(channel=channel["id"], oldest=a, latest=d, inclusive=True)
    assert [m["ts"] for m in inclusive["messages"]] == [d, c, b, a]
    one = reader.conversations_history(channel=channel["id"], latest=b, inclusive=True, limit=1)
    assert [m["ts"] for m in one["messages"]] == [b]  # the documented way to fetch one message
    assert api_error(lambda: reader.conversations_history(channel=channel["id"], oldest="yesterday"))["error"] == (
        "invalid_ts_oldest"
    )
    assert api_error(lambda: reader.conversations_history(channel=channel["id"], latest="soon"))["error"] == (
        "invalid_ts_latest"
    )


def test_metadata_only_with_include_all_metadata(fake: FakeSlack, reader: WebClient) -> None:
    channel = fake.add_channel(name="general")
    reader.chat_postMessage(channel=channel["id"], text="with metadata", metadata=DELIVERY)
    plain = reader.conversations_history(channel=channel["id"])["messages"][0]
    assert "metadata" not in plain
    full = reader.conversations_history(channel=channel["id"], include_all_metadata=True)["messages"][0]
    assert full["metadata"] == DELIVERY
    assert fake.calls("conversations.history")[-1].params["include_all_metadata"] in ("1", "true")


def test_metadata_needs_the_metadata_read_scope(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.add_channel(name="general")
    fake.set_scopes(fake.bot_token, [*DEFAULT_BOT_SCOPES, "channels:history"])
    client.chat_postMessage(channel=channel["id"], text="with metadata", metadata=DELIVERY)
    message = client.conversations_history(channel=channel["id"], include_all_metadata=True)["messages"][0]
    assert "metadata" not in message
    fake.metadata_read_scope = None
    message = client.conversations_history(channel=channel["id"], include_all_metadata=True)["messages"][0]
    assert message["metadata"] == DELIVERY


def test_bot_finds_its_own_dm_by_metadata_after_a_crash(fake: FakeSlack, reader: WebClient) -> None:
    """The recovery path: post to U…, later open the DM and look for the delivery in its history."""
    ana = fake.add_user(name="ana")
    posted = reader.chat_postMessage(channel=ana["id"], text="Reminder", metadata=DELIVERY)
    assert posted["channel"].startswith("D")
    dm = reader.conversations_open(users=ana["id"])["channel"]["id"]
    assert dm == posted["channel"]
    history = reader.conversations_history(channel=dm, include_all_metadata=True, limit=50)
    found = [
        m
        for m in history["messages"]
        if m.get("bot_id") == fake.bot_id and m.get("metadata", {}).get("event_payload") == DELIVERY["event_payload"]
    ]
    assert [m["ts"] for m in found] == [posted["ts"]]


@pytest.mark.parametrize(
    ("kind", "needed"),
    [("public", "channels:history"), ("private", "groups:history"), ("im", "im:history"), ("mpim", "mpim:history")],
)
def test_history_scope_per_conversation_type(fake: FakeSlack, client: WebClient, kind: str, needed: str) -> None:
    ana, bea = fake.add_user(name="ana"), fake.add_user(name="bea")
    if kind == "im":
        channel_id = fake.dm_channel_id(ana["id"])
    elif kind == "mpim":
        channel_id = client.conversations_open(users=f"{ana['id']},{bea['id']}")["channel"]["id"]
    else:
        channel_id = fake.add_channel(name=kind, is_private=kind == "private")["id"]
    body = api_error(lambda: client.conversations_history(channel=channel_id))
    assert (body["error"], body["needed"]) == ("missing_scope", needed)
    fake.set_scopes(fake.bot_token, [*DEFAULT_BOT_SCOPES, needed])
    assert client.conversations_history(channel=channel_id)["ok"]


def test_history_visibility_errors(fake: FakeSlack, reader: WebClient) -> None:
    ana = fake.add_user(name="ana")
    public = fake.add_channel(name="outside", bot_is_member=False)
    private = fake.add_channel(name="secret", is_private=True, bot_is_member=False)
    assert api_error(lambda: reader.conversations_history(channel="C404"))["error"] == "channel_not_found"
    assert api_error(lambda: reader.conversations_history(channel=private["id"]))["error"] == "channel_not_found"
    assert api_error(lambda: reader.conversations_history(channel=ana["id"]))["error"] == "channel_not_found"
    assert api_error(lambda: reader.conversations_history(channel=public["id"]))["error"] == "not_in_channel"
    joined = fake.add_channel(name="joined")
    assert api_error(lambda: reader.conversations_history(channel=joined["id"], cursor="bm9wZQ=="))["error"] == (
        "invalid_cursor"
    )


def test_archived_channels_stay_readable_and_deleted_messages_vanish(fake: FakeSlack, reader: WebClient) -> None:
    channel = fake.add_channel(name="general")
    keep, drop = post_many(reader, channel["id"], 2)
    reader.chat_delete(channel=channel["id"], ts=drop)
    fake.archive_channel(channel["id"])
    assert [m["ts"] for m in reader.conversations_history(channel=channel["id"])["messages"]] == [keep]


def test_threads_history_shows_parents_replies_shows_the_thread(fake: FakeSlack, reader: WebClient) -> None:
    ana = fake.add_user(name="ana")
    channel = fake.add_channel(name="general", members=[ana["id"]])
    parent = reader.chat_postMessage(channel=channel["id"], text="letter")["ts"]
    reply = reader.chat_postMessage(channel=channel["id"], text="first reply", thread_ts=parent)["ts"]
    broadcast = reader.chat_postMessage(channel=channel["id"], text="loud", thread_ts=parent, reply_broadcast=True)
    history = reader.conversations_history(channel=channel["id"])["messages"]
    assert [m["ts"] for m in history] == [broadcast["ts"], parent]
    assert history[0]["subtype"] == "thread_broadcast"
    assert (history[1]["reply_count"], history[1]["latest_reply"]) == (2, broadcast["ts"])
    thread = reader.conversations_replies(channel=channel["id"], ts=parent)
    assert [m["ts"] for m in thread["messages"]] == [parent, reply, broadcast["ts"]]
    assert thread["messages"][1]["parent_user_id"] == fake.bot_user_id
    assert reader.conversations_replies(channel=channel["id"], ts=reply)["messages"][0]["ts"] == parent
    paged = [
        m["ts"]
        for page in reader.conversations_replies(channel=channel["id"], ts=parent, limit=2)
        for m in page["messages"]
    ]
    assert paged == [parent, reply, broadcast["ts"]]
    lone = reader.chat_postMessage(channel=channel["id"], text="alone")["ts"]
    assert [m["ts"] for m in reader.conversations_replies(channel=channel["id"], ts=lone)["messages"]] == [lone]
    assert api_error(lambda: reader.conversations_replies(channel=channel["id"], ts="1.000001"))["error"] == (
        "thread_not_found"
    )


def test_history_counts_as_tier_3(fake: FakeSlack, reader: WebClient) -> None:
    channel = fake.add_channel(name="general")
    fake.rate_limits = True
    fake.clock.freeze()
    outcomes = []
    for _ in range(51):
        try:
            reader.conversations_history(channel=channel["id"])
            outcomes.append(200)
        except SlackApiError as exc:
            outcomes.append(exc.response.status_code)
    assert outcomes.count(200) == 50 and outcomes[-1] == 429
