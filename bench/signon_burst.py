"""Sign-on burst: 2,000 sign-on form submissions from 50 concurrent clients, signon vs a bare Bolt app.

    python -m bench.signon_burst            # 2,000 submissions, 50 clients (a few minutes)
    python -m bench.signon_burst --quick    # 400 submissions
    python -m bench.signon_burst --profile  # afterwards, one more signon burst sampled by py-spy

signon runs as the Procfile runs it: ``python -m bot web`` (gunicorn + uvicorn workers) with the defaults of
bot/settings.py (WEB_CONCURRENCY, WEB_THREADS, SQLITE_SYNCHRONOUS=FULL, poll interval), a SQLite file,
against the local Slack double. Setup (not timed): a coordinator posts a letter through the modal, 2,000
members are added to the channel and each presses **Sign on** on the post, so the app opens the form
(views.open + views.update) with its own private_metadata. The submissions are then built from those
views exactly as the driver builds them, with distinct realistic organization names, and signed.

Timed: a separate load-generator process (bench/loadgen.py) sends them from 50 threads, each on its own
keep-alive connection, each sending its next form as soon as the previous one was acknowledged.
Reported: acknowledgement latency p50/p95/p99/max, sign-ons per second, peak RSS of gunicorn master +
workers (sampled from /proc every 50 ms), acks over 3 s, CPU used, then a database check that exactly
2,000 signatories exist, and the receipts (DMs sent after the ack).

Then the same for bench/bare_app.py (a /signon command opening a fixed modal with the same inputs, a
view_submission handler that only acks), served the same way, and the ratios.
"""

from __future__ import annotations

import argparse
import collections
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench import common
from bench.common import LoadResult, RssSampler, mb, ms, note, percentile, table
from tests.e2e.steps import create_letter, db_session, post_of, signon_values
from tests.fakeslack import FakeSlack, SlackDriver

GOAL_P99 = 0.250
GOAL_RATIO = 1.3
ACK_LIMIT = 3.0


@dataclass
class Run:
    name: str
    load: LoadResult
    peak_rss_kib: int
    rss_by_process: dict[str, int]
    server_cpu: float
    fake_cpu: float
    connections: dict[str, int]
    body_bytes: float
    extra: dict[str, Any]


def form_values(i: int, org: str) -> dict[str, dict[str, Any]]:
    who = common.person(i)
    org_type = ("community", "advocacy", "labor", None)[i % 4]
    return signon_values(
        org, name=who["name"], title=who["title"], email=who["email"], city=who["city"], org_type=org_type
    )


# ---------------------------------------------------------------------------------------------------
# Setup
# ---------------------------------------------------------------------------------------------------


def open_forms(
    fake: FakeSlack,
    users: list[str],
    callback_id: str,
    press: Any,
    threads: int,
) -> float:
    """Each user opens the form through the app; returns the seconds it took."""
    started = time.monotonic()

    def one(user: str) -> None:
        for _attempt in range(3):
            response = press(user)
            if not response.ok:
                continue
            try:
                common.wait_for_top_view(fake, user, callback_id, timeout=15)
                return
            except AssertionError:
                continue
        raise RuntimeError(f"{user} could not open the form")

    common.run_parallel(one, users, threads)
    return time.monotonic() - started


def build_bodies(fake: FakeSlack, users: list[str], names: list[str]) -> list[str]:
    return [
        common.interactive_body(common.submission_payload(fake, user, form_values(i, names[i])))
        for i, user in enumerate(users)
    ]


# ---------------------------------------------------------------------------------------------------
# The timed phase
# ---------------------------------------------------------------------------------------------------


def timed_burst(
    name: str,
    root_pid: int,
    url: str,
    port: int,
    bodies: list[str],
    clients: int,
    work_dir: Path,
    *,
    wait_quiet: bool = True,
) -> Run:
    tree_before = common.process_tree(root_pid)
    server_cpu_before = common.cpu_seconds(tree_before)
    fake_before = resource.getrusage(resource.RUSAGE_SELF)
    connections: dict[int, int] = {}
    stop = threading.Event()

    def watch_connections() -> None:
        # Which worker holds each client's keep-alive connection (gunicorn's workers race to accept).
        # Looked at a few times early in the run only, so the look itself costs next to nothing.
        for pause in (0.3, 0.2, 0.2, 0.3, 0.5, 1.0, 2.0):
            if stop.wait(pause):
                return
            seen = common.established_connections_by_pid(port, common.process_tree(root_pid))
            if sum(seen.values()) > sum(connections.values()):
                connections.clear()
                connections.update(seen)

    watcher = threading.Thread(target=watch_connections, daemon=True)
    if wait_quiet:
        note(common.wait_for_quiet_machine(max_wait=120))
    with common.CpuAccount(root_pid) as account, RssSampler(root_pid) as sampler:
        watcher.start()
        load = common.run_load(url, bodies, clients, work_dir=work_dir)
        stop.set()
        watcher.join()
    fake_after = resource.getrusage(resource.RUSAGE_SELF)
    tree_after = common.process_tree(root_pid)
    server_cpu = common.cpu_seconds(tree_after) - server_cpu_before
    fake_cpu = (fake_after.ru_utime - fake_before.ru_utime) + (fake_after.ru_stime - fake_before.ru_stime)
    labels = {root_pid: "master"}
    for i, pid in enumerate(sorted(p for p in tree_after if p != root_pid)):
        labels[pid] = f"worker {i + 1}"
    rss = {labels.get(pid, str(pid)): kib for pid, kib in sampler.peak_by_pid.items()}
    conns = {labels.get(pid, str(pid)): count for pid, count in connections.items() if pid != root_pid}
    return Run(
        name,
        load,
        sampler.peak_total_kib,
        rss,
        server_cpu,
        fake_cpu,
        conns,
        sum(len(b) for b in bodies) / len(bodies),
        {"machine": account.describe()},
    )


# ---------------------------------------------------------------------------------------------------
# signon
# ---------------------------------------------------------------------------------------------------


def run_signon(args: argparse.Namespace, names: list[str], *, profile: bool = False, instrumented: bool = False) -> Run:
    with common.workspace(keep=args.keep) as ws:
        app = ws.start_app(instrumented=instrumented)
        fake = ws.fake
        note(f"signon: python -m bot web, settings {common.procfile_defaults()}")
        letter_id = create_letter(app, ws.coalition)
        channel, ts = post_of(app, letter_id, ws.coalition.public)
        users = common.add_users(fake, args.submissions, "signer", ws.coalition.public)
        took = open_forms(
            fake,
            users,
            "signon_submit",
            lambda user: app.driver.click(user, "sign_on", message=(channel, ts)),
            args.setup_threads,
        )
        note(f"setup: letter #{letter_id} posted; {len(users)} members opened the form via the post in {took:.0f} s")
        bodies = build_bodies(fake, users, names)
        fake.reset_calls()
        root = app.process.process
        assert root is not None
        profiler = start_profiler(root.pid, ws.directory) if profile else None
        if instrumented:
            time.sleep(1.5)  # the workers dump their figures every second
            stats_before = common.instrumented_stats(ws.directory)
        run = timed_burst(
            "signon",
            root.pid,
            app.process.url,
            app.process.port,
            bodies,
            args.clients,
            ws.directory,
            wait_quiet=not args.no_wait,
        )
        if profiler is not None:
            run.extra["profile"] = stop_profiler(profiler)
        # Afterwards: the database, then the receipts (sent after the ack, so they may still be going out).
        ack_done = time.monotonic()
        with db_session(ws.database_url) as session:
            from db.enums import SignatoryStatus
            from db.models import Signatory

            active = session.execute(
                select(func.count()).where(Signatory.letter_id == letter_id, Signatory.status == SignatoryStatus.ACTIVE)
            ).scalar_one()
            total = session.execute(select(func.count()).select_from(Signatory)).scalar_one()
            flagged = session.execute(
                select(func.count()).where(Signatory.possible_duplicate_of_id.is_not(None))
            ).scalar_one()
        # A receipt goes to the member's user id or, once opened, to the DM channel (chat.update needs its id).
        wanted = set(users) | {fake.dm_channel_id(user) for user in users}

        def receipts() -> int:
            return sum(
                1 for c in fake.calls("chat.postMessage") if c.status == 200 and c.params.get("channel") in wanted
            )

        deadline = time.monotonic() + 240
        while receipts() < len(users) and time.monotonic() < deadline:
            time.sleep(0.2)
        receipt_lag = time.monotonic() - ack_done
        if instrumented:
            time.sleep(1.5)
            run.extra["stats"] = common.stats_since(stats_before, common.instrumented_stats(ws.directory))
        run.extra.update(
            {
                "signatories": active,
                "signatories_total": total,
                "flagged": flagged,
                "receipts": receipts(),
                "receipt_lag": receipt_lag,
                "log": common.app_log_problems(app),
                "violations": len(fake.violations),
                "slack_calls": collections.Counter(c.method for c in fake.calls()),
            }
        )
        return run


# ---------------------------------------------------------------------------------------------------
# The bare Bolt app
# ---------------------------------------------------------------------------------------------------


def run_bare(args: argparse.Namespace, names: list[str], work_dir: Path) -> Run:
    defaults = common.procfile_defaults()
    fake = common.new_fake()
    server = common.ServerProcess(
        "bench.bare_app",
        {
            "SLACK_API_URL": fake.api_url,
            "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_SIGNING_SECRET": fake.signing_secret,
            "WEB_CONCURRENCY": defaults["WEB_CONCURRENCY"],
            "WEB_THREADS": defaults["WEB_THREADS"],
        },
    )
    try:
        server.start()
        note(
            f"bare: python -m bench.bare_app, {defaults['WEB_CONCURRENCY']} workers x {defaults['WEB_THREADS']} threads"
        )
        channel = fake.add_channel(name="coalition")["id"]
        users = common.add_users(fake, args.submissions, "signer", channel)
        driver = SlackDriver(fake, server.url)
        took = open_forms(
            fake,
            users,
            "bare_submit",
            lambda user: driver.slash_command(user, "/signon", "", channel_id=channel),
            args.setup_threads,
        )
        note(f"setup: {len(users)} members opened the fixed modal with /signon in {took:.0f} s")
        bodies = build_bodies(fake, users, names)
        fake.reset_calls()
        assert server.process is not None
        run = timed_burst(
            "bare Bolt",
            server.process.pid,
            server.url,
            server.port,
            bodies,
            args.clients,
            work_dir,
            wait_quiet=not args.no_wait,
        )
        run.extra["driver"] = calibrate_driver(driver, users[:100], names)
        run.extra["log"] = common.log_problems(server.logs())
        run.extra["violations"] = len(fake.violations)
        return run
    finally:
        server.stop(keep_log=args.keep)
        fake.stop()


def calibrate_driver(driver: SlackDriver, users: list[str], names: list[str]) -> dict[str, float]:
    """What sending through SlackDriver.submit_view would cost the client, one request at a time (their
    modals are still open in the fake: the burst's acknowledgements were not applied to it)."""
    cpu = wall = http = 0.0
    for i, user in enumerate(users):
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = driver.submit_view(user, values=form_values(i, names[i]))
        wall += time.perf_counter() - started
        cpu += time.thread_time() - started_cpu
        http += response.elapsed
    n = max(1, len(users))
    return {"n": n, "cpu": cpu / n, "wall": wall / n, "http": http / n}


# ---------------------------------------------------------------------------------------------------
# Profiling (optional): py-spy on every process of the app during one more burst
# ---------------------------------------------------------------------------------------------------


def start_profiler(root_pid: int, directory: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """py-spy on the master and its workers, recording only the thread that holds the GIL (so a sample is
    Python CPU time, not a thread waiting), without pausing the processes (--nonblocking)."""
    out = directory / "signon-burst.gil.pyspy.txt"
    command = [str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(root_pid), "--subprocesses"]
    command += ["--gil", "--nonblocking", "--rate", "200", "--format", "raw", "--output", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    return process, out


def stop_profiler(profiler: tuple[subprocess.Popen[bytes], Path]) -> Path:
    import signal

    process, out = profiler
    process.send_signal(signal.SIGINT)
    process.wait(30)
    return out


def _frame_label(frame: str) -> str:
    # py-spy raw frames look like "function (path/to/file.py:123)"; keep the function and the file's tail.
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    return f"{name} ({'/'.join(path.split('/')[-2:])})"


def _thread_kind(stack: str) -> str:
    if "_GroupCommitter" in stack:
        return "group-commit writer thread (the sign-ons' SQL)"
    if "run_ack_function" in stack:
        if "send_receipt" in stack:
            return "listener thread: receipt DM after the ack"
        if "submit_signon" in stack:
            return "listener thread: sign-on up to the ack"
        return "listener thread: other"
    if "asyncio/base_events.py" in stack:
        return "event loop: uvicorn + Starlette (read, verify the signature, answer)"
    if "bot/web/app.py" in stack or "bench/bare_app.py" in stack:
        return "request thread: parse + Bolt (verify, dispatch, wait)"
    if "handle_request" in stack or "ThreadWorker.handle" in stack:
        return "request thread: gunicorn + Bolt (parse, verify, dispatch, wait)"
    if "_guarded" in stack or "apscheduler" in stack:
        job = next((f.split(" (")[0] for f in stack.split(";") if f.startswith("Jobs.")), "other")
        return f"background jobs (scheduler): {job}"
    if "gthread.py" in stack:
        return "gunicorn accept/poll loop"
    return "other"


def summarize_profile(path: Path, top: int = 30) -> None:
    """Collapsed stacks (``frame;frame;frame count``) of GIL holders -> where the app's CPU goes."""
    inclusive: collections.Counter[str] = collections.Counter()
    self_time: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        kinds[_thread_kind(stack)] += count
        frames = stack.split(";")
        seen = set()
        for frame in frames:
            label = _frame_label(frame)
            if label not in seen:
                inclusive[label] += count
                seen.add(label)
        self_time[_frame_label(frames[-1])] += count
    if not total:
        print("   (no samples)")
        return
    print(f"   {total:,} samples of the GIL holder (200 Hz per process), by thread:")
    for kind, count in kinds.most_common():
        print(f"   {count / total:6.1%}  {kind}")
    skip = ("threading.py", "futures/thread.py", "process ", "<module>", "runpy", "bot/__main__.py", "arbiter.py")
    skip += ("app/base.py", "workers/base.py", "instrumented_app.py")
    print("   functions, inclusive (share of all samples):")
    shown = 0
    for label, count in inclusive.most_common():
        if any(part in label for part in skip):
            continue
        print(f"   {count / total:6.1%}  {label}")
        shown += 1
        if shown == top:
            break
    print("   functions, self:")
    for label, count in self_time.most_common(12):
        print(f"   {count / total:6.1%}  {label}")


PHASES = (
    ("request", "server: app entry to response"),
    ("to_listener", "  parse, verify, Bolt dispatch until the listener starts"),
    ("to_ack", "  listener start to ack()"),
    ("get_letter", "    read the letter (bot.services.letters.get_letter)"),
    ("batched", "    group commit: queued until its batch committed (Database.batched)"),
    ("batch_size", "      sign-ons per batch (count, not ms)"),
    ("batch_commit", "      one batch: BEGIN .. all units .. COMMIT"),
    ("transaction_any", "write transactions (Database.transaction): batches, jobs, anything"),
    ("turn_wait", "  waiting for the per-process write lock"),
    ("turn_hold", "  holding it: BEGIN .. COMMIT"),
    ("begin", "    BEGIN IMMEDIATE (waits for the other worker's write)"),
    ("sql_insert", "    each INSERT"),
    ("sql_select", "    each SELECT"),
    ("sql_savepoint", "    each SAVEPOINT"),
    ("commit", "    COMMIT (fsync with synchronous=FULL)"),
    ("turn_hold_cpu", "    CPU of the holder meanwhile"),
    ("receipt", "receipt DM (DB read + chat.postMessage), wherever sent from"),
    ("receipt_claim", "receipts job: claim the next receipt"),
    ("receipt_near_duplicate", "receipts job: near-duplicate flag"),
    ("likely_duplicate", "near-duplicate check (signons.likely_duplicate), wherever called"),
    ("name_lock_wait", "  waiting for the per-process index lock"),
    ("name_lock_hold", "  holding it (indexing new rows + lookup)"),
    ("name_lock_hold_cpu", "    CPU of the holder meanwhile"),
    ("index_rows", "  rows (re)added to the index per lookup (count, not ms)"),
)

COUNTS = ("index_rows", "batch_size")


def print_phases(stats: dict[str, list[float]]) -> None:
    rows = []
    for key, label in PHASES:
        values = stats.get(key) or []
        if not values:
            continue
        scale = 1.0 if key in COUNTS else 1000.0
        unit = "" if key in COUNTS else " ms"
        mean = sum(values) / len(values)
        rows.append(
            [
                label,
                f"{len(values):,}",
                f"{mean * scale:,.1f}{unit}",
                f"{percentile(values, 50) * scale:,.1f}{unit}",
                f"{percentile(values, 95) * scale:,.1f}{unit}",
                f"{max(values) * scale:,.1f}{unit}",
            ]
        )
    print(table(rows, ["phase (bench/instrumented_app.py)", "n", "mean", "p50", "p95", "max"]))


# ---------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------


def report(signon: Run, bare: Run | None, clients: int) -> None:
    common.heading(f"Acknowledgement latency, {len(signon.load.latencies):,} submissions, {clients} clients")
    runs = [signon, *([bare] if bare else [])]
    s = {run.name: run.load.summary() for run in runs}
    rows = []
    for label, key, fmt in (
        ("p50", "p50", ms),
        ("p95", "p95", ms),
        ("p99", "p99", ms),
        ("max", "max", ms),
        ("acks over 3 s", "over_3s", lambda v: f"{int(v)}"),
        ("sign-ons per second", "rate", lambda v: f"{v:,.0f}/s"),
    ):
        row = [label, *[fmt(s[run.name][key]) for run in runs]]
        if bare:
            row.append(
                f"{s['signon'][key] / s['bare Bolt'][key]:.2f}x"
                if key in ("p50", "p95", "p99", "max") and s["bare Bolt"][key]
                else ""
            )
        rows.append(row)
    rows.append(["peak RSS, master + workers", *[mb(run.peak_rss_kib) for run in runs], *([""] if bare else [])])
    rows.append(
        [
            "server CPU per submission",
            *[ms(run.server_cpu / len(run.load.latencies)) for run in runs],
            *([""] if bare else []),
        ]
    )
    rows.append(
        [
            "fake Slack CPU per submission",
            *[ms(run.fake_cpu / len(run.load.latencies)) for run in runs],
            *([""] if bare else []),
        ]
    )
    rows.append(
        [
            "client CPU per submission",
            *[ms(run.load.client_cpu_seconds / len(run.load.latencies)) for run in runs],
            *([""] if bare else []),
        ]
    )
    rows.append(["request body (bytes, mean)", *[f"{run.body_bytes:,.0f}" for run in runs], *([""] if bare else [])])
    header = ["", *[run.name for run in runs], *(["signon / bare"] if bare else [])]
    print(table(rows, header))
    for run in runs:
        note(
            f"{run.name}: statuses {run.load.statuses}; acks {run.load.outcomes}; reconnects {run.load.reconnects}; "
            f"duration {run.load.duration:.1f} s"
        )
        note(f"{run.name}: peak RSS by process { ({k: mb(v) for k, v in run.rss_by_process.items()}) }")
        note(f"{run.name}: keep-alive connections held per worker {run.connections}")
        note(f"{run.name}: {run.extra['machine']}")
        if run.load.errors:
            note(f"{run.name}: client errors {run.load.errors[:5]}")
    x = signon.extra
    note(
        f"database: {x['signatories']:,} active signatories on the letter ({x['signatories_total']:,} rows); "
        f"{'OK' if x['signatories'] == len(signon.load.latencies) else 'MISMATCH'}: expected "
        f"{len(signon.load.latencies):,}; {x['flagged']} flagged as possible near-duplicates"
    )
    note(f"receipts: {x['receipts']:,} DMs sent, the last {x['receipt_lag']:.1f} s after the last acknowledgement")
    note(f"Slack calls during the burst: {dict(x['slack_calls'])}")
    note(f"signon: {x['log']}; fake Slack violations: {x['violations']}")
    if bare:
        note(f"bare: {bare.extra['log']}; fake Slack violations: {bare.extra['violations']}")
        d = bare.extra["driver"]
        note(
            f"client overhead: the load generator used {ms(bare.load.client_cpu_seconds / len(bare.load.latencies))} "
            f"CPU per request (pre-built, pre-signed bodies, keep-alive); SlackDriver.submit_view, one at a time "
            f"against the bare app ({d['n']:.0f} calls), used {ms(d['cpu'])} CPU and {ms(d['wall'] - d['http'])} "
            f"outside the HTTP exchange per call, in the fake's process and under its state lock, plus a new TCP "
            f"connection per request; so the benchmark uses the load generator"
        )

    common.heading("Goals")
    p99 = s["signon"]["p99"]
    rows = [
        [
            "every ack well inside 3 s",
            f"max {ms(s['signon']['max'])}, {int(s['signon']['over_3s'])} over 3 s",
            "met" if s["signon"]["max"] < 1.0 else ("missed" if s["signon"]["over_3s"] else "close"),
        ],
        ["p99 under 250 ms (2 cores)", ms(p99), "met" if p99 < GOAL_P99 else "missed"],
    ]
    if bare:
        for key in ("p50", "p99"):
            ratio = s["signon"][key] / s["bare Bolt"][key]
            rows.append(
                [f"within {GOAL_RATIO}x of bare at {key}", f"{ratio:.2f}x", "met" if ratio <= GOAL_RATIO else "missed"]
            )
    print(table(rows, ["goal", "signon", ""]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="400 submissions instead of 2,000")
    parser.add_argument("--submissions", type=int, default=None)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--setup-threads", type=int, default=8, help="members opening the form at once (setup)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Bolt app")
    parser.add_argument("--profile", action="store_true", help="then one more signon burst under py-spy")
    parser.add_argument("--keep", action="store_true", help="keep the database and profile files")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for other processes to go quiet")
    args = parser.parse_args()
    args.submissions = args.submissions or (400 if args.quick else 2000)

    common.print_machine()
    names = common.org_names(args.submissions)
    common.heading(f"signon: {args.submissions:,} sign-ons from {args.clients} clients")
    signon = run_signon(args, names)
    bare = None
    if not args.no_bare:
        common.heading(f"bare Bolt app: {args.submissions:,} submissions from {args.clients} clients")
        import tempfile

        with tempfile.TemporaryDirectory(prefix="signon-bench-") as work:
            bare = run_bare(args, names, Path(work))
    report(signon, bare, args.clients)
    if args.profile:
        common.heading("Profile: one more signon burst, instrumented, its CPU sampled by py-spy")
        note("python -m bench.instrumented_app web (timers around the app's functions and locks); py-spy records")
        note("the GIL holder of every app process at 200 Hz without pausing them. Both slow the app down a little.")
        args.keep = True
        profiled = run_signon(args, names, profile=True, instrumented=True)
        summary = profiled.load.summary()
        note(
            f"under the profiler: p50 {ms(summary['p50'])}, p99 {ms(summary['p99'])}, "
            f"{summary['rate']:,.0f}/s, server CPU {ms(profiled.server_cpu / len(profiled.load.latencies))} "
            f"per sign-on; {profiled.extra['machine']}"
        )
        common.heading("Where a sign-on's time goes (all workers, timed phase only)")
        print_phases(profiled.extra.get("stats", {}))
        path = profiled.extra.get("profile")
        if path and Path(path).exists():
            common.heading("Where the app's CPU goes (py-spy --gil)")
            note(f"collapsed stacks: {path}")
            summarize_profile(Path(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
