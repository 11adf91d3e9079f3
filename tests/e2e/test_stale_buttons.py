"""Issue 12: stale buttons never lie. An old "No, we're different" pressed after a coordinator merged the
organization says it was merged, not that it is listed apart; receipts are updated in place when their sign-on
changes (edited, withdrawn, merged, removed), an old Edit or Withdraw answers with the sign-on as it is, and a
signer is told once when a coordinator merged or removed their organization."""

from __future__ import annotations

import json
import time
from typing import Any

from db.models import Signatory
from tests.conftest import Coalition, RunningApp, start_app
from tests.e2e.steps import (
    create_letter,
    db_session,
    home_view_of,
    message_text,
    sign_on,
    signatories,
    signon_values,
    wait_for_modal,
    wait_for_receipts,
)
from tests.fakeslack import FakeSlack


def _told(fake: FakeSlack, user_id: str) -> list[str]:
    """What the app said to a person (DMs and ephemeral replies), oldest first."""
    items = [*fake.dm_messages(user_id), *fake.ephemerals(user_id)]
    return [message_text(m) for m in sorted(items, key=lambda m: float(m["ts"]))]


def test_an_old_no_were_different_after_a_coordinator_merged(app: RunningApp, coalition: Coalition) -> None:
    fake, signer = app.fake, coalition.members[1]
    letter_id = create_letter(app, coalition)
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Sunrise Movement Boston Hub", email="a@sr.org")
    sign_on(app, signer, letter_id, coalition.public, "Sunrise Boston", email="b@sr.org")
    wait_for_receipts(app, letter_id)
    by_name = {s.org_name: s.id for s in signatories(app.database_url, letter_id)}
    receipt = fake.wait_until(
        lambda: [m for m in fake.dm_messages(signer) if "decline_merge" in json.dumps(m.get("blocks"))]
    )[-1]

    view = home_view_of(app, coalition.coordinator)
    app.driver.click(
        coalition.coordinator,
        "review_merge",
        block_id=f"review_{by_name['Sunrise Boston']}",
        view_id=str(view["id"]),
    )
    fake.wait_until(lambda: len(signatories(app.database_url, letter_id)) == 1)

    before = len(_told(fake, signer))
    app.driver.click(signer, "decline_merge", message=(receipt["channel"], receipt["ts"]))
    fake.wait_until(lambda: len(_told(fake, signer)) > before)
    said = _told(fake, signer)[before:][-1]
    assert "listed as a separate organization" not in said, said
    assert "Merged" in said and "Sunrise Movement Boston Hub" in said, said
    assert [s.org_name for s in signatories(app.database_url, letter_id)] == ["Sunrise Movement Boston Hub"]


# -- receipts kept true ---------------------------------------------------------------------------------------


def _receipt(fake: FakeSlack, user_id: str) -> dict[str, Any]:
    """The person's receipt DM (the message with the Edit button, or once it is updated, its receipt block)."""
    return fake.wait_until(lambda: [m for m in fake.dm_messages(user_id) if "receipt_" in json.dumps(m.get("blocks"))])[
        -1
    ]


def _now(fake: FakeSlack, message: dict[str, Any]) -> dict[str, Any]:
    current = fake.message(message["channel"], message["ts"])
    assert current is not None
    return current


def _action_ids(message: dict[str, Any]) -> set[str]:
    return {
        str(element.get("action_id"))
        for block in message.get("blocks") or []
        if block.get("type") == "actions"
        for element in block.get("elements") or []
    }


def _status(database_url: str, signatory_id: int) -> str:
    with db_session(database_url) as session:
        row = session.get(Signatory, signatory_id)
        assert row is not None
        return row.status


def _notices(fake: FakeSlack, user_id: str) -> list[dict[str, Any]]:
    return [m for m in fake.dm_messages(user_id) if (m.get("metadata") or {}).get("event_type") == "signon_notice"]


def test_an_edit_updates_the_receipt_in_place(app: RunningApp, coalition: Coalition) -> None:
    fake, signer = app.fake, coalition.members[0]
    letter_id = create_letter(app, coalition)
    sign_on(app, signer, letter_id, coalition.public, "Casa del Pueblo", email="ana@casa.org")
    wait_for_receipts(app, letter_id)
    receipt = _receipt(fake, signer)
    before = len(fake.dm_messages(signer))

    app.driver.click(signer, "edit_signature", message=(receipt["channel"], receipt["ts"]))
    wait_for_modal(fake, signer, "signon_edit_submit")
    response = app.driver.submit_view(signer, values=signon_values("Casa del Pueblo Houston", email="ana@casa.org"))
    assert response.ok and not response.errors, response.errors
    assert "The receipt in your DMs shows the change" in json.dumps(response.view), response.view

    shown = fake.wait_until(lambda: "Casa del Pueblo Houston" in message_text(_now(fake, receipt)) or None)
    assert shown
    assert {"edit_signature", "withdraw_signature"} <= _action_ids(_now(fake, receipt))
    update = [c for c in fake.calls("chat.update") if c.params.get("ts") == receipt["ts"]]
    assert len(update) == 1
    assert len(fake.dm_messages(signer)) == before, "no second receipt: the one they have is kept current"


def test_a_withdrawal_updates_the_receipt_and_an_old_edit_says_so(app: RunningApp, coalition: Coalition) -> None:
    fake, signer = app.fake, coalition.members[0]
    letter_id = create_letter(app, coalition)
    sign_on(app, signer, letter_id, coalition.public, "Casa del Pueblo", email="ana@casa.org")
    wait_for_receipts(app, letter_id)
    receipt = _receipt(fake, signer)
    (signatory,) = signatories(app.database_url, letter_id)

    # Slack refuses the update for a while: the receipt stays as it was, its old buttons with it.
    fake.inject("chat.update", status=500, times=10_000)
    response = app.driver.slash_command(signer, "/signon", f"withdraw {letter_id}", channel_id=coalition.public)
    assert response.ok
    wait_for_modal(fake, signer, "withdraw_submit")
    assert app.driver.submit_view(signer).ok
    fake.wait_until(lambda: _status(app.database_url, signatory.id) == "withdrawn")

    app.driver.click(signer, "edit_signature", message=(receipt["channel"], receipt["ts"]))
    modal = fake.wait_until(lambda: "already withdrew" in json.dumps(fake.top_view(signer)) or None)
    assert modal
    told = len(_told(fake, signer))
    app.driver.click(signer, "withdraw_signature", message=(receipt["channel"], receipt["ts"]))
    said = fake.wait_until(lambda: _told(fake, signer)[told:])[-1]
    assert "already withdrew" in said and "nothing was changed" in said, said
    assert _status(app.database_url, signatory.id) == "withdrawn"

    # Slack takes updates again: the receipt says it was withdrawn, with no Edit or Withdraw left.
    fake.clear_faults()
    fake.wait_until(lambda: "Withdrawn" in message_text(_now(fake, receipt)) or None, timeout=30)
    assert _action_ids(_now(fake, receipt)).isdisjoint({"edit_signature", "withdraw_signature", "sign_on"})
    assert not _notices(fake, signer), "a person who withdrew is not told about their own withdrawal"


def test_a_coordinators_merge_updates_the_receipt_and_tells_the_signer_once(
    app: RunningApp, coalition: Coalition
) -> None:
    fake, signer = app.fake, coalition.members[1]
    letter_id = create_letter(app, coalition)
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Sunrise Movement Boston Hub", email="a@sr.org")
    sign_on(app, signer, letter_id, coalition.public, "Sunrise Boston", email="b@sr.org")
    wait_for_receipts(app, letter_id)
    by_name = {s.org_name: s.id for s in signatories(app.database_url, letter_id)}
    receipt = _receipt(fake, signer)

    fake.inject("chat.update", status=500, times=10_000)
    view = home_view_of(app, coalition.coordinator)
    block = f"review_{by_name['Sunrise Boston']}"
    app.driver.click(coalition.coordinator, "review_merge", block_id=block, view_id=str(view["id"]))
    fake.wait_until(lambda: len(signatories(app.database_url, letter_id)) == 1)

    told = len(_told(fake, signer))
    app.driver.click(signer, "withdraw_signature", message=(receipt["channel"], receipt["ts"]))
    said = fake.wait_until(lambda: [t for t in _told(fake, signer)[told:] if "nothing was changed" in t])[-1]
    assert "Merged" in said and "Sunrise Movement Boston Hub" in said and "nothing was changed" in said, said
    assert _status(app.database_url, by_name["Sunrise Boston"]) == "merged"
    assert [s.org_name for s in signatories(app.database_url, letter_id)] == ["Sunrise Movement Boston Hub"]

    notice = fake.wait_until(lambda: _notices(fake, signer))
    assert f"<@{coalition.coordinator}>" in message_text(notice[0]) and "merged" in message_text(notice[0])
    assert "Sunrise Movement Boston Hub" in message_text(notice[0])

    fake.clear_faults()
    fake.wait_until(lambda: "Merged into another organization" in message_text(_now(fake, receipt)) or None, timeout=30)
    now = _now(fake, receipt)
    assert "Sunrise Movement Boston Hub" in message_text(now)
    assert _action_ids(now).isdisjoint({"edit_signature", "withdraw_signature", "confirm_merge", "decline_merge"})
    time.sleep(2)
    assert len(_notices(fake, signer)) == 1


def test_two_processes_refresh_a_removed_receipt_once_and_tell_the_signer_once(
    fake: FakeSlack, coalition: Coalition, database_url: str
) -> None:
    one = start_app(fake, database_url, coalition)
    two = start_app(fake, database_url, coalition)
    try:
        signer = coalition.members[0]
        letter_id = create_letter(one, coalition)
        sign_on(one, signer, letter_id, coalition.public, "Casa del Pueblo", email="ana@casa.org")
        wait_for_receipts(one, letter_id)
        receipt = _receipt(fake, signer)
        (signatory,) = signatories(database_url, letter_id)
        # The first notice's answer is lost after Slack posted it: the retry finds it instead of posting again.
        fake.inject("chat.postMessage", drop_response_after_processing=True, times=1)
        view = home_view_of(one, coalition.coordinator)
        app_click = one.driver.click(
            coalition.coordinator,
            "remove_signatory",
            block_id=f"home_signatory_{signatory.id}",
            view_id=str(view["id"]),
        )
        assert app_click.ok
        fake.wait_until(lambda: "Removed by a coordinator" in message_text(_now(fake, receipt)) or None, timeout=30)
        notice = fake.wait_until(lambda: _notices(fake, signer), timeout=60)
        assert "removed" in message_text(notice[0]) and "Casa del Pueblo" in message_text(notice[0])
        time.sleep(3)
        assert len(_notices(fake, signer)) == 1
        updates = [c for c in fake.calls("chat.update") if c.params.get("ts") == receipt["ts"]]
        assert len(updates) == 1
        assert _action_ids(_now(fake, receipt)).isdisjoint({"edit_signature", "withdraw_signature"})
    finally:
        one.process.stop()
        two.process.stop()


def test_an_old_different_organizations_after_the_signer_merged_says_so(app: RunningApp, coalition: Coalition) -> None:
    fake, coordinator, signer = app.fake, coalition.coordinator, coalition.members[1]
    letter_id = create_letter(app, coalition)
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Sunrise Movement Boston Hub", email="a@sr.org")
    sign_on(app, signer, letter_id, coalition.public, "Sunrise Boston", email="b@sr.org")
    wait_for_receipts(app, letter_id)
    boston = {s.org_name: s.id for s in signatories(app.database_url, letter_id)}["Sunrise Boston"]
    before = len(fake.ephemerals(coordinator))
    app.driver.slash_command(coordinator, "/signon", f"review {letter_id}", channel_id=coalition.public)
    queue = fake.wait_until(lambda: fake.ephemerals(coordinator)[before:])[-1]

    # The signer answers their receipt's question first: yes, the same organization.
    receipt = _receipt(fake, signer)
    app.driver.click(signer, "confirm_merge", message=(receipt["channel"], receipt["ts"]))
    fake.wait_until(lambda: _status(app.database_url, boston) == "merged")

    told = len(fake.ephemerals(coordinator))
    app.driver.click(
        coordinator, "review_dismiss", block_id=f"review_{boston}", message=(queue["channel"], queue["ts"])
    )
    said = message_text(fake.wait_until(lambda: fake.ephemerals(coordinator)[told:])[-1])
    assert "Merged" in said and "Sunrise Movement Boston Hub" in said and "Marked as different" not in said, said
    with db_session(app.database_url) as session:
        row = session.get(Signatory, boston)
        assert row is not None and (row.status, row.duplicate_review) == ("merged", None)
    assert not _notices(fake, signer), "the signer merged it themselves: nobody tells them"


def test_a_receipt_sent_to_someone_the_signer_added_is_kept_current_too(app: RunningApp, coalition: Coalition) -> None:
    fake, signer, colleague = app.fake, coalition.members[0], coalition.members[1]
    letter_id = create_letter(app, coalition)
    sign_on(app, signer, letter_id, coalition.public, "Org One", email="a@orgone.org")
    response = sign_on(app, colleague, letter_id, coalition.public, "org one", name="Ben Ortiz", email="b@orgone.org")
    wait_for_receipts(app, letter_id)
    [org] = signatories(app.database_url, letter_id)
    # The colleague asks to be added from the already-signed view; the signer lets them: they get a receipt.
    assert response.view is not None
    app.driver.click(colleague, "ask_to_act", str(org.id), view_id=str(response.view["id"]))
    request = fake.wait_until(lambda: [m for m in fake.dm_messages(signer) if "asks to be able" in message_text(m)])
    app.driver.click(signer, "let_act", f"{org.id}:{colleague}", message=(request[-1]["channel"], request[-1]["ts"]))
    copy = _receipt(fake, colleague)
    assert {"edit_signature", "withdraw_signature"} <= _action_ids(copy)

    # The signer withdraws from their own receipt: both receipts say so, without Edit or Withdraw.
    mine = _receipt(fake, signer)
    app.driver.click(signer, "withdraw_signature", message=(mine["channel"], mine["ts"]))
    for receipt in (mine, copy):
        fake.wait_until(lambda r=receipt: "Withdrawn" in message_text(_now(fake, r)) or None, timeout=20)
        assert _action_ids(_now(fake, receipt)).isdisjoint({"edit_signature", "withdraw_signature"})
