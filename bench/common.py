"""What the benchmarks share: the machine, the fake Slack and the app processes, memory sampling,
realistic organization names, pre-built view submissions and the statistics.

Not a benchmark itself. Every benchmark is run from the repository root as ``python -m bench.<name>``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as a file path, not only with -m from the repository root
    sys.path.insert(0, str(ROOT))

from tests.conftest import Coalition, RunningApp, build_coalition, manifest_bot_scopes, start_app  # noqa: E402
from tests.fakeslack import FakeSlack, SlackDriver  # noqa: E402
from tests.fakeslack.payloads import interaction_base, view_payload  # noqa: E402
from tests.harness import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, AppProcess, free_port  # noqa: E402

NAMES_FILE = ROOT / "tests" / "data" / "org_names.txt"


# ---------------------------------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict[str, str]:
    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "-"

    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": f"{_mem_total_gb():.0f} GB",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "kernel": platform.release(),
        "packages": ", ".join(
            f"{p} {version(p)}" for p in ("slack_bolt", "slack_sdk", "SQLAlchemy", "gunicorn", "APScheduler")
        ),
    }


def _mem_total_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so that the app processes a benchmark started are stopped on the way out."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def git_state() -> str:
    """The commit the figures belong to, and whether the working tree had uncommitted changes to the app."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "bot", "db"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}{' + uncommitted changes in bot/ or db/' if dirty else ''}"


def print_machine() -> None:
    exit_on_sigterm()
    info = machine_info()
    print("Machine: " + "; ".join(f"{k} {v}" for k, v in info.items() if k != "packages"))
    print(f"         {info['packages']}; code at {git_state()}")


# ---------------------------------------------------------------------------------------------------
# Statistics and printing
# ---------------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100): the smallest value with at least q % of values at or below it."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100)
    return ordered[min(len(ordered), int(rank)) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def mb(kib: float) -> str:
    return f"{kib / 1024:,.0f} MB"


def table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    """A GitHub-flavoured Markdown table (readable in a terminal too)."""
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        return (
            "| "
            + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
            + " |"
        )

    out = [
        line(cells[0]),
        "|" + "|".join(("-" * (w + 2)) if i == 0 else ("-" * (w + 1) + ":") for i, w in enumerate(widths)) + "|",
    ]
    out.extend(line(row) for row in cells[1:])
    return "\n".join(out)


def heading(text: str) -> None:
    print(f"\n== {text} ==", flush=True)


def note(text: str) -> None:
    print(f"   {text}", flush=True)


# ---------------------------------------------------------------------------------------------------
# The app as the Procfile serves it
# ---------------------------------------------------------------------------------------------------


def procfile_defaults() -> dict[str, str]:
    """The settings ``python -m bot web`` uses when nothing is set, read from bot/settings.py itself.

    The test harness runs one worker and polls every 0.5 s with quiet hours off; the benchmarks put the
    production defaults back (WEB_CONCURRENCY, WEB_THREADS, SQLITE_SYNCHRONOUS, SIGNON_POLL_SECONDS,
    SIGNON_QUIET_HOURS).
    """
    from bot.settings import DEFAULT_QUIET_HOURS, load_settings

    settings = load_settings({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET})
    return {
        "WEB_CONCURRENCY": str(settings.web_concurrency),
        "WEB_THREADS": str(settings.web_threads),
        "SQLITE_SYNCHRONOUS": settings.sqlite_synchronous,
        "SIGNON_POLL_SECONDS": f"{settings.poll_seconds:g}",
        "SIGNON_QUIET_HOURS": DEFAULT_QUIET_HOURS,
        "LOG_LEVEL": "INFO",
    }


def new_fake(*, rate_limits: bool = False, rate_limit_scale: float = 1.0) -> FakeSlack:
    fake = FakeSlack(
        signing_secret=SIGNING_SECRET,
        bot_token=BOT_TOKEN,
        app_token=APP_TOKEN,
        bot_scopes=manifest_bot_scopes(),
        rate_limits=rate_limits,
    )
    if rate_limit_scale != 1.0:
        fake.rate_limit_scale = rate_limit_scale
    return fake.start()


@dataclass
class Workspace:
    """A fake Slack with the test coalition in it, a database file, and (once started) the app."""

    fake: FakeSlack
    coalition: Coalition
    directory: Path
    database_url: str
    app: RunningApp | None = None
    logs: list[Path] = field(default_factory=list)

    def start_app(self, env: dict[str, str] | None = None, *, instrumented: bool = False) -> RunningApp:
        """``python -m bot web`` with the Procfile defaults (or the same wrapped by bench.instrumented_app)."""
        settings = procfile_defaults()
        settings.update(env or {})
        if not instrumented:
            self.app = start_app(self.fake, self.database_url, self.coalition, env=settings)
            self.logs.append(self.app.process.log_path)
            return self.app
        settings["SIGNON_COORDINATORS"] = self.coalition.coordinator
        (self.directory / "stats").mkdir(exist_ok=True)
        settings["BENCH_STATS_DIR"] = str(self.directory / "stats")
        process = InstrumentedAppProcess(api_url=self.fake.api_url, database_url=self.database_url, env=settings)
        self.logs.append(process.log_path)
        process.start()
        self.app = RunningApp(process, SlackDriver(self.fake, process.url), self.fake, self.database_url)
        return self.app

    def stop(self) -> None:
        if self.app is not None:
            self.app.process.stop()
        self.fake.stop()


class InstrumentedAppProcess(AppProcess):
    """The harness's AppProcess, running ``python -m bench.instrumented_app web`` instead of ``-m bot``."""

    def start(self, *, wait: bool = True, timeout: float = 30.0) -> InstrumentedAppProcess:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.instrumented_app", self.mode],
                cwd=ROOT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if wait:
            self.wait_ready(timeout)
        return self


def instrumented_stats(directory: Path) -> dict[str, dict[str, list[float]]]:
    """What each instrumented worker recorded so far (bench/instrumented_app.py), by pid."""
    found: dict[str, dict[str, list[float]]] = {}
    for path in (directory / "stats").glob("*.jsonl"):
        figures: dict[str, list[float]] = {}
        with contextlib.suppress(OSError):
            for line in path.read_text().splitlines():
                try:
                    chunk = json.loads(line)
                except ValueError:  # a line being written right now
                    continue
                for key, values in chunk.items():
                    figures.setdefault(key, []).extend(values)
        found[path.stem] = figures
    return found


def stats_since(
    before: dict[str, dict[str, list[float]]], after: dict[str, dict[str, list[float]]]
) -> dict[str, list[float]]:
    """The values recorded between two snapshots of instrumented_stats, all workers merged."""
    merged: dict[str, list[float]] = {}
    for pid, figures in after.items():
        for key, values in figures.items():
            merged.setdefault(key, []).extend(values[len(before.get(pid, {}).get(key, [])) :])
    return merged


@contextlib.contextmanager
def workspace(*, rate_limits: bool = False, rate_limit_scale: float = 1.0, keep: bool = False) -> Iterator[Workspace]:
    directory = Path(tempfile.mkdtemp(prefix="signon-bench-"))
    fake = new_fake(rate_limits=rate_limits, rate_limit_scale=rate_limit_scale)
    ws = Workspace(fake, build_coalition(fake), directory, f"sqlite:///{directory / 'signon.db'}")
    try:
        yield ws
    finally:
        ws.stop()
        if not keep:
            shutil.rmtree(directory, ignore_errors=True)
            for log in ws.logs:
                log.unlink(missing_ok=True)
        else:
            print(f"   (kept {directory} and the app logs {', '.join(str(p) for p in ws.logs)})")


def app_log_problems(app: RunningApp) -> str:
    """A one-line summary of what went wrong in the app's log, if anything."""
    return log_problems(app.process.logs())


def log_problems(logs: str, where: str = "") -> str:
    tracebacks = logs.count("Traceback")
    kinds: dict[str, int] = {}
    for line in logs.splitlines():
        for level in (" WARNING ", " ERROR ", " CRITICAL "):
            if level in line:
                # "<date> <time> LEVEL logger [request] message": keep the level, logger and message head.
                message = line.split(level, 1)[1]
                logger, _, rest = message.partition(" ")
                rest = rest.split("] ", 1)[-1]
                key = f"{level.strip()} {logger}: {rest[:90]}"
                kinds[key] = kinds.get(key, 0) + 1
    listed = "; ".join(f"{count} x {key}" for key, count in sorted(kinds.items(), key=lambda kv: -kv[1])[:5])
    return (
        f"{tracebacks} traceback(s) in the app log{f' ({where})' if where else ''}; warnings/errors: {listed or 'none'}"
    )


class ServerProcess:
    """A gunicorn-served WSGI app started with ``python -m <module>`` (used for the bare Bolt app)."""

    def __init__(self, module: str, env: dict[str, str], port: int | None = None) -> None:
        self.module = module
        self.port = port or free_port()
        self.env = {**os.environ, **env, "PORT": str(self.port), "PYTHONUNBUFFERED": "1"}
        self.log_path = Path(tempfile.mkstemp(prefix="signon-bench-server-", suffix=".log")[1])
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def start(self, timeout: float = 30.0) -> ServerProcess:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.module} exited with {self.process.returncode}:\n{self.logs()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.module} did not become ready:\n{self.logs()}")

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, *, keep_log: bool = False) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        if not keep_log:
            self.log_path.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------------
# Memory of a process tree, sampled from /proc
# ---------------------------------------------------------------------------------------------------


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def child_pids(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            found.extend(int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def process_tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        queue.extend(child_pids(current))
    return pids


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time of processes (from /proc/<pid>/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, ValueError, IndexError):
            continue
    return total


def _system_jiffies() -> tuple[int, int, int]:
    """(busy, steal, total) clock ticks of all CPUs since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return user + nice + system + irq + softirq, steal, sum(fields[:8])


def _own_cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # finished children (the load generator)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


class CpuAccount:
    """CPU used on the whole machine during a phase, split into ours and everybody else's.

    Ours = this process (the fake Slack, the driver), finished children (the load generator) and the live
    process tree of the app. Others = whatever else ran on the machine meanwhile (other people's test
    runs, for instance), which would distort the figures; it is reported next to them.
    """

    def __init__(self, app_root_pid: int | None = None) -> None:
        self.app_root_pid = app_root_pid
        self.wall = self.busy = self.steal = self.ours = self.app = 0.0

    def _app_cpu(self) -> float:
        return cpu_seconds(process_tree(self.app_root_pid)) if self.app_root_pid else 0.0

    def __enter__(self) -> CpuAccount:
        self._t0 = time.monotonic()
        self._sys0 = _system_jiffies()
        self._own0 = _own_cpu()
        self._app0 = self._app_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        ticks = os.sysconf("SC_CLK_TCK")
        busy, steal, _total = _system_jiffies()
        self.wall = time.monotonic() - self._t0
        self.busy = (busy - self._sys0[0]) / ticks
        self.steal = (steal - self._sys0[1]) / ticks
        self.app = self._app_cpu() - self._app0
        self.ours = _own_cpu() - self._own0 + self.app

    @property
    def others(self) -> float:
        return max(0.0, self.busy - self.ours)

    def describe(self) -> str:
        cores = os.cpu_count() or 1
        return (
            f"machine busy {self.busy / self.wall / cores:.0%} of {cores} cores over {self.wall:.1f} s; "
            f"other processes {self.others:.1f} CPU-s ({self.others / self.wall / cores:.0%}); steal {self.steal:.1f} s"
        )


def wait_for_quiet_machine(max_wait: float = 300.0, threshold: float = 0.15, window: float = 3.0) -> str:
    """Wait (up to ``max_wait`` s) until processes other than ours use less than ``threshold`` of a core.

    Other people's test runs on a shared 2-core machine would otherwise be measured as our latency.
    Returns a note saying what was found.
    """
    started = time.monotonic()
    said = False
    while True:
        with CpuAccount(os.getpid()) as account:
            time.sleep(window)
        others = account.others / account.wall
        if others < threshold:
            waited = time.monotonic() - started
            return (
                f"machine quiet ({others:.2f} cores used by other processes){f' after {waited:.0f} s' if said else ''}"
            )
        if time.monotonic() - started > max_wait:
            return f"machine NOT quiet: {others:.2f} cores used by other processes (waited {max_wait:.0f} s)"
        if not said:
            print(f"   waiting for a quiet machine: other processes use {others:.2f} cores", flush=True)
            said = True


class RssSampler:
    """Samples the summed RSS of a process and all its descendants every ``interval`` seconds."""

    def __init__(self, root_pid: int, interval: float = 0.05) -> None:
        self.root_pid = root_pid
        self.interval = interval
        self.peak_total_kib = 0
        self.peak_by_pid: dict[int, int] = {}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> int:
        total = 0
        for pid in process_tree(self.root_pid):
            rss = _rss_kib(pid)
            total += rss
            self.peak_by_pid[pid] = max(self.peak_by_pid.get(pid, 0), rss)
        self.peak_total_kib = max(self.peak_total_kib, total)
        self.samples += 1
        return total

    def __enter__(self) -> RssSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


# ---------------------------------------------------------------------------------------------------
# Realistic organization names
# ---------------------------------------------------------------------------------------------------

PLACES = """
Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois
Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri
Montana|Nebraska|Nevada|Ohio|Oklahoma|Oregon|Pennsylvania|Tennessee|Texas|Utah|Vermont|Virginia|Washington
Wisconsin|Wyoming|New York|New Jersey|New Mexico|New Hampshire|North Carolina|South Carolina|North Dakota
South Dakota|West Virginia|Rhode Island|Chicago|Houston|Phoenix|Philadelphia|Dallas|Austin|Jacksonville
Columbus|Charlotte|Indianapolis|Seattle|Denver|Boston|Nashville|Detroit|Portland|Memphis|Louisville|Baltimore
Milwaukee|Albuquerque|Tucson|Fresno|Sacramento|Atlanta|Omaha|Raleigh|Miami|Oakland|Minneapolis|Tulsa|Tampa
Cleveland|Pittsburgh|Cincinnati|Newark|Buffalo|Durham|Greensboro|Lancaster|Harrisburg|Richmond|Providence
Hartford|Boise|Anchorage|Honolulu|Los Angeles|San Antonio|San Diego|San Jose|San Francisco|Fort Worth|El Paso
Las Vegas|Kansas City|Long Beach|New Orleans|Salt Lake City|Bay Area|Twin Cities|Inland Empire|Central Valley
Rio Grande Valley|Hudson Valley|Long Island|Southern California|Northern California|Central Texas|South Florida
Western New York|Northern Virginia|Bronx|Brooklyn|Queens|Staten Island|Harlem|Yonkers|Worcester|Springfield
Lowell|New Haven|Bridgeport|Camden|Trenton|Paterson|Allentown|Erie|Scranton|Toledo|Akron|Dayton|Flint
Grand Rapids|Lansing|Madison|Green Bay|Duluth|St. Paul|Des Moines|Wichita|Lincoln|Sioux Falls|Fargo|Billings
Spokane|Tacoma|Eugene|Salem|Reno|Santa Fe|Las Cruces|Laredo|McAllen|Brownsville|Corpus Christi|Lubbock|Amarillo
Shreveport|Baton Rouge|Birmingham|Montgomery|Mobile|Jackson|Little Rock|Knoxville|Chattanooga|Lexington
Savannah|Charleston|Columbia|Asheville|Norfolk|Roanoke|Wilmington|Orlando|St. Petersburg|Tallahassee|Gainesville
""".replace("\n", "|")

CAUSES = (
    "Immigrant Rights",
    "Tenants",
    "Workers",
    "Climate Justice",
    "Food Justice",
    "Housing Justice",
    "Racial Equity",
    "Reproductive Freedom",
    "Disability Rights",
    "Youth Voice",
    "Health Equity",
    "Voting Rights",
    "Refugee Welcome",
    "Environmental Justice",
    "Education Justice",
    "Criminal Justice Reform",
    "Economic Justice",
    "LGBTQ Equality",
    "Senior Advocacy",
    "Veterans Support",
    "Domestic Workers",
    "Farmworker Justice",
    "Language Access",
    "Transit Riders",
    "Water Protectors",
    "Digital Rights",
    "Legal Aid",
    "Peace and Justice",
    "Interfaith Action",
    "Family Farm",
)
KINDS = (
    "Coalition",
    "Alliance",
    "Network",
    "Project",
    "Collective",
    "Council",
    "Center",
    "Committee",
    "Union",
    "Fund",
    "Association",
    "Initiative",
    "Partnership",
    "Institute",
    "Action Fund",
)


def org_names(count: int, *, seed: int = 2024) -> list[str]:
    """``count`` distinct organization names (distinct by the app's own org_key, so each one signs).

    The 568 real names of tests/data/org_names.txt first, then "<Place> <Cause> <Kind>" names such as
    "Tucson Tenants Union" (about 38,000 combinations), then numbered chapters if still more are needed.
    """
    from bot.orgnames import org_key

    real = [line.strip() for line in NAMES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    places = [p.strip() for p in PLACES.split("|") if p.strip()]
    rng = random.Random(seed)
    generated = [f"{p} {c} {k}" for p in places for c in CAUSES for k in KINDS]
    rng.shuffle(generated)
    names: list[str] = []
    keys: set[str] = set()
    for name in [*real, *generated]:
        key = org_key(name)
        if key and key not in keys:
            keys.add(key)
            names.append(name)
            if len(names) == count:
                break
    chapter = 1
    while len(names) < count:
        name = f"{generated[chapter % len(generated)]} Chapter {chapter}"
        chapter += 1
        key = org_key(name)
        if key not in keys:
            keys.add(key)
            names.append(name)
    rng.shuffle(names)
    return names


FIRST = ("Ana", "Luis", "Mei", "Omar", "Grace", "Tomás", "Aisha", "David", "Nadia", "Kwame", "Priya", "Sam", "Rosa")
LAST = ("Pérez", "Nguyen", "Okafor", "Smith", "García", "Cohen", "Haddad", "Kim", "Johnson", "Silva", "Patel", "Lee")
TITLES = ("Executive Director", "Policy Director", "Organizer", "President", "Campaign Manager", "Board Chair")
CITIES = ("Houston, TX", "Tucson, AZ", "Chicago, IL", "Atlanta, GA", "Fresno, CA", "Newark, NJ", None)


def person(i: int) -> dict[str, Any]:
    """A plausible signer for the i-th organization."""
    first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
    return {
        "name": f"{first} {last}",
        "title": TITLES[i % len(TITLES)],
        "email": f"{first.lower()}.{i}@org{i}.org".replace("á", "a").replace("é", "e"),
        "city": CITIES[i % len(CITIES)],
    }


def add_users(fake: FakeSlack, count: int, prefix: str, channel: str | None = None) -> list[str]:
    users = []
    for i in range(count):
        who = person(i)
        users.append(
            fake.add_user(
                name=f"{prefix}{i}", real_name=who["name"], email=who["email"], title=who["title"], tz="America/Chicago"
            )["id"]
        )
    if channel is not None:
        for start in range(0, len(users), 500):
            fake.add_members(channel, *users[start : start + 500])
    return users


# ---------------------------------------------------------------------------------------------------
# View submissions built beforehand, exactly as the driver would send them
# ---------------------------------------------------------------------------------------------------


def submission_payload(fake: FakeSlack, user_id: str, values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The ``view_submission`` payload of ``user_id``'s top modal with ``values`` typed in.

    The same steps as ``SlackDriver.submit_view`` up to sending (client-side checks included), so the
    request bodies are byte-for-byte what the driver would post; they are then signed and sent by the
    load generator over keep-alive connections.
    """
    driver = SlackDriver(fake, app_url="http://127.0.0.1:9/unused")
    with fake.state.lock:
        user = fake.state.users[user_id]
        stack = fake.state.stacks.get(user_id) or []
        if not stack:
            raise RuntimeError(f"{user_id} has no open modal")
        view = fake.state.views[stack[-1]]
        driver._set_values(view, values, inputs_only=True)
        submitted = driver._submission_values(view, strict=True)
        trigger_id = fake.issue_trigger(user.id, view_id=view.id)
        payload = interaction_base(fake, "view_submission", user, trigger_id)
        payload["view"] = view_payload(fake, view, submitted)
        payload["response_urls"] = []
    return payload


def interactive_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def wait_for_top_view(fake: FakeSlack, user_id: str, callback_id: str, timeout: float = 15.0) -> dict[str, Any]:
    def ready() -> dict[str, Any] | None:
        view = fake.top_view(user_id)
        return view if view and view.get("callback_id") == callback_id else None

    return fake.wait_until(ready, timeout=timeout)


def run_parallel(work: Callable[[Any], Any], items: Sequence[Any], threads: int) -> list[Any]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(work, items))


# ---------------------------------------------------------------------------------------------------
# The load generator, in its own process (so the fake's threads never compete with it for the GIL)
# ---------------------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    latencies: list[float]
    statuses: dict[str, int]
    outcomes: dict[str, int]
    started: float
    finished: float
    reconnects: int
    client_cpu_seconds: float
    errors: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return self.finished - self.started

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.duration if self.duration > 0 else float("nan")

    def summary(self) -> dict[str, float]:
        lat = self.latencies
        return {
            "p50": percentile(lat, 50),
            "p95": percentile(lat, 95),
            "p99": percentile(lat, 99),
            "max": max(lat) if lat else float("nan"),
            "over_3s": sum(1 for x in lat if x > 3.0),
            "rate": self.throughput,
        }


def run_load(url: str, bodies: Sequence[str], clients: int, *, work_dir: Path) -> LoadResult:
    """POST ``bodies`` (signed just before the start) from ``clients`` threads of a separate process."""
    job = work_dir / f"load-{os.getpid()}-{time.monotonic_ns()}"
    (job.with_suffix(".in.json")).write_text(
        json.dumps({"url": url, "secret": SIGNING_SECRET, "clients": clients, "bodies": list(bodies)})
    )
    subprocess.run(
        [sys.executable, "-m", "bench.loadgen", str(job.with_suffix(".in.json")), str(job.with_suffix(".out.json"))],
        cwd=ROOT,
        check=True,
    )
    data = json.loads(job.with_suffix(".out.json").read_text())
    for suffix in (".in.json", ".out.json"):
        job.with_suffix(suffix).unlink(missing_ok=True)
    return LoadResult(
        latencies=data["latencies"],
        statuses=data["statuses"],
        outcomes=data["outcomes"],
        started=data["started"],
        finished=data["finished"],
        reconnects=data["reconnects"],
        client_cpu_seconds=data["client_cpu_seconds"],
        errors=data["errors"],
    )


def established_connections_by_pid(port: int, pids: Iterable[int]) -> dict[int, int]:
    """How many ESTABLISHED TCP connections on local ``port`` each process holds (from /proc/net/tcp)."""
    inodes: set[str] = set()
    for table_path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table_path).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(inode)
    counts: dict[int, int] = {}
    for pid in pids:
        count = 0
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if target.startswith("socket:[") and target[8:-1] in inodes:
                        count += 1
        counts[pid] = count
    return counts


# ---------------------------------------------------------------------------------------------------
# Signatories written straight into the database
# ---------------------------------------------------------------------------------------------------


def signatory_form(i: int, org: str) -> Any:
    from bot.services.signing.form import SignOnForm

    who = person(i)
    org_type = ("community", "advocacy", "labor", None)[i % 4]
    return SignOnForm(org, who["name"], who["title"], who["email"], who["city"], org_type, None, True)


def sign_on_directly(database_url: str, letter_id: int, names: Sequence[str], *, start: int = 0) -> float:
    """Sign ``names`` onto a letter with the app's own service (bot.services.signing.signing.sign_on), 500 per
    transaction, as if each had submitted the form; every 10th organization also gets a second contact
    (a colleague pressing Sign on), which the export lists under "other contacts". Returns seconds taken.
    """
    from bot.services.outcomes import Actor
    from bot.services.signing.signing import sign_on
    from bot.timeutil import utcnow
    from db.engine import Database

    database = Database(database_url, sqlite_synchronous="NORMAL")
    started = time.monotonic()
    try:
        for chunk_start in range(0, len(names), 500):
            chunk = list(enumerate(names[chunk_start : chunk_start + 500], start=start + chunk_start))

            def work(session: Any, chunk: list[tuple[int, str]] = chunk) -> None:
                now = utcnow()
                for i, org in chunk:
                    form = signatory_form(i, org)
                    sign_on(
                        session,
                        letter_id=letter_id,
                        form=form,
                        actor=Actor(f"UPOP{i:07d}", "T0HOME"),
                        source="post_button",
                        source_channel_id=None,
                        now=now,
                    )
                    if i % 10 == 0:
                        sign_on(
                            session,
                            letter_id=letter_id,
                            form=signatory_form(i + 1, org),
                            actor=Actor(f"UPOQ{i:07d}", "T0HOME"),
                            source="post_button",
                            source_channel_id=None,
                            now=now,
                        )
                _receipts_already_sent(session, letter_id)

            database.transaction(work)
    finally:
        database.dispose()
    return time.monotonic() - started


def _receipts_already_sent(session: Any, letter_id: int) -> None:
    """These stand for sign-ons made before the benchmark: their receipts went out long ago. Left pending,
    the app's receipts job would DM them all during the measurement. Same transaction as the inserts."""
    from sqlalchemy import update

    from db.models import Signatory

    column = getattr(Signatory, "receipt_status", None)
    if column is not None:
        session.execute(
            update(Signatory).where(Signatory.letter_id == letter_id, column == "pending").values(receipt_status="sent")
        )


def bulk_insert_signatories(
    database_url: str,
    letter_id: int,
    names: Sequence[str],
    *,
    start: int = 0,
    signers: Sequence[str] | None = None,
) -> float:
    """The rows sign_on would write (signatory, signer contact, audit entry), inserted in bulk: fast enough
    for 50,000. ``signers``: the Slack user id of each organization's signer (default: made-up ids).
    Returns seconds taken."""
    from sqlalchemy import insert

    from bot.orgnames import org_key
    from bot.timeutil import utcnow
    from db.engine import Database
    from db.models import AuditEntry, Signatory, SignatoryContact

    database = Database(database_url, sqlite_synchronous="NORMAL")
    started = time.monotonic()
    try:
        for chunk_start in range(0, len(names), 2000):
            chunk = list(enumerate(names[chunk_start : chunk_start + 2000], start=start + chunk_start))
            now = utcnow()
            rows = []
            for i, org in chunk:
                form = signatory_form(i, org)
                rows.append(
                    {
                        "letter_id": letter_id,
                        "org_name": org,
                        "org_key": org_key(org),
                        "status": "active",
                        "signer_user_id": signers[i - start] if signers is not None else f"UPOP{i:07d}",
                        "signer_team_id": "T0HOME",
                        "signer_name": form.name,
                        "signer_title": form.title,
                        "signer_email": form.email,
                        "city_state": form.city_state,
                        "org_type": form.org_type,
                        "source": "post_button",
                        "version_confirmed": 1,
                        "signed_at": now,
                        "updated_at": now,
                    }
                )
            with database.write() as session:
                ids = list(
                    session.scalars(insert(Signatory).returning(Signatory.id, sort_by_parameter_order=True), rows)
                )
                session.execute(
                    insert(SignatoryContact),
                    [
                        {
                            "signatory_id": sid,
                            "user_id": row["signer_user_id"],
                            "team_id": "T0HOME",
                            "name": row["signer_name"],
                            "title": row["signer_title"],
                            "email": row["signer_email"],
                            "is_signer": True,
                            "source": "post_button",
                            "created_at": now,
                        }
                        for sid, row in zip(ids, rows, strict=True)
                    ],
                )
                session.execute(
                    insert(AuditEntry),
                    [
                        {
                            "at": now,
                            "team_id": "T0HOME",
                            "letter_id": letter_id,
                            "actor_user_id": row["signer_user_id"],
                            "action": "signed",
                            "subject_id": sid,
                            "detail": {"org_name": row["org_name"], "source": "post_button"},
                        }
                        for sid, row in zip(ids, rows, strict=True)
                    ],
                )
    finally:
        database.dispose()
    return time.monotonic() - started
