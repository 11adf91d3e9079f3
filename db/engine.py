"""Engines and units of work, configured for a concurrent server on SQLite or PostgreSQL.

SQLite: WAL (readers never block the writer), foreign keys on, a busy timeout, and ``BEGIN IMMEDIATE``
for every write transaction, because pysqlite's default transaction handling silently loses updates
and deferred transactions fail with "database is locked" at once instead of waiting. Reads use a second
engine with a plain ``BEGIN`` so exports and App Home never wait behind sign-ons.

PostgreSQL: ``READ COMMITTED`` with row locks (``FOR UPDATE SKIP LOCKED``) where work is claimed.
"""

from __future__ import annotations

import fcntl
import logging
import os
import queue
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_SECONDS = 15.0


class StorageUnavailable(Exception):
    """The database cannot take writes (disk full, read-only file, server down). Nothing was saved."""


def _configure_sqlite(engine: Engine, *, immediate: bool, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We emit BEGIN ourselves (below); pysqlite must not manage transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


def create_engines(url: str, *, sqlite_synchronous: str = "FULL", echo: bool = False) -> tuple[Engine, Engine]:
    """Create the (write, read) engine pair for ``url``. On PostgreSQL both are the same engine."""
    if url.startswith("sqlite"):
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False}
        writer = create_engine(url, connect_args=connect_args, echo=echo, pool_size=8, max_overflow=24)
        _configure_sqlite(writer, immediate=True, synchronous=sqlite_synchronous)
        reader = create_engine(url, connect_args=connect_args, echo=echo, pool_size=8, max_overflow=24)
        _configure_sqlite(reader, immediate=False, synchronous=sqlite_synchronous)
        return writer, reader
    engine = create_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True)
    return engine, engine


def is_storage_failure(error: BaseException) -> bool:
    """True for errors that mean the database cannot take writes at all (not a transient lock)."""
    text = str(getattr(error, "orig", error)).lower()
    return any(
        phrase in text
        for phrase in (
            "disk is full",
            "disk i/o error",
            "readonly database",
            "read-only",
            "unable to open database",
            "no space left",
            "connection refused",
            "could not connect",
            "server closed the connection",
        )
    )


# PostgreSQL's "the server is shutting down / terminated this connection" and "connection failure" classes.
_CONNECTION_LOST_STATES = {"57P01", "57P02", "57P03", "08000", "08003", "08006"}


def connection_lost(error: DBAPIError) -> bool:
    """The server dropped this connection: nothing of the transaction was committed, and a new connection may
    work. SQLAlchemy flags most such errors as ``connection_invalidated``; psycopg reports some (a read that
    fails with "consuming input failed") before it marks the connection broken, so the SQLSTATE and the
    server's words are read too."""
    if error.connection_invalidated:
        return True
    if getattr(error.orig, "sqlstate", None) in _CONNECTION_LOST_STATES:
        return True
    text = str(error.orig).lower()
    return "server closed the connection" in text or "terminating connection" in text


def _is_retryable(error: DBAPIError) -> bool:
    text = str(error.orig).lower()
    if "database is locked" in text or "database table is locked" in text:
        return True
    # PostgreSQL serialization failure / deadlock detected.
    code = getattr(error.orig, "sqlstate", None)
    return code in ("40001", "40P01")


def _open_lock_file(url: str) -> int | None:
    path = make_url(url).database
    if not path or path == ":memory:":
        return None
    try:
        return os.open(f"{path}.writelock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        log.info("no write-lock file beside the database; processes will queue in SQLite's busy handler")
        return None


@contextmanager
def _file_lock(descriptor: int | None) -> Iterator[None]:
    if descriptor is None:
        yield
        return
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)


@dataclass
class _Pending:
    work: Callable[[Session], Any]
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None


# A dropped connection is tried again this many times, after 0.05 s, 0.1 s, ... 0.25 s (0.75 s in all, well
# inside Slack's 3 s): a database server that restarts or fails over drops every connection at once, sometimes
# more than once.
RECONNECTS = 5
RECONNECT_PAUSE = 0.05


class _GroupCommitter:
    """One writer thread per process that commits queued units of work together."""

    MAX_BATCH = 64

    def __init__(self, database: Database) -> None:
        self.database = database
        self.queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        threading.Thread(target=self._loop, name="group-commit", daemon=True).start()

    def run(self, work: Callable[[Session], T], timeout: float) -> T:
        pending = _Pending(work)
        self.queue.put(pending)
        if not pending.done.wait(timeout):
            raise TimeoutError("the database did not commit in time")
        if pending.error is not None:
            raise pending.error
        return cast(T, pending.result)

    def _loop(self) -> None:
        while True:
            batch = [self.queue.get()]
            while len(batch) < self.MAX_BATCH:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            self._commit(batch)

    def _commit(self, batch: list[_Pending]) -> None:
        def work(session: Session) -> None:
            for pending in batch:
                pending.result, pending.error = None, None
                try:
                    with session.begin_nested():
                        pending.result = pending.work(session)
                except DBAPIError as error:
                    if connection_lost(error):
                        raise  # the connection is gone for the whole batch: transaction() runs it again
                    pending.error = error
                except Exception as error:  # this unit alone is rolled back; its caller gets the error
                    pending.error = error

        try:
            self.database.transaction(work)
        except Exception as error:  # the commit failed: nothing of the batch was saved
            for pending in batch:
                pending.error = error
        for pending in batch:
            pending.done.set()


class Database:
    """The app's database: sessions for units of work, and the engines behind them."""

    def __init__(self, url: str, *, sqlite_synchronous: str = "FULL", echo: bool = False) -> None:
        self.url = url
        self.engine, self.read_engine = create_engines(url, sqlite_synchronous=sqlite_synchronous, echo=echo)
        self._write_sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)
        # SQLite has one writer at a time. Threads of this process queue here, in order, instead of in
        # SQLite's busy handler, which sleeps up to 100 ms between tries and can starve a waiter for
        # seconds under a burst. Other processes still wait in the busy handler.
        self._write_turn: threading.Lock | None = threading.Lock() if self.dialect == "sqlite" else None
        # Between processes (several gunicorn workers, the CLI), the same queue is a lock on a file beside
        # the database: the kernel wakes the next writer as soon as the lock is free.
        self._lock_file = _open_lock_file(url) if self.dialect == "sqlite" else None
        self._batcher: _GroupCommitter | None = None
        self._batcher_lock = threading.Lock()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed on normal exit, rolled back on error."""
        turn: AbstractContextManager[Any] = self._write_turn or nullcontext()
        try:
            with turn, _file_lock(self._lock_file), self._write_sessions.begin() as session:
                yield session
        except OperationalError as error:
            # A dropped connection is worth one more try (transaction() does it); anything else that means the
            # database takes no writes is said plainly.
            if is_storage_failure(error) and not connection_lost(error):
                raise StorageUnavailable(str(error.orig)) from error
            raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot (one transaction, so several queries see the same data)."""
        with self._read_sessions.begin() as session:
            yield session

    def reading(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in a read snapshot, again on a new connection when the server dropped the one it had
        (the pool's pre-ping cannot see a connection killed between checkout and the query). For the reads a
        request makes before Slack gets its acknowledgement."""
        reconnects = 0
        while True:
            try:
                with self.read() as session:
                    return work(session)
            except DBAPIError as error:
                if not connection_lost(error) or reconnects == RECONNECTS:
                    raise
                reconnects += 1
                log.warning("database connection dropped; reading again on a new one")
                time.sleep(RECONNECT_PAUSE * reconnects)

    def transaction(self, work: Callable[[Session], T], *, attempts: int = 4) -> T:
        """Run ``work`` in a write transaction, retrying the whole unit on transient lock conflicts, and when
        the connection dropped (a restarted or failed-over database server), up to :data:`RECONNECTS` times
        with a short pause: the pool hands out a fresh connection (pre-ping) and nothing of the earlier try was
        committed.

        ``work`` must not call Slack: it may run more than once.
        """
        reconnects = 0
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.write() as session:
                    return work(session)
            except DBAPIError as error:
                if connection_lost(error):
                    if reconnects == RECONNECTS:
                        raise StorageUnavailable(str(error.orig)) from error
                    reconnects += 1
                    log.warning("database connection dropped; running the unit of work again on a new one")
                    time.sleep(RECONNECT_PAUSE * reconnects)
                    continue
                if attempt >= attempts or not _is_retryable(error):
                    raise
                log.warning("database busy, retrying unit of work (attempt %d)", attempt)
                time.sleep(0.05 * attempt + random.random() * 0.05)

    def batched(self, work: Callable[[Session], T], *, timeout: float = 10.0) -> T:
        """Run ``work`` in a write transaction shared with other threads' work (group commit).

        A burst of sign-ons then costs one commit, and one fsync, per batch instead of one each. Each piece
        of work runs in its own SAVEPOINT, so one that fails rolls back alone; none returns before the whole
        batch is committed, so whoever waits on it may acknowledge. ``work`` must not call Slack.
        """
        if self._batcher is None:
            with self._batcher_lock:
                if self._batcher is None:
                    self._batcher = _GroupCommitter(self)
        return self._batcher.run(work, timeout)

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()
