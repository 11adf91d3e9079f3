"""App Home for members and coordinators, digests of new sign-ons, and the busy-database modal."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import make_url

from tests.conftest import TEST_DATABASE_URL, Coalition, RunningApp, check_app_health, start_app
from tests.e2e.steps import (
    close_letter,
    create_letter,
    home_view_of,
    message_text,
    open_signon_from_post,
    sign_on,
    signatories,
    signon_values,
    wait_for_modal,
    wait_for_receipts,
)
from tests.fakeslack import FakeSlack


def test_home_shows_members_their_status(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    member = coalition.members[0]
    shown = json.dumps(home_view_of(app, member))
    assert "Protect Due Process Now" in shown and "Not signed yet" in shown and "Letters you coordinate" not in shown
    sign_on(app, member, letter_id, coalition.public, "Home Org")
    shown = json.dumps(home_view_of(app, member))
    assert "Your organization signed" in shown and "Signed as Home Org" in shown


def test_coordinator_home_reviews_and_removes(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Sunrise Movement Boston Hub", email="a@sr.org")
    sign_on(app, coalition.members[1], letter_id, coalition.public, "Sunrise Boston", email="b@sr.org")
    sign_on(app, coalition.members[2], letter_id, coalition.public, "Spam Inc", email="c@spam.org")
    sign_on(app, coalition.members[3], letter_id, coalition.public, "Real Org", email="d@real.org")
    wait_for_receipts(app, letter_id)
    view = home_view_of(app, coalition.coordinator)
    shown = json.dumps(view)
    assert "Letters you coordinate" in shown and "4 organizations" in shown and "4 new in the last 24 hours" in shown
    assert "possible duplicate" in shown and "Sunrise Boston" in shown
    for label in ("Edit", "Export", "Close", "Remove"):
        assert f'"text": "{label}"' in shown

    by_name = {s.org_name: s.id for s in signatories(app.database_url, letter_id)}
    app.driver.click(
        coalition.coordinator,
        "remove_signatory",
        str(by_name["Spam Inc"]),
        block_id=f"home_signatory_{by_name['Spam Inc']}",
        view_id=str(view["id"]),
    )
    app.fake.wait_until(lambda: "Spam Inc" not in {s.org_name for s in signatories(app.database_url, letter_id)})
    view = home_view_of(app, coalition.coordinator)
    app.driver.click(
        coalition.coordinator,
        "review_dismiss",
        str(by_name["Sunrise Boston"]),
        block_id=f"review_{by_name['Sunrise Boston']}",
        view_id=str(view["id"]),
    )
    app.fake.wait_until(lambda: "possible duplicate" not in json.dumps(app.fake.home_view(coalition.coordinator)))
    assert {s.org_name for s in signatories(app.database_url, letter_id)} == {
        "Sunrise Movement Boston Hub",
        "Sunrise Boston",
        "Real Org",
    }
    [removed] = signatories(app.database_url, letter_id, status="removed")
    assert removed.withdrawn_by == coalition.coordinator

    # The same buttons pressed by a member are refused.
    response = app.driver.send_raw(
        (
            "payload="
            + urllib.parse.quote(
                json.dumps(
                    {
                        "type": "block_actions",
                        "user": {"id": coalition.members[0], "team_id": "T0HOME"},
                        "team": {"id": "T0HOME"},
                        "api_app_id": app.fake.app_id,
                        "trigger_id": "1.2.abc",
                        "container": {"type": "view", "view_id": view["id"]},
                        "view": {
                            "id": view["id"],
                            "type": "home",
                            "callback_id": "",
                            "private_metadata": "",
                            "state": {"values": {}},
                            "team_id": "T0HOME",
                        },
                        "actions": [
                            {
                                "action_id": "remove_signatory",
                                "block_id": "x",
                                "type": "button",
                                "value": str(by_name["Real Org"]),
                                "action_ts": "1",
                            }
                        ],
                    }
                )
            )
        ).encode(),
        "application/x-www-form-urlencoded",
    )
    assert response.status == 200
    refusal = app.fake.wait_until(
        lambda: [
            m for m in app.fake.dm_messages(coalition.members[0]) if "Only coordinators can remove" in message_text(m)
        ]
    )
    assert refusal
    assert "Real Org" in {s.org_name for s in signatories(app.database_url, letter_id)}


def test_coordinators_get_digests_not_one_dm_per_sign_on(
    fake: FakeSlack, coalition: Coalition, database_url: str
) -> None:
    app = start_app(fake, database_url, coalition, env={"SIGNON_DIGEST_INTERVAL": "2s"})
    try:
        letter_id = create_letter(app, coalition)
        time.sleep(2.5)  # the letter is older than one interval: digests may start
        for member in coalition.members:
            open_signon_from_post(app, member, letter_id, coalition.public)
        # Submitted together, as a burst of sign-ons arrives: how many digests follow must not depend on how
        # fast this machine opens forms.
        with ThreadPoolExecutor(len(coalition.members)) as pool:
            submitted = list(
                pool.map(
                    lambda pair: app.driver.submit_view(
                        pair[1], values=signon_values(f"Digest Org {pair[0]}", email=f"d{pair[0]}@d{pair[0]}.org")
                    ),
                    enumerate(coalition.members),
                )
            )
        assert all(response.ok and not response.errors for response in submitted)
        digest = fake.wait_until(
            lambda: [m for m in fake.dm_messages(coalition.coordinator) if "new sign-on" in message_text(m)],
            timeout=10,
        )
        time.sleep(3)
        digests = [m for m in fake.dm_messages(coalition.coordinator) if "new sign-on" in message_text(m)]
        assert 1 <= len(digests) <= 2, "a digest, not one message per sign-on"
        named = " ".join(message_text(m) for m in digests)
        assert all(f"Digest Org {i}" in named for i in range(4))
        assert "4 organizations" in message_text(digests[-1]) or "4 organizations" in message_text(digest[-1])
        check_app_health(app)
    finally:
        app.process.stop()


def test_export_in_a_channel_takes_its_one_open_letter(app: RunningApp, coalition: Coalition) -> None:
    """With two open letters the export asks which (tests/e2e/test_export_which.py); once the older one is
    closed, the channel's open letter is the one exported."""
    older = create_letter(app, coalition, title="Older letter")
    newest = create_letter(app, coalition, title="Newest letter")
    close_letter(app, coalition.coordinator, older, coalition.public)
    sign_on(app, coalition.members[0], newest, coalition.public, "Exported Org")
    app.driver.slash_command(coalition.coordinator, "/signon", "export text", channel_id=coalition.public)
    # The older letter's close sends its final list too; this export is the newest letter's first.
    wanted = f"letter-{newest}-export-1-signatories.txt"
    app.fake.wait_until(lambda: [f for f in app.fake.files() if f["filename"] == wanted])
    assert not [
        f for f in app.fake.files() if f["filename"].startswith(f"letter-{newest}-") and f["filename"] != wanted
    ]


def test_modal_opens_while_the_database_is_busy(app: RunningApp, coalition: Coalition) -> None:
    """The trigger lasts 3 s: the form opens (loading first) even while another writer holds the database."""
    create_letter(app, coalition)
    stop = threading.Event()
    started = threading.Event()

    def hold_the_write_lock() -> None:
        if TEST_DATABASE_URL:
            import psycopg

            url = make_url(app.database_url).set(drivername="postgresql").render_as_string(hide_password=False)
            with psycopg.connect(url, autocommit=True) as connection, connection.transaction():
                connection.execute("LOCK TABLE signatories IN ACCESS EXCLUSIVE MODE")
                started.set()
                stop.wait(6)
            return
        connection = sqlite3.connect(make_url(app.database_url).database or "", isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        started.set()
        stop.wait(6)
        connection.execute("COMMIT")
        connection.close()

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    started.wait(5)
    try:
        response = app.driver.slash_command(coalition.members[0], "/signon", "", channel_id=coalition.public)
        assert response.ok and response.elapsed < 3
        opened = app.fake.wait_until(lambda: app.fake.calls("views.open"), timeout=3)
        assert opened[-1].status == 200 and opened[-1].response["ok"]
    finally:
        stop.set()
        holder.join()
    wait_for_modal(app.fake, coalition.members[0], "signon_submit", timeout=10)
