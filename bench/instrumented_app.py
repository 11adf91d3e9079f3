"""``python -m bench.instrumented_app web``: signon exactly as ``python -m bot web``, plus timers.

Used by ``python -m bench.signon_burst --profile`` to see where a sign-on's time goes. Nothing in the
app is edited: this launcher wraps a few functions and locks from the outside before handing over to
``bot.__main__.main``, and each gunicorn worker appends its figures to ``$BENCH_STATS_DIR/<pid>.jsonl``
every second.

Measured per sign-on submission (each a list of seconds):

* ``request``: the app's entry to its response (the server's view of the latency: the body read, the wait
  for a request thread, Bolt; not the accept queue or the header read).
* ``to_listener``: the app's entry to the start of the sign-on listener (body read, signature check, the
  wait for a request thread, parsing, Bolt's middleware, the listener executor's queue).
* ``to_ack``: listener start to ``ack()``; within it, whichever the app does before the ack:
  ``get_letter`` (read), ``likely_duplicate`` (with ``name_lock_wait``, the wait for the per-process
  near-duplicate index lock, and ``index_rows``, rows re-read into the index per lookup), ``transaction``
  or ``batched`` (group commit: ``batch_size`` units per ``batch_commit``).
* ``transaction`` = ``turn_wait`` (the per-process write lock) + ``turn_hold``, which contains ``begin``
  (``BEGIN IMMEDIATE``: waiting for SQLite's write lock, held by the other worker), the statements
  (``sql_insert``, ``sql_select``...) and ``commit`` (with the fsync); ``turn_hold_cpu`` is the CPU the
  holding thread itself used. What the hold spends beyond those is waiting to get the GIL back.
* ``receipt``: the receipt DM (DB read + chat.postMessage), wherever the app sends it from, and
  ``receipt_claim`` / ``receipt_near_duplicate`` when a job sends it.

Every wrapper is applied only if the function still exists, so the launcher keeps working while the app
changes; phases the app no longer has simply have no figures.
"""

from __future__ import annotations

import contextvars
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STATS: dict[str, list[float]] = {}
_stats_lock = threading.Lock()
_local = threading.local()


def record(name: str, value: float) -> None:
    with _stats_lock:
        STATS.setdefault(name, []).append(value)


class TimedLock:
    """A lock proxy recording how long each acquire waited and how long the lock was held."""

    def __init__(self, lock: Any, prefix: str) -> None:
        self._lock = lock
        self._prefix = prefix
        self._held_since = 0.0
        self._cpu_since = 0.0

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        started = time.perf_counter()
        got = bool(self._lock.acquire(blocking, timeout))
        if got:
            now = time.perf_counter()
            record(f"{self._prefix}_wait", now - started)
            self._held_since = now
            self._cpu_since = time.thread_time()
        return got

    def release(self) -> None:
        record(f"{self._prefix}_hold", time.perf_counter() - self._held_since)
        record(f"{self._prefix}_hold_cpu", time.thread_time() - self._cpu_since)
        self._lock.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            record(name, time.perf_counter() - started)

    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    return wrapper


def _wrap(owner: Any, name: str, make: Callable[[Any], Any]) -> bool:
    """Replace ``owner.name`` by ``make(original)`` if the app still has it (the app changes; the timers
    follow what exists)."""
    original = getattr(owner, name, None)
    if original is None:
        return False
    setattr(owner, name, make(original))
    return True


def install() -> None:
    import importlib

    from sqlalchemy import event

    import bot.flows.signing as signing
    import bot.orgnames as orgnames
    import bot.services.signing.duplicates as duplicates
    import bot.web.app as web_app
    import db.engine as engine

    def database_init(original: Callable[..., None]) -> Callable[..., None]:
        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            if getattr(self, "_write_turn", None) is not None:
                self._write_turn = TimedLock(self._write_turn, "turn")

            def before_execute(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
                conn.info["bench_sql"] = time.perf_counter()

            def after_execute(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
                began = conn.info.pop("bench_sql", None)
                if began is not None:
                    verb = statement.lstrip().split(None, 1)[0].upper()
                    record("begin" if verb == "BEGIN" else f"sql_{verb.lower()}", time.perf_counter() - began)

            event.listen(self.engine, "before_cursor_execute", before_execute)
            event.listen(self.engine, "after_cursor_execute", after_execute)
            self.engine.dialect.do_commit = _timed("commit", self.engine.dialect.do_commit)

        return init

    _wrap(engine.Database, "__init__", database_init)
    _wrap(engine.Database, "transaction", lambda fn: _timed("transaction_any", fn))
    _wrap(engine.Database, "batched", lambda fn: _timed("batched", fn))
    committer = getattr(engine, "_GroupCommitter", None)
    if committer is not None:

        def timed_commit(original: Callable[..., None]) -> Callable[..., None]:
            def commit(self: Any, batch: list[Any]) -> None:
                record("batch_size", float(len(batch)))
                started = time.perf_counter()
                try:
                    original(self, batch)
                finally:
                    record("batch_commit", time.perf_counter() - started)

            return commit

        _wrap(committer, "_commit", timed_commit)

    # The near-duplicate index: its lock, and how many rows each lookup (re)reads into the index.
    def cache_init(original: Callable[..., None]) -> Callable[..., None]:
        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            self._lock = TimedLock(self._lock, "name_lock")

        return init

    _wrap(duplicates.OrgNameCache, "__init__", cache_init)

    def counting_add(original: Callable[..., None]) -> Callable[..., None]:
        def add(self: Any, id: int, name: str) -> None:
            _local.adds = getattr(_local, "adds", 0) + 1
            original(self, id, name)

        return add

    _wrap(orgnames.OrgNameIndex, "add", counting_add)

    def timed_likely(original: Callable[..., Any]) -> Callable[..., Any]:
        def likely_duplicate(*args: Any, **kwargs: Any) -> Any:
            _local.adds = 0
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                record("likely_duplicate", time.perf_counter() - started)
                record("index_rows", float(_local.adds))

        return likely_duplicate

    _wrap(duplicates.OrgNameCache, "likely_duplicate", timed_likely)
    for module_name, function, label in (
        ("bot.services.letters.queries", "get_letter", "get_letter"),
        ("bot.delivery.receipts", "send_receipt", "receipt"),
        ("bot.delivery.receipts", "claim_batch", "receipt_claim"),
        ("bot.delivery.receipts", "flag_near_duplicates", "receipt_near_duplicate"),
    ):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        _wrap(module, function, lambda fn, label=label: _timed(label, fn))

    def timed_submit(original: Callable[..., Any]) -> Callable[..., Any]:
        def submit_signon(runtime: Any, ack: Any, body: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            record("to_listener", started - body.get("_bench_arrived", started))

            def timed_ack(*ack_args: Any, **ack_kwargs: Any) -> Any:
                record("to_ack", time.perf_counter() - started)
                return ack(*ack_args, **ack_kwargs)

            return original(runtime, timed_ack, body, *args, **kwargs)

        return submit_signon

    _wrap(signing, "submit_signon", timed_submit)

    # The request starts on the event loop and goes on in a request thread: a context variable follows it
    # there (bot.web.app.in_thread runs the function in a copy of the caller's context).
    def timed_events(original: Callable[..., Any]) -> Callable[..., Any]:
        async def events(self: Any, request: Any) -> Any:
            started = time.perf_counter()
            _request_started.set(started)
            try:
                return await original(self, request)
            finally:
                record("request", time.perf_counter() - started)

        return events

    _wrap(web_app.SlackEndpoints, "events", timed_events)

    # Bolt builds the listener's body from the request; carry the arrival time into it.
    from slack_bolt.request import BoltRequest

    def request_init(original: Callable[..., None]) -> Callable[..., None]:
        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            arrived = _request_started.get()
            if arrived is not None and isinstance(self.body, dict):
                self.body["_bench_arrived"] = arrived

        return init

    _wrap(BoltRequest, "__init__", request_init)

    # The app parses the body once, before Bolt (bot/web/app.py); mark the arrival in that body too.
    def parsed_body(original: Callable[..., Any]) -> Callable[..., Any]:
        def parse(*args: Any, **kwargs: Any) -> Any:
            parsed = original(*args, **kwargs)
            arrived = _request_started.get()
            if arrived is not None and parsed is not None and isinstance(parsed[1], dict):
                parsed[1]["_bench_arrived"] = arrived
            return parsed

        return parse

    _wrap(web_app, "parse_signed_body", parsed_body)

    directory = os.environ.get("BENCH_STATS_DIR")
    if directory:
        _start_dumper(Path(directory))


_request_started: contextvars.ContextVar[float | None] = contextvars.ContextVar("bench_request_started", default=None)


def _start_dumper(directory: Path) -> None:
    """Each process (after gunicorn's fork: threads do not survive it) appends what it recorded since the
    last second to ``<pid>.jsonl``, one JSON object per line, so the cost stays small however long it runs."""
    started_in: dict[str, int] = {}

    def loop() -> None:
        pid = os.getpid()
        written: dict[str, int] = {}
        while True:
            time.sleep(1.0)
            if os.getpid() != pid:
                return
            with _stats_lock:
                new = {k: v[written.get(k, 0) :] for k, v in STATS.items() if len(v) > written.get(k, 0)}
                for key, values in new.items():
                    written[key] = written.get(key, 0) + len(values)
            if new:
                with open(directory / f"{pid}.jsonl", "a", encoding="utf-8") as out:
                    out.write(json.dumps(new) + "\n")

    def start() -> None:
        pid = str(os.getpid())
        if pid not in started_in:
            started_in[pid] = 1
            threading.Thread(target=loop, name="bench-stats", daemon=True).start()

    os.register_at_fork(after_in_child=lambda: (STATS.clear(), start()))


def main() -> None:
    install()
    from bot.__main__ import main as bot_main

    bot_main(sys.argv[1:])


if __name__ == "__main__":
    main()
