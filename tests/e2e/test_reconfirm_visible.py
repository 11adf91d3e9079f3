"""Issue 12: re-confirmation is visible. After a substantive edit the DM says what happens if the signer does
nothing and by when; export, close and App Home count the signers who have not confirmed the current version;
coordinators remind them, once per person per reminder."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from tests.conftest import Coalition, RunningApp, start_app
from tests.e2e.steps import (
    close_letter,
    create_letter,
    home_view_of,
    letter_text,
    letter_values,
    local_deadline,
    message_text,
    post_of,
    sign_on,
    wait_for_modal,
    wait_for_receipts,
)
from tests.fakeslack import FakeSlack
from tests.fuzz.crafted import block_action, send_interaction

TITLE = "Protect Due Process Now"


def _asked(fake: FakeSlack, user_id: str) -> list[dict[str, Any]]:
    return [m for m in fake.dm_messages(user_id) if "keep_signature" in json.dumps(m.get("blocks"))]


def _reminded(fake: FakeSlack, user_id: str) -> list[dict[str, Any]]:
    return [m for m in _asked(fake, user_id) if "Reminder:" in message_text(m)]


def _edit_substantively(app: RunningApp, coalition: Coalition, letter_id: int, text: str) -> None:
    app.driver.slash_command(coalition.coordinator, "/signon", f"edit {letter_id}", channel_id=coalition.public)
    wait_for_modal(app.fake, coalition.coordinator, "letter_edit_submit")
    new_text = text.replace("reject any proposal", "oppose every proposal", 1)
    values = letter_values(title=TITLE, text=new_text, deadline=local_deadline(), channels=[])
    del values["channels"]
    values["substantive"] = {"substantive": ["substantive"]}
    response = app.driver.submit_view(coalition.coordinator, values=values)
    assert response.ok and not response.errors, response.errors


def test_unconfirmed_signers_are_counted_and_reminded_once_per_reminder(app: RunningApp, coalition: Coalition) -> None:
    fake, coordinator = app.fake, coalition.coordinator
    keeper, waiter = coalition.members[0], coalition.members[1]
    text = letter_text(3500)
    letter_id = create_letter(app, coalition, text=text)
    sign_on(app, keeper, letter_id, coalition.public, "Make the Road New York", email="a@mr.org")
    sign_on(app, waiter, letter_id, coalition.public, "Casa de Esperanza", email="b@ce.org")
    wait_for_receipts(app, letter_id)
    _edit_substantively(app, coalition, letter_id, text)

    # The DM says what happens if they do nothing, and by when (a date token with a fallback).
    ask = fake.wait_until(lambda: _asked(fake, waiter), timeout=15)[-1]
    shown = message_text(ask)
    assert "If you do nothing" in shown and "as having signed version 1" in shown, shown
    assert re.search(r"<!date\^\d+\^[^|]+\|[^>]+>", shown), shown
    home = message_text(home_view_of(app, coordinator))
    assert "2 signers have not confirmed version 2 yet" in home, home

    keep = fake.wait_until(lambda: _asked(fake, keeper), timeout=15)[-1]
    app.driver.click(keeper, "keep_signature", message=(keep["channel"], keep["ts"]))

    def home_after_keep() -> dict[str, Any] | None:
        view = home_view_of(app, coordinator)
        return view if "1 signer has not confirmed" in message_text(view) else None

    home_view = fake.wait_until(home_after_keep)

    # The Remind button on App Home; the same press delivered twice (a retry, a double click) is one reminder.
    remind = next(
        element
        for block in home_view["blocks"]
        if block.get("block_id") == f"home_unconfirmed_{letter_id}"
        for element in [block["accessory"]]
    )
    assert remind.get("confirm"), "it asks first"
    for _ in range(2):
        pressed = block_action(fake, coordinator, "remind_unconfirmed", remind["value"], view=home_view)
        assert send_interaction(app.driver, pressed).ok
    fake.wait_until(lambda: _reminded(fake, waiter), timeout=15)
    time.sleep(2)
    assert len(_reminded(fake, waiter)) == 1
    assert _reminded(fake, keeper) == [], "who confirmed is not reminded"

    # /signon remind is another reminder: one more DM each.
    answer = app.driver.slash_command(coordinator, "/signon", f"remind {letter_id}", channel_id=coalition.public)
    assert "Reminding 1 signer to confirm version 2" in answer.body, answer.body
    fake.wait_until(lambda: len(_reminded(fake, waiter)) == 2, timeout=15)

    # The export and the close count them too.
    app.driver.slash_command(coordinator, "/signon", f"export {letter_id}", channel_id=coalition.public)
    fake.wait_until(
        lambda: [m for m in fake.dm_messages(coordinator) if "1 signer has not confirmed" in message_text(m)]
    )
    closed = close_letter(app, coordinator, letter_id, coalition.public)
    assert "1 signer has not confirmed version 2 yet" in closed, closed
    fake.wait_until(
        lambda: [
            m
            for m in fake.dm_messages(coordinator)
            if "closed" in m.get("text", "") and "1 signer has not confirmed" in message_text(m)
        ]
    )
    # Once closed, nobody can confirm: a reminder says so and sends nothing.
    answer = app.driver.slash_command(coordinator, "/signon", f"remind {letter_id}", channel_id=coalition.public)
    assert "is closed" in answer.body and "nobody was reminded" in answer.body, answer.body
    time.sleep(1.5)
    assert len(_reminded(fake, waiter)) == 2
    assert post_of(app, letter_id, coalition.public)


def test_two_processes_send_each_reminder_to_confirm_once(
    fake: FakeSlack, coalition: Coalition, database_url: str
) -> None:
    one = start_app(fake, database_url, coalition)
    two = start_app(fake, database_url, coalition)
    try:
        text = letter_text(3500)
        letter_id = create_letter(one, coalition, text=text)
        signers = coalition.members[:3]
        for index, member in enumerate(signers):
            sign_on(one, member, letter_id, coalition.public, f"Organization {index}", email=f"m{index}@org.org")
        wait_for_receipts(one, letter_id)
        _edit_substantively(one, coalition, letter_id, text)
        for member in signers:
            fake.wait_until(lambda m=member: _asked(fake, m), timeout=20)
        answer = two.driver.slash_command(
            coalition.coordinator, "/signon", f"remind {letter_id}", channel_id=coalition.public
        )
        assert "Reminding 3 signers" in answer.body, answer.body
        for member in signers:
            fake.wait_until(lambda m=member: _reminded(fake, m), timeout=20)
        time.sleep(2)
        assert [len(_reminded(fake, member)) for member in signers] == [1, 1, 1]
        assert [len(_asked(fake, member)) for member in signers] == [2, 2, 2], "one ask, one reminder each"
    finally:
        one.process.stop()
        two.process.stop()
