"""Issue 13: nobody acts for an organization they do not represent, and every button stays in its workspace."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import psycopg
import pytest
from sqlalchemy import make_url, select

from bot import ids
from db.enums import SignatoryStatus
from db.models import Letter, ReminderMute, SignatoryContact
from tests.conftest import TEST_DATABASE_URL, Coalition, RunningApp, check_app_health, start_app
from tests.e2e.steps import (
    create_letter,
    db_session,
    message_text,
    open_signon_from_post,
    sign_on,
    signatories,
    signon_values,
    wait_for_receipts,
)
from tests.e2e.test_security import database_state, send, settle, settled_state, told, views_opened_for
from tests.fakeslack import FakeSlack
from tests.fuzz.crafted import block_action, signon_state, view_submission


def _receipt(app: RunningApp, user_id: str) -> dict[str, object]:
    return [m for m in app.fake.dm_messages(user_id) if "You signed on" in str(m.get("text"))][-1]


def test_a_second_staff_member_is_a_contact_not_someone_who_can_act(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    letter_id = create_letter(app, coalition)
    signer, colleague = coalition.members[0], coalition.members[1]
    sign_on(app, signer, letter_id, coalition.public, "Org One", email="a@orgone.org")
    response = sign_on(app, colleague, letter_id, coalition.public, "org one", name="Ben Ortiz", email="b@orgone.org")
    # Told that the organization already signed, and how to be able to act for it.
    shown = json.dumps(response.view)
    assert "already signed" in shown and "Ask to be added" in shown and "edit or withdraw" in shown
    wait_for_receipts(app, letter_id)
    [org] = signatories(app.database_url, letter_id)

    # /signon withdraw finds nothing the colleague may withdraw.
    answer = app.driver.slash_command(colleague, "/signon", "withdraw", channel_id=coalition.public)
    assert "nothing to withdraw" in json.dumps(answer.json or answer.body)
    # Crafted buttons and modals naming the organization's sign-on are refused, and nothing changes.
    settle(fake)
    before = settled_state(app, skip=("slack_users",))
    for action_id in (ids.EDIT_SIGNATURE, ids.WITHDRAW_SIGNATURE, ids.WITHDRAW_AFTER_CHANGE, ids.KEEP_SIGNATURE):
        count = len(told(fake, colleague))
        send(app, block_action(fake, colleague, action_id, str(org.id), message=(coalition.public, "1.000001")))
        fake.wait_until(lambda c=count: len(told(fake, colleague)) > c or views_opened_for(fake, colleague))
    edit_meta = json.dumps({"l": letter_id, "s": "post_button", "c": coalition.public, "sig": org.id})
    state = signon_state(org="Org One", email="takeover@evil.example")
    refused = send(app, view_submission(fake, colleague, ids.SIGNON_EDIT_MODAL, state, edit_meta))
    assert "Only the people who signed" in refused.json["errors"]["org"]
    refused = send(app, view_submission(fake, colleague, ids.WITHDRAW_MODAL, {}, json.dumps({"sig": org.id})))
    assert "Only the people who signed" in json.dumps(refused.json)
    settle(fake)
    assert database_state(app.database_url, skip=("slack_users",)) == before
    assert not [v for v in views_opened_for(fake, colleague) if v.get("callback_id") == ids.SIGNON_EDIT_MODAL]
    [row] = signatories(app.database_url, letter_id)
    assert row.status == SignatoryStatus.ACTIVE and row.signer_email == "a@orgone.org"

    # The colleague asks; the signer lets them; now they can withdraw.
    # /signon shows the same answer with the same way forward.
    app.driver.slash_command(colleague, "/signon", "", channel_id=coalition.public)
    again = fake.wait_until(lambda: (v := fake.top_view(colleague)) and "Ask to be added" in json.dumps(v) and v)
    app.driver.click(colleague, ids.ASK_TO_ACT, str(org.id), view_id=again["id"])
    fake.wait_until(lambda: "We asked" in json.dumps(fake.top_view(colleague)))
    request = fake.wait_until(lambda: [m for m in fake.dm_messages(signer) if "asks to be able" in message_text(m)])
    assert f"<@{colleague}>" in message_text(request[-1])
    app.driver.click(signer, ids.LET_ACT, f"{org.id}:{colleague}", message=(request[-1]["channel"], request[-1]["ts"]))
    fake.wait_until(
        lambda: [m for m in fake.dm_messages(colleague) if "You can now edit or withdraw" in message_text(m)]
    )
    with db_session(app.database_url) as session:
        contact = session.execute(
            select(SignatoryContact).where(
                SignatoryContact.signatory_id == org.id, SignatoryContact.user_id == colleague
            )
        ).scalar_one()
        assert contact.may_act and contact.added_by == signer
    receipt = fake.wait_until(lambda: [m for m in fake.dm_messages(colleague) if "You signed on" in message_text(m)])
    app.driver.click(colleague, ids.WITHDRAW_SIGNATURE, message=(receipt[-1]["channel"], receipt[-1]["ts"]))
    fake.wait_until(lambda: not signatories(app.database_url, letter_id))
    [withdrawn] = signatories(app.database_url, letter_id, status=None)
    assert withdrawn.withdrawn_by == colleague


def test_only_the_signer_or_a_coordinator_can_let_someone_act(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    letter_id = create_letter(app, coalition)
    signer, intruder = coalition.members[0], coalition.members[2]
    sign_on(app, signer, letter_id, coalition.public, "Org Two", email="a@orgtwo.org")
    [org] = signatories(app.database_url, letter_id)
    # The intruder presses a crafted "Let them" for themselves.
    response = send(
        app, block_action(fake, intruder, ids.LET_ACT, f"{org.id}:{intruder}", message=(coalition.public, "1.0"))
    )
    assert response.status == 200
    fake.wait_until(lambda: "Only the person who signed for this organization" in "\n".join(told(fake, intruder)))
    with db_session(app.database_url) as session:
        acting = session.execute(
            select(SignatoryContact.user_id).where(
                SignatoryContact.signatory_id == org.id, SignatoryContact.may_act.is_(True)
            )
        ).scalars()
        assert list(acting) == [signer]


def test_buttons_never_reach_another_workspaces_letter(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    create_letter(app, coalition)
    now = datetime.now(UTC)
    with db_session(app.database_url) as session:
        secret = Letter(
            team_id="T0OTHERTEAM",
            title="Steering Only Secret Letter",
            deadline_at=now + timedelta(days=3),
            reminder_schedule="24h",
            created_by="U0OTHER",
            created_at=now,
            updated_at=now,
        )
        session.add(secret)
        session.commit()
        secret_id = secret.id
    member = coalition.members[0]
    for action_id in (ids.STOP_REMINDERS, ids.ORG_ALREADY_SIGNED, ids.READ_LETTER_BUTTON, ids.SIGN_ON_BUTTON):
        send(app, block_action(fake, member, action_id, str(secret_id), message=(coalition.public, "1.0")))
    settle(fake)
    assert "Steering Only Secret Letter" not in json.dumps([c.params for c in fake.calls()])
    with db_session(app.database_url) as session:
        assert session.execute(select(ReminderMute)).first() is None


def test_a_typed_name_is_never_formatted_in_a_notification(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    member = coalition.members[0]
    sign_on(app, member, letter_id, coalition.public, "*bold* _ital_ ~strike~ `code` Org", email="x@fmt.org")
    wait_for_receipts(app, letter_id)
    receipt = _receipt(app, member)
    # The notification line quotes the name as typed and is sent with mrkdwn off, so nothing turns bold.
    assert "*bold* _ital_ ~strike~ `code` Org" in str(receipt["text"])
    assert receipt["mrkdwn"] is False


postgres_only = pytest.mark.skipif(not TEST_DATABASE_URL, reason="terminates PostgreSQL server connections")


@postgres_only
def test_dropped_database_connections_are_retried_not_apologized_for(app: RunningApp, coalition: Coalition) -> None:
    """The database server drops every connection of the app again and again during a rush of sign-ons (a
    restart, a failover): each unit of work runs again on a new connection and every sign-on is acknowledged."""
    letter_id = create_letter(app, coalition)
    people = [app.fake.add_user(name=f"drop{i}")["id"] for i in range(60)]
    app.fake.add_members(coalition.public, *people)
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda who: open_signon_from_post(app, who, letter_id, coalition.public), people))
    database = make_url(app.database_url).database
    admin = make_url(app.database_url).set(drivername="postgresql", database="postgres")
    stop = threading.Event()
    terminated = []

    def terminate_backends() -> None:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as connection:
            while not stop.is_set():
                rows = connection.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    (database,),
                ).fetchall()
                terminated.append(len(rows))
                time.sleep(0.15)

    killer = threading.Thread(target=terminate_backends, daemon=True)
    killer.start()
    try:
        with ThreadPoolExecutor(10) as pool:
            responses = list(
                pool.map(
                    lambda i: app.driver.submit_view(people[i], values=signon_values(f"Dropped Org {i}")),
                    range(len(people)),
                )
            )
    finally:
        stop.set()
        killer.join(5)
    assert sum(terminated) > 0, "connections were dropped during the burst"
    signed = [r for r in responses if r.ok and not r.errors and (r.view or {}).get("callback_id") == "info"]
    assert len(signed) == len(people), [r.body[:200] for r in responses if r not in signed][:3]
    assert len(signatories(app.database_url, letter_id)) == len(people)


def _odd_envelopes(coalition: Coalition) -> list[tuple[str, dict[str, object]]]:
    """Signed, parseable, and shaped unlike anything Slack sends."""
    member, team = coalition.members[0], "T0001"
    home = {"type": "app_home_opened", "user": member, "tab": "home", "channel": "D0001"}
    submission = {
        "type": "view_submission",
        "user": {"id": member},
        "trigger_id": "1.2",
        "view": {"id": "V1", "type": "modal", "callback_id": "signon_submit", "state": {"values": {}}},
    }
    callback = {"type": "event_callback", "team_id": team, "api_app_id": "A0001", "event_id": "Ev1", "event_time": 1}
    return [
        ("event", {**callback, "event": None}),
        ("event", {**callback, "event": {**home, "user": 5}}),
        ("event", {**callback, "event": {**home, "user": "U1\u0000"}}),
        ("event", {**callback, "team_id": "T" * 500, "event": home}),
        ("interactive", {"type": "block_actions", "user": {"id": "U\u0000"}, "trigger_id": "1.2", "actions": []}),
        ("interactive", {"type": "block_actions", "user": {"id": member, "team_id": team}, "trigger_id": "1.2"}),
        ("interactive", {"type": "view_submission", "user": {"id": member}, "trigger_id": "1.2", "view": ["x"]}),
        ("interactive", {**submission, "response_urls": [{"response_url": "https://x.test"}] * 2}),
    ]


@pytest.mark.parametrize("mode", ["web", "socket"])
def test_envelopes_unlike_slacks_are_refused_before_any_listener(
    fake: FakeSlack, coalition: Coalition, database_url: str, mode: str
) -> None:
    running = start_app(fake, database_url, coalition, mode=mode)
    try:
        create_letter(running, coalition)
        calls_before = settle(fake, quiet=1.5)
        for kind, payload in _odd_envelopes(coalition):
            if mode == "web":
                body = json.dumps(payload) if kind == "event" else urlencode({"payload": json.dumps(payload)})
                content_type = "application/json" if kind == "event" else "application/x-www-form-urlencoded"
                response = running.driver.send_raw(body, content_type, url=running.process.url)
                assert response.status == 400, (payload, response.status, response.body)
            else:
                envelope_type = {"event": "events_api", "interactive": "interactive"}[kind]
                delivery = fake.socket_server.deliver(envelope_type, payload, accepts_response_payload=False)
                assert delivery.acked, payload  # acknowledged, so Slack does not send it again
        assert settle(fake, quiet=1.5) == calls_before, [c.method for c in fake.calls()[calls_before:]]
        check_app_health(running)
    finally:
        running.process.stop()
