"""The few statements whose SQL differs between SQLite and PostgreSQL."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import CursorResult, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import Base


def insert(session: Session, model: Any) -> Any:
    """An INSERT that supports ``on_conflict_do_nothing`` on the session's database."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


@functools.lru_cache(maxsize=64)
def insert_ignoring(dialect: str, table_name: str, conflict: tuple[str, ...], returning: str | None = None) -> Any:
    """A reusable ``INSERT … ON CONFLICT (conflict) DO NOTHING [RETURNING returning]``, values bound at execute.

    Built once per dialect and table, so SQLAlchemy compiles it once: on the sign-on path, building a fresh
    ``insert().values(...)`` per call cost more CPU than running it.
    """
    table = Base.metadata.tables[table_name]
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    return statement.returning(table.c[returning]) if returning else statement


@functools.lru_cache(maxsize=64)
def insert_or_update(dialect: str, table_name: str, conflict: tuple[str, ...], update: tuple[str, ...]) -> Any:
    """A reusable ``INSERT … ON CONFLICT (conflict) DO UPDATE SET update = excluded.update``."""
    table = Base.metadata.tables[table_name]
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return statement.on_conflict_do_update(
        index_elements=list(conflict), set_={name: statement.excluded[name] for name in update}
    )


def skip_locked(session: Session) -> dict[str, Any]:
    """``with_for_update`` arguments that let several processes claim different rows at once.

    SQLite has no row locks; its write transactions (BEGIN IMMEDIATE) already serialize the claim.
    """
    if session.get_bind().dialect.name == "postgresql":
        return {"skip_locked": True}
    return {}


def changed(result: Result[Any]) -> int:
    """Rows an UPDATE or INSERT changed (``execute`` is typed as returning a plain Result)."""
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def supports_row_locks(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
