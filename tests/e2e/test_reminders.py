"""Issue 5: reminder DMs before the deadline, exactly once, across restarts and processes."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from db.enums import DeliveryStatus
from db.models import ReminderDelivery, ReminderRun
from tests.conftest import Coalition, RunningApp, check_app_health, start_app
from tests.e2e.steps import create_letter, db_session, message_text, sign_on
from tests.fakeslack import FakeSlack


def make_due(database_url: str, letter_id: int, offset: str, when: datetime | None = None) -> None:
    """Time passes: the run for ``offset`` (e.g. "24h") becomes due."""
    seconds = {"72h": 259200, "24h": 86400, "2h": 7200}[offset]
    with db_session(database_url) as session:
        session.execute(
            update(ReminderRun)
            .where(ReminderRun.letter_id == letter_id, ReminderRun.offset_seconds == seconds)
            .values(due_at=when or datetime.now(UTC))
        )
        session.commit()


def reminder_calls(fake: FakeSlack) -> list[str]:
    """Who each *accepted* reminder DM was sent to (429s are not deliveries); DMs go to the D… conversation."""
    people = fake.run_locked(
        lambda state: {
            channel.id: next((m for m in channel.members if m != fake.bot_user_id), channel.id)
            for channel in state.channels.values()
            if channel.is_im
        }
    )
    return [
        people.get(c.params["channel"], c.params["channel"])
        for c in fake.calls("chat.postMessage")
        if "Reminder:" in str(c.params.get("text", "")) and c.status == 200
    ]


def wait_for_run(database_url: str, letter_id: int, status: str = "done", timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db_session(database_url) as session:
            statuses = set(
                session.execute(select(ReminderRun.status).where(ReminderRun.letter_id == letter_id)).scalars()
            )
        if status in statuses:
            return
        time.sleep(0.2)
    raise AssertionError(f"no run reached {status}: {statuses}")


def test_the_right_people_get_exactly_one_dm(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    colleague = fake.add_user(name="colleague", email="someone@org0.org")["id"]
    muted = fake.add_user(name="muted", email="quiet@elsewhere.org")["id"]
    fake.add_members(coalition.public, colleague, muted)
    letter_id = create_letter(app, coalition, reminders="72h, 24h")
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Org Zero", email="m0@org0.org")
    app.driver.slash_command(muted, "/signon", "help", channel_id=coalition.public)  # just to exist in the app
    make_due(app.database_url, letter_id, "72h")
    wait_for_run(app.database_url, letter_id)
    first = reminder_calls(fake)
    # The muted person mutes after the first reminder, using the DM's button.
    dm = [m for m in fake.dm_messages(muted) if "Reminder:" in str(m.get("text"))][-1]
    app.driver.click(muted, "stop_reminders", message=(dm["channel"], dm["ts"]))

    # The letter's coordinator sees the count and is not reminded.
    expected_first = {coalition.admin, *coalition.members[1:], coalition.external, muted}
    assert Counter(first) == Counter(expected_first)  # each exactly once
    for skipped in (coalition.members[0], colleague, coalition.bot_member, coalition.deactivated):
        assert skipped not in first
    shown = message_text(dm)
    for label in ("Sign on", "Read the letter", "Stop reminders for this letter", "Protect Due Process Now", "<!date^"):
        assert label in shown
    digest = fake.wait_until(
        lambda: [
            m
            for m in fake.dm_messages(coalition.coordinator)
            if "reminder" in message_text(m) and "went out" in message_text(m)
        ]
    )
    assert f"Reminded {len(expected_first)} members:" in message_text(digest[-1])

    make_due(app.database_url, letter_id, "24h")
    fake.wait_until(lambda: len(reminder_calls(fake)) >= 2 * len(expected_first) - 1, timeout=20)
    time.sleep(1.5)  # a few more job ticks: nothing else may go out
    second = reminder_calls(fake)[len(first) :]
    assert Counter(second) == Counter(expected_first - {muted})


def test_reminder_button_signs_with_reminder_source(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition, reminders="24h")
    make_due(app.database_url, letter_id, "24h")
    member = coalition.members[1]
    dm = app.fake.wait_until(
        lambda: [m for m in app.fake.dm_messages(member) if "Reminder:" in str(m.get("text"))], timeout=15
    )
    app.driver.click(member, "sign_on", message=(dm[-1]["channel"], dm[-1]["ts"]))
    from tests.e2e.steps import signatories, signon_values, wait_for_modal

    wait_for_modal(app.fake, member, "signon_submit")
    app.driver.submit_view(member, values=signon_values("Reminded Org", email="r@reminded.org"))
    [signed] = signatories(app.database_url, letter_id)
    assert signed.source == "reminder_dm"


def test_after_downtime_only_the_latest_due_reminder_goes_out(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition, reminders="72h, 24h, 2h")
    now = datetime.now(UTC)
    make_due(app.database_url, letter_id, "72h", now - timedelta(hours=48))
    make_due(app.database_url, letter_id, "24h", now - timedelta(minutes=5))
    wait_for_run(app.database_url, letter_id, "done")
    with db_session(app.database_url) as session:
        runs = {r.offset_seconds: (r.status, r.note) for r in session.execute(select(ReminderRun)).scalars()}
    assert runs[259200][0] == "skipped" and "superseded" in str(runs[259200][1])
    assert runs[86400][0] == "done" and runs[7200][0] == "pending"
    assert "skipped: a later reminder is also due" in app.process.logs()
    counts = Counter(reminder_calls(app.fake))
    assert counts and set(counts.values()) == {1}


def test_rate_limits_are_honoured_and_everyone_is_reminded(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    crowd = [fake.add_user(name=f"crowd{i}")["id"] for i in range(30)]
    fake.add_members(coalition.public, *crowd)
    letter_id = create_letter(app, coalition, reminders="24h")
    fake.wait_until(lambda: [m for m in fake.dm_messages(coalition.coordinator) if "Posted in" in str(m.get("text"))])
    fake.inject("chat.postMessage", status=429, retry_after=1, times=3)
    make_due(app.database_url, letter_id, "24h")
    wait_for_run(app.database_url, letter_id, "done", timeout=40)
    counts = Counter(reminder_calls(fake))
    assert all(counts[person] == 1 for person in crowd)
    calls = [c for c in fake.calls("chat.postMessage") if "Reminder:" in str(c.params.get("text"))]
    limited = [c for c in calls if c.status == 429]
    assert len(limited) == 3
    for refused in limited:
        # Each refused reminder was sent again, once, only after waiting out Retry-After.
        retried = [c for c in calls if c.params.get("channel") == refused.params["channel"] and c.status == 200]
        assert len(retried) == 1 and retried[0].time - refused.time >= 0.95


def _delivery_counts(database_url: str, letter_id: int) -> Counter[str]:
    with db_session(database_url) as session:
        return Counter(
            session.execute(select(ReminderDelivery.status).where(ReminderDelivery.letter_id == letter_id)).scalars()
        )


def test_kill_mid_fan_out_never_repeats(fake: FakeSlack, coalition: Coalition, database_url: str) -> None:
    """Killed while DMs are in flight (Slack posted them, the answers had not come back): after a restart each
    member has exactly one reminder — the ones in flight are found in their DMs, the rest are sent."""
    crowd = [fake.add_user(name=f"crowd{i}")["id"] for i in range(200)]
    fake.add_members(coalition.public, *crowd)
    first = start_app(fake, database_url, coalition)
    try:
        letter_id = create_letter(first, coalition, reminders="24h")
        fake.inject("chat.postMessage", response_delay=0.3, times=10_000)
        make_due(database_url, letter_id, "24h")
        fake.wait_until(lambda: len(reminder_calls(fake)) >= 40, timeout=30)
    finally:
        first.process.kill()
    fake.clear_faults()
    sent_before = len(reminder_calls(fake))
    second = start_app(fake, database_url, coalition)
    try:
        wait_for_run(database_url, letter_id, "done", timeout=60)
        delivered = Counter(reminders_received(fake, [coalition.coordinator, coalition.admin, *coalition.members]))
        delivered.update(reminders_received(fake, [coalition.external, *crowd]))
        expected = {coalition.admin, *coalition.members, coalition.external, *crowd}  # not the coordinator
        assert set(delivered) == expected and max(delivered.values()) == 1, "each member exactly once"
        assert set(_delivery_counts(database_url, letter_id)) == {DeliveryStatus.SENT}
        assert sent_before < len(reminder_calls(fake))
        # Some were in flight at the kill (posted, answer not back): found in the DM, not sent again.
        assert "after a stopped claim: sent" in second.process.logs()
        check_app_health(second)
    finally:
        second.process.stop()


def reminders_received(fake: FakeSlack, people: list[str]) -> list[str]:
    """One entry per reminder DM each person has in their conversation with the bot (what they see)."""
    return [person for person in people for m in fake.dm_messages(person) if "Reminder:" in str(m.get("text"))]


def test_two_processes_send_each_reminder_once(fake: FakeSlack, coalition: Coalition, database_url: str) -> None:
    crowd = [fake.add_user(name=f"crowd{i}")["id"] for i in range(150)]
    fake.add_members(coalition.public, *crowd)
    one = start_app(fake, database_url, coalition)
    two = start_app(fake, database_url, coalition)
    try:
        letter_id = create_letter(one, coalition, reminders="24h")
        fake.set_latency("chat.postMessage", 0.05)
        make_due(database_url, letter_id, "24h")
        wait_for_run(database_url, letter_id, "done", timeout=60)
        time.sleep(1.5)
        counts = Counter(reminder_calls(fake))
        assert set(counts.values()) == {1}
        assert set(crowd) <= set(counts)
        with db_session(database_url) as session:
            senders = set(session.execute(select(ReminderDelivery.claimed_by)).scalars())
        assert len(senders) == 2, "both processes took part in the fan-out"
        digests = [m for m in fake.dm_messages(coalition.coordinator) if "went out" in message_text(m)]
        assert len(digests) == 1
        check_app_health(one)
        check_app_health(two)
    finally:
        one.process.stop()
        two.process.stop()
