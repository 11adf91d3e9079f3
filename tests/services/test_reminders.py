"""Who a reminder run reaches, and that its delivery rows are written once whoever plans it."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from bot.services import reminders
from bot.services.profiles import Profile
from db.engine import Database
from db.models import ReminderDelivery, ReminderRun
from tests.services.conftest import NOW, new_letter


def plan(db: Database, letter_id: int) -> reminders.RunPlan:
    with db.read() as session:
        run_id = session.execute(select(ReminderRun.id).where(ReminderRun.letter_id == letter_id)).scalar_one()
        prepared = reminders.prepare_run(session, run_id, NOW)
    assert isinstance(prepared, reminders.RunPlan)
    return prepared


def test_the_audience_leaves_out_bots_signers_colleagues_and_the_muted(db: Database) -> None:
    letter_id = db.transaction(new_letter)
    base = plan(db, letter_id)
    signals = reminders.SignedSignals({"USIGNED"}, {"TGUEST"}, {"maketheroad.org"})
    prepared = reminders.RunPlan(**{**base.__dict__, "signals": signals, "muted": {"UMUTED"}})
    profiles = {
        "UBOT": Profile("UBOT", is_bot=True),
        "UGONE": Profile("UGONE", deleted=True),
        "UGUEST": Profile("UGUEST", team_id="TGUEST"),
        "UCOLLEAGUE": Profile("UCOLLEAGUE", email="x@MakeTheRoad.org"),
        "UNIGHT": Profile("UNIGHT", tz="Asia/Tokyo"),
    }
    members = ["UBOT", "UGONE", "USIGNED", "UMUTED", "UGUEST", "UCOLLEAGUE", "UNIGHT", "UNEW", "UNEW"]
    audience = reminders.choose_audience(prepared, members, profiles, bot_user_id="UAPP", quiet=None, now=NOW)
    assert [row["user_id"] for row in audience.rows] == ["UNIGHT", "UNEW"]
    assert audience.skipped == {
        "bot": 1,
        "deactivated": 1,
        "signed": 1,
        "muted": 1,
        "colleague_team": 1,
        "colleague_domain": 1,
    }
    # 15:00 UTC is after midnight in Tokyo: with quiet hours the reminder waits for the morning there.
    quiet = reminders.choose_audience(
        prepared, ["UNIGHT"], profiles, bot_user_id=None, quiet=(time(20), time(9)), now=NOW
    )
    assert quiet.rows[0]["due_at"] == NOW + timedelta(hours=9)


def test_delivery_rows_are_written_once_whoever_plans(db: Database) -> None:
    letter_id = db.transaction(new_letter)
    prepared = plan(db, letter_id)
    audience = reminders.choose_audience(prepared, ["U1", "U2"], {}, bot_user_id=None, quiet=None, now=NOW)
    for _ in range(2):  # a second planner (after a crash, or another process) changes nothing
        db.transaction(lambda s: reminders.record_audience(s, prepared.run_id, audience))
    with db.read() as session:
        assert sorted(session.execute(select(ReminderDelivery.user_id)).scalars()) == ["U1", "U2"]


def test_a_run_is_skipped_when_its_letter_closed_or_a_later_one_is_due(db: Database) -> None:
    db.transaction(lambda s: new_letter(s, reminder_offsets=(timedelta(hours=72), timedelta(hours=24))))
    with db.read() as session:
        runs = dict(session.execute(select(ReminderRun.offset_seconds, ReminderRun.id)).all())
        late = NOW + timedelta(days=6, hours=1)  # both reminders are due: only the later one is worth sending
        earlier = reminders.prepare_run(session, runs[259200], late)
        latest = reminders.prepare_run(session, runs[86400], late)
        closed = reminders.prepare_run(session, runs[86400], NOW + timedelta(days=8))
    assert earlier == reminders.RunSkipped(reminders.SkipRun.SUPERSEDED)
    assert isinstance(latest, reminders.RunPlan)
    assert closed == reminders.RunSkipped(reminders.SkipRun.LETTER_CLOSED)
