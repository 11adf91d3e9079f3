"""Issue 12: one count everywhere. Lead organizations the coordinator listed count on the post, in the close DM
and in the export alike, and where they are included the surface says so."""

from __future__ import annotations

from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import close_letter, create_letter, message_text, post_of, sign_on, wait_for_receipts

LEADS = "National Immigration Law Center\nCasa de Esperanza"


def test_leads_count_the_same_on_the_post_the_close_dm_and_the_export(app: RunningApp, coalition: Coalition) -> None:
    fake, coordinator = app.fake, coalition.coordinator
    letter_id = create_letter(app, coalition, leads=LEADS)
    # One lead signs through the form too (counted once); one other organization signs.
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Casa de Esperanza", email="a@casa.org")
    sign_on(app, coalition.members[1], letter_id, coalition.public, "Mujeres Unidas", email="b@mu.org")
    wait_for_receipts(app, letter_id)
    breakdown = "3 organizations: 2 signed, 1 listed as lead"

    channel, ts = post_of(app, letter_id, coalition.public)
    post = fake.wait_until(lambda: (m := fake.message(channel, ts)) and breakdown in message_text(m) and m)
    assert "*3 organizations* signed so far" in message_text(post)

    app.driver.slash_command(coordinator, "/signon", f"export {letter_id} text", channel_id=coalition.public)
    export = fake.wait_until(lambda: [m for m in fake.dm_messages(coordinator) if "Export 1:" in message_text(m)])
    assert "Export 1: 3 organizations" in message_text(export[-1]) and breakdown in message_text(export[-1])

    close_letter(app, coordinator, letter_id, coalition.public)
    closed = fake.wait_until(
        lambda: [
            m
            for m in fake.dm_messages(coordinator)
            if "closed" in message_text(m) and "*3 organizations*" in message_text(m)
        ],
        timeout=15,
    )
    assert breakdown in message_text(closed[-1])
    post = fake.wait_until(lambda: (m := fake.message(channel, ts)) and "Closed" in message_text(m) and m, timeout=15)
    assert "Closed — 3 organizations signed" in message_text(post) and breakdown in message_text(post)
