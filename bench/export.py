"""Export: the signatory list of a letter with 10,000 organizations, in-process and through Slack.

    python -m bench.export            # 10,000 signatories
    python -m bench.export --quick    # 2,000

Setup (not timed): the app runs as the Procfile runs it (``python -m bot web``, SQLite file); a
coordinator posts a letter with two lead organizations through the modal; then 10,000 organizations are
signed on straight into the database with the app's own service (bot/services/signons.sign_on, 500 per
transaction), every 10th with a second contact.

1. In-process, in a fresh Python process that has only opened the database: the time of
   bot/services/export.load_export, text_block and csv_text (first call, then the median of 3 more),
   the tracemalloc peak of the whole build (a separate, traced pass) and the process's peak RSS over
   its RSS before the build (VmHWM, reset just before).
2. End to end: the coordinator types ``/signon export <letter>``; measured are the acknowledgement, the
   DM with the list, and the time until every file (.txt, .csv, and the letter as .docx and .pdf) has
   arrived in the fake Slack through the files_upload_v2 flow (files.getUploadURLExternal, upload,
   files.completeUploadExternal), with the app's peak RSS meanwhile. Done twice: the second export also
   compares with the first.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import common
from bench.common import RssSampler, mb, ms, note, table
from tests.e2e.steps import create_letter, local_deadline

LEADS = ("National Immigration Law Center", "American Civil Liberties Union")


# ---------------------------------------------------------------------------------------------------
# In-process measurement (runs in a child process: python -m bench.export --measure URL LETTER)
# ---------------------------------------------------------------------------------------------------


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def measure_in_process(database_url: str, letter_id: int, repeats: int) -> dict[str, Any]:
    import tracemalloc

    from bot.messages import ENGLISH
    from bot.services import export as export_service
    from db.engine import Database
    from db.models import Letter

    database = Database(database_url)

    def build() -> tuple[dict[str, float], int, int, int]:
        times = {}
        with database.read() as session:
            letter = session.get(Letter, letter_id)
            assert letter is not None
            started = time.perf_counter()
            data = export_service.load_export(session, letter)
            times["load_export"] = time.perf_counter() - started
        started = time.perf_counter()
        text = export_service.text_block(data)
        times["text_block"] = time.perf_counter() - started
        started = time.perf_counter()
        csv = export_service.csv_text(data, ENGLISH.csv_labels())
        times["csv_text"] = time.perf_counter() - started
        times["total"] = times["load_export"] + times["text_block"] + times["csv_text"]
        return times, len(data.rows), len(text.encode()), len(csv.encode())

    with database.read() as session:  # connect and warm the engine; not part of the export
        session.get(Letter, letter_id)
    rss_before = _status_kib("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM, the peak RSS
        hwm_reset = True
    except OSError:
        hwm_reset = False
    first, rows, text_bytes, csv_bytes = build()
    rss_peak = _status_kib("VmHWM")
    later = [build()[0] for _ in range(repeats)]
    tracemalloc.start()
    build()
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    database.dispose()
    return {
        "first": first,
        "median": {key: statistics.median(t[key] for t in later) for key in first},
        "rows": rows,
        "text_bytes": text_bytes,
        "csv_bytes": csv_bytes,
        "rss_before_kib": rss_before,
        "rss_peak_kib": rss_peak,
        "hwm_reset": hwm_reset,
        "tracemalloc_peak_bytes": traced_peak,
    }


def in_process(database_url: str, letter_id: int, repeats: int = 3) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.export", "--measure", database_url, str(letter_id), str(repeats)],
        cwd=common.ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------------------------------------------
# End to end through Slack
# ---------------------------------------------------------------------------------------------------


def export_through_slack(ws: common.Workspace, letter_id: int, number: int) -> dict[str, Any]:
    app = ws.app
    assert app is not None and app.process.process is not None
    fake, coordinator = ws.fake, ws.coalition.coordinator
    stem = f"letter-{letter_id}-export-{number}"
    calls_before = len(fake.calls("chat.postMessage"))
    with RssSampler(app.process.process.pid) as sampler:
        started = time.monotonic()
        response = app.driver.slash_command(
            coordinator, "/signon", f"export {letter_id}", channel_id=ws.coalition.public
        )
        acked = time.monotonic() - started
        dm_at = files_at = None
        deadline = started + 120
        while time.monotonic() < deadline and (dm_at is None or files_at is None):
            now = time.monotonic() - started
            if dm_at is None and any(
                c.status == 200 and "organizations" in str(c.params.get("text", ""))
                for c in fake.calls("chat.postMessage")[calls_before:]
            ):
                dm_at = now
            done = [f for f in fake.files() if f["filename"].startswith(stem) and f["completed"]]
            if files_at is None and len(done) >= 4:  # the .txt, the CSV, the DOCX and the PDF
                files_at = now
            time.sleep(0.02)
    files = {f["filename"]: f["length"] for f in fake.files() if f["filename"].startswith(stem)}
    return {
        "ack": acked,
        "ack_ok": response.ok,
        "dm": dm_at,
        "files": files_at,
        "file_sizes": files,
        "peak_rss_kib": sampler.peak_total_kib,
        "upload_calls": [c.method for c in fake.calls() if c.method in ("files.getUploadURLExternal", "upload")][-4:],
    }


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        print(json.dumps(measure_in_process(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="2,000 signatories instead of 10,000")
    parser.add_argument("--signatories", type=int, default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for other processes to go quiet")
    args = parser.parse_args()
    count = args.signatories or (2000 if args.quick else 10000)

    common.print_machine()
    names = [n for n in common.org_names(count + len(LEADS)) if n not in LEADS][:count]
    with common.workspace(keep=args.keep) as ws:
        app = ws.start_app()
        letter_id = create_letter(app, ws.coalition, leads="\n".join(LEADS), deadline=local_deadline(days=14))
        took = common.sign_on_directly(ws.database_url, letter_id, names)
        common.heading(f"Export of a letter with {count:,} signatories (+ {len(LEADS)} lead organizations)")
        note(f"setup: {count:,} organizations signed on with bot.services.signons.sign_on in {took:.1f} s")
        if not args.no_wait:
            note(common.wait_for_quiet_machine(max_wait=120))

        with common.CpuAccount() as account:
            result = in_process(ws.database_url, letter_id)
        common.heading("In-process build (bot/services/export.py)")
        rows = [
            [step, ms(result["first"][step]), ms(result["median"][step])]
            for step in ("load_export", "text_block", "csv_text", "total")
        ]
        print(table(rows, ["step", "first call", "median of next 3"]))
        note(
            f"{result['rows']:,} rows; .txt {result['text_bytes'] / 1024:,.0f} KiB, "
            f".csv {result['csv_bytes'] / 1024:,.0f} KiB"
        )
        note(
            f"memory: tracemalloc peak {result['tracemalloc_peak_bytes'] / 2**20:,.1f} MiB; "
            f"RSS {mb(result['rss_before_kib'])} "
            f"before the build, peak {mb(result['rss_peak_kib'])} during the first build"
            + ("" if result["hwm_reset"] else " (peak since process start: VmHWM could not be reset)")
        )
        note(account.describe())

        common.heading("End to end: /signon export through Slack")
        runs = []
        for number in (1, 2):
            with common.CpuAccount(app.process.process.pid if app.process.process else None) as account:
                runs.append(export_through_slack(ws, letter_id, number))
            runs[-1]["machine"] = account.describe()
        rows = []
        for number, run in enumerate(runs, start=1):
            rows.append(
                [
                    f"export {number}",
                    ms(run["ack"]),
                    ms(run["dm"]) if run["dm"] is not None else "never",
                    ms(run["files"]) if run["files"] is not None else "never",
                    mb(run["peak_rss_kib"]),
                ]
            )
        print(table(rows, ["", "ack", "DM with the list", "all four files arrived", "app peak RSS"]))
        for number, run in enumerate(runs, start=1):
            note(f"export {number}: files {run['file_sizes']}; {run['machine']}")
        note(common.app_log_problems(app))
        note(f"fake Slack violations: {len(ws.fake.violations)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
