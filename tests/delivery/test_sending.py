"""Posting exactly once against the fake Slack: an answer lost after Slack posted, and a history lookup that
fails right then, never make a second message."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from bot.slack.retries import retry_handlers
from bot.slack.sending import Marker, NotSent, open_dm, send_once
from tests.fakeslack import FakeSlack
from tests.harness import BOT_TOKEN

MARKER = Marker("signon_test", "42")
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}]


def client_of(fake: FakeSlack) -> WebClient:
    return WebClient(
        token=BOT_TOKEN, base_url=fake.api_url, timeout=3, retry_handlers=retry_handlers(rate_limit_retries=0)
    )


def posts(fake: FakeSlack) -> int:
    return len([c for c in fake.calls("chat.postMessage") if c.processed])


def test_a_lost_answer_then_a_failing_lookup_is_looked_up_again_not_posted_again(fake: FakeSlack) -> None:
    person = fake.add_user(name="signer")["id"]
    client = client_of(fake)
    channel = open_dm(client, person)
    fake.inject("chat.postMessage", drop_response_after_processing=True, times=1)
    # More failures than the client's own retries of a read: the first lookup fails as a whole.
    fake.inject("conversations.history", status=500, times=3)
    sent = send_once(client, channel, "Hello", BLOCKS, MARKER, wait=lambda _: None)
    assert len(fake.dm_messages(person)) == 1
    assert posts(fake) == 1
    assert sent.ts == fake.dm_messages(person)[0]["ts"]


def test_a_retry_of_an_ambiguous_send_looks_before_it_posts(fake: FakeSlack) -> None:
    person = fake.add_user(name="signer")["id"]
    client = client_of(fake)
    channel = open_dm(client, person)
    fake.inject("chat.postMessage", status=500, processed=True, times=1)
    fake.inject("conversations.history", status=503, times=100)
    with pytest.raises(NotSent) as failed:
        send_once(client, channel, "Hello", BLOCKS, MARKER, budget_seconds=0.1, wait=lambda _: None)
    assert failed.value.transient
    fake.clear_faults()
    # The job tries again later; an earlier attempt failed, so it looks first and finds the message.
    sent = send_once(client, channel, "Hello", BLOCKS, MARKER, look_first=True, wait=lambda _: None)
    assert posts(fake) == 1 and len(fake.dm_messages(person)) == 1
    assert sent.ts == fake.dm_messages(person)[0]["ts"]


def test_looking_first_posts_when_the_message_is_not_there(fake: FakeSlack) -> None:
    person = fake.add_user(name="signer")["id"]
    client = client_of(fake)
    channel = open_dm(client, person)
    send_once(client, channel, "Hello", BLOCKS, MARKER, look_first=True, wait=lambda _: None)
    assert posts(fake) == 1 and len(fake.dm_messages(person)) == 1
    assert len(fake.calls("conversations.history")) == 1
