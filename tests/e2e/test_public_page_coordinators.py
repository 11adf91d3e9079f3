"""Issue 16, the coordinators' side of the public page: turning it on in the letter modal, its link (the
confirmation, App Home, /signon link), approving web sign-ons without SMTP, and the source on every surface."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest

from tests.conftest import Coalition, RunningApp, check_app_health, start_app
from tests.e2e.steps import (
    create_letter,
    home_view_of,
    letter_text,
    letter_values,
    local_deadline,
    open_new_letter,
    reply,
    sign_on,
    signatories,
    wait_for_receipts,
)
from tests.e2e.web_steps import enable_page, sign_on_web, visitor
from tests.fakeslack import FakeSlack
from tests.harness import run_cli


@pytest.fixture
def web_app(fake: FakeSlack, coalition: Coalition, database_url: str) -> Iterator[RunningApp]:
    running = start_app(fake, database_url, coalition, env={"PUBLIC_URL": "https://signon.example.org"})
    try:
        yield running
        check_app_health(running)
    finally:
        running.process.stop()


def test_the_letter_modal_turns_the_page_on_and_the_coordinator_gets_its_link(
    web_app: RunningApp, coalition: Coalition
) -> None:
    app = web_app
    open_new_letter(app, coalition.coordinator, coalition.public)
    values = letter_values(
        title="Beyond the Workspace", text=letter_text(800), deadline=local_deadline(), channels=[coalition.public]
    )
    values["web_page"] = {"web_page": ["web_enabled", "web_show_list"]}
    values["web_contact"] = {"web_contact": "Questions? coalition@example.org"}
    response = app.driver.submit_view(coalition.coordinator, values=values)
    assert response.ok and not response.errors, response.errors
    confirmation = app.fake.wait_until(
        lambda: next(
            (m for m in app.fake.dm_messages(coalition.coordinator) if "Public sign-on page" in (m.get("text") or "")),
            None,
        ),
        timeout=20,
    )
    url = confirmation["text"].split("Public sign-on page: ")[1].split()[0]
    assert url.startswith("https://signon.example.org/l/") and len(url.rsplit("/", 1)[1]) >= 32
    token = url.rsplit("/", 1)[1]
    page = visitor(app).get(f"/l/{token}")
    assert page.status == 200 and "Beyond the Workspace" in page.text and "coalition@example.org" in page.text
    command = app.driver.slash_command(coalition.coordinator, "/signon", "link", channel_id=coalition.public)
    assert url in reply(command)
    assert url in json.dumps(home_view_of(app, coalition.coordinator))
    member = app.driver.slash_command(coalition.members[0], "/signon", "link", channel_id=coalition.public)
    assert url not in reply(member)
    helped = app.driver.slash_command(coalition.coordinator, "/signon", "help", channel_id=coalition.public)
    assert "/signon link" in reply(helped)


def test_a_letter_without_a_page_says_how_to_turn_it_on(web_app: RunningApp, coalition: Coalition) -> None:
    create_letter(web_app, coalition, title="Slack Only")
    command = web_app.driver.slash_command(coalition.coordinator, "/signon", "link", channel_id=coalition.public)
    assert "has no public sign-on page" in reply(command) and "/l/" not in reply(command)


def test_without_smtp_a_coordinator_approves_or_rejects_web_sign_ons_on_app_home(
    app: RunningApp, coalition: Coalition
) -> None:
    letter_id = create_letter(app, coalition)
    token = enable_page(app.database_url, letter_id, web_show_list=True)
    answer = sign_on_web(visitor(app), token, "Allies for Justice")
    assert answer.status == 200 and "once a coordinator approves it" in answer.text
    sign_on_web(visitor(app), token, "Spam Spam Inc", name="Bot", email="bot@spam.example")
    assert signatories(app.database_url, letter_id) == []
    view = home_view_of(app, coalition.coordinator)
    shown = json.dumps(view)
    assert "2 web sign-ons waiting for approval" in shown and "Allies for Justice" in shown
    # A member is not shown them (nor could press them: the middleware checks who manages the letter).
    member = coalition.members[1]
    app.driver.app_home_opened(member)
    member_view = app.fake.wait_until(lambda: app.fake.home_view(member), timeout=20)
    assert "approve_web_signon" not in json.dumps(member_view)
    pending = {s.org_name: s.id for s in signatories(app.database_url, letter_id, status="pending")}
    app.driver.click(
        coalition.coordinator,
        "approve_web_signon",
        str(pending["Allies for Justice"]),
        block_id=f"home_decide_{pending['Allies for Justice']}",
        view_id=str(view["id"]),
    )
    app.fake.wait_until(
        lambda: [s.org_name for s in signatories(app.database_url, letter_id)] == ["Allies for Justice"]
    )
    view = home_view_of(app, coalition.coordinator)
    app.driver.click(
        coalition.coordinator,
        "reject_web_signon",
        str(pending["Spam Spam Inc"]),
        block_id=f"home_decide_{pending['Spam Spam Inc']}",
        view_id=str(view["id"]),
    )
    app.fake.wait_until(lambda: signatories(app.database_url, letter_id, status="rejected") != [])
    page = visitor(app).get(f"/l/{token}").text
    assert "Allies for Justice" in page and "Spam Spam Inc" not in page and "Signed so far: 1 organization" in page


def test_the_source_is_shown_on_app_home_and_in_the_csv(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    token = enable_page(app.database_url, letter_id)
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Slack Org")
    wait_for_receipts(app, letter_id)
    sign_on_web(visitor(app), token, "Web Org")
    view = home_view_of(app, coalition.coordinator)
    [web_row] = signatories(app.database_url, letter_id, status="pending")
    app.driver.click(
        coalition.coordinator,
        "approve_web_signon",
        str(web_row.id),
        block_id=f"home_decide_{web_row.id}",
        view_id=str(view["id"]),
    )
    app.fake.wait_until(lambda: len(signatories(app.database_url, letter_id)) == 2)
    shown = json.dumps(home_view_of(app, coalition.coordinator))
    assert "Web Org \\u00b7 Web" in shown and "Slack Org \\u00b7 Slack" in shown
    exported = run_cli(["export", "--letter", str(letter_id), "--format", "csv"], {"DATABASE_URL": app.database_url})
    rows = {row[0]: row for row in csv.reader(io.StringIO(exported.stdout))}
    assert rows["Web Org"][8] == "web" and rows["Slack Org"][8] == coalition.public
