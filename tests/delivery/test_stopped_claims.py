"""A stopped process's claim is resolved once: a worker that saw the stopped claim must not give back the fresh
claim another worker took on the same row since (it would then be sent twice)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery import reminders
from bot.runtime import BotIdentity, Runtime, SingleWorkspaceTokens
from bot.settings import load_settings
from bot.timeutil import utcnow
from db.engine import Database
from db.enums import DeliveryStatus
from db.migrate import upgrade
from db.models import ReminderDelivery, ReminderRun
from tests.conftest import fresh_database
from tests.fakeslack import FakeSlack
from tests.harness import BOT_TOKEN, SIGNING_SECRET
from tests.services.conftest import TEAM, new_letter

STOPPED = "elsewhere:101:a1b2c3"
FRESH = "elsewhere:202:d4e5f6"


@pytest.fixture
def runtime(tmp_path: Path, fake: FakeSlack) -> Iterator[Runtime]:
    with fresh_database(tmp_path, prefix="signon_d") as url:
        settings = load_settings(
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "DATABASE_URL": url,
                "SLACK_API_URL": fake.api_url,
            }
        )
        database = Database(settings.database_url)
        upgrade(database)
        identity = BotIdentity(TEAM, "Home", fake.bot_user_id, "BBOT")
        try:
            yield Runtime(settings, database, SingleWorkspaceTokens(BOT_TOKEN, TEAM), identity)
        finally:
            database.dispose()


def claimed_delivery(db: Database, user_id: str) -> int:
    def add(session: Session) -> int:
        letter_id = new_letter(session)
        run_id = session.execute(select(ReminderRun.id).where(ReminderRun.letter_id == letter_id)).scalar_one()
        delivery = ReminderDelivery(
            run_id=run_id,
            letter_id=letter_id,
            user_id=user_id,
            offset_seconds=86400,
            due_at=utcnow(),
            status=DeliveryStatus.CLAIMED,
            claimed_by=STOPPED,
            lease_until=utcnow() - timedelta(minutes=1),
        )
        session.add(delivery)
        session.flush()
        return delivery.id

    return db.transaction(add)


def test_a_stale_resolution_leaves_another_workers_fresh_claim_alone(runtime: Runtime, fake: FakeSlack) -> None:
    person = fake.add_user(name="member")["id"]
    delivery_id = claimed_delivery(runtime.db, person)
    now = utcnow()

    def reclaim(session: Session) -> None:
        # Meanwhile another worker resolved the stopped claim (not in the DM: pending) and claimed it to send.
        row = session.get(ReminderDelivery, delivery_id)
        assert row is not None
        row.claimed_by, row.lease_until = FRESH, now + timedelta(minutes=2)

    runtime.db.transaction(reclaim)
    # This worker read the stopped claim before that, and resolves it only now.
    reminders._resolve(runtime, delivery_id, STOPPED, now)
    with runtime.db.read() as session:
        row = session.get(ReminderDelivery, delivery_id)
        assert row is not None
        assert (row.status, row.claimed_by) == (DeliveryStatus.CLAIMED, FRESH)


def test_a_stopped_claim_not_found_in_the_dm_goes_back_to_pending(runtime: Runtime, fake: FakeSlack) -> None:
    person = fake.add_user(name="member")["id"]
    delivery_id = claimed_delivery(runtime.db, person)
    reminders._resolve(runtime, delivery_id, STOPPED, utcnow())
    with runtime.db.read() as session:
        row = session.get(ReminderDelivery, delivery_id)
        assert row is not None
        assert (row.status, row.claimed_by) == (DeliveryStatus.PENDING, None)
