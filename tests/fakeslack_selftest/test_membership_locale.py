"""Private channels and membership changes (conversations.info/members, driver member events) and
users.info / users.list locales, against slack_sdk's WebClient and a recording app."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakeslack import DEFAULT_BOT_SCOPES, DriverError, FakeSlack, SlackDriver

from .test_driver import Recorder, recorder_url


def api_error(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as info:
        call()
    return dict(info.value.response.data)


def test_private_channel_is_invisible_until_the_bot_is_in_it(fake: FakeSlack, client: WebClient) -> None:
    ana = fake.add_user(name="ana")
    secret = fake.add_channel(name="secret", is_private=True, members=[ana["id"]], bot_is_member=False)
    for call in (client.conversations_info, client.conversations_members):
        assert api_error(lambda call=call: call(channel=secret["id"]))["error"] == "channel_not_found"  # type: ignore[misc]
    fake.add_members(secret["id"], fake.bot_user_id)
    info = client.conversations_info(channel=secret["id"])["channel"]
    assert (info["is_private"], info["is_member"], info["is_channel"], info["is_group"]) == (True, True, False, True)
    assert client.conversations_members(channel=secret["id"])["members"] == [ana["id"], fake.bot_user_id]
    fake.remove_members(secret["id"], fake.bot_user_id)
    assert api_error(lambda: client.conversations_info(channel=secret["id"]))["error"] == "channel_not_found"


def test_public_channel_membership_is_reflected(fake: FakeSlack, client: WebClient) -> None:
    ana, bea = fake.add_user(name="ana"), fake.add_user(name="bea")
    public = fake.add_channel(name="open", members=[ana["id"]], bot_is_member=False)
    info = client.conversations_info(channel=public["id"], include_num_members=True)["channel"]
    assert (info["is_member"], info["num_members"]) == (False, 1)
    fake.add_members(public["id"], bea["id"])
    fake.remove_members(public["id"], ana["id"])
    assert client.conversations_members(channel=public["id"])["members"] == [bea["id"]]


def test_members_limit_max_1000_and_invalid_limit(fake: FakeSlack, client: WebClient) -> None:
    users = [fake.add_user(name=f"m{i}")["id"] for i in range(1005)]
    channel = fake.add_channel(name="huge", members=users)
    assert len(client.conversations_members(channel=channel["id"], limit=5000)["members"]) == 1000
    assert len(client.conversations_members(channel=channel["id"])["members"]) == 100
    for bad in ("many", -1):
        assert api_error(lambda bad=bad: client.conversations_members(channel=channel["id"], limit=bad))["error"] == (  # type: ignore[misc]
            "invalid_limit"
        )


# -- member_joined_channel / member_left_channel ------------------------------------------------------


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def events(recorder: Recorder) -> list[dict[str, Any]]:
    return [json.loads(body)["event"] for _, body in recorder.requests]


def test_bot_invited_to_a_private_channel(fake: FakeSlack, client: WebClient, recorder: Recorder) -> None:
    ana = fake.add_user(name="ana")
    secret = fake.add_channel(name="secret", is_private=True, members=[ana["id"]], bot_is_member=False)
    with recorder_url(recorder) as url:
        resp = SlackDriver(fake, url).member_joined(fake.bot_user_id, secret["id"], inviter=ana["id"])
    assert resp.ok and resp.sent
    [event] = events(recorder)
    assert event == {
        "type": "member_joined_channel",
        "user": fake.bot_user_id,
        "channel": secret["id"],
        "channel_type": "C",
        "team": fake.team_id,
        "inviter": ana["id"],
        "event_ts": event["event_ts"],
    }
    assert client.conversations_info(channel=secret["id"])["channel"]["is_member"] is True


def test_member_events_follow_membership_and_scopes(fake: FakeSlack, recorder: Recorder) -> None:
    ana, bea = fake.add_user(name="ana"), fake.add_user(name="bea")
    coalition = fake.add_channel(name="coalition", members=[ana["id"]])
    outside = fake.add_channel(name="outside", bot_is_member=False)
    with recorder_url(recorder) as url:
        driver = SlackDriver(fake, url)
        assert driver.member_joined(bea["id"], coalition["id"]).sent
        assert driver.member_left(ana["id"], coalition["id"]).sent
        not_there = driver.member_joined(ana["id"], outside["id"])  # the bot is not in #outside
        assert not not_there.sent and ana["id"] in fake.channel_members(outside["id"])
        assert driver.member_left(fake.bot_user_id, coalition["id"]).sent  # the bot is removed
        fake.add_members(coalition["id"], fake.bot_user_id)
        fake.set_scopes(fake.bot_token, [s for s in DEFAULT_BOT_SCOPES if s != "channels:read"])
        assert not driver.member_joined(ana["id"], coalition["id"]).sent  # no channels:read, no event
    assert [(e["type"], e["user"]) for e in events(recorder)] == [
        ("member_joined_channel", bea["id"]),
        ("member_left_channel", ana["id"]),
        ("member_left_channel", fake.bot_user_id),
    ]
    assert "inviter" not in events(recorder)[0]
    assert fake.channel_members(coalition["id"]) == [bea["id"], fake.bot_user_id, ana["id"]]


def test_member_event_mistakes_are_driver_errors(fake: FakeSlack) -> None:
    ana = fake.add_user(name="ana")
    channel = fake.add_channel(name="general", members=[ana["id"]])
    driver = SlackDriver(fake, "http://127.0.0.1:9/never")
    with pytest.raises(DriverError, match="already"):
        driver.member_joined(ana["id"], channel["id"])
    with pytest.raises(DriverError, match="DM"):
        driver.member_left(ana["id"], fake.dm_channel_id(ana["id"]))
    with pytest.raises(DriverError, match="unknown channel"):
        driver.member_joined(ana["id"], "C404")


# -- locales -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["es-ES", "es-LA", "en-US", "pt-BR"])
def test_users_info_locale_only_when_asked(fake: FakeSlack, client: WebClient, locale: str) -> None:
    person = fake.add_user(name="p", locale=locale)
    assert client.users_info(user=person["id"], include_locale=True)["user"]["locale"] == locale
    assert "locale" not in client.users_info(user=person["id"])["user"]


def test_users_list_locales_and_updates(fake: FakeSlack, client: WebClient) -> None:
    ana = fake.add_user(name="ana", locale="es-LA")
    bea = fake.add_user(name="bea", locale="pt-BR")
    listed = {u["id"]: u for u in client.users_list(include_locale=True)["members"]}
    assert (listed[ana["id"]]["locale"], listed[bea["id"]]["locale"]) == ("es-LA", "pt-BR")
    assert all("locale" not in u for u in client.users_list()["members"])
    fake.update_user(ana["id"], locale="es-ES")
    assert client.users_info(user=ana["id"], include_locale=True)["user"]["locale"] == "es-ES"
