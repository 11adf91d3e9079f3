"""Issue 17: the letter as it is delivered: the delivery modal, thanks to every signer exactly once (across a
kill -9 and a restart), sign-ons for the record after delivery, and the one follow-up."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import func, select

from bot import ids
from db.models import LetterDelivery, Signatory, SignatoryContact, SignerMessage
from tests.conftest import Coalition, RunningApp, check_app_health, start_app
from tests.e2e.steps import (
    create_letter,
    db_session,
    home_view_of,
    message_text,
    post_of,
    reply,
    sign_on,
    wait_for_modal,
    wait_for_receipts,
)
from tests.fakeslack import FakeSlack
from tests.harness import run_cli

THANKS = "signon_thanks"
RESPONSE = "signon_response"


def delivery_values(
    *,
    day: date | None = None,
    to: str = "The President; the Secretary of Homeland Security",
    how: str = "email",
    link: str | None = None,
) -> dict[str, dict[str, Any]]:
    return {
        ids.DELIVERED_ON_BLOCK: {ids.DELIVERED_ON_INPUT: day or datetime.now(UTC).date()},
        ids.DELIVERED_TO_BLOCK: {ids.DELIVERED_TO_INPUT: to},
        ids.DELIVERY_METHOD_BLOCK: {ids.DELIVERY_METHOD_INPUT: how},
        ids.PUBLIC_LINK_BLOCK: {ids.PUBLIC_LINK_INPUT: link},
    }


def marked(messages: list[dict[str, Any]], event_type: str) -> list[dict[str, Any]]:
    return [m for m in messages if (m.get("metadata") or {}).get("event_type") == event_type]


def pdfs_in_dm(fake: FakeSlack, user_id: str) -> list[dict[str, Any]]:
    channels = {m["channel"] for m in fake.dm_messages(user_id)}
    return [f for f in fake.files() if f.get("completed") and set(f.get("channels") or []) & channels]


def messages_by_status(database_url: str, letter_id: int, kind: str = "thanks") -> dict[str, int]:
    with db_session(database_url) as session:
        rows = session.execute(
            select(SignerMessage.status, func.count(SignerMessage.id))
            .where(SignerMessage.letter_id == letter_id, SignerMessage.kind == kind)
            .group_by(SignerMessage.status)
        ).all()
    return {status: count for status, count in rows}


def sign_many(app: RunningApp, coalition: Coalition, letter_id: int, count: int) -> list[tuple[str, str]]:
    """``count`` organizations sign, each by its own new member; (user, organization) pairs."""
    fake = app.fake
    people = [fake.add_user(name=f"signer{i}", email=f"s{i}@org{i}.org")["id"] for i in range(count)]
    fake.add_members(coalition.public, *people)
    signed = []
    for i, person in enumerate(people):
        org = f"Coalición Número {i:03d}"
        response = sign_on(app, person, letter_id, coalition.public, org, email=f"s{i}@org{i}.org")
        assert response.ok and not response.errors, response.errors
        signed.append((person, org))
    return signed


def deliver(app: RunningApp, coalition: Coalition, letter_id: int, **values: Any) -> Any:
    response = app.driver.slash_command(
        coalition.coordinator, "/signon", f"delivered {letter_id}", channel_id=coalition.public
    )
    assert response.ok, response.body
    wait_for_modal(app.fake, coalition.coordinator, ids.DELIVERY_MODAL)
    return app.driver.submit_view(coalition.coordinator, values=delivery_values(**values))


def wait_for_messages(app: RunningApp, letter_id: int, total: int, kind: str = "thanks", timeout: float = 90) -> None:
    def done() -> bool:
        counts = messages_by_status(app.database_url, letter_id, kind)
        return sum(counts.values()) == total and counts.get("sent", 0) + counts.get("failed", 0) == total

    app.fake.wait_until(done, timeout=timeout)


@pytest.mark.slow
def test_thanks_reach_every_signer_once_across_kill_9_and_restart(
    fake: FakeSlack, coalition: Coalition, database_url: str
) -> None:
    env = {"SIGNON_THANKS_RATE": "5"}
    running = start_app(fake, database_url, coalition, env=env)
    letter_id = create_letter(running, coalition, leads="Detention Watch Network")
    signed = sign_many(running, coalition, letter_id, 24)
    # A colleague of the second organization is recorded as its contact when they sign for it too; the first
    # signer is also recorded as a contact of the third (one person, two organizations: one DM).
    colleague = coalition.members[1]
    sign_on(running, colleague, letter_id, coalition.public, signed[1][1].lower(), email="c@org1.org")
    twice = signed[0][0]
    add_contact(database_url, letter_id, signed[2][1], twice)
    wait_for_receipts(running, letter_id)
    people = {person for person, _ in signed} | {colleague}

    submitted = deliver(running, coalition, letter_id, link="https://example.org/letter")
    assert submitted.ok and not submitted.errors, submitted.errors
    assert "Delivery recorded" in json.dumps(submitted.view)

    # Kill -9 while the thanks are going out.
    fake.wait_until(lambda: len(marked(all_dms(fake, people), THANKS)) >= 6, timeout=30)
    running.process.kill()
    before = messages_by_status(database_url, letter_id)
    assert before.get("sent", 0) < len(people), before
    fake.violations.clear()

    running.process.start()
    started = time.monotonic()
    wait_for_messages(running, letter_id, len(people))
    resumed_in = time.monotonic() - started
    assert messages_by_status(database_url, letter_id) == {"sent": len(people)}
    for person in people:
        thanks = marked(fake.dm_messages(person), THANKS)
        assert len(thanks) == 1, (person, len(thanks))
        assert "Thank you for signing" in message_text(thanks[0])
        assert "https://example.org/letter" in message_text(thanks[0])
        assert len(pdfs_in_dm(fake, person)) == 1, person
    [pdf] = pdfs_in_dm(fake, twice)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf["content"])).pages)
    assert "Detention Watch Network" in text and "Coalición Número 023" in text

    # The posts say it; the coordinator's confirmation shows the count, updated in place.
    channel, ts = post_of(running, letter_id, coalition.public)
    fake.wait_until(lambda: "Delivered on" in message_text(fake.message(channel, ts)), timeout=15)
    assert "25 organizations" in message_text(fake.message(channel, ts))
    confirmation = fake.wait_until(
        lambda: [
            m
            for m in marked(fake.dm_messages(coalition.coordinator), "signon_delivery")
            if f"Thanks sent to {len(people)} of {len(people)}" in message_text(m)
        ],
        timeout=15,
    )
    assert len(marked(fake.dm_messages(coalition.coordinator), "signon_delivery")) == 1
    assert confirmation
    print(
        f"\nthanks: {len(people)} people, {before.get('sent', 0)} sent before the kill, "
        f"the rest within {resumed_in:.1f} s of the restart"
    )
    check_app_health(running)
    running.process.stop()


def add_contact(database_url: str, letter_id: int, org: str, user_id: str) -> None:
    with db_session(database_url) as session:
        signatory = session.execute(
            select(Signatory).where(Signatory.letter_id == letter_id, Signatory.org_name == org)
        ).scalar_one()
        session.add(
            SignatoryContact(
                signatory_id=signatory.id,
                user_id=user_id,
                name="Signer Zero",
                source="slash_command",
                created_at=datetime.now(UTC),
            )
        )
        session.commit()


def all_dms(fake: FakeSlack, people: set[str]) -> list[dict[str, Any]]:
    return [m for person in people for m in fake.dm_messages(person)]


def test_members_are_refused_and_bad_input_is_inline(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    letter_id = create_letter(app, coalition)
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Org One", email="a@orgone.org")
    wait_for_receipts(app, letter_id)

    refused = app.driver.slash_command(
        coalition.members[2], "/signon", f"delivered {letter_id}", channel_id=coalition.public
    )
    assert "Only coordinators can record this letter's delivery" in reply(refused)
    assert f"<@{coalition.coordinator}>" in reply(refused)
    assert not [v for v in fake.calls("views.open") if ids.DELIVERY_MODAL in json.dumps(v.params)]

    open_delivery_as = app.driver.slash_command(
        coalition.coordinator, "/signon", f"delivered {letter_id}", channel_id=coalition.public
    )
    assert open_delivery_as.ok
    wait_for_modal(fake, coalition.coordinator, ids.DELIVERY_MODAL)
    tomorrow = datetime.now(UTC).date() + timedelta(days=3)
    bad = app.driver.submit_view(
        coalition.coordinator, values=delivery_values(day=tomorrow, to="   ", link="javascript:alert(1)"), strict=False
    )
    assert bad.errors is not None
    assert set(bad.errors) == {ids.DELIVERED_ON_BLOCK, ids.DELIVERED_TO_BLOCK, ids.PUBLIC_LINK_BLOCK}
    assert "future" in bad.errors[ids.DELIVERED_ON_BLOCK]
    assert "https://" in bad.errors[ids.PUBLIC_LINK_BLOCK]
    for link in ("ftp://example.org/x", "https://", "http://exa mple.org", "example.org"):
        again = app.driver.submit_view(coalition.coordinator, values=delivery_values(link=link))
        assert again.errors and ids.PUBLIC_LINK_BLOCK in again.errors, link
    with db_session(app.database_url) as session:
        assert session.execute(select(LetterDelivery)).first() is None

    ok = app.driver.submit_view(
        coalition.coordinator, values=delivery_values(how="hand", link="http://example.org/a?b=1")
    )
    assert ok.ok and not ok.errors
    wait_for_messages(app, letter_id, 1)
    # Once delivered, the command says so instead of opening the form again.
    again = app.driver.slash_command(
        coalition.coordinator, "/signon", f"delivered {letter_id}", channel_id=coalition.public
    )
    assert "already delivered" in reply(again)


def test_sign_ons_for_the_record_and_the_follow_up_once(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    letter_id = create_letter(app, coalition, leads="Detention Watch Network")
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Mujeres Latinas en Acción", email="a@ml.org")
    sign_on(app, coalition.members[1], letter_id, coalition.public, "Faith in Action", email="b@fia.org")
    wait_for_receipts(app, letter_id)
    assert deliver(app, coalition, letter_id).ok
    wait_for_messages(app, letter_id, 2)

    # Closed by the delivery: a coordinator reopens it for the record, and a late organization signs.
    reopen = app.driver.slash_command(
        coalition.coordinator, "/signon", f"reopen {letter_id}", channel_id=coalition.public
    )
    assert reopen.ok
    if (
        fake.top_view(coalition.coordinator)
        and fake.top_view(coalition.coordinator).get("callback_id") == ids.LETTER_REOPEN_MODAL
    ):
        assert app.driver.submit_view(coalition.coordinator).ok
    channel, ts = post_of(app, letter_id, coalition.public)
    fake.wait_until(lambda: "added for the record" in message_text(fake.message(channel, ts) or {}), timeout=15)
    late = sign_on(
        app, coalition.members[2], letter_id, coalition.public, "Acacia Center for Justice", email="c@acacia.org"
    )
    assert late.ok and not late.errors, late.errors
    wait_for_receipts(app, letter_id)

    # The export lists the delivered list, then the late sign-on in its own section with the date.
    exported = app.driver.slash_command(
        coalition.coordinator, "/signon", f"export {letter_id} text", channel_id=coalition.public
    )
    assert exported.ok
    files = fake.wait_until(
        lambda: [f for f in fake.files() if f.get("completed") and f["filename"].endswith("-signatories.txt")]
    )
    txt = files[-1]["content"].decode("utf-8")
    delivered_part, _, late_part = txt.partition("Added after delivery")
    assert "Mujeres Latinas en Acción" in delivered_part and "Faith in Action" in delivered_part
    assert "Acacia Center for Justice" not in delivered_part and "Acacia Center for Justice" in late_part
    assert str(datetime.now(UTC).year) in late_part

    # The CSV marks it with its date in one more column; the PDF and DOCX print it in its own section.
    app.driver.slash_command(coalition.coordinator, "/signon", f"export {letter_id} csv", channel_id=coalition.public)
    csv_file = fake.wait_until(
        lambda: [f for f in fake.files() if f.get("completed") and f["filename"].endswith(".csv")]
    )
    rows = list(csv.reader(io.StringIO(csv_file[-1]["content"].decode("utf-8-sig"))))
    assert rows[0][-1] == "Added after delivery"
    by_org = {row[0]: row[-1] for row in rows[1:]}
    assert by_org["Acacia Center for Justice"] == datetime.now(UTC).date().isoformat()
    assert by_org["Faith in Action"] == "" and list(by_org)[-1] == "Acacia Center for Justice"
    for fmt in ("pdf", "docx"):
        app.driver.slash_command(
            coalition.coordinator, "/signon", f"export {letter_id} {fmt}", channel_id=coalition.public
        )
    pdf = fake.wait_until(
        lambda: [
            f
            for f in fake.files()
            if f.get("completed") and "-export-" in f["filename"] and f["filename"].endswith(".pdf")
        ]
    )
    docx_file = fake.wait_until(
        lambda: [f for f in fake.files() if f.get("completed") and f["filename"].endswith(".docx")]
    )
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf[-1]["content"])).pages)
    docx_text = "\n".join(p.text for p in Document(io.BytesIO(docx_file[-1]["content"])).paragraphs)
    for text in (pdf_text, docx_text):
        on_time, _, after = text.partition("Added after delivery on")
        assert "Detention Watch Network" in on_time and "Mujeres Latinas en Acción" in on_time, text
        assert "Acacia Center for Justice" not in on_time and "Acacia Center for Justice" in after, text
    # The thanks PDF is the letter as delivered: no late section.
    thanks_pdf = pdfs_in_dm(fake, coalition.members[0])[0]
    thanks_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(thanks_pdf["content"])).pages)
    assert "Acacia" not in thanks_text and "Faith in Action" in thanks_text
    # The command line says the same without Slack.
    out = run_cli(["export", "--letter", str(letter_id), "--format", "text"], {"DATABASE_URL": app.database_url})
    assert out.returncode == 0, out.stderr
    assert out.stdout.index("Faith in Action") < out.stdout.index("Added after delivery") < out.stdout.index("Acacia")

    # The follow-up goes to every signer (the late one too) once; a second try is refused.
    response = app.driver.slash_command(
        coalition.coordinator, "/signon", f"respond {letter_id}", channel_id=coalition.public
    )
    assert response.ok
    wait_for_modal(fake, coalition.coordinator, ids.RESPONSE_MODAL)
    empty = app.driver.submit_view(
        coalition.coordinator, values={ids.RESPONSE_BLOCK: {ids.RESPONSE_INPUT: "   "}}, strict=False
    )
    assert empty.errors and ids.RESPONSE_BLOCK in empty.errors
    text = "The Department responded: <!channel> we will review your letter."
    sent = app.driver.submit_view(coalition.coordinator, values={ids.RESPONSE_BLOCK: {ids.RESPONSE_INPUT: text}})
    assert sent.ok and not sent.errors
    wait_for_messages(app, letter_id, 3, kind="response")
    for member in coalition.members[:3]:
        [follow_up] = marked(fake.dm_messages(member), RESPONSE)
        assert "we will review your letter" in message_text(follow_up)
    again = app.driver.slash_command(
        coalition.coordinator, "/signon", f"respond {letter_id}", channel_id=coalition.public
    )
    assert "already sent" in reply(again)
    assert len(marked(fake.dm_messages(coalition.members[0]), RESPONSE)) == 1


def test_the_home_tab_counts_the_thanks_as_they_go_out(app: RunningApp, coalition: Coalition) -> None:
    """Coordinators see on App Home how far the thanks have gone, republished as the job sends them (nobody
    reopens the tab); members' tabs do not show it."""
    fake, coordinator = app.fake, coalition.coordinator
    letter_id = create_letter(app, coalition, leads="Detention Watch Network")
    sign_many(app, coalition, letter_id, 6)
    wait_for_receipts(app, letter_id)
    assert "Thanks sent" not in json.dumps(home_view_of(app, coordinator))
    publishes = len(fake.calls("views.publish"))
    assert deliver(app, coalition, letter_id).ok
    wait_for_messages(app, letter_id, 6)

    def shown(user_id: str) -> list[str]:
        return [
            json.dumps(call.param_json("view"), ensure_ascii=False)
            for call in fake.calls("views.publish")[publishes:]
            if call.params.get("user_id") == user_id
        ]

    done = ":white_check_mark: Thanks sent to 6 of 6 signers"
    fake.wait_until(lambda: done in json.dumps(fake.home_view(coordinator) or {}, ensure_ascii=False), timeout=20)
    views = shown(coordinator)
    assert any(":hourglass_flowing_sand: Thanks sent to" in view for view in views), "counted while going out"
    assert "Delivered on" in views[-1]
    assert all("Thanks sent" not in view for view in shown(coalition.members[0]))
