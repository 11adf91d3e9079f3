"""Issue 16, abuse and bad input on the public page: CSRF, links replayed, expired or forged, hostile text in
every field (never live on the page, in Slack or in the CSV), oversized bodies, a burst over the rate limit,
bots filling the honeypot, malformed requests. All refused cleanly: never a 5xx."""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import time

from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from db.models import Signatory
from tests.conftest import Coalition, RunningApp, check_app_health, start_app
from tests.e2e.steps import create_letter, db_session, home_view_of, signatories
from tests.e2e.test_security import assert_nothing_live, rendered_text
from tests.e2e.web_steps import (
    Mailbox,
    enable_page,
    form_fields,
    link_token,
    press,
    sign_on_web,
    visitor,
)
from tests.fakeslack import FakeSlack
from tests.harness import SIGNING_SECRET, run_cli

HOSTILE_FIELDS = {
    "org_name": '<script>alert("org")</script> <!channel> Org',
    "name": "<!here> <@U123> =cmd|' /C calc'!A0",
    "title": '<img src=x onerror=alert("title")> <#C123>',
    "city_state": "<https://evil.example|click> @SUM(1)",
    "note": "<!everyone> *bold* <script>alert('note')</script>\n+1 more",
}
# What the page takes in the printed fields (no link, no < >) that would still mean something to Slack's
# mrkdwn, to HTML or to a spreadsheet; the note, never printed, may hold anything.
STORED_HOSTILE = {
    "org_name": 'Org "quoted" & *bold* _ital_ `code` ~strike~ @here &amp;',
    "name": "=cmd|' /C calc'!A0",
    "title": "@SUM(1) 'Director'",
    "city_state": "+1 Chicago",
    "note": HOSTILE_FIELDS["note"],
}
FORMULA_ORG = '=HYPERLINK("evil","click")'
PRINTED_FIELDS = ("org_name", "name", "title", "city_state")


def test_a_missing_or_forged_csrf_token_is_refused_and_nothing_is_kept(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    token = enable_page(app.database_url, letter_id)
    other_token = enable_page(app.database_url, create_letter(app, coalition, title="Another Letter"))
    person = visitor(app)
    page = person.get(f"/l/{token}")
    good = page.csrf()
    foreign = URLSafeTimedSerializer("0" * 32, salt="signon-web-form").dumps(["x", token])
    stranger = visitor(app)
    stranger_token = stranger.get(f"/l/{token}").csrf()  # valid, but bound to the stranger's cookie
    for csrf in [
        "",
        "forged",
        good[:-3] + "abc",
        foreign,
        stranger_token,
        visitor(app).get(f"/l/{other_token}").csrf(),
    ]:
        answer = person.post(f"/l/{token}", {**form_fields("Forged Org"), "csrf": csrf})
        assert answer.status == 403 and "This form expired or could not be checked" in answer.text, csrf
    cookieless = visitor(app).post(f"/l/{token}", {**form_fields("Forged Org"), "csrf": good})
    assert cookieless.status == 403
    assert signatories(app.database_url, letter_id, status=None) == []
    assert person.post(f"/l/{token}", {**form_fields("Real Org"), "csrf": good}).status == 200


def test_links_replayed_expired_forged_or_of_another_kind_are_refused(
    mail_app: RunningApp, coalition: Coalition, mailbox: Mailbox
) -> None:
    app = mail_app
    letter_id = create_letter(app, coalition)
    token = enable_page(app.database_url, letter_id)
    person = visitor(app)
    sign_on_web(person, token, "Allies for Justice")
    app.fake.wait_until(lambda: len(mailbox.messages) == 1, timeout=20)
    links = mailbox.links(mailbox.messages[0])
    confirm = link_token(links["confirm"])
    [row] = signatories(app.database_url, letter_id, status="pending")

    class Old(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 4 * 86400

    expired = URLSafeTimedSerializer(SIGNING_SECRET, salt="signon-web-confirm", signer=Old).dumps([row.id, "x" * 32])
    for path in [
        f"/s/confirm?t={expired}",
        f"/s/confirm?t={confirm[:-4]}abcd",
        f"/s/withdraw?t={confirm}",  # a confirm token is not a withdraw token
        "/s/confirm?t=",
        f"/s/confirm?t={'A' * 5000}",
    ]:
        answer = person.get(path)
        assert answer.status == 410 and "This link no longer works" in answer.text, path
    # The real expiry: a token of the right kind, signed here, for this sign-on, but 4 days old.
    nonce = app_nonce(app, row.id)
    old = URLSafeTimedSerializer(SIGNING_SECRET, salt="signon-web-confirm", signer=Old).dumps([row.id, nonce])
    assert person.get(f"/s/confirm?t={old}").status == 410
    assert signatories(app.database_url, letter_id) == []
    press(person, links["withdraw"])
    assert person.get(links["confirm"]).status == 410  # withdrawn: its confirm link is dead
    page = person.get(f"/l/{token}")
    again = person.post("/s/confirm", {"t": confirm, "csrf": page.csrf()})
    assert again.status in (403, 410) and signatories(app.database_url, letter_id) == []


def app_nonce(app: RunningApp, signatory_id: int) -> str:
    with db_session(app.database_url) as session:
        signatory = session.get(Signatory, signatory_id)
        assert signatory is not None and signatory.web_nonce
        return signatory.web_nonce


def test_hostile_text_in_every_field_is_never_live_on_the_page_in_slack_or_in_the_csv(
    app: RunningApp, coalition: Coalition
) -> None:
    letter_id = create_letter(app, coalition)
    token = enable_page(app.database_url, letter_id, web_show_list=True, web_contact="<script>alert(1)</script>")
    person = visitor(app)
    # Markup or a link in a field the letter prints is refused beside that field, and shown back escaped.
    refused = sign_on_web(person, token, HOSTILE_FIELDS["org_name"], **{**HOSTILE_FIELDS, "email": "<b>@x"})
    assert refused.status == 422
    assert_inert_html(refused.text)
    # Each error twice: in the list above the form and beside its field.
    assert refused.text.count("without links or the characters &lt; and &gt;") == 2 * len(PRINTED_FIELDS)
    for field in PRINTED_FIELDS:
        alone = sign_on_web(visitor(app), token, "Plain Org", **{field: HOSTILE_FIELDS[field]})
        assert alone.status == 422 and "without links" in alone.text, field
    assert signatories(app.database_url, letter_id, status="pending") == []
    accepted = sign_on_web(person, token, STORED_HOSTILE["org_name"], **STORED_HOSTILE)
    assert accepted.status == 200
    assert_inert_html(accepted.text)
    assert sign_on_web(visitor(app), token, FORMULA_ORG).status == 200
    view = home_view_of(app, coalition.coordinator)
    for row in signatories(app.database_url, letter_id, status="pending"):
        app.driver.click(
            coalition.coordinator,
            "approve_web_signon",
            str(row.id),
            block_id=f"home_decide_{row.id}",
            view_id=str(view["id"]),
        )
        app.fake.wait_until(lambda r=row: r.id in {s.id for s in signatories(app.database_url, letter_id)})
        view = home_view_of(app, coalition.coordinator)
    assert len(signatories(app.database_url, letter_id)) == 2
    page = visitor(app).get(f"/l/{token}")
    assert_inert_html(page.text)
    assert "Org &#34;quoted&#34; &amp; *bold* _ital_ `code` ~strike~ @here &amp;amp;" in page.text
    home_view_of(app, coalition.coordinator)
    assert_nothing_live(app.fake, rendered_text(app.fake))
    exported = run_cli(["export", "--letter", str(letter_id), "--format", "csv"], {"DATABASE_URL": app.database_url})
    cells = [cell for row in csv.reader(io.StringIO(exported.stdout)) for cell in row]
    assert "'" + FORMULA_ORG in cells and FORMULA_ORG not in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def assert_inert_html(text: str) -> None:
    """No markup a visitor typed is live: every tag in the page is one of the page's own."""
    assert "<script>alert" not in text and "<img" not in text and 'onerror=alert("' not in text
    scripts = re.findall(r"<script\b[^>]*>", text)
    assert all("nonce=" in tag for tag in scripts), scripts


def test_oversized_bodies_are_413_and_a_burst_over_the_rate_limit_is_429(
    fake: FakeSlack, coalition: Coalition, database_url: str
) -> None:
    app = start_app(fake, database_url, coalition, env={"SIGNON_WEB_RATE_PER_ADDRESS": "5"})
    try:
        letter_id = create_letter(app, coalition)
        token = enable_page(app.database_url, letter_id)
        person = visitor(app)
        csrf = person.get(f"/l/{token}").csrf()
        big = person.post(f"/l/{token}", {**form_fields("Big Org"), "note": "x" * 40_000, "csrf": csrf})
        assert big.status == 413 and "more text than the form takes" in big.text
        # A body declared far too large is refused from its headers, before it is sent (a client still
        # sending it would see the connection closed).
        connection = http.client.HTTPConnection("127.0.0.1", app.process.port, timeout=30)
        connection.putrequest("POST", f"/l/{token}")
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", "2000000")
        connection.endheaders()
        huge = connection.getresponse()
        assert huge.status == 413 and huge.getheader("connection") == "close"
        connection.close()
        # The limit counts in fixed one-minute windows: the burst is sent early in one, not across two.
        if time.time() % 60 > 30:
            time.sleep(60 - time.time() % 60 + 0.5)
        statuses = [
            person.post(f"/l/{token}", {**form_fields(f"Burst Org {i}"), "csrf": csrf}).status for i in range(12)
        ]
        assert statuses.count(200) == 5 and statuses.count(429) == 7, statuses
        assert len(signatories(app.database_url, letter_id, status="pending")) == 5
        assert person.get(f"/l/{token}").status == 200  # reading the page is not limited
        check_app_health(app)
    finally:
        app.process.stop()


def test_bots_and_malformed_requests_are_refused_without_a_5xx(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    token = enable_page(app.database_url, letter_id)
    person = visitor(app)
    csrf = person.get(f"/l/{token}").csrf()
    trapped = person.post(f"/l/{token}", {**form_fields("Bot Org"), "website": "http://spam.example", "csrf": csrf})
    assert trapped.status == 200 and signatories(app.database_url, letter_id, status=None) == []
    answers = [
        person.post(f"/l/{token}", b"\xff\xfe\x00garbage"),
        person.post(f"/l/{token}", "&".join(f"f{i}=v" for i in range(500)).encode()),
        person.post(f"/l/{token}", json.dumps({"org_name": "x"}).encode(), content_type="application/json"),
        person.post(f"/l/{token}", {**form_fields("X" * 5000), "csrf": csrf}),
        person.post(f"/l/{token}", {"csrf": csrf, "org_name": ["a"] * 3}),  # type: ignore[dict-item]
        person.get("/l/" + "x" * 3000),
        person.get("/l/%00%ff"),
        person.get("/s/anything?t=x"),
        person.post("/s/edit", b"t=%ff%fe&csrf=1"),
        person.get(f"/l/{token}?lang=../../etc/passwd"),
    ]
    assert all(answer.status < 500 for answer in answers), [answer.status for answer in answers]
    assert "Traceback" not in app.process.logs()
