"""429s, 5xx, resets and slowness against slack_sdk's retry handlers (slack-platform.md §1.2, §3, §7.4)."""

from __future__ import annotations

import time
import urllib.error
from http.client import RemoteDisconnected

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from tests.fakeslack import FakeSlack

QUICK = FixedValueRetryIntervalCalculator(fixed_internal=0.01)


def bare_client(fake: FakeSlack, *handlers: object) -> WebClient:
    return WebClient(token=fake.bot_token, base_url=fake.api_url, timeout=5, retry_handlers=list(handlers))  # type: ignore[arg-type]


def test_429_without_handler_exposes_status_and_retry_after(fake: FakeSlack) -> None:
    fake.inject("auth.test", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as info:
        bare_client(fake).auth_test()
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"
    assert info.value.response["error"] == "ratelimited"
    assert bare_client(fake).auth_test()["ok"]  # the fault was used up


@pytest.mark.timeout(10)
def test_rate_limit_retry_handler_retries_and_succeeds(fake: FakeSlack) -> None:
    channel = fake.add_channel(name="general")
    fake.inject("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    resp = bare_client(fake, RateLimitErrorRetryHandler(max_retry_count=1)).chat_postMessage(
        channel=channel["id"], text="hi"
    )
    assert resp["ok"]
    assert time.monotonic() - started >= 1.0  # it honoured Retry-After
    assert [c.status for c in fake.calls("chat.postMessage")] == [429, 200]
    assert len(fake.messages(channel["id"])) == 1


def test_server_errors(fake: FakeSlack) -> None:
    fake.inject("auth.test", status=500)
    with pytest.raises(SlackApiError) as info:
        bare_client(fake).auth_test()
    assert (info.value.response.status_code, info.value.response["error"]) == (500, "internal_error")
    fake.inject("auth.test", status=503)
    with pytest.raises(SlackApiError) as info:
        bare_client(fake).auth_test()
    assert info.value.response.status_code == 503
    assert "non-JSON" in info.value.response["error"]
    fake.inject("auth.test", status=503, times=2)
    resp = bare_client(fake, ServerErrorRetryHandler(max_retry_count=2, interval_calculator=QUICK)).auth_test()
    assert resp["ok"]
    assert [c.status for c in fake.calls("auth.test")][-3:] == [503, 503, 200]


def test_reset_connection(fake: FakeSlack) -> None:
    fake.inject("auth.test", reset_connection=True)
    with pytest.raises((ConnectionError, urllib.error.URLError, RemoteDisconnected)):
        bare_client(fake).auth_test()
    fake.inject("auth.test", reset_connection=True)
    assert bare_client(fake, ConnectionErrorRetryHandler(max_retry_count=1)).auth_test()["ok"]
    assert [c.status for c in fake.calls("auth.test")] == [0, 0, 200]


def test_error_only_fault_and_latency(fake: FakeSlack, client: WebClient) -> None:
    fake.inject("auth.test", error="fatal_error")
    with pytest.raises(SlackApiError) as info:
        client.auth_test()
    assert (info.value.response.status_code, info.value.response["error"]) == (200, "fatal_error")
    fake.set_latency("auth.test", 0.3)
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started >= 0.3
    fake.set_latency("auth.test", 0)
    with pytest.raises(ValueError, match="needs"):
        fake.inject("auth.test")


def test_tiers_per_team_and_method(fake: FakeSlack, client: WebClient) -> None:
    fake.clock.freeze()
    fake.rate_limits = True
    for _ in range(20):  # users.list is Tier 2: 20 per minute
        client.users_list()
    with pytest.raises(SlackApiError) as info:
        client.users_list()
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "3"  # 60 s / 20 requests
    assert client.users_info(user=fake.bot_user_id)["ok"]  # other methods have their own bucket
    fake.advance(3)
    assert client.users_list()["ok"]


def test_rate_limit_scale(fake: FakeSlack, client: WebClient) -> None:
    fake.clock.freeze()
    fake.rate_limits = True
    fake.rate_limit_scale = 2.0
    for _ in range(40):
        client.users_list()
    with pytest.raises(SlackApiError):
        client.users_list()


def test_post_message_per_channel_limit(fake: FakeSlack, client: WebClient) -> None:
    fake.clock.freeze()
    fake.rate_limits = True
    first = fake.add_channel(name="one")["id"]
    second = fake.add_channel(name="two")["id"]
    for _ in range(3):  # a short burst is allowed
        client.chat_postMessage(channel=first, text="x")
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel=first, text="x")
    assert info.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel=second, text="x")["ok"]
    fake.advance(1)
    assert client.chat_postMessage(channel=first, text="x")["ok"]
    assert len(fake.messages(first)) == 4


def test_set_rate_limit_without_tiers(fake: FakeSlack, client: WebClient) -> None:
    fake.clock.freeze()
    fake.set_rate_limit("auth.test", per_minute=6, burst=1)
    client.auth_test()
    with pytest.raises(SlackApiError) as info:
        client.auth_test()
    assert info.value.response.headers["Retry-After"] == "10"
    fake.set_rate_limit("auth.test", None)
    assert client.auth_test()["ok"]
