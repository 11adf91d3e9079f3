"""Issue 12: help and errors lead somewhere: a letter number that is not there says so, a letter's coordinator
gets coordinator help for a typo, refusals name the right people, the full letter can be signed from."""

from __future__ import annotations

import json

from bot import ids
from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import create_letter, post_of, reply, wait_for_modal


def test_a_letter_number_that_is_not_there_says_so(app: RunningApp, coalition: Coalition) -> None:
    create_letter(app, coalition)
    answer = reply(app.driver.slash_command(coalition.members[0], "/signon", "9999", channel_id=coalition.public))
    assert "no letter #9999" in answer and "/signon list" in answer
    assert "I don't know" not in answer


def test_a_letters_coordinator_gets_coordinator_help_for_a_typo(app: RunningApp, coalition: Coalition) -> None:
    cocoordinator, member = coalition.members[3], coalition.members[0]
    create_letter(app, coalition, cocoordinators=[cocoordinator])
    assert "/signon export" in reply(app.driver.slash_command(cocoordinator, "/signon", "exprot"))
    assert "/signon export" not in reply(app.driver.slash_command(member, "/signon", "exprot"))


def test_refusals_name_the_right_people(app: RunningApp, coalition: Coalition) -> None:
    member = coalition.members[0]
    start = reply(app.driver.slash_command(member, "/signon", "new", channel_id=coalition.public))
    assert "Only coordinators can start letters" in start
    assert "this letter" not in start  # there is no letter yet
    letter_id = create_letter(app, coalition)
    close = reply(app.driver.slash_command(member, "/signon", f"close {letter_id}", channel_id=coalition.public))
    assert f"<@{coalition.coordinator}>" in close and "this letter's coordinators" in close, close


def test_the_full_letter_has_a_sign_on_button(app: RunningApp, coalition: Coalition) -> None:
    fake, member = app.fake, coalition.members[1]
    letter_id = create_letter(app, coalition)
    app.driver.click(member, ids.READ_LETTER_BUTTON, message=post_of(app, letter_id, coalition.public))
    read = wait_for_modal(fake, member, ids.LETTER_READ_MODAL)
    assert ids.SIGN_ON_BUTTON in json.dumps(read)
    app.driver.click(member, ids.SIGN_ON_BUTTON)
    wait_for_modal(fake, member, ids.SIGNON_MODAL)
    response = app.driver.submit_view(
        member, values={"org": {"org_name": "Read First Org"}, "authorized": {"authorized": ["yes"]}}
    )
    assert response.ok and not response.errors
