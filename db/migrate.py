"""Apply Alembic migrations programmatically (on start and in tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from db.engine import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant works; it only has to be the same in every process of this app.
_PG_MIGRATION_LOCK = 74_21_0001


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(database: Database) -> None:
    """Bring the schema to the newest revision.

    Safe when several processes start at once: on SQLite the transaction begins IMMEDIATE, on PostgreSQL
    an advisory lock is taken, so one process migrates and the others then find nothing to do.
    """
    config = alembic_config()
    with database.engine.begin() as connection:
        if database.dialect == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
