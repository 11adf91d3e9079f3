"""The few statements whose SQL differs between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert(session: Session, model: Any) -> Any:
    """An INSERT that supports ``on_conflict_do_nothing`` on the session's database."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


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
