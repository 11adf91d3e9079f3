"""Issue 3: coordinators draft, post, edit, close and reopen letters in Slack."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from db.models import ChannelPost, Letter, ReminderRun
from tests.conftest import Coalition, RunningApp
from tests.e2e.steps import (
    close_letter,
    create_letter,
    db_session,
    letter_text,
    letter_values,
    local_deadline,
    message_text,
    open_new_letter,
    post_of,
    reply,
    set_deadline,
    sign_on,
    signatories,
    wait_for_modal,
)


def test_create_a_long_letter_and_post_it(app: RunningApp, coalition: Coalition) -> None:
    text = letter_text(6000)
    assert len(text) >= 5900
    open_new_letter(app, coalition.coordinator, coalition.public)
    values = letter_values(
        title="Protect Due Process Now",
        text=text,
        deadline=local_deadline(),
        channels=[coalition.unjoined_public, coalition.private_without_bot],
        leads="National Immigration Law Center\nUnidosUS",
    )
    response = app.driver.submit_view(coalition.coordinator, values=values)
    # The private channel the bot is not in is refused inline, with the fix.
    assert response.errors and "channels" in response.errors
    assert "/invite @signon" in response.errors["channels"]

    values["channels"] = {"channels": [coalition.unjoined_public, coalition.private]}
    response = app.driver.submit_view(coalition.coordinator, values=values)
    assert response.ok and not response.errors

    app.fake.wait_until(lambda: len(app.fake.messages(channel=coalition.private)) == 1, timeout=10)
    joins = app.fake.calls("conversations.join")
    assert [call.params["channel"] for call in joins] == [coalition.unjoined_public]
    post = app.fake.messages(channel=coalition.unjoined_public)[-1]
    shown = message_text(post)
    assert "Protect Due Process Now" in shown and "Sign on" in shown and "Read the full letter" in shown
    assert "<!date^" in shown  # the deadline in each reader's own time zone
    # The two lead organizations count from the start, and the post says why.
    assert "2 organizations" in shown and "0 signed, 2 listed as leads" in shown
    report = app.fake.wait_until(
        lambda: [m for m in app.fake.dm_messages(coalition.coordinator) if "Posted in" in m.get("text", "")]
    )
    assert f"<#{coalition.private}>" in report[-1]["text"] and "Joined" in report[-1]["text"]

    with db_session(app.database_url) as session:
        letter = session.execute(select(Letter)).scalar_one()
        assert letter.versions[0].text == text
        assert [lead.name for lead in letter.lead_organizations] == ["National Immigration Law Center", "UnidosUS"]
        # 17:00 in the coordinator's zone (America/Chicago), stored in UTC.
        assert letter.deadline_at.astimezone(UTC).hour in (22, 23)
        assert sorted(p.channel_id for p in letter.posts) == sorted([coalition.unjoined_public, coalition.private])


def test_read_the_full_letter_from_the_post(app: RunningApp, coalition: Coalition) -> None:
    text = letter_text(6000)
    letter_id = create_letter(app, coalition, text=text)
    response = app.driver.click(coalition.members[0], "read_letter", message=post_of(app, letter_id, coalition.public))
    assert response.ok
    view = wait_for_modal(app.fake, coalition.members[0], "letter_read")
    sections = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    assert all(len(s) <= 3000 for s in sections)
    assert len(sections) >= 2
    shown = "\n\n".join(sections)
    assert re.sub(r"\s+", " ", shown).strip().startswith(re.sub(r"\s+", " ", text)[:200])
    assert re.sub(r"\s+", "", shown) == re.sub(r"\s+", "", text)  # nothing lost or reordered


def test_letter_form_validation(app: RunningApp, coalition: Coalition) -> None:
    open_new_letter(app, coalition.coordinator, coalition.public)
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    values = letter_values(title="T", text="   ", deadline=(yesterday, "09:00"), channels=[])
    values["reminders"] = {"reminders": "tomorrow"}
    response = app.driver.submit_view(coalition.coordinator, values=values, strict=False)
    errors = response.errors or {}
    assert "past" in errors.get("deadline_date", "")
    assert "Paste the text" in errors.get("letter_text_1", "")
    assert "at least one channel" in errors.get("channels", "")
    assert "72h" in errors.get("reminders", "")
    values = letter_values(title="T", text="Body", deadline=local_deadline(), channels=[coalition.private_without_bot])
    response = app.driver.submit_view(coalition.coordinator, values=values)
    assert "/invite @signon" in (response.errors or {}).get("channels", "")


def test_non_coordinators_are_refused_everywhere(app: RunningApp, coalition: Coalition) -> None:
    member = coalition.members[1]
    response = app.driver.slash_command(member, "/signon", "new", channel_id=coalition.public)
    body = reply(response)
    assert "Only coordinators can start letters" in body and f"<@{coalition.coordinator}>" in body
    assert app.fake.top_view(member) is None

    letter_id = create_letter(app, coalition)
    for command in ("edit", "close", "reopen", "export", "review"):
        response = app.driver.slash_command(member, "/signon", f"{command} {letter_id}", channel_id=coalition.public)
        assert "Only coordinators can" in reply(response), command

    # A crafted submission of the coordinator's modal from a member is refused too.
    open_new_letter(app, coalition.coordinator, coalition.public)
    view = app.fake.top_view(coalition.coordinator)
    assert view is not None
    app.fake.run_locked(lambda state: state.stacks.setdefault(member, []).append(view["id"]))
    response = app.driver.submit_view(
        member,
        view_id=view["id"],
        values=letter_values(title="Sneaky", text="Body", deadline=local_deadline(), channels=[coalition.public]),
    )
    assert "Only coordinators" in (response.errors or {}).get("letter_title", "")
    with db_session(app.database_url) as session:
        assert session.execute(select(Letter).where(Letter.title == "Sneaky")).first() is None

    # An admin is a coordinator without being listed.
    response = app.driver.slash_command(coalition.admin, "/signon", "new", channel_id=coalition.public)
    assert response.ok
    wait_for_modal(app.fake, coalition.admin, "letter_new_submit")


def test_count_updates_after_sign_ons_coalesced(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    channel, ts = post_of(app, letter_id, coalition.public)
    for index, member in enumerate(coalition.members[:3]):
        response = sign_on(
            app, member, letter_id, coalition.public, f"Organization {index}", email=f"x{index}@o{index}.org"
        )
        assert response.ok and not response.errors

    def shows_three() -> bool:
        message = app.fake.message(channel, ts)
        return bool(message) and "*3 organizations*" in message_text(message)

    app.fake.wait_until(shows_three, timeout=15)
    # The fake records a call once it has answered it; the message may show the count a moment before.
    updates = app.fake.wait_for("chat.update")
    assert 1 <= len(updates) <= 3
    assert "Organization 2" in message_text(app.fake.message(channel, ts) or {})


def test_a_post_in_an_archived_channel_is_left_alone(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    channel, _ = post_of(app, letter_id, coalition.public)
    app.fake.archive_channel(channel)
    sign_on(app, coalition.members[0], letter_id, coalition.public, "After Archive Org", email="a@after.org")
    # Slack answers is_inactive for a message in an archived channel: the post is marked gone, not retried.
    app.fake.wait_until(lambda: _post_statuses(app.database_url, letter_id) == ["removed"], timeout=15)
    tries = len(app.fake.calls("chat.update"))
    sign_on(app, coalition.members[1], letter_id, coalition.public, "Later Org", email="b@later.org")
    app.fake.wait_until(lambda: len(signatories(app.database_url, letter_id)) == 2)
    time.sleep(2)  # several refresh cycles
    assert len(app.fake.calls("chat.update")) == tries


def _post_statuses(database_url: str, letter_id: int) -> list[str]:
    with db_session(database_url) as session:
        return list(session.scalars(select(ChannelPost.status).where(ChannelPost.letter_id == letter_id)))


def test_edit_substantively_asks_signers_to_reconfirm(app: RunningApp, coalition: Coalition) -> None:
    text = letter_text(3500)
    letter_id = create_letter(app, coalition, text=text)
    signer = coalition.members[0]
    sign_on(app, signer, letter_id, coalition.public, "Make the Road New York", email="ana@maketheroad.org")
    app.driver.slash_command(coalition.coordinator, "/signon", f"edit {letter_id}", channel_id=coalition.public)
    wait_for_modal(app.fake, coalition.coordinator, "letter_edit_submit")
    new_text = text.replace("reject any proposal", "oppose every proposal", 1)
    values = letter_values(title="Protect Due Process Now", text=new_text, deadline=local_deadline(), channels=[])
    del values["channels"]
    values["substantive"] = {"substantive": ["substantive"]}
    values["change_note"] = {"change_note": "We now oppose every proposal."}
    response = app.driver.submit_view(coalition.coordinator, values=values)
    assert response.ok and not response.errors

    dm = app.fake.wait_until(
        lambda: [m for m in app.fake.dm_messages(signer) if "changed" in m.get("text", "")], timeout=10
    )
    shown = message_text(dm[-1])
    assert "Keep my signature" in shown and "Withdraw" in shown and "oppose every proposal" in shown
    app.driver.click(signer, "keep_signature", message=(dm[-1]["channel"], dm[-1]["ts"]))
    app.fake.wait_until(lambda: signatories(app.database_url, letter_id)[0].version_confirmed == 2, timeout=5)
    # Exactly one re-confirmation DM, even though the jobs run every half second; the button replaced it.
    asks = [
        c
        for c in app.fake.calls("chat.postMessage")
        if c.params.get("channel") == signer and "changed" in c.params.get("text", "")
    ]
    assert len(asks) == 1
    app.fake.wait_until(lambda: "stays on" in message_text(app.fake.message(dm[-1]["channel"], dm[-1]["ts"]) or {}))


def test_deadline_change_reschedules_reminders(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition, reminders="24h, 2h", deadline=local_deadline(days=5))
    with db_session(app.database_url) as session:
        before = {r.offset_seconds: r.due_at for r in session.execute(select(ReminderRun)).scalars()}
    assert set(before) == {86400, 7200}
    app.driver.slash_command(coalition.coordinator, "/signon", f"edit {letter_id}", channel_id=coalition.public)
    wait_for_modal(app.fake, coalition.coordinator, "letter_edit_submit")
    app.driver.submit_view(
        coalition.coordinator, values={"deadline_date": {"deadline_date": local_deadline(days=9)[0]}}
    )
    with db_session(app.database_url) as session:
        after = {r.offset_seconds: r.due_at for r in session.execute(select(ReminderRun)).scalars()}
    assert {k: after[k] - before[k] for k in before} == {86400: timedelta(days=4), 7200: timedelta(days=4)}


def test_close_and_reopen(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    channel, ts = post_of(app, letter_id, coalition.public)
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Church World Service")
    assert "Closed" in close_letter(app, coalition.coordinator, letter_id, coalition.public)
    app.fake.wait_until(
        lambda: "Closed — 1 organization signed" in message_text(app.fake.message(channel, ts) or {}), timeout=10
    )
    app.fake.wait_until(
        lambda: [m for m in app.fake.dm_messages(coalition.coordinator) if "closed" in m.get("text", "")]
    )
    # A late sign-on is refused with a clear message and creates nothing.
    app.driver.slash_command(coalition.members[1], "/signon", str(letter_id), channel_id=coalition.public)
    view = wait_for_modal(app.fake, coalition.members[1], "info")
    assert "closed" in json.dumps(view)

    app.driver.slash_command(coalition.coordinator, "/signon", f"reopen {letter_id}", channel_id=coalition.public)
    app.fake.wait_until(lambda: "*1 organization*" in message_text(app.fake.message(channel, ts) or {}), timeout=10)
    with db_session(app.database_url) as session:
        assert session.get(Letter, letter_id).status == "open"  # type: ignore[union-attr]


def test_closes_by_itself_at_the_deadline(app: RunningApp, coalition: Coalition) -> None:
    letter_id = create_letter(app, coalition)
    channel, ts = post_of(app, letter_id, coalition.public)
    sign_on(app, coalition.members[0], letter_id, coalition.public, "Faith in Action")
    set_deadline(app.database_url, letter_id, datetime.now(UTC) + timedelta(seconds=2))
    app.fake.wait_until(
        lambda: "Closed — 1 organization signed" in message_text(app.fake.message(channel, ts) or {}), timeout=15
    )
    final = app.fake.wait_until(
        lambda: [m for m in app.fake.dm_messages(coalition.coordinator) if "reached its deadline" in message_text(m)],
        timeout=10,
    )
    assert "1 organization" in message_text(final[-1])
    # The export's files arrive one by one: wait for the CSV itself, not for the first file.
    app.fake.wait_until(lambda: any(f["filename"].endswith(".csv") for f in app.fake.files()), timeout=10)


def test_list_shows_open_letters(app: RunningApp, coalition: Coalition) -> None:
    create_letter(app, coalition, title="First letter")
    create_letter(app, coalition, title="Second letter")
    response = app.driver.slash_command(coalition.members[0], "/signon", "list", channel_id=coalition.public)
    body = reply(response)
    assert "First letter" in body and "Second letter" in body and "Open sign-on letters (2)" in body
