"""The unit of work: what a dropped connection does to a write (a restarted or failed-over database server)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.timeutil import utcnow
from db.engine import RECONNECTS, Database, StorageUnavailable
from db.models import SlackUser


def _dropping(times: int) -> tuple[list[int], Callable[[Session], str]]:
    """Work that finds its connection dropped the first ``times`` runs, then saves a row."""
    runs: list[int] = []

    def work(session: Session) -> str:
        runs.append(len(runs) + 1)
        session.add(SlackUser(team_id="T1", user_id=f"U{len(runs)}", fetched_at=utcnow()))
        session.flush()
        if len(runs) <= times:
            raise OperationalError("INSERT …", {}, Exception("terminating connection"), connection_invalidated=True)
        return "saved"

    return runs, work


def test_a_connection_dropped_again_and_again_is_tried_on_a_new_one(db: Database) -> None:
    runs, work = _dropping(RECONNECTS)
    assert db.transaction(work) == "saved"
    assert runs == list(range(1, RECONNECTS + 2))
    with db.read() as session:  # only the last run was committed
        assert list(session.scalars(select(SlackUser.user_id))) == [f"U{RECONNECTS + 1}"]


def test_a_database_that_keeps_dropping_connections_is_said_unavailable(db: Database) -> None:
    runs, work = _dropping(RECONNECTS + 1)
    with pytest.raises(StorageUnavailable):
        db.transaction(work)
    assert len(runs) == RECONNECTS + 1
    with db.read() as session:
        assert list(session.scalars(select(SlackUser.user_id))) == []


class _ServerError(Exception):
    """What psycopg raises: the server's words, and its SQLSTATE."""

    def __init__(self, text: str, sqlstate: str | None = None) -> None:
        super().__init__(text)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    "orig",
    [
        _ServerError("consuming input failed: server closed the connection unexpectedly"),
        _ServerError("terminating connection due to administrator command", "57P01"),
    ],
)
def test_a_connection_the_server_closed_is_tried_again_even_before_it_is_marked_broken(
    db: Database, orig: _ServerError
) -> None:
    runs: list[int] = []

    def work(session: Session) -> str:
        runs.append(1)
        if len(runs) == 1:
            raise OperationalError("SELECT …", {}, orig, connection_invalidated=False)
        return "saved"

    assert db.transaction(work) == "saved"
    runs.clear()
    assert db.reading(work) == "saved"


def test_a_read_that_keeps_losing_its_connection_is_not_tried_forever(db: Database) -> None:
    runs: list[int] = []

    def work(session: Session) -> None:
        runs.append(1)
        raise OperationalError("SELECT …", {}, Exception("x"), connection_invalidated=True)

    with pytest.raises(OperationalError):
        db.reading(work)
    assert len(runs) == RECONNECTS + 1


def test_a_locked_database_is_not_taken_for_a_lost_connection(db: Database) -> None:
    def work(session: Session) -> None:
        raise OperationalError("SELECT …", {}, _ServerError("database is locked"), connection_invalidated=False)

    with pytest.raises(OperationalError):
        db.reading(work)
