"""slack_sdk's WebClient against the fake: success shapes and documented errors (slack-platform.md §3, §7.2)."""

from __future__ import annotations

import base64
import json
import urllib.request
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakeslack import FakeSlack

from .conftest import take_violations


def api_error(call: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as info:
        call()
    return dict(info.value.response.data)


# -- transport and auth --------------------------------------------------------------------------------


def test_auth_test_shape_and_scopes_header(fake: FakeSlack, client: WebClient) -> None:
    resp = client.auth_test()
    assert resp["team_id"] == fake.team_id
    assert resp["user_id"] == fake.bot_user_id
    assert resp["bot_id"] == fake.bot_id
    assert resp["url"] == "https://homecoalition.slack.com/"
    assert "chat:write" in resp.headers["x-oauth-scopes"].split(",")
    call = fake.calls("auth.test")[0]
    assert call.token == fake.bot_token
    assert call.headers["authorization"] == f"Bearer {fake.bot_token}"


@pytest.mark.parametrize(
    ("token", "error"),
    [(None, "not_authed"), ("xoxb-unknown", "invalid_auth"), ("xapp-test", "not_allowed_token_type")],
)
def test_token_errors(fake: FakeSlack, token: str | None, error: str) -> None:
    client = WebClient(token=token, base_url=fake.api_url)
    assert api_error(lambda: client.chat_postMessage(channel="C1", text="x"))["error"] == error


def test_revoked_token(fake: FakeSlack, client: WebClient) -> None:
    client.auth_test()
    fake.revoke(fake.bot_token)
    assert api_error(client.auth_test)["error"] == "token_revoked"


def test_missing_scope_names_needed_and_provided(fake: FakeSlack, client: WebClient) -> None:
    fake.set_scopes(fake.bot_token, ["chat:write"])
    body = api_error(lambda: client.users_info(user="U123"))
    assert body["error"] == "missing_scope"
    assert body["needed"] == "users:read"
    assert body["provided"] == "chat:write"


def test_unknown_method_and_token_param_and_get(fake: FakeSlack) -> None:
    client = WebClient(base_url=fake.api_url)
    assert api_error(lambda: client.api_call("nope.nothing", params={"token": fake.bot_token}))["error"] == (
        "unknown_method"
    )
    with urllib.request.urlopen(f"{fake.api_url}auth.test?token={fake.bot_token}", timeout=5) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
        assert json.loads(resp.read())["user_id"] == fake.bot_user_id
    assert fake.calls("auth.test")[-1].http_method == "GET"


def test_form_booleans_are_parsed(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.add_channel(name="general")
    info = client.conversations_info(channel=channel["id"], include_num_members=True)
    assert info["channel"]["num_members"] == 1
    assert fake.calls("conversations.info")[0].params["include_num_members"] == "1"
    info = client.api_call("conversations.info", params={"channel": channel["id"], "include_num_members": "false"})
    assert "num_members" not in info["channel"]


# -- chat ----------------------------------------------------------------------------------------------


def test_post_message_shape_and_store(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.add_channel(name="general")
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Letter*"}}]
    first = client.chat_postMessage(channel=channel["id"], text="Letter", blocks=blocks)
    second = client.chat_postMessage(channel=channel["id"], text="again", thread_ts=first["ts"])
    assert first["channel"] == channel["id"]
    assert first["message"]["bot_id"] == fake.bot_id
    assert first["message"]["user"] == fake.bot_user_id
    assert first["message"]["blocks"][0]["block_id"]  # Slack fills in block_ids
    assert float(second["ts"]) > float(first["ts"])
    stored = fake.messages(channel["id"])
    assert [m["text"] for m in stored] == ["Letter", "again"]
    assert stored[1]["thread_ts"] == first["ts"]
    assert fake.messages(user=fake.bot_user_id) == stored


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
@pytest.mark.parametrize(
    ("setup", "error"),
    [
        ({"exists": False}, "channel_not_found"),
        ({"bot_is_member": False}, "not_in_channel"),
        ({"is_archived": True}, "is_archived"),
        ({"is_private": True, "bot_is_member": False}, "channel_not_found"),
        ({"text": None}, "no_text"),
    ],
)
def test_post_message_errors(fake: FakeSlack, client: WebClient, setup: dict[str, Any], error: str) -> None:
    options = {k: v for k, v in setup.items() if k not in ("exists", "text")}
    channel_id = fake.add_channel(name="c", **options)["id"] if setup.get("exists", True) else "C404"
    text = setup.get("text", "hello")
    assert api_error(lambda: client.chat_postMessage(channel=channel_id, text=text))["error"] == error
    assert fake.messages(channel_id) == []


def test_chat_write_public_allows_public_channel_without_joining(fake: FakeSlack, client: WebClient) -> None:
    public = fake.add_channel(name="pub", bot_is_member=False)
    fake.set_scopes(fake.bot_token, ["chat:write", "chat:write.public"])
    assert client.chat_postMessage(channel=public["id"], text="hi")["ok"]


def test_post_to_user_id_goes_to_dm(fake: FakeSlack, client: WebClient) -> None:
    alice = fake.add_user(name="alice")
    resp = client.chat_postMessage(channel=alice["id"], text="reminder")
    assert resp["channel"].startswith("D")
    assert resp["channel"] == client.conversations_open(users=alice["id"])["channel"]["id"]
    assert [m["text"] for m in fake.dm_messages(alice["id"])] == ["reminder"]


def test_invalid_blocks_answer_and_violation(fake: FakeSlack, client: WebClient) -> None:
    channel = fake.add_channel(name="general")
    too_many = [{"type": "divider"}] * 51
    body = api_error(lambda: client.chat_postMessage(channel=channel["id"], text="x", blocks=too_many))
    assert body["error"] == "invalid_blocks"
    assert body["response_metadata"]["messages"] == ["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"]
    assert take_violations(fake) == ["chat.postMessage: invalid_blocks: " + body["response_metadata"]["messages"][0]]
    body = api_error(lambda: client.api_call("chat.postMessage", json={"channel": channel["id"], "blocks": "{"}))
    assert body["error"] == "invalid_blocks_format"
    take_violations(fake)


def test_update_delete_permalink(fake: FakeSlack, client: WebClient) -> None:
    alice = fake.add_user(name="alice")
    channel = fake.add_channel(name="general", members=[alice["id"]])
    posted = client.chat_postMessage(channel=channel["id"], text="v1", blocks=[{"type": "divider"}])
    updated = client.chat_update(channel=channel["id"], ts=posted["ts"], text="v2")
    assert updated["text"] == "v2"
    assert updated["message"]["blocks"][0]["type"] == "divider"  # omitted blocks are retained
    stored = fake.message(channel["id"], posted["ts"])
    assert stored is not None
    assert stored["text"] == "v2"
    assert stored["history"][0]["text"] == "v1"
    assert stored["edited"]["user"] == fake.bot_user_id
    link = client.chat_getPermalink(channel=channel["id"], message_ts=posted["ts"])["permalink"]
    assert link == f"https://homecoalition.slack.com/archives/{channel['id']}/p{posted['ts'].replace('.', '')}"
    human_ts = fake.post_user_message(alice["id"], channel["id"], "mine")
    assert api_error(lambda: client.chat_update(channel=channel["id"], ts=human_ts, text="x"))["error"] == (
        "cant_update_message"
    )
    assert api_error(lambda: client.chat_update(channel=channel["id"], ts="1.000001", text="x"))["error"] == (
        "message_not_found"
    )
    assert client.chat_delete(channel=channel["id"], ts=posted["ts"])["ts"] == posted["ts"]
    assert [m["text"] for m in fake.messages(channel["id"])] == ["mine"]
    assert api_error(lambda: client.chat_update(channel=channel["id"], ts=posted["ts"], text="x"))["error"] == (
        "message_not_found"
    )


def test_post_ephemeral(fake: FakeSlack, client: WebClient) -> None:
    alice = fake.add_user(name="alice")
    bob = fake.add_user(name="bob")
    channel = fake.add_channel(name="general", members=[alice["id"]])
    resp = client.chat_postEphemeral(channel=channel["id"], user=alice["id"], text="only you")
    assert resp["message_ts"]
    assert [(e["user"], e["text"]) for e in fake.ephemerals(alice["id"])] == [(alice["id"], "only you")]
    assert fake.messages(channel["id"]) == []
    body = api_error(lambda: client.chat_postEphemeral(channel=channel["id"], user=bob["id"], text="x"))
    assert body["error"] == "user_not_in_channel"


# -- conversations -------------------------------------------------------------------------------------


def test_conversations_open_and_refusals(fake: FakeSlack, client: WebClient) -> None:
    alice = fake.add_user(name="alice")
    first = client.conversations_open(users=alice["id"])
    again = client.conversations_open(users=alice["id"])
    assert first["channel"]["id"] == again["channel"]["id"]
    assert again["already_open"] is True
    assert "already_open" not in first.data
    gone = fake.add_user(name="gone", deleted=True)
    hidden = fake.add_user(name="hidden", visible=False)
    closed = fake.add_user(name="closed", dm_allowed=False)
    partner = fake.add_team("T0PARTNER", "Partner Org")
    outsider = fake.add_user(name="outsider", team_id=partner["id"])
    cases = {
        gone["id"]: "user_disabled",
        hidden["id"]: "user_not_visible",
        closed["id"]: "invalid_user_combination",
        outsider["id"]: "invalid_user_combination",
        "U404": "user_not_found",
    }
    for user_id, error in cases.items():
        assert api_error(lambda u=user_id: client.conversations_open(users=u))["error"] == error
    fake.add_channel(name="shared", members=[outsider["id"]], is_ext_shared=True, shared_team_ids=[partner["id"]])
    assert client.conversations_open(users=outsider["id"])["channel"]["id"].startswith("D")


def test_conversations_join(fake: FakeSlack, client: WebClient) -> None:
    public = fake.add_channel(name="pub", bot_is_member=False)
    joined = client.conversations_join(channel=public["id"])
    assert joined["channel"]["is_member"] is True
    assert fake.bot_user_id in fake.channel_members(public["id"])
    assert client.conversations_join(channel=public["id"])["warning"] == "already_in_channel"
    private = fake.add_channel(name="priv", is_private=True)
    assert api_error(lambda: client.conversations_join(channel=private["id"]))["error"] == (
        "method_not_supported_for_channel_type"
    )
    archived = fake.add_channel(name="old", is_archived=True, bot_is_member=False)
    assert api_error(lambda: client.conversations_join(channel=archived["id"]))["error"] == "is_archived"


def test_conversations_info_shapes(fake: FakeSlack, client: WebClient) -> None:
    partner = fake.add_team("T0PARTNER", "Partner Org")
    shared = fake.add_channel(name="coalition", is_ext_shared=True, shared_team_ids=[partner["id"]])
    info = client.conversations_info(channel=shared["id"])["channel"]
    assert info["is_ext_shared"] is True
    assert info["shared_team_ids"] == [fake.team_id, partner["id"]]
    assert info["context_team_id"] == fake.team_id
    assert api_error(lambda: client.conversations_info(channel="C404"))["error"] == "channel_not_found"
    private = fake.add_channel(name="secret", is_private=True)
    fake.set_scopes(fake.bot_token, ["channels:read"])
    body = api_error(lambda: client.conversations_info(channel=private["id"]))
    assert (body["error"], body["needed"]) == ("missing_scope", "groups:read")


def test_conversations_members_pagination(fake: FakeSlack, client: WebClient) -> None:
    users = [fake.add_user(name=f"member{i}")["id"] for i in range(250)]
    channel = fake.add_channel(name="big", members=users)
    first = client.conversations_members(channel=channel["id"])
    assert len(first["members"]) == 100
    assert first["response_metadata"]["next_cursor"]
    collected: list[str] = []
    for page in client.conversations_members(channel=channel["id"], limit=70):
        collected.extend(page["members"])
    assert collected == [*users, fake.bot_user_id]
    last = client.conversations_members(channel=channel["id"], limit=1000)
    assert last["response_metadata"]["next_cursor"] == ""
    bad = api_error(lambda: client.conversations_members(channel=channel["id"], cursor="not-a-cursor"))
    assert bad["error"] == "invalid_cursor"
    other = fake.add_channel(name="other")
    foreign_cursor = first["response_metadata"]["next_cursor"]
    assert api_error(lambda: client.conversations_members(channel=other["id"], cursor=foreign_cursor))["error"] == (
        "invalid_cursor"
    )


def test_conversations_list_types_and_paging(fake: FakeSlack, client: WebClient) -> None:
    public = [fake.add_channel(name=f"pub{i}")["id"] for i in range(5)]
    private = fake.add_channel(name="priv", is_private=True)["id"]
    fake.add_channel(name="notmine", is_private=True, bot_is_member=False)
    listed = [c["id"] for page in client.conversations_list(limit=2) for c in page["channels"]]
    assert listed == public
    both = client.conversations_list(types="public_channel,private_channel", limit=100)["channels"]
    assert {c["id"] for c in both} == {*public, private}


# -- users and team ------------------------------------------------------------------------------------


def test_users_info_fields_tz_and_email_scope(fake: FakeSlack, client: WebClient) -> None:
    fake.clock.freeze(1_767_225_600)  # 2026-01-01: New York is on EST
    alice = fake.add_user(name="alice", real_name="Alice Doe", email="alice@example.org", title="Director")
    user = client.users_info(user=alice["id"], include_locale=True)["user"]
    assert (user["tz"], user["tz_offset"], user["tz_label"]) == ("America/New_York", -18000, "Eastern Standard Time")
    assert user["profile"]["email"] == "alice@example.org"
    assert user["profile"]["title"] == "Director"
    assert user["locale"] == "en-US"
    for key in ("id", "team_id", "name", "real_name", "deleted", "is_bot", "is_app_user", "is_admin", "is_owner"):
        assert key in user
    fake.advance(200 * 86400)  # mid-July: daylight time
    assert client.users_info(user=alice["id"])["user"]["tz_label"] == "Eastern Daylight Time"
    fake.set_scopes(fake.bot_token, ["users:read"])
    assert "email" not in client.users_info(user=alice["id"])["user"]["profile"]


def test_external_and_hidden_users(fake: FakeSlack, client: WebClient) -> None:
    partner = fake.add_team("T0PARTNER", "Partner Org")
    stranger = fake.add_user(name="ext", team_id=partner["id"], email="ext@partner.org", is_stranger=True)
    user = client.users_info(user=stranger["id"])["user"]
    assert user["team_id"] == partner["id"]
    assert user["is_stranger"] is True
    assert "email" not in user["profile"]
    hidden = fake.add_user(name="hidden", visible=False)
    assert api_error(lambda: client.users_info(user=hidden["id"]))["error"] == "user_not_visible"
    assert api_error(lambda: client.users_info(user="U404"))["error"] == "user_not_found"


def test_users_list_and_lookup(fake: FakeSlack, client: WebClient) -> None:
    ids = [fake.add_user(name=f"u{i}", email=f"u{i}@example.org")["id"] for i in range(5)]
    partner = fake.add_team("T0PARTNER", "Partner Org")
    fake.add_user(name="ext", team_id=partner["id"])
    members = [m["id"] for page in client.users_list(limit=2) for m in page["members"]]
    assert set(ids) <= set(members)
    assert "USLACKBOT" in members and fake.bot_user_id in members
    assert all(client.users_info(user=m)["user"]["team_id"] == fake.team_id for m in members)
    assert client.users_lookupByEmail(email="U3@example.org")["user"]["id"] == ids[3]
    assert api_error(lambda: client.users_lookupByEmail(email="nobody@example.org"))["error"] == "users_not_found"


def test_team_info(fake: FakeSlack, client: WebClient) -> None:
    team = client.team_info()["team"]
    assert (team["id"], team["name"], team["domain"]) == (fake.team_id, "Home Coalition", "homecoalition")
    assert api_error(lambda: client.team_info(team="T404"))["error"] == "team_not_found"


# -- socket bootstrap and oauth ------------------------------------------------------------------------


def test_apps_connections_open(fake: FakeSlack, client: WebClient) -> None:
    url = client.apps_connections_open(app_token=fake.app_token)["url"]
    assert url.startswith(f"ws://127.0.0.1:{fake.socket_server.port}/link/?ticket=")
    assert f"app_id={fake.app_id}" in url
    body = api_error(lambda: client.api_call("apps.connections.open", params={"token": fake.bot_token}))
    assert body["error"] == "not_allowed_token_type"
    in_body = api_error(
        lambda: WebClient(base_url=fake.api_url).api_call("apps.connections.open", data={"token": "xapp-test"})
    )
    assert in_body["error"] == "not_authed"


def test_oauth_v2_access(fake: FakeSlack) -> None:
    partner = fake.add_team("T0NEW", "New Workspace")
    installer = fake.add_user(name="admin", team_id=partner["id"])
    code = fake.oauth_authorize(partner["id"], installer["id"])
    client = WebClient(base_url=fake.api_url)
    bad = api_error(lambda: client.oauth_v2_access(client_id=fake.client_id, client_secret="wrong", code=code))
    assert bad["error"] == "bad_client_secret"
    resp = client.oauth_v2_access(client_id=fake.client_id, client_secret=fake.client_secret, code=code)
    assert resp["token_type"] == "bot"
    assert resp["team"] == {"id": "T0NEW", "name": "New Workspace"}
    assert resp["authed_user"]["id"] == installer["id"]
    basic = fake.calls("oauth.v2.access")[-1].headers["authorization"]
    assert base64.b64decode(basic.split()[1]).decode() == f"{fake.client_id}:{fake.client_secret}"
    new_bot = WebClient(token=resp["access_token"], base_url=fake.api_url).auth_test()
    assert (new_bot["team_id"], new_bot["user_id"]) == ("T0NEW", resp["bot_user_id"])
    assert new_bot["user_id"] != fake.bot_user_id
    again = api_error(
        lambda: client.oauth_v2_access(client_id=fake.client_id, client_secret=fake.client_secret, code=code)
    )
    assert again["error"] == "invalid_code"
