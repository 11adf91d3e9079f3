"""Scale: sign-on latency and export time on one letter with 100, 1,000, 10,000 and 50,000 signatories.

    python -m bench.scale            # 100, 1,000, 10,000, 50,000
    python -m bench.scale --quick    # 100, 1,000, 5,000

One letter grows level by level; the organizations are written straight into the database (the rows
bot/services/signons.sign_on writes, in bulk). At each level the app is restarted as the Procfile runs it
(``python -m bot web``), so every worker starts with an empty near-duplicate index, which its first
near-duplicate check fills with every organization of the letter (the index warms per process, and there
are 2 workers). Then 100 members open the form through the app (not timed) and submit it from 4 concurrent clients
(keep-alive connections, pre-built signed requests, as in bench.signon_burst). Reported: the slowest of
the first 4 acknowledgements, p50/p95/max of the other 96, HTTP statuses, the app's peak RSS, the time
from the first submission to the first and to the last of the 100 receipt DMs (the app checks for
near-duplicates, with its per-process index, where it sends the receipt, so a worker's first receipt
pays for loading the whole letter into its index); then the export at that size: in-process
(load_export + text_block + csv_text, as in bench.export) and end to end through Slack (``/signon export``
until both files have arrived).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from bench import common
from bench.common import RssSampler, mb, ms, note, percentile, table
from bench.export import export_through_slack, in_process
from bench.signon_burst import build_bodies, open_forms
from tests.e2e.steps import create_letter, local_deadline, post_of


def receipts_timing(fake: Any, users: set[str], started: float, timeout: float = 90.0) -> tuple[float, float]:
    """Seconds from the start of the submissions to the first and to the last receipt DM (the receipt is
    where the app checks for near-duplicates, so a worker's first receipt pays for warming its index)."""
    deadline = time.monotonic() + timeout
    first = last = float("nan")
    while time.monotonic() < deadline:
        times = sorted(
            c.time for c in fake.calls("chat.postMessage") if c.status == 200 and c.params.get("channel") in users
        )
        if times and first != first:  # nan: not seen yet
            first = time.monotonic() - started - (time.time() - times[0])
        if len(times) >= len(users):
            last = time.monotonic() - started - (time.time() - times[-1])
            break
        time.sleep(0.1)
    return first, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="100, 1,000 and 5,000 only")
    parser.add_argument("--levels", help="comma-separated signatory counts")
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for other processes to go quiet")
    args = parser.parse_args()
    levels = (
        [int(x) for x in args.levels.split(",")]
        if args.levels
        else ([100, 1000, 5000] if args.quick else [100, 1000, 10000, 50000])
    )
    common.print_machine()
    per_level = args.submissions
    pool = common.org_names(max(levels) + per_level * len(levels) + 10)
    population = pool[: max(levels)]
    submitted_names = pool[max(levels) :]

    results: list[dict[str, Any]] = []
    with common.workspace(keep=args.keep) as ws:
        app = ws.start_app()
        letter_id = create_letter(app, ws.coalition, deadline=local_deadline(days=14))
        in_db = 0  # organizations on the letter so far (populated + submitted)
        populated = 0
        for level_index, level in enumerate(levels):
            common.heading(f"{level:,} signatories")
            if level > in_db:
                took = common.bulk_insert_signatories(
                    ws.database_url, letter_id, population[populated : populated + level - in_db], start=populated
                )
                note(f"inserted {level - in_db:,} organizations in {took:.1f} s")
                populated += level - in_db
                in_db = level
            app.process.stop()
            app = ws.start_app()
            channel, ts = post_of(app, letter_id, ws.coalition.public)
            users = common.add_users(ws.fake, per_level, f"scale{level_index}x", ws.coalition.public)
            driver, post = app.driver, (channel, ts)
            open_forms(
                ws.fake,
                users,
                "signon_submit",
                lambda user, driver=driver, post=post: driver.click(user, "sign_on", message=post),
                4,
            )
            names = submitted_names[level_index * per_level : (level_index + 1) * per_level]
            bodies = build_bodies(ws.fake, users, names)
            if not args.no_wait:
                note(common.wait_for_quiet_machine(max_wait=90))
            assert app.process.process is not None
            ws.fake.reset_calls()
            started = time.monotonic()
            with RssSampler(app.process.process.pid) as sampler:
                with common.CpuAccount(app.process.process.pid) as account:
                    load = common.run_load(app.process.url, bodies, args.clients, work_dir=ws.directory)
                # The receipts follow; a worker's first one loads the letter into its near-duplicate index.
                first_receipt, all_receipts = receipts_timing(ws.fake, set(users), started)
            in_db += per_level
            cold = max(load.latencies[: args.clients])
            warm = load.latencies[args.clients :]
            note(f"statuses {load.statuses}; acks {load.outcomes}; {account.describe()}")
            time.sleep(1.0)
            with common.CpuAccount() as export_account:
                exported = in_process(ws.database_url, letter_id, repeats=1)
            note(f"export in-process: {export_account.describe()}")
            slack = export_through_slack(ws, letter_id, level_index + 1)
            results.append(
                {
                    "level": level,
                    "cold": cold,
                    "p50": percentile(warm, 50),
                    "p95": percentile(warm, 95),
                    "max": max(warm),
                    "over_3s": sum(1 for x in load.latencies if x > 3.0),
                    "errors": sum(v for k, v in load.statuses.items() if k != "200"),
                    "rss": sampler.peak_total_kib,
                    "export_first": exported["first"]["total"],
                    "export_load": exported["first"]["load_export"],
                    "export_rss": exported["rss_peak_kib"] - exported["rss_before_kib"],
                    "export_slack": slack["files"],
                    "export_rss_app": slack["peak_rss_kib"],
                    "first_receipt": first_receipt,
                    "all_receipts": all_receipts,
                }
            )
            r = results[-1]
            note(
                f"sign-on: first 4 up to {ms(cold)}; then p50 {ms(r['p50'])}, p95 {ms(r['p95'])}, "
                f"max {ms(r['max'])}; export in-process {ms(r['export_first'])}, through Slack "
                f"{ms(r['export_slack']) if r['export_slack'] else 'never'}"
            )
        note(common.app_log_problems(app))

    common.heading(f"Sign-on latency ({per_level} submissions, {args.clients} clients) and export time, by letter size")
    rows = [
        [
            f"{r['level']:,}",
            ms(r["cold"]),
            ms(r["p50"]),
            ms(r["p95"]),
            ms(r["max"]),
            f"{r['over_3s']}/{r['errors']}",
            mb(r["rss"]),
            ms(r["export_load"]),
            ms(r["export_first"]),
            f"+{mb(r['export_rss'])}",
            ms(r["export_slack"]) if r["export_slack"] else "never",
            f"{r['first_receipt']:.1f} s / {r['all_receipts']:.1f} s",
        ]
        for r in results
    ]
    print(
        table(
            rows,
            [
                "signatories",
                "first 4 acks",
                "p50 (rest)",
                "p95 (rest)",
                "max (rest)",
                ">3 s / non-200",
                "app peak RSS (to last receipt)",
                "load_export",
                "export in-process",
                "export RSS",
                "export via Slack",
                "receipts: first / all",
            ],
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
