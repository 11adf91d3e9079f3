"""Export numbers: two exports of one letter numbered at the same moment (two coordinators, two processes) get
1 and 2; on PostgreSQL, without the letter's row lock, both read the same highest number and one failed."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import export as export_service
from db.engine import Database
from db.models import ExportSnapshot, Letter
from tests.services.conftest import COORDINATOR, NOW, new_letter
from tests.services.test_signing import BEN, sign


def test_two_exports_numbered_at_once_get_two_numbers(db: Database) -> None:
    letter_id = db.transaction(lambda session: new_letter(session))
    sign(db, letter_id, "Faith in Action", BEN)
    both_read = threading.Barrier(2, timeout=2)  # SQLite lets one writer in at a time: the other never comes

    def number(session: Session) -> int:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        data = export_service.load_export(session, letter)
        # Both transactions have read the letter before either numbers its export (on SQLite the other writer
        # never comes in: the wait just ends).
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()
        return export_service.take_snapshot(session, data, actor=COORDINATOR, now=NOW).number

    with ThreadPoolExecutor(2) as pool:
        numbers = sorted(pool.map(lambda _: db.transaction(number, attempts=1), range(2)))
    assert numbers == [1, 2]
    with db.read() as session:
        stored = sorted(session.scalars(select(ExportSnapshot.number).where(ExportSnapshot.letter_id == letter_id)))
    assert stored == [1, 2]
