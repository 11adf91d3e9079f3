"""Issue 12: irreversible actions confirm, everywhere the same. `/signon close`, merge, remove and the
re-confirmation DM's Withdraw ask first (Slack's confirm object), and a merge can be undone from the review
queue, restoring the organization as it was."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import select

from db.models import Letter, Signatory, SignatoryContact
from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import (
    create_letter,
    db_session,
    home_view_of,
    letter_text,
    letter_values,
    local_deadline,
    message_text,
    sign_on,
    signatories,
    wait_for_modal,
    wait_for_receipts,
)
from tests.fakeslack import FakeSlack


def _buttons(blocks: list[dict[str, Any]] | None) -> dict[str, list[dict[str, Any]]]:
    """Every button in ``blocks`` by action_id (accessories and actions blocks)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for block in blocks or []:
        elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
        if block.get("accessory"):
            elements.append(block["accessory"])
        for element in elements:
            if element.get("type") == "button":
                found.setdefault(str(element["action_id"]), []).append(element)
    return found


def _asks_first(blocks: list[dict[str, Any]] | None, action_id: str) -> None:
    buttons = _buttons(blocks).get(action_id)
    assert buttons, f"no {action_id} button in {json.dumps(blocks)[:400]}"
    for element in buttons:
        confirm = element.get("confirm")
        assert confirm and {"title", "text", "confirm", "deny"} <= set(confirm), (action_id, element)


def _flagged_pair(app: RunningApp, coalition: Coalition, letter_id: int) -> dict[str, int]:
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Sunrise Movement Boston Hub", email="a@sr.org")
    sign_on(app, coalition.members[1], letter_id, coalition.public, "Sunrise Boston", email="b@sr.org")
    wait_for_receipts(app, letter_id)
    return {s.org_name: s.id for s in signatories(app.database_url, letter_id)}


def _review(app: RunningApp, coalition: Coalition, letter_id: int) -> dict[str, Any]:
    before = len(app.fake.ephemerals(coalition.coordinator))
    app.driver.slash_command(coalition.coordinator, "/signon", f"review {letter_id}", channel_id=coalition.public)
    return app.fake.wait_until(lambda: app.fake.ephemerals(coalition.coordinator)[before:])[-1]


def test_close_merge_remove_and_withdraw_after_a_change_ask_first(app: RunningApp, coalition: Coalition) -> None:
    fake, coordinator = app.fake, coalition.coordinator
    text = letter_text(3500)
    letter_id = create_letter(app, coalition, text=text)
    names = _flagged_pair(app, coalition, letter_id)

    # /signon close asks: nothing closes until the button (with its dialog) is pressed.
    before = len(fake.ephemerals(coordinator))
    app.driver.slash_command(coordinator, "/signon", f"close {letter_id}", channel_id=coalition.public)
    question = fake.wait_until(lambda: fake.ephemerals(coordinator)[before:])[-1]
    _asks_first(question["blocks"], "close_letter")
    time.sleep(1)
    with db_session(app.database_url) as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None and letter.status == "open"

    # App Home: close, remove and merge ask; so do the review queue's merge and the receipt's merge and withdraw.
    home = home_view_of(app, coordinator)["blocks"]
    for action_id in ("close_letter", "remove_signatory", "review_merge"):
        _asks_first(home, action_id)
    _asks_first(_review(app, coalition, letter_id)["blocks"], "review_merge")
    receipt = fake.wait_until(
        lambda: [m for m in fake.dm_messages(coalition.members[1]) if "confirm_merge" in json.dumps(m.get("blocks"))]
    )[-1]
    _asks_first(receipt["blocks"], "confirm_merge")
    _asks_first(receipt["blocks"], "withdraw_signature")

    # The re-confirmation DM's Withdraw asks too.
    app.driver.slash_command(coordinator, "/signon", f"edit {letter_id}", channel_id=coalition.public)
    wait_for_modal(fake, coordinator, "letter_edit_submit")
    values = letter_values(
        title="Protect Due Process Now",
        text=text.replace("reject any proposal", "oppose every proposal", 1),
        deadline=local_deadline(),
        channels=[],
    )
    del values["channels"]
    values["substantive"] = {"substantive": ["substantive"]}
    assert not app.driver.submit_view(coordinator, values=values).errors
    ask = fake.wait_until(
        lambda: [m for m in fake.dm_messages(coalition.members[0]) if "keep_signature" in json.dumps(m.get("blocks"))]
    )[-1]
    _asks_first(ask["blocks"], "withdraw_after_change")
    assert set(names.values()) == {s.id for s in signatories(app.database_url, letter_id)}


def _contacts(database_url: str, signatory_id: int) -> list[str]:
    with db_session(database_url) as session:
        return sorted(
            session.execute(
                select(SignatoryContact.user_id).where(SignatoryContact.signatory_id == signatory_id)
            ).scalars()
        )


def _told_restored(fake: FakeSlack, user_id: str) -> list[dict[str, Any]]:
    return [m for m in fake.dm_messages(user_id) if "undid the merge" in message_text(m)]


def test_a_merge_is_undone_from_the_review_queue(app: RunningApp, coalition: Coalition) -> None:
    fake, coordinator, signer = app.fake, coalition.coordinator, coalition.members[1]
    letter_id = create_letter(app, coalition)
    names = _flagged_pair(app, coalition, letter_id)
    hub, boston = names["Sunrise Movement Boston Hub"], names["Sunrise Boston"]
    with db_session(app.database_url) as session:
        row = session.get(Signatory, boston)
        assert row is not None
        as_it_was = (row.org_name, row.signer_name, row.signer_email, row.possible_duplicate_of_id, row.signed_at)
    hub_contacts = _contacts(app.database_url, hub)
    receipt = fake.wait_until(
        lambda: [m for m in fake.dm_messages(signer) if "confirm_merge" in json.dumps(m.get("blocks"))]
    )[-1]

    queue = _review(app, coalition, letter_id)
    app.driver.click(coordinator, "review_merge", block_id=f"review_{boston}", message=(queue["channel"], queue["ts"]))
    fake.wait_until(lambda: len(signatories(app.database_url, letter_id)) == 1)
    assert signer in _contacts(app.database_url, hub)

    # App Home offers the same undo, asking first too.
    _asks_first(home_view_of(app, coordinator)["blocks"], "review_unmerge")
    queue = _review(app, coalition, letter_id)
    assert "Sunrise Boston → Sunrise Movement Boston Hub" in message_text(queue)
    _asks_first(queue["blocks"], "review_unmerge")
    undo = (queue["channel"], queue["ts"])
    app.driver.click(coordinator, "review_unmerge", block_id=f"unmerge_{boston}", message=undo)
    fake.wait_until(lambda: len(signatories(app.database_url, letter_id)) == 2)

    with db_session(app.database_url) as session:
        row = session.get(Signatory, boston)
        assert row is not None
        assert (row.status, row.merged_into_id, row.duplicate_review) == ("active", None, "pending")
        assert (row.org_name, row.signer_name, row.signer_email, row.possible_duplicate_of_id, row.signed_at) == (
            as_it_was
        )
    assert _contacts(app.database_url, hub) == hub_contacts, "the contacts the merge copied are gone again"
    # Back in the queue, the receipt current again, the signer told once.
    assert "review_merge" in json.dumps(_review(app, coalition, letter_id)["blocks"])
    fake.wait_until(
        lambda: (
            {"edit_signature", "withdraw_signature"} <= set(_buttons(fake.message(*receipt_at(receipt))["blocks"]))
            or None
        ),
        timeout=20,
    )
    fake.wait_until(lambda: _told_restored(fake, signer))

    # The old Undo, pressed again, changes nothing and says so.
    before = len(fake.ephemerals(coordinator))
    app.driver.click(coordinator, "review_unmerge", block_id=f"unmerge_{boston}", message=undo)
    said = fake.wait_until(lambda: fake.ephemerals(coordinator)[before:])[-1]
    assert "can no longer be undone" in message_text(said), said
    time.sleep(1.5)
    assert len(_told_restored(fake, signer)) == 1
    assert len(signatories(app.database_url, letter_id)) == 2


def receipt_at(message: dict[str, Any]) -> tuple[str, str]:
    return message["channel"], message["ts"]
