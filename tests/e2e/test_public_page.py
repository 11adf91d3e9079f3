"""Issue 16: the public sign-on page, over HTTP against the app as the Procfile starts it (gunicorn, uvicorn).

Visitors open the page, sign, confirm through the email a local SMTP server catches, edit and withdraw through
the emailed links; the page closes when its letter does. (The browser tests drive the same page in Chromium.)
"""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from pypdf import PdfReader

from bot import ids
from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import create_letter, set_deadline, sign_on, signatories, wait_for_modal, wait_for_receipts
from tests.e2e.test_delivery import deliver
from tests.e2e.web_steps import (
    Mailbox,
    enable_page,
    link_token,
    press,
    sign_on_web,
    visitor,
)


def test_the_page_shows_the_letter_its_deadline_and_count_and_the_list_only_when_chosen(
    app: RunningApp, coalition: Coalition
) -> None:
    letter_id = create_letter(app, coalition, title="Protect Due Process Now")
    person = visitor(app)
    assert person.get("/l/no-such-page-token-at-all").status == 404
    token = enable_page(app.database_url, letter_id)
    page = person.get(f"/l/{token}")
    assert page.status == 200
    assert "<h1>Protect Due Process Now</h1>" in page.text and "Dear Majority Leader" in page.text
    assert "Signed so far: 0 organizations" in page.text and "<time datetime=" in page.text and "UTC" in page.text
    assert "Organizations that have signed" not in page.text
    assert (
        page.headers["referrer-policy"] == "no-referrer"
        and "frame-ancestors 'none'" in page.headers["content-security-policy"]
    )
    enable_page(app.database_url, letter_id, web_show_list=True)
    assert "No organization has signed yet." in person.get(f"/l/{token}").text
    spanish = visitor(app, language="es-MX,es;q=0.9,en;q=0.5").get(f"/l/{token}")
    assert 'lang="es"' in spanish.text and "Firmar" in spanish.text


def test_a_web_sign_on_is_confirmed_by_email_then_edited_and_withdrawn_through_its_links(
    mail_app: RunningApp, coalition: Coalition, mailbox: Mailbox
) -> None:
    app = mail_app
    letter_id = create_letter(app, coalition)
    token = enable_page(app.database_url, letter_id, web_show_list=True)
    person = visitor(app)
    answer = sign_on_web(person, token, "Allies for Justice")
    assert answer.status == 200 and "Check your email" in answer.text and "rosa@allies.org" in answer.text
    assert [s.org_name for s in signatories(app.database_url, letter_id, status="pending")] == ["Allies for Justice"]
    assert "Allies for Justice" not in person.get(f"/l/{token}").text  # not shown before it is confirmed
    app.fake.wait_until(lambda: len(mailbox.messages) == 1, timeout=20)
    message = mailbox.messages[0]
    assert message["To"] == "rosa@allies.org" and "signon@coalition.test" in message["From"]
    links = mailbox.links(message)
    assert set(links) == {"confirm", "edit", "withdraw"}
    # Opening the link changes nothing (mail scanners open links); pressing its button confirms.
    assert person.get(links["confirm"]).status == 200 and signatories(app.database_url, letter_id) == []
    confirmed = press(person, links["confirm"])
    assert confirmed.status == 200 and "is now counted" in confirmed.text
    assert [s.org_name for s in signatories(app.database_url, letter_id)] == ["Allies for Justice"]
    assert "Signed so far: 1 organization" in person.get(f"/l/{token}").text
    assert "already confirmed" in visitor(app).get(links["confirm"]).text  # a replay changes nothing
    edit_page = person.get(links["edit"])
    assert 'value="Allies for Justice"' in edit_page.text
    saved = person.post(
        "/s/edit",
        {
            "t": link_token(links["edit"]),
            "csrf": edit_page.csrf(),
            "org_name": "Allies for Justice AZ",
            "name": "Rosa Díaz",
            "title": "Co-Director",
            "email": "rosa@allies.org",
            "authorized": "yes",
        },
    )
    assert saved.status == 200 and "Allies for Justice AZ" in saved.text
    [row] = signatories(app.database_url, letter_id)
    assert (row.org_name, row.signer_title, row.source) == ("Allies for Justice AZ", "Co-Director", "web")
    withdrawn = press(person, links["withdraw"])
    assert withdrawn.status == 200 and "is no longer on" in withdrawn.text
    assert signatories(app.database_url, letter_id) == []
    assert person.get(links["withdraw"]).status == 410  # the sign-on it named is gone
    assert len(mailbox.messages) == 1  # one email, however many pages were opened


def test_field_errors_are_shown_beside_their_fields_and_linked_to_them(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    token = enable_page(app.database_url, letter_id)
    answer = sign_on_web(visitor(app), token, "", email="not-an-email", authorized="")
    assert answer.status == 422
    assert "Please correct 3 fields below." in answer.text
    assert 'href="#field-org_name"' in answer.text
    assert 'id="error-email"' in answer.text and 'aria-describedby="error-email hint-email"' in answer.text
    assert 'aria-invalid="true"' in answer.text and 'value="not-an-email"' in answer.text  # kept to correct
    assert signatories(app.database_url, letter_id, status=None) == []


def test_the_page_closes_with_its_letter_and_says_so_with_the_count_and_contact(
    app: RunningApp, coalition: Coalition
) -> None:
    letter_id = create_letter(app, coalition)
    token = enable_page(app.database_url, letter_id, web_contact="Questions? coalition@example.org")
    person = visitor(app)
    page = person.get(f"/l/{token}")
    set_deadline(app.database_url, letter_id, datetime.now(UTC) - timedelta(minutes=1))
    closed = person.get(f"/l/{token}")
    assert closed.status == 200 and "Sign-ons are closed" in closed.text and "0 organizations signed" in closed.text
    assert "Questions? coalition@example.org" in closed.text and "<form" not in closed.text
    late = person.post(f"/l/{token}", {"org_name": "Late Org", "csrf": page.csrf()})
    assert late.status < 500 and signatories(app.database_url, letter_id, status=None) == []
    enable_page(app.database_url, letter_id, deadline_at=datetime.now(UTC) + timedelta(days=2), web_enabled=False)
    assert "Sign-ons are closed" in person.get(f"/l/{token}").text  # turned off: closed too


def test_the_same_organization_rules_as_slack(app: RunningApp, coalition: Coalition) -> None:
    from tests.e2e.steps import sign_on

    letter_id = create_letter(app, coalition)
    token = enable_page(app.database_url, letter_id)
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Make the Road NY", name="Ana Pérez")
    wait_for_receipts(app, letter_id)
    again = sign_on_web(visitor(app), token, "make the road, NY")
    assert again.status == 409 and "has already signed this letter" in again.text
    assert "Ana Pérez" not in again.text  # a visitor is not told who signed for an organization
    first = sign_on_web(visitor(app), token, "Allies for Justice")
    assert first.status == 200
    second = sign_on_web(visitor(app), token, "ALLIES FOR JUSTICE", name="Mallory")
    assert second.status == 409 and "already waiting to be confirmed" in second.text and "Rosa" not in second.text


def plain_text(message: Any) -> str:
    body = message.get_body(preferencelist=("plain",))
    return str(body.get_content()) if body is not None else ""


def test_web_signers_are_thanked_by_email_with_the_pdf_and_get_the_follow_up_once(
    mail_app: RunningApp, coalition: Coalition, mailbox: Mailbox
) -> None:
    """Issue 17's thanks and follow-up reach those who signed on the page by email (they have no Slack DM):
    once each, in their language, the thanks with the letter as delivered attached; nobody is DMed as 'web'."""
    app, fake = mail_app, mail_app.fake
    letter_id = create_letter(app, coalition)
    token = enable_page(app.database_url, letter_id)
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Slack Org", email="s@slack.org")
    spanish = visitor(app, language="es-MX,es;q=0.9")
    assert sign_on_web(spanish, token, "Comunidades Unidas en una Voz", email="l@cuv.org").status == 200
    app.fake.wait_until(lambda: len(mailbox.messages) == 1, timeout=20)
    press(spanish, mailbox.links(mailbox.messages[0])["confirm"])
    assert len(signatories(app.database_url, letter_id)) == 2
    wait_for_receipts(app, letter_id)

    assert deliver(app, coalition, letter_id, link="https://coalition.example/letter").ok

    def thanks() -> list[Any]:
        return [m for m in mailbox.messages if m["To"] == "l@cuv.org" and "Gracias por firmar" in str(m["Subject"])]

    [email] = fake.wait_until(thanks, timeout=40)
    text = plain_text(email)
    assert "Gracias por firmar" in text and "2 organizaciones" in text and "https://coalition.example/letter" in text
    [pdf] = [part for part in email.iter_attachments() if part.get_content_type() == "application/pdf"]
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert "Comunidades Unidas en una Voz" in pdf_text and "Slack Org" in pdf_text

    response = app.driver.slash_command(
        coalition.coordinator, "/signon", f"respond {letter_id}", channel_id=coalition.public
    )
    assert response.ok
    wait_for_modal(fake, coalition.coordinator, ids.RESPONSE_MODAL)
    text = "The Department responded: we will review your letter."
    assert app.driver.submit_view(coalition.coordinator, values={ids.RESPONSE_BLOCK: {ids.RESPONSE_INPUT: text}}).ok
    fake.wait_until(lambda: [m for m in mailbox.messages if "we will review your letter" in plain_text(m)])
    time.sleep(2)  # a few more rounds of the jobs: nothing is sent twice
    to_web = [m for m in mailbox.messages if m["To"] == "l@cuv.org"]
    assert len(to_web) == 3  # the confirmation, the thanks, the follow-up
    assert not [c for c in fake.calls("conversations.open") if "web" in str(c.params.get("users"))]
