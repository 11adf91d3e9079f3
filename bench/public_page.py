"""The public sign-on page under load, with sign-ons through Slack at the same time.

    python -m bench.public_page            # 600 Slack sign-ons, 600 web visitors (view, then sign), 20 + 20 clients
    python -m bench.public_page --quick    # 200 + 200
    python -m bench.public_page --web-rate 10     # visitors arriving at 10 a second (paced), not flat out

signon runs as the Procfile runs it (``python -m bot web``, gunicorn + uvicorn, the defaults of bot/settings.py,
a SQLite file) against the local Slack double, without SMTP (web sign-ons wait for a coordinator). The per-address
rate limit is raised for the run (every visitor here comes from 127.0.0.1); the per-letter one is left as it is
set below, so its counting (one database write per form) is part of what is measured.

Four timed phases, each on a fresh set of members and organizations:

1. Slack alone: sign-on form submissions from ``--clients`` closed-loop clients (bench/loadgen.py);
2. the web alone: ``--web-clients`` visitors at once, each opening the page (GET) and then sending the form
   (POST, with the page's CSRF cookie and token), as a browser does, one visitor after another per client
   (paced at ``--web-rate`` visitors a second when given);
3. both at the same time (the web load runs through the whole Slack burst);
4. Slack alone again: the control for the machine drifting between phases (it is shared).

Reported: Slack acknowledgement latency alone and alongside the web load (the point: not slowed), page view
and form post latency and rate, every status code (no 5xx), and a database check that every acknowledged
sign-on is there (Slack ones counted, web ones pending).
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench import common
from bench.common import note, percentile, table
from bench.signon_burst import build_bodies, open_forms
from db.models import Signatory
from tests.e2e.steps import create_letter, db_session, post_of
from tests.e2e.web_steps import enable_page, form_fields


def web_load(port: int, token: str, names: list[str], clients: int, rate: float = 0.0) -> dict[str, Any]:
    """Each client: GET the page, POST the form, next visitor (a fresh cookie each time). Runs in its own process.

    ``rate`` > 0: visitors arrive at that many a second (the n-th not before n / rate seconds), as real visitors
    do; 0: each client starts its next visitor at once (as much as the app can take)."""
    views: list[float] = []
    posts: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    queue = list(enumerate(names))
    started = time.monotonic()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                i, name = queue.pop()
                slot = started + (len(names) - len(queue) - 1) / rate if rate > 0 else 0.0
            if slot > time.monotonic():
                time.sleep(slot - time.monotonic())
            began = time.monotonic()
            connection.request("GET", f"/l/{token}", headers={"Accept-Language": "en-US"})
            response = connection.getresponse()
            page = response.read().decode()
            cookie = (response.getheader("set-cookie") or "").split(";")[0]
            viewed = time.monotonic()
            found = re.search(r'name="csrf" value="([^"]+)"', page)
            fields = form_fields(name, email=f"visitor{i}@example.org", name=f"Visitor {i}")
            fields["csrf"] = found.group(1) if found else ""
            body = urllib.parse.urlencode(fields)
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
            connection.request("POST", f"/l/{token}", body=body, headers=headers)
            answer = connection.getresponse()
            answer.read()
            done = time.monotonic()
            with lock:
                views.append(viewed - began)
                posts.append(done - viewed)
                for status in (response.status, answer.status):
                    statuses[str(status)] = statuses.get(str(status), 0) + 1
            if answer.getheader("connection") == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"views": views, "posts": posts, "statuses": statuses, "seconds": time.monotonic() - started}


def run_web_load(
    port: int, token: str, names: list[str], clients: int, work_dir: Path, rate: float = 0.0
) -> dict[str, Any]:
    job = work_dir / f"web-{time.monotonic_ns()}.json"
    job.write_text(json.dumps({"port": port, "token": token, "names": names, "clients": clients, "rate": rate}))
    out = job.with_suffix(".out.json")
    subprocess.run([sys.executable, "-m", "bench.public_page", "--web-load", str(job), str(out)], check=True)
    return dict(json.loads(out.read_text()))


def summary(values: list[float]) -> str:
    if not values:
        return "-"
    return " / ".join(common.ms(percentile(values, q)) for q in (50, 95, 99)) + f" / {common.ms(max(values))}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--clients", type=int, default=20, help="Slack clients")
    parser.add_argument("--web-clients", type=int, default=20, help="visitors at once")
    parser.add_argument("--web-rate", type=float, default=0.0, help="visitors a second (0: as fast as they can)")
    parser.add_argument("--web-load", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.web_load:
        job = json.loads(Path(args.web_load[0]).read_text())
        result = web_load(job["port"], job["token"], job["names"], job["clients"], job["rate"])
        Path(args.web_load[1]).write_text(json.dumps(result))
        return
    count = 200 if args.quick else 600
    common.print_machine()
    names = common.org_names(count * 5)
    slack_names, web_names = names[: count * 3], names[count * 3 : count * 5]
    with common.workspace() as ws:
        app = ws.start_app({"SIGNON_WEB_RATE_PER_ADDRESS": "100000", "SIGNON_WEB_RATE_PER_LETTER": "100000"})
        note(f"signon: python -m bot web, settings {common.procfile_defaults()}")
        letter_id = create_letter(app, ws.coalition)
        token = enable_page(app.database_url, letter_id, web_show_list=True)
        channel, ts = post_of(app, letter_id, ws.coalition.public)
        users = common.add_users(ws.fake, count * 3, "signer", ws.coalition.public)
        took = open_forms(
            ws.fake, users, "signon_submit", lambda u: app.driver.click(u, "sign_on", message=(channel, ts)), 16
        )
        note(f"setup: {len(users)} members opened the sign-on form in {took:.0f} s")
        bodies = build_bodies(ws.fake, users, slack_names)
        port = app.process.port
        url = app.process.url

        note(common.wait_for_quiet_machine(max_wait=15))
        alone = common.run_load(url, bodies[:count], args.clients, work_dir=ws.directory)
        web_alone = run_web_load(port, token, web_names[:count], args.web_clients, ws.directory, args.web_rate)
        both: dict[str, Any] = {}

        def web_side() -> None:
            both.update(run_web_load(port, token, web_names[count:], args.web_clients, ws.directory, args.web_rate))

        side = threading.Thread(target=web_side)
        side.start()
        together = common.run_load(url, bodies[count : count * 2], args.clients, work_dir=ws.directory)
        side.join()
        # The control: Slack alone once more, so a drift of the machine between phases is not read as the web's.
        again = common.run_load(url, bodies[count * 2 :], args.clients, work_dir=ws.directory)

        with db_session(app.database_url) as session:
            by_status = dict(
                session.execute(
                    select(Signatory.status, func.count())
                    .where(Signatory.letter_id == letter_id)
                    .group_by(Signatory.status)
                ).all()
            )
        problems = common.app_log_problems(app)

    rows = [
        ["Slack sign-ons alone", summary(alone.latencies), f"{alone.throughput:.0f}/s", json.dumps(alone.statuses)],
        [
            "web page views alone",
            summary(web_alone["views"]),
            f"{len(web_alone['views']) / web_alone['seconds']:.0f}/s",
            json.dumps(web_alone["statuses"]),
        ],
        ["web form posts alone", summary(web_alone["posts"]), "", ""],
        [
            "Slack sign-ons with web load",
            summary(together.latencies),
            f"{together.throughput:.0f}/s",
            json.dumps(together.statuses),
        ],
        [
            "web page views with Slack load",
            summary(both["views"]),
            f"{len(both['views']) / both['seconds']:.0f}/s",
            json.dumps(both["statuses"]),
        ],
        ["web form posts with Slack load", summary(both["posts"]), "", ""],
        [
            "Slack sign-ons alone, again",
            summary(again.latencies),
            f"{again.throughput:.0f}/s",
            json.dumps(again.statuses),
        ],
    ]
    print(table(rows, ["phase", "p50 / p95 / p99 / max", "rate", "statuses"]))
    print(f"signatories by status: {by_status} (expected active {count * 3}, pending {count * 2})")
    print(f"Slack acks over 3 s: {alone.summary()['over_3s']} alone, {together.summary()['over_3s']} with web load")
    print(f"log problems: {problems or 'none'}")


if __name__ == "__main__":
    main()
