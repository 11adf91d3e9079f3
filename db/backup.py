"""A consistent copy of the SQLite database while the bot runs (SQLite's online backup API)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from db.engine import Database


class BackupError(Exception):
    pass


def backup_sqlite(database: Database, target: Path) -> int:
    """Copy the database page by page with the backup API, check it, and move it into place atomically.

    Returns the number of pages copied. The copy is written to a temporary file next to ``target``,
    fsynced and checked with ``PRAGMA integrity_check`` before it replaces ``target``, so an interrupted
    backup never leaves a corrupt file under the target name.
    """
    if database.dialect != "sqlite":
        raise BackupError("backup copies SQLite databases; for PostgreSQL use pg_dump (see the README).")
    source_path = make_url(database.url).database
    if not source_path or source_path == ":memory:":
        raise BackupError("DATABASE_URL does not point at a SQLite file.")
    target = target.resolve()
    if target == Path(source_path).resolve():
        raise BackupError("the backup file must not be the database itself.")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.partial")
    temporary.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(temporary)
    try:
        source.backup(copy, pages=1024)
        pages = copy.execute("PRAGMA page_count").fetchone()[0]
        copy.execute("PRAGMA journal_mode=DELETE")
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"the copy failed its integrity check ({result}); the database was not changed.")
    except sqlite3.Error as error:
        raise BackupError(f"backup failed: {error}") from error
    finally:
        copy.close()
        source.close()
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    return int(pages)
