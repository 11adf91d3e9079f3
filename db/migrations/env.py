"""Alembic environment: run by `db.migrate.upgrade()` on start, or by the `alembic` CLI."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection, create_engine

from db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # Called from the alembic CLI: use the same URL rules as the app.
    from bot.settings import DEFAULT_DATABASE_URL, normalize_database_url

    url = normalize_database_url(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run against a database.")
run_migrations_online()
