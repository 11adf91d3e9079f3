"""Issue 12: stale buttons never lie. An old "No, we're different" pressed after a coordinator merged the
organization says it was merged, not that it is listed apart."""

from __future__ import annotations

import json

from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import create_letter, home_view_of, message_text, sign_on, signatories, wait_for_receipts
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
