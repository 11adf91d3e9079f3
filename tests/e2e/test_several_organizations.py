"""Issue 12: one person signs for several organizations (two organizations are two signatories; the same one
twice is still one), from the already-signed view, the receipt and App Home."""

from __future__ import annotations

import json

from bot import ids
from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import (
    create_letter,
    home_view_of,
    post_of,
    reply,
    sign_on,
    signatories,
    wait_for_modal,
    wait_for_receipts,
)

ANOTHER = "Sign for another organization"


def _inputs(view: dict[str, object]) -> dict[str, dict[str, object]]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}  # type: ignore[index,union-attr,attr-defined]


def test_a_person_signs_for_a_second_organization_from_the_already_signed_view(
    app: RunningApp, coalition: Coalition
) -> None:
    fake, member = app.fake, coalition.members[0]
    letter_id = create_letter(app, coalition)
    sign_on(app, member, letter_id, coalition.public, "Fiscal Sponsor Fund", name="Dana Director", email="d@fsf.org")

    app.driver.close_view(member)
    # Pressing Sign on again: the view says which organization signed, and offers to sign for another.
    app.driver.click(member, ids.SIGN_ON_BUTTON, message=post_of(app, letter_id, coalition.public))
    view = wait_for_modal(fake, member, ids.INFO_MODAL)
    assert "Fiscal Sponsor Fund" in json.dumps(view) and ANOTHER in json.dumps(view)
    app.driver.click(member, ids.SIGN_FOR_ANOTHER)
    form = wait_for_modal(fake, member, ids.SIGNON_MODAL)
    inputs = _inputs(form)
    assert not inputs["org"].get("initial_value")  # the organization is empty …
    assert inputs["name"]["initial_value"] == "Dana Director"  # … the person's details are kept
    assert inputs["email"]["initial_value"]  # their Slack email (the form's usual prefill)
    response = app.driver.submit_view(
        member, values={"org": {"org_name": "Hosted Youth Project"}, "authorized": {"authorized": ["yes"]}}
    )
    assert response.ok and not response.errors, response.errors
    rows = signatories(app.database_url, letter_id)
    assert sorted(s.org_name for s in rows) == ["Fiscal Sponsor Fund", "Hosted Youth Project"]
    assert {s.signer_user_id for s in rows} == {member}

    # The same organization a second time is still one signatory.
    app.driver.close_view(member)
    app.driver.slash_command(member, "/signon", str(letter_id), channel_id=coalition.public)
    wait_for_modal(fake, member, ids.INFO_MODAL)
    app.driver.click(member, ids.SIGN_FOR_ANOTHER)
    wait_for_modal(fake, member, ids.SIGNON_MODAL)
    app.driver.submit_view(
        member, values={"org": {"org_name": "fiscal sponsor fund"}, "authorized": {"authorized": ["yes"]}}
    )
    assert len(signatories(app.database_url, letter_id)) == 2

    app.driver.close_view(member)
    # /signon status lists both; the receipts and App Home offer a third.
    status = reply(app.driver.slash_command(member, "/signon", "status"))
    assert "Fiscal Sponsor Fund" in status and "Hosted Youth Project" in status
    wait_for_receipts(app, letter_id)
    receipts = [m for m in fake.dm_messages(member) if "You signed on" in str(m.get("text", ""))]
    assert receipts and all(ANOTHER in json.dumps(m.get("blocks")) for m in receipts)
    # The second receipt names the first organization too.
    second = [m for m in receipts if "Hosted Youth Project" in json.dumps(m.get("blocks"))][-1]
    assert "You also signed this letter for: Fiscal Sponsor Fund" in json.dumps(second.get("blocks"))
    home = json.dumps(home_view_of(app, member))
    assert "Fiscal Sponsor Fund" in home and "Hosted Youth Project" in home and ANOTHER in home
    app.driver.click(member, ids.SIGN_FOR_ANOTHER, view_id=fake.home_view(member)["id"])  # type: ignore[index]
    form = wait_for_modal(fake, member, ids.SIGNON_MODAL)
    assert not _inputs(form)["org"].get("initial_value")
    # From the receipt too.
    app.driver.close_view(member)
    app.driver.click(member, ids.SIGN_FOR_ANOTHER, message=(receipts[-1]["channel"], receipts[-1]["ts"]))  # type: ignore[arg-type]
    wait_for_modal(fake, member, ids.SIGNON_MODAL)
