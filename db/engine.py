"""Engines and units of work, configured for a concurrent server on SQLite or PostgreSQL.

SQLite: WAL (readers never block the writer), foreign keys on, a busy timeout, and ``BEGIN IMMEDIATE``
for every write transaction, because pysqlite's default transaction handling silently loses updates
and deferred transactions fail with "database is locked" at once instead of waiting. Reads use a second
engine with a plain ``BEGIN`` so exports and App Home never wait behind sign-ons.

PostgreSQL: ``READ COMMITTED`` with row locks (``FOR UPDATE SKIP LOCKED``) where work is claimed.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
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


def _is_retryable(error: DBAPIError) -> bool:
    text = str(error.orig).lower()
    if "database is locked" in text or "database table is locked" in text:
        return True
    # PostgreSQL serialization failure / deadlock detected.
    code = getattr(error.orig, "sqlstate", None)
    return code in ("40001", "40P01")


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

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed on normal exit, rolled back on error."""
        turn: AbstractContextManager[Any] = self._write_turn or nullcontext()
        try:
            with turn, self._write_sessions.begin() as session:
                yield session
        except OperationalError as error:
            if is_storage_failure(error):
                raise StorageUnavailable(str(error.orig)) from error
            raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot (one transaction, so several queries see the same data)."""
        with self._read_sessions.begin() as session:
            yield session

    def transaction(self, work: Callable[[Session], T], *, attempts: int = 4) -> T:
        """Run ``work`` in a write transaction, retrying the whole unit on transient lock conflicts.

        ``work`` must not call Slack: it may run more than once.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.write() as session:
                    return work(session)
            except DBAPIError as error:
                if attempt == attempts or not _is_retryable(error):
                    raise
                log.warning("database busy, retrying unit of work (attempt %d)", attempt)
                time.sleep(0.05 * attempt + random.random() * 0.05)
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()
