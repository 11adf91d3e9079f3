"""Fault run: every Web API call the app uses fails now and then, and the process is killed mid reminder run.

    python -m bench.fault_run                      # 6 rounds of 100 members and 12 sign-ons, SQLite
    python -m bench.fault_run --rounds 3 --members 60
    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python -m bench.fault_run   # PostgreSQL

Each round, with its own fake Slack and database (seeded: ``--seed``):

1. The app starts as the Procfile starts it (``python -m bot web``, quiet hours off) and a coordinator posts a
   letter with one reminder. Faults are armed on every method the app calls for sign-ons, receipts, posts,
   reminders and their digests: 500s, 503 HTML pages, 429 with ``Retry-After``, connection resets, answers
   lost after Slack acted, 500s after Slack acted, and answers slower than the app's client timeout.
2. Members sign on through the modal while those faults fire; each acknowledgement is noted.
3. The reminder run is made due and the process is killed with SIGKILL at a random point: before the run has
   planned anything, or once a random share (5–90 %) of its DMs went out.
4. The app is started again with a fresh set of faults, and time is moved on (the backoff waits of receipts,
   reminder runs and deliveries are put to "now" in the database) until every receipt and reminder is final.
5. The coordinator exports the letter (block, .txt, CSV, DOCX, PDF) while the export's calls fail (the DM,
   its updates, the history lookup and each step of the files upload). An export that still fails must say
   so with a button; the coordinator presses it once Slack is back.

Then every member's DMs are read from the fake Slack: each acknowledged sign-on is in the database once, each
signer has exactly one receipt, each person the run planned has exactly one reminder, and the export arrived
once with its four files. Rows that end
``failed`` or ``unknown`` are counted, with what the person was told.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from bench import common
from bench.common import note, table
from tests.conftest import TEST_DATABASE_URL, fresh_database
from tests.e2e.steps import create_letter, db_session, local_deadline, message_text, sign_on
from tests.e2e.test_reminders import make_due
from tests.fakeslack import FakeSlack

# Methods the app calls on these paths (bot/slack, bot/delivery), each given faults every round.
METHODS = [
    "views.open",
    "views.update",
    "chat.postMessage",
    "chat.update",
    "conversations.open",
    "conversations.members",
    "conversations.history",
    "users.info",
    "users.list",
]
# And those of an export: the DM, its files (the upload URL flow of files_upload_v2) and the message's updates.
EXPORT_METHODS = [
    "conversations.open",
    "chat.postMessage",
    "chat.update",
    "conversations.history",
    "files.getUploadURLExternal",
    "upload",
    "files.completeUploadExternal",
]
FAULT_KINDS = ["500", "503 page", "429", "reset", "lost answer", "500 after acting", "slower than timeout"]
SLACK_HTTP_TIMEOUT = 3  # seconds; the app's client timeout in this run, so "slower than timeout" stays short


def arm_faults(
    fake: FakeSlack, rng: random.Random, per_method: int, methods: list[str] = METHODS, gap: int = 6
) -> collections.Counter[str]:
    """``per_method`` faults on each method, each after ``0..gap`` calls that go through."""
    armed: collections.Counter[str] = collections.Counter()
    for method in methods:
        after = 0
        for _ in range(per_method):
            kind = rng.choice(FAULT_KINDS)
            after += rng.randint(0, gap)
            times = rng.randint(1, 2)
            options: dict[str, Any] = {"after": after, "times": times}
            if kind == "500":
                options["status"] = 500
            elif kind == "503 page":
                options["status"] = 503
            elif kind == "429":
                options.update(status=429, retry_after=rng.randint(1, 2))
            elif kind == "reset":
                options["reset_connection"] = True
            elif kind == "lost answer":
                options["drop_response_after_processing"] = True
            elif kind == "500 after acting":
                options.update(status=500, processed=True)
            else:
                options["response_delay"] = SLACK_HTTP_TIMEOUT + 1.0
            if method.startswith("views.") and kind in ("lost answer", "500 after acting", "slower than timeout"):
                options = {"after": after, "times": times, "status": 500}  # a modal has no "acted but unanswered"
                kind = "500"
            fake.inject(method, **options)
            armed[kind] += times
    return armed


def receipts(fake: FakeSlack, user_id: str) -> int:
    return sum("You signed on" in message_text(m) for m in fake.dm_messages(user_id))


def reminders(fake: FakeSlack, user_id: str) -> int:
    return sum("Reminder:" in str(m.get("text")) for m in fake.dm_messages(user_id))


def delivery_statuses(database_url: str, letter_id: int) -> collections.Counter[str]:
    from db.models import ReminderDelivery

    with db_session(database_url) as session:
        return collections.Counter(
            session.execute(select(ReminderDelivery.status).where(ReminderDelivery.letter_id == letter_id)).scalars()
        )


def move_time_on(database_url: str, letter_id: int) -> None:
    """Time passes: every backoff wait of this letter's receipts, runs and deliveries is over."""
    from db.models import ReminderDelivery, ReminderRun, Signatory

    now = datetime.now(UTC)
    with db_session(database_url) as session:
        session.execute(
            update(Signatory)
            .where(Signatory.letter_id == letter_id, Signatory.receipt_not_before > now)
            .values(receipt_not_before=now)
        )
        session.execute(
            update(ReminderRun)
            .where(ReminderRun.letter_id == letter_id, ReminderRun.status != "done", ReminderRun.due_at > now)
            .where(ReminderRun.offset_seconds == 86400)
            .values(due_at=now)
        )
        session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.letter_id == letter_id, ReminderDelivery.status == "pending")
            .where(ReminderDelivery.due_at > now)
            .values(due_at=now)
        )
        session.commit()


def settled(database_url: str, letter_id: int) -> tuple[bool, dict[str, Any]]:
    from db.models import ReminderDelivery, ReminderRun, Signatory

    with db_session(database_url) as session:
        run = session.execute(
            select(ReminderRun.status).where(ReminderRun.letter_id == letter_id, ReminderRun.offset_seconds == 86400)
        ).scalar_one()
        deliveries = collections.Counter(
            session.execute(select(ReminderDelivery.status).where(ReminderDelivery.letter_id == letter_id)).scalars()
        )
        receipt_states = collections.Counter(
            session.execute(select(Signatory.receipt_status).where(Signatory.letter_id == letter_id)).scalars()
        )
    busy = {"pending", "claimed"}
    done = run == "done" and not busy & set(deliveries) and not busy & set(receipt_states)
    return done, {"run": run, "deliveries": deliveries, "receipts": receipt_states}


def export_requests(database_url: str, letter_id: int) -> list[Any]:
    from db.models import ExportRequest

    with db_session(database_url) as session:
        rows = list(session.execute(select(ExportRequest).where(ExportRequest.letter_id == letter_id)).scalars())
        session.expunge_all()
        return rows


def export_with_faults(
    ws: common.Workspace, app: Any, letter_id: int, rng: random.Random, args: argparse.Namespace
) -> dict[str, Any]:
    """The coordinator exports the letter (block, .txt, CSV, DOCX and PDF) while the export's calls fail; an
    export that still fails must be said with a button, which the coordinator presses once Slack is back."""
    from db.models import ExportRequest

    fake, coordinator = ws.fake, ws.coalition.coordinator
    fake.clear_faults()
    # An export calls each of these a few times only: the faults come close together so that they fire.
    armed = arm_faults(fake, rng, args.faults, EXPORT_METHODS, gap=1)
    calls_before = len(fake.calls())
    response = app.driver.slash_command(coordinator, "/signon", f"export {letter_id}", channel_id=ws.coalition.public)
    assert response.ok, response
    told_failed, pressed_again, failures_seen = 0, 0, 0
    started = time.monotonic()
    while time.monotonic() - started < args.timeout:
        with db_session(ws.database_url) as session:  # time passes: every backoff wait of an export is over
            session.execute(update(ExportRequest).values(not_before=datetime.now(UTC)))
            session.commit()
        requests = export_requests(ws.database_url, letter_id)
        if any(r.status == "sent" for r in requests):
            break
        failed = [r for r in requests if r.status == "failed"]
        if failed and len(failed) == len(requests) and len(failed) > failures_seen:
            failures_seen = len(failed)
            # What the coordinator sees: the export message (or a DM, or an ephemeral) says it failed, with a button.
            shown = [
                m
                for m in [*fake.dm_messages(coordinator), *fake.ephemerals(coordinator)]
                if "couldn't deliver the export" in message_text(m)
            ]
            told_failed += bool(shown)
            buttons = [
                (m, e)
                for m in shown
                for b in m.get("blocks") or []
                if b.get("type") == "actions"
                for e in b["elements"]
                if e.get("action_id") == "export_letter"
            ]
            if not buttons:
                break
            fake.clear_faults()
            message, _ = buttons[-1]
            pressed_again += 1
            if message.get("ts") and message.get("channel"):
                app.driver.click(coordinator, "export_letter", message=(message["channel"], message["ts"]))
            else:
                app.driver.slash_command(coordinator, "/signon", f"export {letter_id}", channel_id=ws.coalition.public)
            time.sleep(1.0)
        time.sleep(0.3)
    time.sleep(1.0)
    requests = export_requests(ws.database_url, letter_id)
    sent = [r for r in requests if r.status == "sent"]
    number = sent[0].snapshot_number if sent else None
    files = collections.Counter(f["filename"] for f in fake.files() if f.get("completed"))
    stem = f"letter-{letter_id}-export-{number}"
    wanted = [f"{stem}.csv", f"{stem}-signatories.txt", f"{stem}.docx", f"{stem}.pdf"]
    messages = [m for m in fake.dm_messages(coordinator) if f"Export {number}:" in message_text(m)]
    return {
        "export_armed": armed,
        "export_faults_fired": sum(1 for c in fake.calls()[calls_before:] if c.status != 200 or not c.answered),
        "export_delivered": bool(sent) and all(files[name] >= 1 for name in wanted),
        "export_messages_twice": max(0, len(messages) - 1),
        "export_files_twice": sum(max(0, files[name] - 1) for name in wanted),
        "export_told_failed": told_failed,
        "export_pressed_again": pressed_again,
        "export_silent_failures": int(not sent and not told_failed),
    }


def one_round(number: int, args: argparse.Namespace) -> dict[str, Any]:
    from db.models import ReminderDelivery, Signatory

    rng = random.Random(args.seed * 1000 + number)
    round_started = time.monotonic()
    with common.workspace() as ws, fresh_database(ws.directory, "signon_fault") as database_url:
        ws.database_url = database_url
        fake, coalition = ws.fake, ws.coalition
        env = {"SIGNON_QUIET_HOURS": "off", "SLACK_HTTP_TIMEOUT": str(SLACK_HTTP_TIMEOUT)}
        crowd = common.add_users(fake, args.members, f"r{number}m", coalition.public)
        app = ws.start_app(env)
        letter_id = create_letter(app, coalition, reminders="24h", deadline=local_deadline(days=5))
        armed = arm_faults(fake, rng, args.faults)

        signers = crowd[: args.signons]
        org_of = {user_id: f"Fault Round {number} Organization {i}" for i, user_id in enumerate(signers)}
        acknowledged: list[str] = []
        refused_forms = 0
        for i, user_id in enumerate(signers):
            org = org_of[user_id]
            for _attempt in range(3):  # a form Slack would not open is said; the member presses again
                try:
                    response = sign_on(app, user_id, letter_id, coalition.public, org, email=f"s{i}@r{number}.org")
                except (AssertionError, TimeoutError):
                    refused_forms += 1
                    continue
                if response.ok:
                    acknowledged.append(org)
                break

        # Where the run is killed: before it has planned anything, or once a random share of its DMs went out.
        share = rng.choice([0.0, rng.uniform(0.05, 0.9)])
        due = time.monotonic()
        make_due(ws.database_url, letter_id, "24h")
        while time.monotonic() - due < 60:
            statuses = delivery_statuses(ws.database_url, letter_id)
            if statuses["sent"] >= share * max(1, sum(statuses.values())) and (share == 0 or statuses):
                break
            time.sleep(0.05)
        kill_after = time.monotonic() - due
        in_flight = delivery_statuses(ws.database_url, letter_id)
        app.process.kill()
        fake.clear_faults()
        armed.update(arm_faults(fake, rng, max(1, args.faults // 2)))
        app = ws.start_app(env)

        started = time.monotonic()
        done, state = False, {}
        while time.monotonic() - started < args.timeout:
            move_time_on(ws.database_url, letter_id)
            done, state = settled(ws.database_url, letter_id)
            if done:
                break
            time.sleep(0.5)
        time.sleep(1.0)
        with db_session(ws.database_url) as session:
            rows = session.execute(
                select(Signatory.org_name, Signatory.status).where(Signatory.letter_id == letter_id)
            ).all()
            planned = set(
                session.execute(select(ReminderDelivery.user_id).where(ReminderDelivery.letter_id == letter_id))
                .scalars()
                .all()
            )
        names = collections.Counter(name for name, _ in rows)
        people = set(fake.channel_members(coalition.public)) - {fake.bot_user_id}
        reminder_counts = {person: reminders(fake, person) for person in people}
        receipt_counts = {person: receipts(fake, person) for person in signers}
        unsigned_crowd = set(crowd) - set(signers)
        for person, count in sorted(reminder_counts.items()):
            if count > 1:
                keys = [
                    (m.get("metadata") or {}).get("event_payload", {}).get("key")
                    for m in fake.dm_messages(person)
                    if "Reminder:" in str(m.get("text"))
                ]
                note(f"round {number}: {person} has {count} reminders, markers {keys}")
        for person, count in sorted(receipt_counts.items()):
            if count > 1:
                keys = [
                    (m.get("metadata") or {}).get("event_payload", {}).get("key")
                    for m in fake.dm_messages(person)
                    if "You signed on" in message_text(m)
                ]
                note(f"round {number}: {person} ({org_of[person]}) has {count} receipts, markers {keys}")
        exported = export_with_faults(ws, app, letter_id, rng, args)
        logs = app.process.logs()
        app.process.stop()
        for start in [i for i in range(len(logs)) if logs.startswith("Traceback", i)][:3]:
            note(f"round {number}: traceback in the app log:\n{logs[max(0, start - 300) : start + 2500]}")
        armed.update(exported.pop("export_armed"))
        return {
            **exported,
            "settled": done,
            "state": state,
            "kill_after": kill_after,
            "share": share,
            "seconds": time.monotonic() - round_started,
            "in_flight": in_flight,
            "armed": armed,
            "faults_fired": sum(1 for c in fake.calls() if c.status != 200 or not c.answered),
            "acknowledged": len(acknowledged),
            "refused_forms": refused_forms,
            "lost": sum(1 for org in acknowledged if names[org] == 0),
            "doubled_orgs": sum(1 for n in names.values() if n > 1),
            "receipts_missing": sum(1 for s in signers if names[org_of[s]] and receipt_counts[s] == 0),
            "receipts_doubled": sum(1 for n in receipt_counts.values() if n > 1),
            "planned": len(planned),
            "reminded": sum(1 for p in planned if reminder_counts.get(p, 0) >= 1),
            "reminders_doubled": sum(1 for n in reminder_counts.values() if n > 1),
            "reminded_unplanned": sum(1 for p, n in reminder_counts.items() if n and p not in planned),
            "crowd_not_planned": len(unsigned_crowd - planned),
            "tracebacks": logs.count("Traceback"),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--members", type=int, default=100, help="channel members besides the coalition")
    parser.add_argument("--signons", type=int, default=12, help="members who sign on while Slack fails")
    parser.add_argument("--faults", type=int, default=4, help="faults armed per method, before the kill")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first", type=int, default=1, help="the first round's number (each round has its own seed)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for each round to settle")
    args = parser.parse_args()

    common.print_machine()
    common.heading(
        f"Fault run: {args.rounds} rounds, {args.members} members and {args.signons} sign-ons each, "
        f"{args.faults} faults per method before the kill, seed {args.seed}, "
        f"{'PostgreSQL' if TEST_DATABASE_URL else 'SQLite'}"
    )
    results = []
    for number in range(args.first, args.first + args.rounds):
        result = one_round(number, args)
        results.append(result)
        note(
            f"round {number} ({result['seconds']:.0f} s): killed {result['kill_after']:.1f} s after due "
            f"(aimed at {result['share']:.0%} sent) with deliveries {dict(result['in_flight'])}; "
            f"settled={result['settled']} {dict(result['state'].get('deliveries', {}))}; export delivered="
            f"{result['export_delivered']}, said failed {result['export_told_failed']}, "
            f"{result['export_faults_fired']} export calls failed"
        )
    total: collections.Counter[str] = collections.Counter()
    armed: collections.Counter[str] = collections.Counter()
    for result in results:
        armed.update(result["armed"])
        for key, value in result.items():
            if isinstance(value, bool):
                total[key] += int(value)
            elif isinstance(value, int):
                total[key] += value
    final: collections.Counter[str] = collections.Counter()
    for result in results:
        final.update(result["state"].get("deliveries", {}))
    common.heading("Totals")
    rows = [
        ["rounds settled (every receipt and reminder final)", f"{total['settled']} of {args.rounds}"],
        ["faults armed (by kind)", f"{sum(armed.values())}: {dict(armed)}"],
        ["Web API calls that failed or went unanswered", f"{total['faults_fired']:,}"],
        ["sign-ons acknowledged", f"{total['acknowledged']}"],
        ["forms Slack would not open (said; pressed again)", f"{total['refused_forms']}"],
        ["acknowledged sign-ons lost / organizations doubled", f"{total['lost']} / {total['doubled_orgs']}"],
        ["signers without a receipt / with two", f"{total['receipts_missing']} / {total['receipts_doubled']}"],
        ["member-reminders planned", f"{total['planned']:,}"],
        ["planned and reminded", f"{total['reminded']:,}"],
        ["people reminded twice / reminded unplanned", f"{total['reminders_doubled']} / {total['reminded_unplanned']}"],
        ["unsigned members left out of a run", f"{total['crowd_not_planned']}"],
        ["export calls that failed or went unanswered", f"{total['export_faults_fired']}"],
        ["exports delivered with all four files", f"{total['export_delivered']} of {args.rounds}"],
        [
            "export failures said with a button / pressed again",
            f"{total['export_told_failed']} / {total['export_pressed_again']}",
        ],
        ["export messages twice / files twice", f"{total['export_messages_twice']} / {total['export_files_twice']}"],
        ["exports that failed without a word", f"{total['export_silent_failures']}"],
        ["final reminder deliveries", f"{dict(final)}"],
        ["tracebacks in the app logs", f"{total['tracebacks']}"],
    ]
    print(table(rows, ["", "value"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
