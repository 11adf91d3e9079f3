"""The one claim pattern: however many processes try, each row is won once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select

from bot.delivery.claim import claim_many, claim_one, record
from db.engine import Database
from db.enums import PostStatus
from db.models import ChannelPost
from tests.services.conftest import NOW, new_letter


def pending_posts(database: Database, count: int) -> list[int]:
    letter_id = database.transaction(new_letter)

    def add(session: object) -> list[int]:
        for index in range(count):
            session.add(  # type: ignore[attr-defined]
                ChannelPost(
                    letter_id=letter_id,
                    channel_id=f"C{index:04d}",
                    status=PostStatus.PENDING,
                    posted_by="U",
                    created_at=NOW,
                )
            )
        session.flush()  # type: ignore[attr-defined]
        return list(session.execute(select(ChannelPost.id)).scalars())  # type: ignore[attr-defined]

    return database.transaction(add)


def test_each_row_is_claimed_once_by_racing_claimers(db: Database, tmp_path: Path) -> None:
    ids = pending_posts(db, 30)
    pending = [ChannelPost.status == PostStatus.PENDING]

    def claim_all(worker: int) -> list[int]:
        won = []
        for row_id in ids:
            if claim_one(db, ChannelPost, row_id, where=pending, values={"status": PostStatus.POSTING}):
                won.append(row_id)
        return won

    with ThreadPoolExecutor(4) as pool:
        winners = [row for won in pool.map(claim_all, range(4)) for row in won]
    assert sorted(winners) == sorted(ids)


def test_batches_never_overlap(db: Database) -> None:
    ids = pending_posts(db, 25)
    pending = [ChannelPost.status == PostStatus.PENDING]

    def take(_: int) -> list[int]:
        taken: list[int] = []
        while batch := claim_many(
            db, ChannelPost, where=pending, values={"status": PostStatus.POSTING}, order_by=[ChannelPost.id], limit=4
        ):
            taken.extend(batch)
        return taken

    with ThreadPoolExecutor(3) as pool:
        taken = [row for batch in pool.map(take, range(3)) for row in batch]
    assert sorted(taken) == sorted(ids)


def test_record_only_changes_a_row_still_in_the_state_it_claimed(db: Database) -> None:
    [row_id] = pending_posts(db, 1)
    posting = [ChannelPost.status == PostStatus.POSTING]
    assert not record(db, ChannelPost, row_id, where=posting, values={"status": PostStatus.POSTED})
    assert claim_one(
        db, ChannelPost, row_id, where=[ChannelPost.status == PostStatus.PENDING], values={"status": PostStatus.POSTING}
    )
    assert record(db, ChannelPost, row_id, where=posting, values={"status": PostStatus.POSTED})
