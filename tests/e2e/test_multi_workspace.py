"""Issue 8: distribution to several workspaces (OAuth), several instances on one database, /healthz."""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from db.models import Letter
from tests.conftest import Coalition, RunningApp, check_app_health, start_app
from tests.e2e.steps import (
    db_session,
    letter_values,
    local_deadline,
    open_signon_from_post,
    post_of,
    reply,
    signatories,
    signon_values,
    wait_for_modal,
)
from tests.fakeslack import FakeSlack


def install(app: RunningApp, team_id: str, user_id: str) -> None:
    """A workspace admin installs the app: /slack/install, Slack's consent screen, /slack/oauth_redirect."""
    port = app.process.port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/slack/install")
    answer = connection.getresponse()
    page = answer.read().decode()
    assert answer.status == 200, page
    cookie = answer.getheader("Set-Cookie") or ""
    state = re.search(r"state=([\w-]+)", page)
    assert state and cookie, page
    code = app.fake.oauth_authorize(team_id, user_id)
    query = urllib.parse.urlencode({"code": code, "state": state.group(1)})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", f"/slack/oauth_redirect?{query}", headers={"Cookie": cookie.split(";")[0]})
    answer = connection.getresponse()
    body = answer.read().decode()
    assert answer.status == 200, body
    assert app.fake.calls("oauth.v2.access")


def create_in(app: RunningApp, coordinator: str, channel: str, title: str) -> int:
    app.driver.slash_command(coordinator, "/signon", "new", channel_id=channel)
    wait_for_modal(app.fake, coordinator, "letter_new_submit")
    response = app.driver.submit_view(
        coordinator, values=letter_values(title=title, text="We write…", deadline=local_deadline(), channels=[channel])
    )
    assert response.ok and not response.errors, response.errors
    with db_session(app.database_url) as session:
        letter = session.execute(select(Letter).where(Letter.title == title)).scalar_one()
        letter_id = letter.id
    app.fake.wait_until(lambda: app.fake.messages(channel=channel), timeout=10)
    return letter_id


def test_two_workspaces_install_and_stay_apart(fake: FakeSlack, coalition: Coalition, database_url: str) -> None:
    fake.add_team("T0OTHER", "Other Coalition")
    other_coordinator = fake.add_user(name="olga", email="olga@other.org", team_id="T0OTHER")["id"]
    other_member = fake.add_user(name="omar", email="omar@otherorg.org", team_id="T0OTHER")["id"]
    other_channel = fake.add_channel(
        name="other-coalition", team_id="T0OTHER", members=[other_coordinator, other_member], bot_is_member=False
    )["id"]
    app = start_app(
        fake,
        database_url,
        coalition,
        env={
            "SLACK_BOT_TOKEN": "",
            "SLACK_CLIENT_ID": fake.client_id,
            "SLACK_CLIENT_SECRET": fake.client_secret,
            "SIGNON_COORDINATORS": f"{coalition.coordinator},{other_coordinator}",
        },
    )
    try:
        install(app, "T0HOME", coalition.admin)
        install(app, "T0OTHER", other_coordinator)
        other_bot = fake.bot_user_id_for("T0OTHER")
        assert other_bot
        fake.add_members(other_channel, other_bot)

        home_letter = create_in(app, coalition.coordinator, coalition.public, "Home letter")
        other_letter = create_in(app, other_coordinator, other_channel, "Other letter")
        open_signon_from_post(app, coalition.members[0], home_letter, coalition.public)
        app.driver.submit_view(coalition.members[0], values=signon_values("Home Org", email="h@home.org"))
        open_signon_from_post(app, other_member, other_letter, other_channel)
        app.driver.submit_view(other_member, values=signon_values("Other Org", email="o@otherorg.org"))

        with db_session(database_url) as session:
            teams = {letter.title: letter.team_id for letter in session.execute(select(Letter)).scalars()}
        assert teams == {"Home letter": "T0HOME", "Other letter": "T0OTHER"}
        assert [s.org_name for s in signatories(database_url, other_letter)] == ["Other Org"]

        # Each workspace sees only its own letters, and each is served with its own token.
        listing = reply(app.driver.slash_command(other_member, "/signon", "list", channel_id=other_channel))
        assert "Other letter" in listing and "Home letter" not in listing
        refused = reply(
            app.driver.slash_command(other_member, "/signon", f"edit {home_letter}", channel_id=other_channel)
        )
        assert "couldn't find a letter" in refused
        posts = {
            c.params["channel"]: c.token
            for c in fake.calls("chat.postMessage")
            if c.status == 200 and c.params["channel"] in (coalition.public, other_channel)
        }
        assert posts[other_channel].startswith("xoxb-T0OTHER") and posts[coalition.public] != posts[other_channel]
        check_app_health(app)
    finally:
        app.process.stop()


def test_two_instances_share_one_database(fake: FakeSlack, coalition: Coalition, database_url: str) -> None:
    """Two app processes behind the same Slack: sign-ons to both, one signatory per organization."""
    one = start_app(fake, database_url, coalition)
    two = start_app(fake, database_url, coalition)
    try:
        from tests.e2e.steps import create_letter

        letter_id = create_letter(one, coalition)
        people = [fake.add_user(name=f"pair{i}", email=f"p{i}@pair{i}.org")["id"] for i in range(40)]
        fake.add_members(coalition.public, *people)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda who: open_signon_from_post(one, who, letter_id, coalition.public), people))
            # Two staff of each organization sign at the same moment, one through each instance.
            jobs = [(who, i % 20, one if i < 20 else two) for i, who in enumerate(people)]
            results = list(
                pool.map(
                    lambda job: job[2].driver.submit_view(
                        job[0], values=signon_values(f"Pair Org {job[1]}", email=f"p{job[1]}@pair.org")
                    ),
                    jobs,
                )
            )
        assert all(r.ok and not r.errors for r in results)
        rows = signatories(database_url, letter_id)
        assert sorted(Counter(s.org_name for s in rows).values()) == [1] * 20
        channel, ts = post_of(one, letter_id, coalition.public)
        fake.wait_until(lambda: "*20 organizations*" in json.dumps(fake.message(channel, ts)), timeout=15)
        for app in (one, two):
            with urllib.request.urlopen(app.process.health_url, timeout=5) as response:
                assert json.load(response)["database"] == "ok"
        check_app_health(one)
        check_app_health(two)
    finally:
        one.process.stop()
        two.process.stop()
