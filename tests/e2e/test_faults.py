"""Issue 7: nothing acknowledged is lost or doubled when the process dies, Slack fails, or the disk fills."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import make_url, select, update

from db.models import ExportRequest
from tests.conftest import TEST_DATABASE_URL, Coalition, RunningApp, check_app_health, start_app
from tests.e2e.steps import (
    create_letter,
    db_session,
    message_text,
    open_signon_from_post,
    post_of,
    sign_on,
    signatories,
    signon_values,
    wait_for_receipts,
)
from tests.fakeslack import DriverResponse, FakeSlack
from tests.harness import run_cli

sqlite_only = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="exercises the SQLite file itself")


def acknowledged(response: DriverResponse) -> bool:
    """Slack shows the person a confirmation: the app answered 200 with the "Signed" (or already-signed) view."""
    return response.status == 200 and not response.errors and not response.timed_out


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [10, 35, 70])
def test_kill_9_during_a_burst_loses_and_doubles_nothing(
    fake: FakeSlack, coalition: Coalition, database_url: str, kill_after: int
) -> None:
    people = [fake.add_user(name=f"burst{i}", email=f"b{i}@burst{i}.org")["id"] for i in range(90)]
    fake.add_members(coalition.public, *people)
    running = start_app(fake, database_url, coalition)
    letter_id = create_letter(running, coalition)
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda who: open_signon_from_post(running, who, letter_id, coalition.public), people))
    acked: set[str] = set()
    lock = threading.Lock()

    def submit(index: int) -> DriverResponse:
        response = running.driver.submit_view(
            people[index], values=signon_values(f"Burst Org {index}", email=f"b{index}@burst{index}.org")
        )
        if acknowledged(response):
            with lock:
                acked.add(people[index])
                if len(acked) == kill_after:
                    running.process.kill()  # kill -9 in the middle of the burst
        return response

    with ThreadPoolExecutor(10) as pool:
        first = list(pool.map(submit, range(len(people))))
    assert running.process.process is not None and running.process.process.returncode == -9
    names_acked = {f"Burst Org {people.index(p)}" for p in acked}
    stored = {s.org_name for s in signatories(database_url, letter_id)}
    assert names_acked <= stored, "every acknowledged sign-on survived kill -9"

    # The app comes back; people whose submission failed press Submit again.
    fake.violations.clear()  # connections refused while the process was dead are expected
    running.process.start()
    retry = [i for i, response in enumerate(first) if not acknowledged(response)]
    assert retry, "the kill interrupted the burst"
    with ThreadPoolExecutor(10) as pool:
        again = list(pool.map(submit, retry))
    assert all(acknowledged(r) for r in again)
    rows = signatories(database_url, letter_id)
    assert sorted(s.org_name for s in rows) == sorted(f"Burst Org {i}" for i in range(len(people)))
    assert len({s.org_key for s in rows}) == len(people) == len(rows)

    # Receipts: one the killed process was sending is looked for in the member's DM after the restart (found:
    # sent; not found: sent now); the rest of its batch went back to pending. Everyone has exactly one receipt.
    wait_for_receipts(running, letter_id, timeout=60)
    rows = signatories(database_url, letter_id)
    for row in rows:
        receipts = [m for m in fake.dm_messages(row.signer_user_id) if "You signed on" in str(m.get("text"))]
        assert len(receipts) == 1, row.org_name
        assert row.receipt_status == "sent", row.org_name
    check_app_health(running)
    running.process.stop()


def test_slack_failures_never_lose_a_sign_on(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    letter_id = create_letter(app, coalition)
    channel, ts = post_of(app, letter_id, coalition.public)
    fake.inject("chat.update", status=500, times=3)
    fake.inject("chat.postMessage", status=500, times=2)  # the receipts
    responses = [
        sign_on(app, member, letter_id, coalition.public, f"Resilient Org {i}", email=f"r{i}@resilient{i}.org")
        for i, member in enumerate(coalition.members[:3])
    ]
    assert all(acknowledged(r) for r in responses)
    assert all("Thank you" in message_text({"blocks": (r.view or {}).get("blocks")}) for r in responses)
    assert len(signatories(app.database_url, letter_id)) == 3
    # The post catches up once Slack recovers.
    fake.wait_until(lambda: "*3 organizations*" in message_text(fake.message(channel, ts) or {}), timeout=30)
    assert any(c.status == 500 for c in fake.calls("chat.update"))

    fake.inject("chat.update", status=429, retry_after=1, times=2)
    sign_on(app, coalition.members[3], letter_id, coalition.public, "Resilient Org 3", email="r3@resilient3.org")
    fake.wait_until(lambda: "*4 organizations*" in message_text(fake.message(channel, ts) or {}), timeout=30)

    # A failed upload is tried again later; the files and the message arrive once.
    fake.inject("upload", status=500, times=2)
    app.driver.slash_command(coalition.coordinator, "/signon", f"export {letter_id}", channel_id=coalition.public)
    for attempt in (1, 2):
        fake.wait_until(lambda a=attempt: _export_attempts(app.database_url) >= a, timeout=20)
        with db_session(app.database_url) as session:  # time passes: the next try is due
            session.execute(update(ExportRequest).values(not_before=datetime.now(UTC) - timedelta(seconds=1)))
            session.commit()
    files = fake.wait_until(lambda: [f for f in fake.files() if f.get("completed")] or None, timeout=20)
    assert sorted(f["filename"] for f in files) == [
        f"letter-{letter_id}-export-1-signatories.txt",
        f"letter-{letter_id}-export-1.csv",
        f"letter-{letter_id}-export-1.docx",
        f"letter-{letter_id}-export-1.pdf",
    ]
    assert len([m for m in fake.dm_messages(coalition.coordinator) if "Export 1" in message_text(m)]) == 1


def _export_attempts(database_url: str) -> int:
    with db_session(database_url) as session:
        return sum(session.scalars(select(ExportRequest.attempts)))


def test_sign_ons_wait_out_a_long_writer_and_readers(app: RunningApp, coalition: Coalition) -> None:
    """Contention: another writer holding the lock and long reads never surface "database is locked"."""
    letter_id = create_letter(app, coalition)
    people = [app.fake.add_user(name=f"busy{i}")["id"] for i in range(40)]
    app.fake.add_members(coalition.public, *people)
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda who: open_signon_from_post(app, who, letter_id, coalition.public), people))
    stop = threading.Event()

    def hog_writer() -> None:
        # Another writer holding the lock for most of a second at a time (a long merge, a migration).
        if TEST_DATABASE_URL:
            import psycopg

            url = make_url(app.database_url).set(drivername="postgresql").render_as_string(hide_password=False)
            with psycopg.connect(url, autocommit=True) as connection:
                while not stop.is_set():
                    with connection.transaction():
                        connection.execute("LOCK TABLE signatories IN SHARE ROW EXCLUSIVE MODE")
                        time.sleep(0.8)
                    time.sleep(0.3)
            return
        path = make_url(app.database_url).database
        assert path
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        while not stop.is_set():
            connection.execute("BEGIN IMMEDIATE")
            time.sleep(0.8)
            connection.execute("COMMIT")
            time.sleep(0.3)
        connection.close()

    def long_reader() -> None:
        while not stop.is_set():
            result = run_cli(
                ["export", "--letter", str(letter_id), "--format", "csv"], {"DATABASE_URL": app.database_url}
            )
            assert result.returncode == 0, result.stderr

    threads = [threading.Thread(target=hog_writer), threading.Thread(target=long_reader)]
    for thread in threads:
        thread.start()
    try:
        with ThreadPoolExecutor(10) as pool:
            results = list(
                pool.map(
                    lambda pair: app.driver.submit_view(
                        pair[1], values=signon_values(f"Busy Org {pair[0]}", email=f"x{pair[0]}@busy.org")
                    ),
                    enumerate(people),
                )
            )
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert all(acknowledged(r) for r in results), [r.errors for r in results if not acknowledged(r)]
    assert len(signatories(app.database_url, letter_id)) == 40
    assert "database is locked" not in app.process.logs()


@sqlite_only
def test_full_disk_gets_a_clear_message_and_loses_nothing(
    fake: FakeSlack, coalition: Coalition, database_url: str
) -> None:
    people = [fake.add_user(name=f"full{i}", email=f"f{i}@full{i}.org")["id"] for i in range(80)]
    fake.add_members(coalition.public, *people)
    setup = start_app(fake, database_url, coalition)
    letter_id = create_letter(setup, coalition)
    setup.process.stop()
    path = Path(make_url(database_url).database or "")
    used = max(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if p.exists())
    # The disk is "full" for the app: no file of it may grow more than ~120 kB beyond today's largest.
    full = start_app(fake, database_url, coalition, max_file_bytes=used + 120_000)
    outcomes: list[tuple[str, DriverResponse]] = []
    for index, person in enumerate(people):
        org = f"Full Disk Org {index}"
        outcomes.append(
            (org, sign_on(full, person, letter_id, coalition.public, org, email=f"f{index}@full{index}.org"))
        )
        if outcomes[-1][1].errors:
            break
    refused = [(org, r) for org, r in outcomes if r.errors]
    assert refused, "the disk filled up during the test"
    message = refused[0][1].errors["org"]
    assert "database is not accepting changes" in message and "Nothing was recorded" in message
    assert "Traceback" not in (refused[0][1].body or "")
    full.process.stop()
    fake.violations.clear()

    recovered = start_app(fake, database_url, coalition)  # disk space is back
    try:
        stored = {s.org_name for s in signatories(database_url, letter_id)}
        assert {org for org, r in outcomes if acknowledged(r)} <= stored
        assert refused[0][0] not in stored
        check_app_health(recovered)
    finally:
        recovered.process.stop()


@sqlite_only
def test_backup_while_running(app: RunningApp, coalition: Coalition, tmp_path: Path) -> None:
    letter_id = create_letter(app, coalition)
    stop = threading.Event()
    people = [app.fake.add_user(name=f"bk{i}")["id"] for i in range(15)]
    app.fake.add_members(coalition.public, *people)

    def keep_signing() -> None:
        for index, person in enumerate(people):
            if stop.is_set():
                return
            sign_on(app, person, letter_id, coalition.public, f"Backup Org {index}", email=f"k{index}@bk.org")

    signer = threading.Thread(target=keep_signing)
    signer.start()
    time.sleep(1)
    target = tmp_path / "copy.db"
    result = run_cli(["backup", str(target)], {"DATABASE_URL": app.database_url})
    stop.set()
    signer.join()
    assert result.returncode == 0, result.stderr
    assert "integrity check ok" in result.stderr
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count = copy.execute("SELECT count(*) FROM signatories").fetchone()[0]
    copy.close()
    assert 0 < count <= len(signatories(app.database_url, letter_id))
    exported = run_cli(["export", "--letter", str(letter_id)], {"DATABASE_URL": f"sqlite:///{target}"})
    assert exported.returncode == 0 and "Backup Org 0" in exported.stdout
