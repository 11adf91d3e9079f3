"""Confirmation emails of web sign-ons go out once: sent and recorded; an SMTP server that is down is tried
again later; a claim whose process stopped mid-send is never sent again (SMTP cannot be asked)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.delivery import web_emails
from bot.runtime import BotIdentity, Runtime, SingleWorkspaceTokens
from bot.services import web
from bot.services.letters.form import WebPage
from bot.services.signing.form import SignOnForm
from bot.settings import load_settings
from bot.timeutil import utcnow
from db.engine import Database
from db.enums import DeliveryStatus
from db.migrate import upgrade
from db.models import Letter, WebEmail
from tests.conftest import fresh_database
from tests.e2e.web_steps import Mailbox, smtp_server
from tests.harness import BOT_TOKEN, SIGNING_SECRET, free_port
from tests.services.conftest import NOW, TEAM, new_letter


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@contextmanager
def make_runtime(tmp_path: Path, smtp_port: int) -> Iterator[Runtime]:
    with fresh_database(tmp_path, prefix="signon_m") as url:
        settings = load_settings(
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "DATABASE_URL": url,
                "PUBLIC_URL": "https://signon.example.org",
                "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            }
        )
        database = Database(settings.database_url)
        upgrade(database)
        try:
            yield Runtime(
                settings, database, SingleWorkspaceTokens(BOT_TOKEN, TEAM), BotIdentity(TEAM, "Home", "UB", "B")
            )
        finally:
            database.dispose()


def web_sign_on(db: Database) -> int:
    def work(session: Session) -> int:
        letter_id = new_letter(session, web=WebPage(enabled=True), deadline_at=utcnow() + timedelta(days=3))
        token = session.execute(select(Letter.web_token).where(Letter.id == letter_id)).scalar_one()
        form = SignOnForm("Allies for Justice", "Rosa Díaz", "Director", "rosa@allies.org")
        outcome = web.sign_on_web(session, token=token, form=form, now=NOW, email_check=True, language="es")
        assert isinstance(outcome, web.WebSigned) and outcome.email_id is not None
        return outcome.email_id

    return db.transaction(work)


def status_of(db: Database, email_id: int) -> str:
    with db.read() as session:
        row = session.get(WebEmail, email_id)
        assert row is not None
        return row.status


def test_an_email_is_sent_once_in_the_signers_language_with_its_three_links(tmp_path: Path, mailbox: Mailbox) -> None:
    with make_runtime(tmp_path, mailbox.port) as runtime:
        email_id = web_sign_on(runtime.db)
        web_emails.deliver_web_emails(runtime)
        web_emails.deliver_web_emails(runtime)
        assert status_of(runtime.db, email_id) == DeliveryStatus.SENT
        [message] = mailbox.messages
        assert message["Subject"].startswith("Confirma tu firma") and message["To"] == "rosa@allies.org"
        assert message["From"] == "no-reply@signon.example.org"
        assert set(mailbox.links(message)) == {"confirm", "edit", "withdraw"}


def test_a_server_that_is_down_is_tried_again_and_a_stopped_claim_is_never_resent(
    tmp_path: Path, mailbox: Mailbox
) -> None:
    down = free_port()
    with make_runtime(tmp_path, down) as runtime:
        email_id = web_sign_on(runtime.db)
        web_emails.deliver_web_emails(runtime)
        with runtime.db.read() as session:
            row = session.get(WebEmail, email_id)
            assert row is not None and row.status == DeliveryStatus.PENDING and row.attempts == 1
            assert row.not_before is not None and row.not_before > utcnow()
        # A claim left by a process that stopped in the middle of sending: it may have gone out.
        runtime.db.transaction(
            lambda session: session.execute(
                update(WebEmail)
                .where(WebEmail.id == email_id)
                .values(status=DeliveryStatus.CLAIMED, claimed_by="elsewhere:1:x", lease_until=utcnow() - timedelta(1))
            )
        )
        web_emails.deliver_web_emails(runtime)
        assert status_of(runtime.db, email_id) == DeliveryStatus.UNKNOWN
    assert mailbox.messages == []


def test_no_email_for_a_sign_on_that_no_longer_waits_for_it(tmp_path: Path, mailbox: Mailbox) -> None:
    with make_runtime(tmp_path, mailbox.port) as runtime:
        email_id = web_sign_on(runtime.db)

        def withdraw(session: Session) -> None:
            row = session.get(WebEmail, email_id)
            assert row is not None
            outcome = web.withdraw_by_link(session, signatory_id=row.signatory_id, nonce=row.nonce, now=utcnow())
            assert outcome.__class__.__name__ == "Withdrawn"

        runtime.db.transaction(withdraw)
        web_emails.deliver_web_emails(runtime)
        assert status_of(runtime.db, email_id) == DeliveryStatus.SKIPPED
    assert mailbox.messages == []
