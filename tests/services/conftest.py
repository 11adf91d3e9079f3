"""Services run against a real database session: a fresh, migrated database per test (SQLite, or PostgreSQL
when TEST_DATABASE_URL is set), and a session whose work is committed the way a flow commits it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot.services.letters.form import LetterDraft
from bot.services.letters.letters import create_letter
from db.engine import Database
from db.migrate import upgrade
from tests.conftest import fresh_database

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
TEAM = "T0HOME"
COORDINATOR = "UCOORD"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with fresh_database(tmp_path, prefix="signon_s") as url:
        database = Database(url)
        upgrade(database)
        try:
            yield database
        finally:
            database.dispose()


def draft(**changes: object) -> LetterDraft:
    values: dict[str, object] = {
        "title": "Protect Due Process Now",
        "text": "Dear Senators,\n\nWe write to urge you.",
        "deadline_at": NOW + timedelta(days=7),
        "channels": ("C0PUBLIC",),
        "lead_orgs": ("Detention Watch Network",),
        "reminder_offsets": (timedelta(hours=24),),
    }
    values.update(changes)
    return LetterDraft(**values)  # type: ignore[arg-type]


def new_letter(session: Session, **changes: object) -> int:
    """A letter, as a coordinator's modal creates it."""
    return create_letter(
        session, team_id=TEAM, enterprise_id=None, actor=COORDINATOR, draft=draft(**changes), now=NOW
    ).id
