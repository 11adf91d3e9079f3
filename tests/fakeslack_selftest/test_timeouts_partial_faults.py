"""Client timeouts and faults before/after processing: the "did it arrive?" ambiguity (fakeslack/faults.py).

Slack processes a request it received even when the client stopped waiting, and documents that an
``internal_error``/``fatal_error`` may come after "some aspect of the operation succeeded". These tests
pin down which faults change the workspace and which do not, with the real slack_sdk clients.
"""

from __future__ import annotations

import time
import urllib.error
from http.client import RemoteDisconnected

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from tests.fakeslack import FakeSlack

CONNECTION_ERRORS = (ConnectionError, urllib.error.URLError, RemoteDisconnected, TimeoutError)


def impatient_client(fake: FakeSlack, timeout: float = 0.3) -> WebClient:
    """No retry handlers: every failure reaches the test exactly once."""
    return WebClient(token=fake.bot_token, base_url=fake.api_url, timeout=timeout, retry_handlers=[])


@pytest.mark.timeout(10)
def test_client_timeout_during_delay_still_posts_and_server_stays_quiet(
    fake: FakeSlack, capfd: pytest.CaptureFixture[str]
) -> None:
    channel = fake.add_channel(name="general")
    fake.inject("chat.postMessage", delay=0.8)
    with pytest.raises(CONNECTION_ERRORS):
        impatient_client(fake).chat_postMessage(channel=channel["id"], text="did it arrive?")
    # The request reached Slack: it is processed once the delay is over, with nobody listening.
    posted = fake.wait_until(lambda: fake.messages(channel["id"]), timeout=3)
    assert [m["text"] for m in posted] == ["did it arrive?"]
    call = fake.wait_for("chat.postMessage")[0]
    assert call.processed and call.response and call.response["ok"]
    time.sleep(0.3)  # let the server try to write to the closed socket
    assert capfd.readouterr().err == ""
    assert impatient_client(fake, timeout=5).auth_test()["ok"]  # the server is still serving


@pytest.mark.timeout(10)
def test_response_delay_processes_before_the_client_times_out(fake: FakeSlack) -> None:
    channel = fake.add_channel(name="general")
    fake.inject("chat.postMessage", response_delay=1.0)
    with pytest.raises(CONNECTION_ERRORS):
        impatient_client(fake).chat_postMessage(channel=channel["id"], text="held answer")
    # No waiting needed: the message was posted before the answer was held back.
    assert [m["text"] for m in fake.messages(channel["id"])] == ["held answer"]
    assert fake.calls("chat.postMessage")[0].processed


@pytest.mark.timeout(10)
def test_response_delay_also_holds_a_fault_that_replaced_the_call(fake: FakeSlack) -> None:
    fake.inject("auth.test", status=500, response_delay=0.5)
    with pytest.raises(CONNECTION_ERRORS):
        impatient_client(fake, timeout=0.2).auth_test()
    assert fake.calls("auth.test")[0].processed is False


def test_drop_response_after_processing_leaves_the_message_and_no_answer(fake: FakeSlack) -> None:
    channel = fake.add_channel(name="general")
    fake.inject("chat.postMessage", drop_response_after_processing=True)
    with pytest.raises(CONNECTION_ERRORS):
        impatient_client(fake).chat_postMessage(channel=channel["id"], text="lost answer")
    [message] = fake.messages(channel["id"])
    [call] = fake.calls("chat.postMessage")
    assert (call.processed, call.answered, call.status) == (True, False, 0)
    assert call.processed_response is not None and call.processed_response["ts"] == message["ts"]


def test_default_retry_handler_posts_twice_after_a_lost_answer(fake: FakeSlack) -> None:
    """slack_sdk retries connection errors by default: a lost answer becomes a duplicate post."""
    channel = fake.add_channel(name="general")
    fake.inject("chat.postMessage", drop_response_after_processing=True)
    client = WebClient(token=fake.bot_token, base_url=fake.api_url, timeout=5)  # default handlers
    assert client.chat_postMessage(channel=channel["id"], text="once?")["ok"]
    assert [m["text"] for m in fake.messages(channel["id"])] == ["once?", "once?"]


def test_reset_before_processing_changes_nothing(fake: FakeSlack) -> None:
    channel = fake.add_channel(name="general")
    fake.inject("chat.postMessage", reset_connection=True)
    with pytest.raises(CONNECTION_ERRORS):
        impatient_client(fake).chat_postMessage(channel=channel["id"], text="never")
    assert fake.messages(channel["id"]) == []
    [call] = fake.calls("chat.postMessage")
    assert (call.processed, call.answered) == (False, False)


def test_internal_error_after_processing(fake: FakeSlack) -> None:
    channel = fake.add_channel(name="general")
    fake.inject("chat.postMessage", status=500, processed=True)
    with pytest.raises(SlackApiError) as info:
        impatient_client(fake).chat_postMessage(channel=channel["id"], text="posted anyway")
    assert (info.value.response.status_code, info.value.response["error"]) == (500, "internal_error")
    [message] = fake.messages(channel["id"])
    assert fake.calls("chat.postMessage")[0].processed_response["ts"] == message["ts"]  # type: ignore[index]


def test_response_url_error_after_processing(fake: FakeSlack) -> None:
    user = fake.add_user(name="ana")
    channel = fake.add_channel(name="general", members=[user["id"]])
    url = fake.issue_response_url(user_id=user["id"], channel_id=channel["id"])
    fake.inject("response_url", status=500, processed=True)
    resp = WebhookClient(url, timeout=5).send(text="shown", response_type="in_channel")
    assert resp.status_code == 500
    assert [m["text"] for m in fake.messages(channel["id"])] == ["shown"]


def test_after_fails_page_two_of_a_listing(fake: FakeSlack) -> None:
    members = [fake.add_user(name=f"m{i}")["id"] for i in range(5)]
    channel = fake.add_channel(name="big", members=members)
    fake.inject("conversations.members", status=500, after=1)
    client = impatient_client(fake, timeout=5)
    first = client.conversations_members(channel=channel["id"], limit=2)
    cursor = first["response_metadata"]["next_cursor"]
    with pytest.raises(SlackApiError) as info:
        client.conversations_members(channel=channel["id"], limit=2, cursor=cursor)
    assert info.value.response.status_code == 500
    second = client.conversations_members(channel=channel["id"], limit=2, cursor=cursor)  # a retry works
    assert second["members"] == [*members, fake.bot_user_id][2:4]
    assert [c.status for c in fake.calls("conversations.members")] == [200, 500, 200]


def test_pending_faults_count_calls_independently(fake: FakeSlack) -> None:
    fake.inject("auth.test", error="fatal_error", after=2)
    fake.inject("auth.test", status=500)
    client = impatient_client(fake, timeout=5)
    outcomes = []
    for _ in range(4):
        try:
            client.auth_test()
            outcomes.append("ok")
        except SlackApiError as exc:
            outcomes.append(exc.response["error"])
    assert outcomes == ["internal_error", "ok", "fatal_error", "ok"]
    assert fake.faults.pending() == 0


def test_inject_rejects_meaningless_combinations(fake: FakeSlack) -> None:
    with pytest.raises(ValueError, match="processed"):
        fake.inject("chat.postMessage", processed=True)
    with pytest.raises(ValueError, match="after"):
        fake.inject("chat.postMessage", status=500, after=-1)
