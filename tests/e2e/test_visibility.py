"""Issue 12: a letter is seen only where it was posted (its channels' members, its coordinators, the
workspace's coordinators), unless its coordinator opened it to the whole workspace."""

from __future__ import annotations

import json
import time

from bot import ids
from db.models import Letter
from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import (
    create_letter,
    db_session,
    home_view_of,
    post_of,
    reply,
    signatories,
    wait_for_modal,
)
from tests.fakeslack import FakeSlack
from tests.fuzz.crafted import block_action, send_interaction, signon_state, view_submission

HIDDEN = "Steering Committee Only"
PUBLIC = "Everyone May Sign This"


def _views_for(fake: FakeSlack, user_id: str, since: int) -> str:
    """Every view the app opened, pushed or updated for ``user_id`` after call number ``since``."""
    owners = fake.run_locked(lambda state: {view_id: view.user_id for view_id, view in state.views.items()})
    shown = []
    for call in fake.calls()[since:]:
        if call.method.startswith("views.") and call.ok:
            view = (call.response or {}).get("view") or {}
            if owners.get(str(view.get("id"))) == user_id or call.params.get("user_id") == user_id:
                shown.append(view)
    return json.dumps(shown, ensure_ascii=False)


def _settle(fake: FakeSlack, quiet: float = 0.6, timeout: float = 10.0) -> None:
    """Wait until the app has made no Slack call for ``quiet`` seconds (its work after the ack is done)."""
    deadline = time.monotonic() + timeout
    count, since = len(fake.calls()), time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.05)
        if len(fake.calls()) != count:
            count, since = len(fake.calls()), time.monotonic()


def test_a_letter_posted_to_a_private_channel_is_hidden_from_everyone_outside_it(
    app: RunningApp, coalition: Coalition
) -> None:
    fake = app.fake
    hidden = create_letter(app, coalition, title=HIDDEN, channels=[coalition.private])
    public = create_letter(app, coalition, title=PUBLIC, channels=[coalition.public])
    insider, outsider = coalition.members[0], coalition.members[1]  # #steering has members[0], not members[1]

    # /signon list: the insider sees both letters, the outsider only the public one.
    assert HIDDEN in reply(app.driver.slash_command(insider, "/signon", "list", channel_id=coalition.public))
    listing = reply(app.driver.slash_command(outsider, "/signon", "list", channel_id=coalition.public))
    assert PUBLIC in listing and HIDDEN not in listing

    # /signon with no letter named: no picker offering the hidden letter, the public one's form at once.
    calls = len(fake.calls())
    app.driver.slash_command(outsider, "/signon", "", channel_id=coalition.public)
    form = wait_for_modal(fake, outsider, ids.SIGNON_MODAL)
    assert PUBLIC in json.dumps(form) and HIDDEN not in _views_for(fake, outsider, calls)
    app.driver.close_view(outsider)

    # /signon <title>, /signon <id> and /signon #<id> answer as they do for a letter that does not exist.
    for typed in (HIDDEN, str(hidden), f"#{hidden}"):
        calls = len(fake.calls())
        answer = reply(app.driver.slash_command(outsider, "/signon", typed, channel_id=coalition.public))
        _settle(fake)
        shown = answer + _views_for(fake, outsider, calls)
        assert ids.SIGNON_MODAL not in shown, typed
        assert HIDDEN not in shown.replace(typed, ""), typed
        if fake.top_view(outsider):
            app.driver.close_view(outsider)

    # App Home: the insider sees the hidden letter, the outsider does not.
    assert HIDDEN in json.dumps(home_view_of(app, insider))
    home = json.dumps(home_view_of(app, outsider))
    assert PUBLIC in home and HIDDEN not in home

    # A replayed Sign on or Read the full letter button (from the public post, with the hidden letter's id).
    on_public_post = post_of(app, public, coalition.public)
    for action_id in (ids.SIGN_ON_BUTTON, ids.READ_LETTER_BUTTON):
        calls = len(fake.calls())
        response = send_interaction(
            app.driver, block_action(fake, outsider, action_id, str(hidden), message=on_public_post)
        )
        assert response.status == 200
        _settle(fake)
        shown = _views_for(fake, outsider, calls)
        assert HIDDEN not in shown and ids.SIGNON_MODAL not in shown, action_id

    # A crafted sign-on form for the hidden letter is refused and records nothing.
    metadata = json.dumps({"l": hidden, "s": "post_button", "c": coalition.public, "sig": None})
    response = send_interaction(
        app.driver, view_submission(fake, outsider, ids.SIGNON_MODAL, signon_state(org="Sneaky Org"), metadata)
    )
    assert response.status == 200 and response.json and response.json.get("response_action") == "errors"
    assert HIDDEN not in json.dumps(response.json)
    assert signatories(app.database_url, hidden) == []

    # The insider signs it as usual.
    app.driver.slash_command(insider, "/signon", str(hidden), channel_id=coalition.private)
    wait_for_modal(fake, insider, ids.SIGNON_MODAL)
    response = app.driver.submit_view(
        insider, values={"org": {"org_name": "Insider Org"}, "authorized": {"authorized": ["yes"]}}
    )
    assert response.ok and not response.errors
    assert [s.org_name for s in signatories(app.database_url, hidden)] == ["Insider Org"]


def test_membership_comes_from_every_page_of_conversations_members_and_is_cached(
    app: RunningApp, coalition: Coalition
) -> None:
    """Slack pages conversations.members (at most 1,000 a page): a member on the second page sees the letter,
    and a second look within the cache's life asks Slack nothing."""
    fake = app.fake
    crowd = [fake.add_user(name=f"crowd{i}", real_name=f"Crowd {i}")["id"] for i in range(1100)]
    late = coalition.members[2]
    fake.add_members(coalition.private, *crowd, late)
    create_letter(app, coalition, title=HIDDEN, channels=[coalition.private])
    calls = len(fake.calls("conversations.members"))
    assert HIDDEN in reply(app.driver.slash_command(late, "/signon", "list", channel_id=coalition.public))
    pages = fake.calls("conversations.members")[calls:]
    assert len(pages) >= 2 and any(call.params.get("cursor") for call in pages)
    before = len(fake.calls("conversations.members"))
    assert HIDDEN in reply(app.driver.slash_command(late, "/signon", "list", channel_id=coalition.public))
    assert len(fake.calls("conversations.members")) == before
    assert HIDDEN not in reply(app.driver.slash_command(coalition.members[3], "/signon", "list"))
    # Someone who joins the channel is let in at once: not being in the cached list, they are looked for again.
    fake.add_members(coalition.private, coalition.members[3])
    assert HIDDEN in reply(app.driver.slash_command(coalition.members[3], "/signon", "list"))


def test_coordinators_see_every_letter_and_an_open_letter_is_seen_by_all(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    outsider = coalition.members[1]
    hidden = create_letter(app, coalition, title=HIDDEN, channels=[coalition.private])
    # SIGNON_COORDINATORS and workspace admins see it without being in the channel.
    fake.remove_members(coalition.private, coalition.admin)
    assert HIDDEN in reply(app.driver.slash_command(coalition.admin, "/signon", "list"))

    # The coordinator opens it to the whole workspace: now the outsider sees it and may sign.
    app.driver.slash_command(coalition.coordinator, "/signon", f"edit {hidden}", channel_id=coalition.public)
    form = wait_for_modal(fake, coalition.coordinator, ids.LETTER_EDIT_MODAL)
    assert ids.AUDIENCE_BLOCK in {b.get("block_id") for b in form["blocks"]}
    response = app.driver.submit_view(
        coalition.coordinator, values={ids.AUDIENCE_BLOCK: {ids.AUDIENCE_INPUT: [ids.WHOLE_WORKSPACE_VALUE]}}
    )
    assert response.ok and not response.errors, response.errors
    with db_session(app.database_url) as session:
        letter = session.get(Letter, hidden)
        assert letter is not None and letter.open_to_workspace
    assert HIDDEN in reply(app.driver.slash_command(outsider, "/signon", "list"))
    app.driver.slash_command(outsider, "/signon", str(hidden))
    wait_for_modal(fake, outsider, ids.SIGNON_MODAL)
