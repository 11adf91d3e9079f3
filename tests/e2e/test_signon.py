"""Issue 4: members sign on for their organization; one signatory per organization, however it arrives."""

from __future__ import annotations

import json
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from db.models import SignatoryContact
from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import (
    create_letter,
    db_session,
    message_text,
    open_signon_from_post,
    post_of,
    reply,
    set_deadline,
    sign_on,
    signatories,
    signon_values,
    wait_for_modal,
    wait_for_receipts,
)
from tests.fakeslack import FakeSlack


def receipts(fake: FakeSlack, user_id: str) -> list[dict[str, object]]:
    return [m for m in fake.dm_messages(user_id) if "You signed on" in str(m.get("text", ""))]


def test_slash_command_in_the_channel_opens_the_form_prefilled(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    member = coalition.members[0]
    response = app.driver.slash_command(member, "/signon", "", channel_id=coalition.public)
    assert response.ok and response.elapsed < 3
    view = wait_for_modal(app.fake, member, "signon_submit")
    shown = json.dumps(view)
    assert "Protect Due Process Now" in shown and "Read the full letter" in shown
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["name"]["initial_value"] == "Member 0"  # from users.info
    assert inputs["email"]["initial_value"] == "m0@org0.org"
    assert inputs["title"]["initial_value"] == "Director"
    response = app.driver.submit_view(
        member, values={"org": {"org_name": "Mujeres Latinas en Acción"}, "authorized": {"authorized": ["yes"]}}
    )
    assert response.ok and not response.errors
    [signed] = signatories(app.database_url, letter_id)
    assert signed.org_name == "Mujeres Latinas en Acción"
    assert signed.source == "slash_command" and signed.source_channel_id == coalition.public
    receipt = app.fake.wait_until(lambda: receipts(app.fake, member))[-1]
    shown = message_text(receipt)
    assert "Mujeres Latinas en Acción" in shown and "Edit" in shown and "Withdraw" in shown


def test_every_entry_point_records_its_source(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    first, second, third = coalition.members[:3]
    sign_on(app, first, letter_id, coalition.public, "From The Post Button", email="a@post.org")
    app.driver.slash_command(second, "/signon", str(letter_id), channel_id=coalition.public)
    wait_for_modal(app.fake, second, "signon_submit")
    app.driver.submit_view(second, values=signon_values("From The Command", email="b@command.org"))
    app.driver.app_home_opened(third)
    home = app.fake.wait_until(lambda: app.fake.home_view(third))
    assert "Protect Due Process Now" in json.dumps(home)
    app.driver.click(third, "sign_on", view_id=home["id"])
    wait_for_modal(app.fake, third, "signon_submit")
    app.driver.submit_view(third, values=signon_values("From App Home", email="c@home.org"))
    sources = {s.org_name: s.source for s in signatories(app.database_url, letter_id)}
    assert sources == {
        "From The Post Button": "post_button",
        "From The Command": "slash_command",
        "From App Home": "app_home",
    }


def test_picker_when_several_letters_are_open(app: RunningApp, coalition: Coalition) -> None:
    create_letter(app, coalition, title="Letter A")
    second = create_letter(app, coalition, title="Letter B")
    member = coalition.members[0]
    app.driver.slash_command(member, "/signon", "", channel_id=coalition.public)
    picker = wait_for_modal(app.fake, member, "letter_picker")
    assert "Letter A" in json.dumps(picker) and "Letter B" in json.dumps(picker)
    app.driver.click(member, "pick_letter", str(second))
    view = wait_for_modal(app.fake, member, "signon_submit")
    assert "Letter B" in json.dumps(view)


def test_validation_errors_are_inline(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    member = coalition.members[0]
    open_signon_from_post(app, member, letter_id, coalition.public)
    values = signon_values("   ", name=" ", title="", email="not-an-email", authorized=False)
    response = app.driver.submit_view(member, values=values, strict=False)
    errors = response.errors or {}
    assert set(errors) == {"org", "name", "title", "email", "authorized"}
    assert "organization's name" in errors["org"] and "email" in errors["email"]
    values = signon_values("X" * 250, name="N" * 200)
    response = app.driver.submit_view(member, values=values, strict=False)
    assert "under 200 characters" in (response.errors or {}).get("org", "")
    assert "under 120" in (response.errors or {}).get("name", "")
    assert signatories(app.database_url, letter_id) == []
    # The letter closes while the form is open: the form gives way to a notice that it closed (no Sign on).
    set_deadline(app.database_url, letter_id, datetime.now(UTC) - timedelta(seconds=1))
    response = app.driver.submit_view(member, values=signon_values("Late Org"))
    assert response.json and response.json["response_action"] == "update"
    assert "closed" in json.dumps(response.json["view"]) and not response.json["view"].get("submit")
    assert signatories(app.database_url, letter_id) == []


def test_exact_duplicates_become_contacts(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    first, second = coalition.members[:2]
    sign_on(app, first, letter_id, coalition.public, "Make the Road NY ", name="Ana Pérez")
    response = sign_on(
        app, second, letter_id, coalition.public, "make the road, NY", name="Ben Ortiz", email="ben@mr.org"
    )
    assert response.ok and not response.errors
    top = response.view or app.fake.top_view(second) or {}
    assert "already signed" in json.dumps(top) and "Ana Pérez" in json.dumps(top, ensure_ascii=False)
    [signed] = signatories(app.database_url, letter_id)
    assert signed.org_name == "Make the Road NY"
    with db_session(app.database_url) as session:
        contacts = (
            session.execute(select(SignatoryContact).where(SignatoryContact.signatory_id == signed.id)).scalars().all()
        )
        assert sorted((c.name, c.is_signer) for c in contacts) == [("Ana Pérez", True), ("Ben Ortiz", False)]


def test_near_duplicate_is_saved_flagged_and_mergeable(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    first, second = coalition.members[:2]
    sign_on(app, first, letter_id, coalition.public, "Sunrise Movement Boston Hub")
    sign_on(app, second, letter_id, coalition.public, "Sunrise Boston", email="x@sunrise.org")
    sign_on(app, coalition.members[2], letter_id, coalition.public, "ACLU of Texas", email="t@aclutx.org")
    sign_on(app, coalition.members[3], letter_id, coalition.public, "ACLU of Florida", email="f@aclufl.org")
    wait_for_receipts(app, letter_id)
    rows = {s.org_name: s for s in signatories(app.database_url, letter_id)}
    assert len(rows) == 4
    assert rows["Sunrise Boston"].possible_duplicate_of_id == rows["Sunrise Movement Boston Hub"].id
    assert rows["ACLU of Florida"].possible_duplicate_of_id is None  # chapters are never flagged

    receipt = app.fake.wait_until(lambda: receipts(app.fake, second))[-1]
    assert "Same organization as “Sunrise Movement Boston Hub”" in message_text(receipt)
    response = app.driver.slash_command(
        coalition.coordinator, "/signon", f"review {letter_id}", channel_id=coalition.public
    )
    assert "Sunrise Boston" in reply(response)
    app.driver.click(second, "confirm_merge", message=(receipt["channel"], receipt["ts"]))
    app.fake.wait_until(lambda: len(signatories(app.database_url, letter_id)) == 3, timeout=5)
    [merged] = signatories(app.database_url, letter_id, status="merged")
    assert merged.merged_into_id == rows["Sunrise Movement Boston Hub"].id


def test_same_payload_three_times_and_double_clicks(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    member = coalition.members[0]
    open_signon_from_post(app, member, letter_id, coalition.public)
    response = app.driver.submit_view(member, values=signon_values("Asian Americans Advancing Justice | AAJC"))
    assert response.ok
    body = ("payload=" + urllib.parse.quote(json.dumps(response.payload))).encode()
    with ThreadPoolExecutor(3) as pool:
        again = list(pool.map(lambda _: app.driver.send_raw(body, "application/x-www-form-urlencoded"), range(3)))
    assert all(r.status == 200 for r in again)
    [signed] = signatories(app.database_url, letter_id)
    assert signed.org_name == "Asian Americans Advancing Justice | AAJC"


def test_two_staff_of_one_org_in_the_same_second(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    first, second = coalition.members[:2]
    open_signon_from_post(app, first, letter_id, coalition.public)
    open_signon_from_post(app, second, letter_id, coalition.public)
    with ThreadPoolExecutor(2) as pool:
        results = list(
            pool.map(
                lambda who: app.driver.submit_view(
                    who[0], values=signon_values(who[1], email=f"{who[0]}@alliance.org")
                ),
                [
                    (first, "Alliance to Mobilize Our Resistance -AMOR-"),
                    (second, "alliance to mobilize our resistance (AMOR)"),
                ],
            )
        )
    assert all(r.ok and not r.errors for r in results)
    [signed] = signatories(app.database_url, letter_id)
    with db_session(app.database_url) as session:
        people = session.execute(
            select(SignatoryContact.user_id).where(SignatoryContact.signatory_id == signed.id)
        ).scalars()
        assert sorted(people) == sorted([first, second])


def test_edit_and_withdraw_from_the_receipt(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    member = coalition.members[0]
    sign_on(app, member, letter_id, coalition.public, "Faith in Texas")
    receipt = app.fake.wait_until(lambda: receipts(app.fake, member))[-1]
    app.driver.click(member, "edit_signature", message=(receipt["channel"], receipt["ts"]))
    view = wait_for_modal(app.fake, member, "signon_edit_submit")
    assert "Faith in Texas" in json.dumps(view)
    app.driver.submit_view(
        member, values={"org": {"org_name": "FAITH IN TEXAS"}, "title": {"person_title": "Organizer"}}
    )
    [signed] = signatories(app.database_url, letter_id)
    assert (signed.org_name, signed.signer_title) == ("FAITH IN TEXAS", "Organizer")
    # The receipt they have is updated in place (no second receipt).
    app.fake.wait_until(lambda: "FAITH IN TEXAS" in json.dumps(app.fake.message(receipt["channel"], receipt["ts"])))

    app.driver.click(member, "withdraw_signature", message=(receipt["channel"], receipt["ts"]))
    app.fake.wait_until(lambda: signatories(app.database_url, letter_id) == [], timeout=5)
    told = app.fake.wait_until(
        lambda: [m for m in app.fake.dm_messages(coalition.coordinator) if "withdrew" in str(m.get("text"))]
    )
    assert "FAITH IN TEXAS" in told[-1]["text"]
    response = app.driver.slash_command(member, "/signon", "status", channel_id=coalition.public)
    assert "haven't signed" in reply(response)


def test_withdraw_command_asks_first(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    member = coalition.members[0]
    sign_on(app, member, letter_id, coalition.public, "Church World Service")
    app.driver.slash_command(member, "/signon", "withdraw", channel_id=coalition.public)
    wait_for_modal(app.fake, member, "withdraw_submit")
    assert len(signatories(app.database_url, letter_id)) == 1  # nothing happens until confirmed
    response = app.driver.submit_view(member)
    assert "Withdrawn" in json.dumps(response.view)
    assert signatories(app.database_url, letter_id) == []
    assert [s.withdrawn_by for s in signatories(app.database_url, letter_id, status="withdrawn")] == [member]


def test_external_slack_connect_user_without_email(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    guest = coalition.external
    view = open_signon_from_post(app, guest, letter_id, coalition.public)
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert not inputs["email"].get("initial_value")  # Slack had none to give
    response = app.driver.submit_view(
        guest,
        values={
            "org": {"org_name": "Guest Org Inc."},
            "title": {"person_title": "Lead"},
            "authorized": {"authorized": ["yes"]},
        },
        strict=False,
    )
    assert "email" in (response.errors or {})
    response = app.driver.submit_view(guest, values={"email": {"email": "gus@guest.example"}}, strict=False)
    assert response.ok and not response.errors
    [signed] = signatories(app.database_url, letter_id)
    assert signed.signer_team_id == "T0GUEST"


def test_unicode_and_markup_names_stay_plain(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    names = ["Federación de Trabajadores 労働者", "<!channel> *bold* <https://evil|click> <@U123>"]
    for member, name in zip(coalition.members, names, strict=False):
        sign_on(app, member, letter_id, coalition.public, name, email=f"{member}@x.org")
    assert [s.org_name for s in signatories(app.database_url, letter_id)] == names
    channel, ts = post_of(app, letter_id, coalition.public)
    app.fake.wait_until(lambda: "*2 organizations*" in message_text(app.fake.message(channel, ts) or {}), timeout=10)
    for message in app.fake.messages():
        for text in _mrkdwn_texts(message):
            assert "<!channel>" not in text and "<https://evil" not in text and "<@U123>" not in text


def _mrkdwn_texts(message: dict[str, object]) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks"))
    if isinstance(message.get("text"), str):
        found.append(str(message["text"]))
    return found


def test_200_concurrent_sign_ons_from_20_clients(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    fake = app.fake
    people = [fake.add_user(name=f"signer{i}", email=f"s{i}@org{i}.org", title="Director")["id"] for i in range(200)]
    fake.add_members(coalition.public, *people)
    with ThreadPoolExecutor(20) as pool:
        list(pool.map(lambda who: open_signon_from_post(app, who, letter_id, coalition.public), people))
        results = list(
            pool.map(
                lambda pair: app.driver.submit_view(
                    pair[1],
                    values=signon_values(f"Organization Number {pair[0]:03d}", email=f"s{pair[0]}@org{pair[0]}.org"),
                ),
                enumerate(people),
            )
        )
    assert all(r.ok and not r.errors for r in results)
    assert max(r.elapsed for r in results) < 3.0
    assert len(signatories(app.database_url, letter_id)) == 200
