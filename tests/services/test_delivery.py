"""Delivering a letter: the form's rules, one delivery per letter, one message per person, the split at the
delivery, and the follow-up once; on a real database session."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.services import delivery
from bot.services import export as export_service
from bot.services.letters import letters as letter_service
from bot.services.outcomes import Actor
from db.engine import Database
from db.enums import DeliveryMethod, LetterStatus, RunStatus
from db.models import Letter, ReminderRun, SignerMessage
from tests.services.conftest import COORDINATOR, NOW, TEAM, new_letter
from tests.services.test_signing import BEN, sign

CARL = Actor("UCARL", TEAM)
TODAY = NOW.date()


def form(**changes: object) -> delivery.DeliveryInput:
    values: dict[str, object] = {
        "delivered_on": TODAY,
        "delivered_to": "The President",
        "method": "email",
        "public_link": None,
    }
    values.update(changes)
    return delivery.DeliveryInput(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("link", "ok"),
    [
        ("https://example.org/letter", True),
        ("http://example.org/a?b=1#c", True),
        ("HTTPS://Example.org", True),
        ("ftp://example.org/x", False),
        ("javascript:alert(1)", False),
        ("https://", False),
        ("https://localhost", False),
        ("http://exa mple.org", False),
        ("example.org", False),
        ("https://example.org/<!channel>", False),
        ("https://example.org/" + "x" * 500, False),
    ],
)
def test_the_public_link_is_a_web_address(link: str, ok: bool) -> None:
    valid, problems = delivery.validate_delivery(form(public_link=link), today=TODAY)
    assert (valid is not None) == ok, problems
    assert ok or problems["link"].code == delivery.DeliveryProblem.LINK_NOT_WEB


def test_the_form_reports_each_field() -> None:
    valid, problems = delivery.validate_delivery(
        form(delivered_on=TODAY + timedelta(days=2), delivered_to="  ", method="carrier pigeon"), today=TODAY
    )
    assert valid is None
    assert {k: p.code for k, p in problems.items()} == {
        "date": delivery.DeliveryProblem.DATE_IN_FUTURE,
        "to": delivery.DeliveryProblem.TO_MISSING,
        "method": delivery.DeliveryProblem.METHOD_MISSING,
    }
    valid, _ = delivery.validate_delivery(form(delivered_to="  The   President "), today=TODAY)
    assert valid is not None and valid.delivered_to == "The President" and valid.method == DeliveryMethod.EMAIL


def deliver(db: Database, letter_id: int, day: date = TODAY) -> object:
    valid, _ = delivery.validate_delivery(form(delivered_on=day), today=TODAY)
    assert valid is not None
    return db.transaction(
        lambda s: delivery.record_delivery(s, letter_id=letter_id, actor=COORDINATOR, form=valid, now=NOW)
    )


def test_one_delivery_one_message_per_person_and_the_split(db: Database) -> None:
    letter_id = db.transaction(new_letter)
    sign(db, letter_id, "Fiscal Sponsor Fund")
    sign(db, letter_id, "Hosted Project Network")  # Ana signs for two organizations
    sign(db, letter_id, "fiscal sponsor fund", actor=BEN)  # Ben is recorded as a contact
    sign(db, letter_id, "Carl's Coalition", actor=CARL)
    done = deliver(db, letter_id)
    assert isinstance(done, delivery.Delivered)
    assert done.count == 4 and done.recipients == 3 and done.closed_now  # the unsigned lead prints too
    assert isinstance(deliver(db, letter_id), delivery.AlreadyDelivered)
    with db.read() as session:
        people = session.execute(select(SignerMessage.user_id).order_by(SignerMessage.user_id)).scalars().all()
        letter = session.get(Letter, letter_id)
        assert letter is not None and letter.status == LetterStatus.CLOSED
    assert people == ["UANA", "UBEN", "UCARL"]

    # Reopened for the record (no new reminders), a late sign-on comes after the delivered list.
    with db.read() as session:
        runs_before = session.execute(select(ReminderRun.id)).scalars().all()
    reopened = db.transaction(
        lambda s: letter_service.reopen_letter(
            s, letter_id=letter_id, actor=COORDINATOR, deadline_at=NOW + timedelta(days=3), now=NOW
        )
    )
    assert reopened is not None
    with db.read() as session:
        assert session.execute(select(ReminderRun.id)).scalars().all() == runs_before
        assert set(session.execute(select(ReminderRun.status)).scalars()) == {RunStatus.SKIPPED}
    sign(db, letter_id, "Acacia Center for Justice", actor=Actor("ULATE", TEAM), now=NOW + timedelta(days=1))
    with db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        split = delivery.split_at_delivery(session, export_service.load_export(session, letter), letter_id)
    assert split is not None
    assert (
        split.delivered.names[0] == "Detention Watch Network"
        and "Acacia Center for Justice" not in split.delivered.names
    )
    assert split.late.names == ["Acacia Center for Justice"]


def test_the_follow_up_once_to_every_signer(db: Database) -> None:
    letter_id = db.transaction(new_letter)
    sign(db, letter_id, "Fiscal Sponsor Fund")
    first = db.transaction(
        lambda s: delivery.record_response(s, letter_id=letter_id, actor=COORDINATOR, text="Hi", now=NOW)
    )
    assert isinstance(first, delivery.NotDelivered)
    deliver(db, letter_id)
    sent = db.transaction(
        lambda s: delivery.record_response(s, letter_id=letter_id, actor=COORDINATOR, text="They answered", now=NOW)
    )
    again = db.transaction(
        lambda s: delivery.record_response(s, letter_id=letter_id, actor=COORDINATOR, text="Twice", now=NOW)
    )
    assert isinstance(sent, delivery.ResponseRecorded) and sent.recipients == 1
    assert isinstance(again, delivery.ResponseAlreadySent)
    with db.read() as session:
        progress = delivery.progress(session, letter_id, delivery.SignerMessageKind.RESPONSE)
    assert (progress.sent, progress.total) == (0, 1)
