"""Issue 13: when Slack fails, signon tries again or says so; nothing is silently lost, nothing is doubled."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from db.models import ChannelPost, ExportRequest, ReminderRun, Signatory
from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import (
    create_letter,
    db_session,
    letter_text,
    letter_values,
    local_deadline,
    message_text,
    open_new_letter,
    open_signon_from_post,
    sign_on,
    signatories,
    signon_values,
    wait_for_modal,
    wait_for_receipts,
)
from tests.e2e.test_reminders import reminders_received, wait_for_run
from tests.e2e.test_security import told

FORM_DID_NOT_OPEN = "Slack didn't show the form"


def receipts_of(app: RunningApp, user_id: str) -> list[dict[str, object]]:
    return [m for m in app.fake.dm_messages(user_id) if "You signed on" in message_text(m)]


def test_a_form_that_slack_would_not_open_is_said_not_silent(app: RunningApp, coalition: Coalition) -> None:
    create_letter(app, coalition)
    member = coalition.members[0]
    app.fake.inject("views.open", status=500, times=2)
    response = app.driver.slash_command(member, "/signon", "", channel_id=coalition.public)
    assert response.ok
    app.fake.wait_until(lambda: FORM_DID_NOT_OPEN in "\n".join(told(app.fake, member)))
    assert app.fake.top_view(member) is None


def test_one_failed_open_is_tried_again_within_the_trigger(app: RunningApp, coalition: Coalition) -> None:
    create_letter(app, coalition)
    first, second = coalition.members[:2]
    app.fake.inject("views.open", status=503, times=1)
    app.driver.slash_command(first, "/signon", "", channel_id=coalition.public)
    wait_for_modal(app.fake, first, "signon_submit")
    # Slack opened it but the answer was lost: the second try says the trigger was used, and the form still
    # replaces the loading view, found by its external_id.
    app.fake.inject("views.open", drop_response_after_processing=True, times=1)
    app.driver.slash_command(second, "/signon", "", channel_id=coalition.public)
    wait_for_modal(app.fake, second, "signon_submit")
    assert FORM_DID_NOT_OPEN not in "\n".join(told(app.fake, first) + told(app.fake, second))


def test_a_form_stuck_on_loading_is_said(app: RunningApp, coalition: Coalition) -> None:
    create_letter(app, coalition)
    member = coalition.members[0]
    app.fake.inject("views.update", status=500, times=10)
    app.driver.slash_command(member, "/signon", "", channel_id=coalition.public)
    app.fake.wait_until(lambda: FORM_DID_NOT_OPEN in "\n".join(told(app.fake, member)), timeout=15)


def test_receipts_survive_slack_failures_and_lost_answers_without_doubles(
    app: RunningApp, coalition: Coalition
) -> None:
    letter_id = create_letter(app, coalition)
    first, second, third = coalition.members[:3]
    # A 500 on the receipt, an answer lost after Slack posted it, and a long run of failures.
    app.fake.inject("chat.postMessage", status=500, times=1)
    sign_on(app, first, letter_id, coalition.public, "Failing Once Org", email="f@one.org")
    app.fake.wait_until(lambda: receipts_of(app, first))
    app.fake.inject("chat.postMessage", drop_response_after_processing=True, times=1)
    sign_on(app, second, letter_id, coalition.public, "Lost Answer Org", email="l@two.org")
    app.fake.wait_until(lambda: receipts_of(app, second))
    app.fake.inject("chat.postMessage", status=503, times=200)
    sign_on(app, third, letter_id, coalition.public, "Slack Down Org", email="d@three.org")
    app.fake.wait_until(lambda: any(s.receipt_attempts for s in signatories(app.database_url, letter_id)), timeout=60)
    app.fake.clear_faults()
    with db_session(app.database_url) as session:  # time passes: the next try is due
        session.execute(update(Signatory).values(receipt_not_before=datetime.now(UTC) - timedelta(seconds=1)))
        session.commit()
    wait_for_receipts(app, letter_id, timeout=30)
    for person in (first, second, third):
        assert len(receipts_of(app, person)) == 1, person
    assert {s.receipt_status for s in signatories(app.database_url, letter_id)} == {"sent"}


def test_a_first_post_that_failed_is_posted_later_and_the_coordinator_knows(
    app: RunningApp, coalition: Coalition
) -> None:
    open_new_letter(app, coalition.coordinator, coalition.public)
    app.fake.inject("chat.postMessage", status=500, times=60)
    values = letter_values(
        title="Protect Due Process Now", text=letter_text(), deadline=local_deadline(), channels=[coalition.public]
    )
    assert not app.driver.submit_view(coalition.coordinator, values=values).errors
    [letter_id] = [post.letter_id for post in _posts(app.database_url)]
    # Slack fails, so the DM of the report fails too: the coordinator reads it in the modal they submitted.
    app.fake.wait_until(
        lambda: "Slack didn't take the post" in json.dumps(app.fake.top_view(coalition.coordinator)), timeout=15
    )
    app.fake.clear_faults()
    with db_session(app.database_url) as session:
        session.execute(update(ChannelPost).values(not_before=datetime.now(UTC) - timedelta(seconds=1)))
        session.commit()
    posts = app.fake.wait_until(
        lambda: [m for m in app.fake.messages(coalition.public) if "Protect Due Process Now" in message_text(m)],
        timeout=60,
    )
    assert len(posts) == 1
    app.fake.wait_until(lambda: [p.status for p in _posts(app.database_url)] == ["posted"])
    open_signon_from_post(app, coalition.members[0], letter_id, coalition.public)


def test_a_reminder_run_is_never_recorded_with_a_partial_audience(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition, reminders="24h")
    app.fake.inject("conversations.members", status=500, times=6)
    with db_session(app.database_url) as session:
        session.execute(update(ReminderRun).where(ReminderRun.letter_id == letter_id).values(due_at=datetime.now(UTC)))
        session.commit()
    app.fake.wait_until(lambda: any(run.attempts for run in _runs(app.database_url, letter_id)), timeout=30)
    assert all(run.planned_count == 0 and run.status != "done" for run in _runs(app.database_url, letter_id))
    app.fake.clear_faults()
    with db_session(app.database_url) as session:  # the retry is due
        session.execute(update(ReminderRun).values(lease_until=datetime.now(UTC) - timedelta(seconds=1)))
        session.commit()
    wait_for_run(app.database_url, letter_id, "done", timeout=60)
    reminded = reminders_received(app.fake, [coalition.admin, *coalition.members[1:]])
    assert sorted(reminded) == sorted({coalition.admin, *coalition.members[1:]})
    assert json.dumps([r.planned_count for r in _runs(app.database_url, letter_id)]) != "[0]"


def _posts(database_url: str) -> list[ChannelPost]:
    with db_session(database_url) as session:
        posts = list(session.query(ChannelPost))
        session.expunge_all()
        return posts


def _runs(database_url: str, letter_id: int) -> list[ReminderRun]:
    with db_session(database_url) as session:
        runs = list(session.query(ReminderRun).filter_by(letter_id=letter_id))
        session.expunge_all()
        return runs


def test_sign_ons_are_acknowledged_while_slack_fails(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    member = coalition.members[0]
    open_signon_from_post(app, member, letter_id, coalition.public)
    app.fake.inject("*", status=500, times=20)
    response = app.driver.submit_view(member, values=signon_values("Acknowledged Anyway Org"))
    assert response.ok and not response.errors and response.elapsed < 3
    assert [s.org_name for s in signatories(app.database_url, letter_id)] == ["Acknowledged Anyway Org"]


def _export_requests(database_url: str) -> list[ExportRequest]:
    with db_session(database_url) as session:
        requests = list(session.query(ExportRequest).order_by(ExportRequest.id))
        session.expunge_all()
        return requests


def _time_passes_for_exports(database_url: str) -> None:
    with db_session(database_url) as session:
        session.execute(update(ExportRequest).values(not_before=datetime.now(UTC) - timedelta(seconds=1)))
        session.commit()


def _letter_with_one_signer(app: RunningApp, coalition: Coalition) -> int:
    letter_id = create_letter(app, coalition)
    sign_on(app, coalition.members[0], letter_id, coalition.public, "First Org", email="a@first.org")
    wait_for_receipts(app, letter_id)
    return letter_id


def test_an_export_slack_will_not_take_is_tried_again_then_said_with_a_button(
    app: RunningApp, coalition: Coalition
) -> None:
    letter_id = _letter_with_one_signer(app, coalition)
    app.fake.inject("files.completeUploadExternal", status=500, times=1000)
    response = app.driver.slash_command(
        coalition.coordinator, "/signon", f"export {letter_id} csv", channel_id=coalition.public
    )
    assert response.ok
    # Committed before the acknowledgement, then tried again after each failure, five tries in all.
    assert len(_export_requests(app.database_url)) == 1
    for attempt in range(1, 5):
        app.fake.wait_until(lambda a=attempt: _export_requests(app.database_url)[0].attempts >= a, timeout=20)
        _time_passes_for_exports(app.database_url)
    [failed] = app.fake.wait_until(
        lambda: [r for r in _export_requests(app.database_url) if r.status == "failed"] or None, timeout=20
    )
    assert failed.attempts == 5 and failed.error == "internal_error"
    # The export message that went out on the first try now says it failed, with a button; it was posted once.
    dms = [m for m in app.fake.dm_messages(coalition.coordinator) if m.get("ts") == failed.message_ts]
    assert len(dms) == 1
    shown = message_text(dms[0])
    assert "couldn't deliver the export" in shown and "Export 1" not in shown
    buttons = [e for b in dms[0]["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [e["action_id"] for e in buttons] == ["export_letter"]
    assert not [f for f in app.fake.files() if f.get("completed")]
    app.fake.clear_faults()
    app.driver.click(coalition.coordinator, "export_letter", message=(dms[0]["channel"], dms[0]["ts"]))
    # Its number was given back: the export that arrives is number 1.
    files = app.fake.wait_until(lambda: [f for f in app.fake.files() if f.get("completed")] or None, timeout=20)
    assert [f["filename"] for f in files] == [f"letter-{letter_id}-export-1.csv"]


def test_an_export_failure_slack_would_not_let_be_said_is_tried_again_not_dropped(
    app: RunningApp, coalition: Coalition
) -> None:
    letter_id = _letter_with_one_signer(app, coalition)
    wait_for_receipts(app, letter_id)
    app.fake.inject("files.completeUploadExternal", status=500, times=1000)
    app.fake.inject("chat.update", reset_connection=True, times=1000)
    response = app.driver.slash_command(
        coalition.coordinator, "/signon", f"export {letter_id} csv", channel_id=coalition.public
    )
    assert response.ok
    app.fake.wait_until(lambda: _export_requests(app.database_url)[0].message_ts, timeout=20)
    # Past the first post, no message reaches the coordinator: neither the export's update nor a DM saying it
    # failed (and the command's response_url answers 500 too).
    app.fake.inject("chat.postMessage", reset_connection=True, times=1000)
    app.fake.inject("response_url", status=500, times=1000)
    for attempt in range(1, 7):
        app.fake.wait_until(lambda a=attempt: _export_requests(app.database_url)[0].attempts >= a, timeout=20)
        _time_passes_for_exports(app.database_url)
    [request] = _export_requests(app.database_url)
    assert request.status != "failed"  # a failure nobody was told of is not the end
    assert "Traceback" not in app.process.logs()
    app.fake.clear_faults()
    _time_passes_for_exports(app.database_url)
    app.fake.wait_until(lambda: _export_requests(app.database_url)[0].status == "sent", timeout=30)
    files = [f["filename"] for f in app.fake.files() if f.get("completed")]
    assert files == [f"letter-{letter_id}-export-1.csv"]
    exports = [m for m in app.fake.dm_messages(coalition.coordinator) if "Export 1" in message_text(m)]
    assert len(exports) == 1


def test_an_export_whose_process_was_killed_is_delivered_once_after_the_restart(
    app: RunningApp, coalition: Coalition
) -> None:
    letter_id = _letter_with_one_signer(app, coalition)
    # Slack is slow to answer; the process is killed while it holds the export.
    app.fake.inject("conversations.open", delay=10, times=1)
    response = app.driver.slash_command(
        coalition.coordinator, "/signon", f"export {letter_id}", channel_id=coalition.public
    )
    assert response.ok
    app.fake.wait_until(lambda: [r.status for r in _export_requests(app.database_url)] == ["claimed"])
    app.process.kill()
    app.fake.clear_faults()
    app.fake.violations.clear()  # calls refused while the process was dead are expected
    app.process.start()
    with db_session(app.database_url) as session:  # the lease runs out
        session.execute(update(ExportRequest).values(lease_until=datetime.now(UTC) - timedelta(seconds=1)))
        session.commit()
    files = app.fake.wait_until(
        lambda: [f for f in app.fake.files() if f.get("completed")] if len(app.fake.files()) >= 4 else None,
        timeout=30,
    )
    assert sorted(f["filename"] for f in files) == [
        f"letter-{letter_id}-export-1-signatories.txt",
        f"letter-{letter_id}-export-1.csv",
        f"letter-{letter_id}-export-1.docx",
        f"letter-{letter_id}-export-1.pdf",
    ]
    app.fake.wait_until(lambda: [r.status for r in _export_requests(app.database_url)] == ["sent"])
    exports = [m for m in app.fake.dm_messages(coalition.coordinator) if "Export 1" in message_text(m)]
    assert len(exports) == 1
