"""Issue 12: a closed letter says so: `/signon` in its channel names it, when it closed, how many signed and
whom to ask (other open letters follow), and a form sent after the deadline keeps no Sign on button."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot import ids
from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import (
    create_letter,
    open_signon_from_post,
    set_deadline,
    sign_on,
    signatories,
    signon_values,
    wait_for_modal,
)

TITLE = "Protect Due Process Now"


def test_signon_in_the_channel_of_a_closed_letter_names_it(app: RunningApp, coalition: Coalition) -> None:
    fake, member = app.fake, coalition.members[1]
    letter_id = create_letter(app, coalition, title=TITLE, channels=[coalition.public])
    other = create_letter(app, coalition, title="Fund Legal Counsel", channels=[coalition.unjoined_public])
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Casa de Esperanza")
    app.driver.close_view(coalition.members[0])
    closed_at = datetime.now(UTC) - timedelta(hours=2)
    set_deadline(app.database_url, letter_id, closed_at)

    app.driver.slash_command(member, "/signon", "", channel_id=coalition.public)
    view = wait_for_modal(fake, member, ids.LETTER_PICKER_MODAL)
    shown = json.dumps(view, ensure_ascii=False)
    assert TITLE in shown and "closed" in shown
    assert "1 organization signed" in shown
    assert f"<!date^{int(closed_at.timestamp())}^" in shown  # the reader's time zone, as Slack writes it
    assert f"<@{coalition.coordinator}>" in shown  # whom to ask
    # The open letter the member may see follows, to pick.
    [picker] = [b for b in view["blocks"] if b.get("block_id") == ids.PICKER_BLOCK]
    assert [o["value"] for o in picker["elements"][0]["options"]] == [str(other)]

    # With nothing else open, the same answer without a picker.
    lone = coalition.members[3]  # not in #allies, so the other letter is not theirs to see
    app.driver.slash_command(lone, "/signon", "", channel_id=coalition.public)
    view = wait_for_modal(fake, lone, ids.INFO_MODAL)
    shown = json.dumps(view, ensure_ascii=False)
    assert TITLE in shown and "closed" in shown and "There are no open sign-on letters" not in shown
    assert not view.get("submit")


def test_a_form_sent_after_the_deadline_keeps_no_sign_on_button(app: RunningApp, coalition: Coalition) -> None:
    member = coalition.members[2]
    letter_id = create_letter(app, coalition, title=TITLE)
    open_signon_from_post(app, member, letter_id, coalition.public)
    set_deadline(app.database_url, letter_id, datetime.now(UTC) - timedelta(minutes=1))
    response = app.driver.submit_view(member, values=signon_values("Late Org"))
    assert response.ok and not response.errors
    assert response.json and response.json.get("response_action") == "update", response.body
    view = app.fake.top_view(member)
    assert view is not None and not view.get("submit"), view
    assert TITLE in json.dumps(view, ensure_ascii=False) and "closed" in json.dumps(view)
    assert signatories(app.database_url, letter_id) == []
