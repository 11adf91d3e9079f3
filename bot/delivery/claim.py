"""Claim a row, call Slack, record: the one pattern behind every message signon sends in the background.

Each piece of work is a row. A process first *claims* it with a conditional UPDATE that only one process can
win (several processes and restarts never send anything twice), then calls Slack outside any transaction,
then *records* what Slack answered, again only where the row is still in the state it claimed. A new job
copies this shape::

    for row_id in due_rows():                                  # a read
        if not claim_one(db, Model, row_id, where=[...], values={...}):
            continue                                           # another process has it
        answer = call_slack(...)                               # no transaction open
        record(db, Model, row_id, where=[...], values={...})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from bot.services.dialect import changed, skip_locked
from db.engine import Database


def claim_one(
    db: Database, model: Any, row_id: int, *, where: Sequence[ColumnElement[bool]], values: Mapping[str, Any]
) -> bool:
    """Claim one row: True when this process's conditional UPDATE changed it (nobody else can now)."""

    def work(session: Session) -> bool:
        result = session.execute(update(model).where(model.id == row_id, *where).values(**values))
        return bool(changed(result))

    return db.transaction(work)


def claim_many(
    db: Database,
    model: Any,
    *,
    where: Sequence[ColumnElement[bool]],
    values: Mapping[str, Any],
    order_by: Sequence[Any],
    limit: int,
) -> list[int]:
    """Claim up to ``limit`` rows matching ``where``, in ``order_by`` order; the ids this process won.

    On PostgreSQL the candidates are locked with ``FOR UPDATE SKIP LOCKED``, so processes claiming at the same
    moment take different rows instead of waiting for each other; SQLite's write transactions serialize anyway.
    """

    def work(session: Session) -> list[int]:
        candidates = list(
            session.execute(
                select(model.id).where(*where).order_by(*order_by).limit(limit).with_for_update(**skip_locked(session))
            ).scalars()
        )
        if not candidates:
            return []
        won = session.execute(
            update(model)
            .where(model.id.in_(candidates), *where)
            .values(**values)
            .returning(model.id)
            .execution_options(synchronize_session=False)
        )
        return sorted(won.scalars().all())

    return db.transaction(work)


def record(
    db: Database, model: Any, row_id: int, *, where: Sequence[ColumnElement[bool]] = (), values: Mapping[str, Any]
) -> bool:
    """Record the outcome of claimed work, only where the row is still as ``where`` says; True if it was."""
    return claim_one(db, model, row_id, where=where, values=values)


def backoff(
    attempts: int, *, first: timedelta = timedelta(seconds=30), cap: timedelta = timedelta(minutes=10)
) -> timedelta:
    """How long to wait before the next try after ``attempts`` failures: ``first``, doubling, at most ``cap``."""
    wait: timedelta = first * 2 ** max(0, attempts - 1)
    return min(cap, wait)
