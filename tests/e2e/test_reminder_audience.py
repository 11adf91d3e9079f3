"""Issue 12: reminders reach the people who should get them: not the letter's own coordinators (they see the
count), not the staff of organizations that withdrew; the run digest says so."""

from __future__ import annotations

from collections import Counter

from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import create_letter, message_text, sign_on, signatories, wait_for_modal
from tests.e2e.test_reminders import make_due, reminder_calls, wait_for_run


def test_reminders_skip_coordinators_and_organizations_that_withdrew(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    withdrawer, signer, waiting, cocoordinator = coalition.members
    colleague = fake.add_user(name="wcolleague", email="pat@withdrawn.org")["id"]
    fake.add_members(coalition.public, colleague)
    letter_id = create_letter(app, coalition, reminders="72h, 24h", cocoordinators=[cocoordinator])
    sign_on(app, withdrawer, letter_id, coalition.public, "Withdrawn Org", email="w@withdrawn.org")
    sign_on(app, signer, letter_id, coalition.public, "Still Here Org", email="s@here.org")
    app.driver.close_view(withdrawer)
    app.driver.slash_command(withdrawer, "/signon", "withdraw", channel_id=coalition.public)
    wait_for_modal(fake, withdrawer, "withdraw_submit")
    app.driver.submit_view(withdrawer)
    assert [s.org_name for s in signatories(app.database_url, letter_id)] == ["Still Here Org"]

    make_due(app.database_url, letter_id, "72h")
    wait_for_run(app.database_url, letter_id)
    reminded = reminder_calls(fake)
    assert Counter(reminded) == Counter({coalition.admin, waiting, coalition.external})
    for left_out in (coalition.coordinator, cocoordinator, withdrawer, colleague, signer):
        assert left_out not in reminded

    digest = fake.wait_until(
        lambda: [m for m in fake.dm_messages(coalition.coordinator) if "Not reminded" in message_text(m)]
    )
    said = message_text(digest[-1])
    assert "coordinator: 2" in said and "withdrawn" in said, said
