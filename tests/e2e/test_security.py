"""Security, end to end against the real app process: forged and replayed requests, coordinator-only actions,
other organizations' signatures, hostile text in every message and view, spreadsheet formulas, overlong
input and secrets in the logs.

Crafted requests are properly signed (they come "from Slack") unless the test is about signatures; their
content is what Slack's client would never send: buttons the person was never shown, values naming
someone else's signature, modals the person never opened.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, select, update

from bot import ids
from bot.messages import ENGLISH
from bot.services import export as export_service
from bot.services.posts import current_state
from db.enums import LetterStatus, PostStatus, SignatoryStatus
from db.models import Base, ChannelPost, Letter, ReminderRun
from tests.conftest import Coalition, RunningApp, check_app_health, start_app
from tests.e2e.steps import (
    close_letter,
    create_letter,
    db_session,
    home_view_of,
    letter_values,
    local_deadline,
    message_text,
    open_new_letter,
    open_signon_from_post,
    post_of,
    reply,
    sign_on,
    signatories,
    signon_values,
    wait_for_modal,
    wait_for_receipts,
)
from tests.fakeslack import DriverResponse, FakeSlack, signature
from tests.fuzz.crafted import (
    block_action,
    check_answer,
    command_body,
    form_body,
    send_interaction,
    signon_state,
    view_submission,
)
from tests.harness import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET

# ---------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------


# A post's refresh bookkeeping: the paced refresh job writes these on its own schedule (a few seconds after the
# letter changed, later under load), so they say nothing about the request under test. What the post shows
# follows the letter's and signatories' rows, which are compared in full.
REFRESH_BOOKKEEPING = {"channel_posts": {"rendered_state", "refreshed_at", "lease_until", "refresh_not_before"}}


def database_state(database_url: str, *, skip: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Every row of every table, as text: two snapshots are equal when nothing at all changed."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            state = {}
            for table in Base.metadata.sorted_tables:
                if table.name in skip:
                    continue
                ignored = REFRESH_BOOKKEEPING.get(table.name, set())
                columns = [column for column in table.columns if column.name not in ignored]
                rows = connection.execute(select(*columns))
                state[table.name] = sorted(repr(tuple(row)) for row in rows)
            return state
    finally:
        engine.dispose()


def settled_state(
    app: RunningApp, *, skip: tuple[str, ...] = (), quiet: float = 1.0, timeout: float = 20.0
) -> dict[str, list[str]]:
    """The database once the app's background work is done: no Slack call and no row changed for ``quiet`` s.

    A snapshot taken while a job is still finishing (a close announcement, a post refresh) would blame the
    request under test for that job's rows. Post refreshes are paced (a few seconds apart per post), so quiet
    alone is not enough: every posted message must also show its letter's current state.
    """
    deadline = time.monotonic() + timeout
    last = (len(app.fake.calls()), database_state(app.database_url, skip=skip))
    since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        current = (len(app.fake.calls()), database_state(app.database_url, skip=skip))
        if current != last:
            last, since = current, time.monotonic()
        elif time.monotonic() - since >= quiet and posts_current(app):
            return last[1]
    raise AssertionError("the app never went quiet")


def posts_current(app: RunningApp) -> bool:
    """Whether every posted message shows what its letter is now (no paced refresh still due or under way)."""
    with db_session(app.database_url) as session:
        posts = list(session.execute(select(ChannelPost)).scalars())
        return all(
            post.lease_until is None
            and (post.status != PostStatus.POSTED or post.rendered_state == current_state(session, post.letter))
            for post in posts
        )


def changed_tables(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    return [name for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]


def settle(fake: FakeSlack, quiet: float = 0.6, timeout: float = 10.0) -> int:
    """Wait until the app has made no Slack call for ``quiet`` seconds (background work done)."""
    deadline = time.monotonic() + timeout
    count, since = len(fake.calls()), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = len(fake.calls())
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return count
    raise AssertionError("the app never went quiet")


def told(fake: FakeSlack, user_id: str) -> list[str]:
    """Everything the app told a person, oldest first: DMs, ephemeral messages, replies through response URLs
    (a new message is always at the end, so ``told(...)[count:]`` is what came since)."""
    items = [(float(m["ts"]), message_text(m)) for m in fake.dm_messages(user_id)]
    items += [(float(e["ts"]), message_text(e)) for e in fake.ephemerals(user_id)]
    return [text for _, text in sorted(items, key=lambda item: item[0])]


def said_to(fake: FakeSlack, user_id: str) -> str:
    return "\n".join(told(fake, user_id))


def views_opened_for(fake: FakeSlack, user_id: str) -> list[dict[str, Any]]:
    """The views the app opened or pushed for a person (the fake knows whose trigger opened each)."""
    owners = fake.run_locked(lambda state: {view_id: view.user_id for view_id, view in state.views.items()})
    opened = []
    for call in fake.calls():
        if call.method in ("views.open", "views.push") and call.ok:
            view = (call.response or {}).get("view") or {}
            if owners.get(str(view.get("id"))) == user_id:
                opened.append(view)
    return opened


def send(app: RunningApp, payload: dict[str, Any]) -> DriverResponse:
    response = send_interaction(app.driver, payload)
    assert response.status == 200, (response.status, response.body[:300])
    return response


# ---------------------------------------------------------------------------------------------------
# 1. Forged and replayed requests
# ---------------------------------------------------------------------------------------------------


def _request_of_each_kind(app: RunningApp, coalition: Coalition, kind: str) -> tuple[bytes, str, str]:
    """(body, content type, what the app does with it when genuine) for one kind of request."""
    fake = app.fake
    letter_id = create_letter(app, coalition)
    if kind == "slash_command":
        body = command_body(fake, coalition.coordinator, "language es", coalition.public)
        return body.encode(), "application/x-www-form-urlencoded", "sets the person's language"
    if kind == "block_actions":
        sign_on(app, coalition.members[0], letter_id, coalition.public, "Genuine Org")
        [signed] = signatories(app.database_url, letter_id)
        payload = block_action(
            fake,
            coalition.members[0],
            ids.WITHDRAW_SIGNATURE,
            str(signed.id),
            message=post_of(app, letter_id, coalition.public),
        )
        return form_body(payload).encode(), "application/x-www-form-urlencoded", "withdraws the signature"
    if kind == "view_submission":
        meta = json.dumps({"l": letter_id, "s": "post_button", "c": coalition.public, "sig": None})
        payload = view_submission(fake, coalition.members[1], ids.SIGNON_MODAL, signon_state(org="Forged Org"), meta)
        return form_body(payload).encode(), "application/x-www-form-urlencoded", "signs Forged Org on"
    envelope = {
        "token": fake.verification_token,
        "team_id": fake.team_id,
        "api_app_id": fake.app_id,
        "event": {
            "type": "app_home_opened",
            "user": coalition.members[2],
            "channel": fake.dm_channel_id(coalition.members[2]),
            "tab": "home",
            "event_ts": "1700000000.000100",
        },
        "type": "event_callback",
        "event_id": "Ev0FORGED01",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": fake.team_id, "user_id": fake.bot_user_id, "is_bot": True}],
    }
    return json.dumps(envelope).encode(), "application/json", "publishes the Home tab"


def _forgeries(body: bytes) -> Iterator[tuple[str, dict[str, str], bytes]]:
    """(what, headers, body) for every way to get the signature or the timestamp wrong."""
    now = int(time.time())
    yield "wrong secret", {"ts": str(now), "sig": signature("not-the-signing-secret", now, body)}, body
    yield "garbage signature", {"ts": str(now), "sig": "v0=" + "0" * 64}, body
    yield "v1 scheme", {"ts": str(now), "sig": signature(SIGNING_SECRET, now, body).replace("v0=", "v1=")}, body
    yield "empty signature", {"ts": str(now), "sig": ""}, body
    yield "no headers", {}, body
    tampered = body[:-1] + b', "x": 1}' if body.startswith(b"{") else body + b"&x=1"
    yield "signed a different body", {"ts": str(now), "sig": signature(SIGNING_SECRET, now, body)}, tampered
    for age in (301, 3600, 86400 * 30):  # replayed: a genuine signature, but more than 5 minutes old
        then = now - age
        yield f"replayed {age}s later", {"ts": str(then), "sig": signature(SIGNING_SECRET, then, body)}, body
    later = now + 600
    yield "timestamp from the future", {"ts": str(later), "sig": signature(SIGNING_SECRET, later, body)}, body
    yield "timestamp not a number", {"ts": "yesterday", "sig": signature(SIGNING_SECRET, "yesterday", body)}, body


@pytest.mark.parametrize("kind", ["slash_command", "block_actions", "view_submission", "event"])
def test_forged_and_replayed_requests_get_401_and_change_nothing(
    app: RunningApp, coalition: Coalition, kind: str
) -> None:
    fake = app.fake
    body, content_type, effect = _request_of_each_kind(app, coalition, kind)
    before = settled_state(app)
    calls = len(fake.calls())
    for what, signed, sent in _forgeries(body):
        headers = {"X-Slack-Request-Timestamp": signed["ts"], "X-Slack-Signature": signed["sig"]} if signed else {}
        response = app.driver._http_post(app.process.url, sent, content_type, headers)
        assert response.status == 401, (what, response.status, response.body[:200])
        assert "Traceback" not in response.body and SIGNING_SECRET not in response.body
    time.sleep(1.0)  # anything the app would do in the background after acknowledging
    assert len(fake.calls()) == calls, [c.method for c in fake.calls()[calls:]]
    assert changed_tables(before, database_state(app.database_url)) == []
    assert fake.violations == []

    # The same request, genuinely signed, does what it says: the forgeries above were refused for their
    # signature alone.
    response = app.driver.send_raw(body, content_type=content_type)
    assert response.status == 200, (effect, response.body[:300])
    settle(fake)
    assert len(fake.calls()) > calls, f"the genuine request did not act ({effect})"
    if kind != "event":
        assert changed_tables(before, database_state(app.database_url)), f"the genuine request {effect}"


def test_http_requests_are_verified_even_when_an_app_token_is_set(
    fake: FakeSlack, coalition: Coalition, database_url: str
) -> None:
    """One .env for both Procfile processes: `python -m bot web` then also sees SLACK_APP_TOKEN."""
    running = start_app(fake, database_url, coalition, env={"SLACK_APP_TOKEN": APP_TOKEN})
    try:
        body = command_body(fake, coalition.coordinator, "new", coalition.public)
        for forged in (
            running.driver.send_raw(body, signature="v0=" + "0" * 64),
            running.driver.send_raw(body, timestamp=int(time.time()) - 3600),
        ):
            assert forged.status == 401, forged.body[:200]
        time.sleep(0.5)
        assert not fake.calls("views.open")
        genuine = running.driver.slash_command(coalition.coordinator, "/signon", "new", channel_id=coalition.public)
        assert genuine.ok
        fake.wait_for("views.open")
        check_app_health(running)
    finally:
        running.process.stop()


# ---------------------------------------------------------------------------------------------------
# 2. Coordinator actions refuse everyone else
# ---------------------------------------------------------------------------------------------------


def _refused(fake: FakeSlack, coalition: Coalition, member: str, before: int, action: str) -> str:
    """The refusal the member got (after the ``before`` messages they had already): it names who can."""
    text = fake.wait_until(
        lambda: (said := "\n".join(told(fake, member)[before:])) and "Only coordinators can" in said and said
    )
    assert f"Only coordinators can {action}" in text, text
    assert f"<@{coalition.coordinator}>" in text and "workspace admins" in text, text
    return text


@pytest.fixture
def managed(app: RunningApp, coalition: Coalition) -> dict[str, int]:
    """An open letter with a flagged near-duplicate pair, and a second letter that is closed."""
    open_letter = create_letter(app, coalition, title="Open Letter")
    sign_on(app, coalition.members[0], open_letter, coalition.public, "Sunrise Movement Boston Hub", email="a@s.org")
    sign_on(app, coalition.members[1], open_letter, coalition.public, "Sunrise Boston", email="b@s.org")
    wait_for_receipts(app, open_letter)
    rows = {s.org_name: s for s in signatories(app.database_url, open_letter)}
    assert rows["Sunrise Boston"].possible_duplicate_of_id == rows["Sunrise Movement Boston Hub"].id
    closed_letter = create_letter(app, coalition, title="Closed Letter")
    assert "Closed" in close_letter(app, coalition.coordinator, closed_letter, coalition.public)
    settle(app.fake)
    return {
        "open": open_letter,
        "closed": closed_letter,
        "new": rows["Sunrise Boston"].id,
        "existing": rows["Sunrise Movement Boston Hub"].id,
    }


@pytest.mark.parametrize(
    ("words", "action"),
    [
        ("new", "start letters"),
        ("edit {open}", "edit this letter"),
        ("close {open}", "close this letter"),
        ("reopen {closed}", "reopen this letter"),
        ("export {open}", "export signatories"),
        ("export {open} csv", "export signatories"),
        ("review {open}", "review this letter's duplicates"),
    ],
)
def test_coordinator_commands_refuse_members(
    app: RunningApp, coalition: Coalition, managed: dict[str, int], words: str, action: str
) -> None:
    fake, member = app.fake, coalition.members[3]
    before = settled_state(app, skip=("slack_users",))
    response = app.driver.slash_command(member, "/signon", words.format(**managed), channel_id=coalition.public)
    assert response.ok
    text = reply(response)
    assert f"Only coordinators can {action}" in text, text
    assert f"<@{coalition.coordinator}>" in text and "workspace admins" in text
    settle(fake)
    assert changed_tables(before, database_state(app.database_url, skip=("slack_users",))) == []
    assert views_opened_for(fake, member) == [], "a coordinator modal opened for a member"
    assert not fake.files() and not fake.calls("files.getUploadURLExternal")


COORDINATOR_BUTTONS = [
    (ids.EDIT_LETTER, "{open}", "edit this letter"),
    (ids.CLOSE_LETTER, "{open}", "close this letter"),
    (ids.REOPEN_LETTER, "{closed}", "reopen this letter"),
    (ids.EXPORT_LETTER, "{open}:all", "export signatories"),
    (ids.EXPORT_LETTER, "{open}:csv", "export signatories"),
    (ids.REVIEW_MERGE, "{new}:{existing}", "merge organizations"),
    (ids.REVIEW_DISMISS, "{new}", "review duplicates"),
    (ids.REMOVE_SIGNATORY, "{existing}", "remove signatories"),
]


@pytest.mark.parametrize("where", ["channel post", "home tab"])
def test_coordinator_buttons_refuse_members(
    app: RunningApp, coalition: Coalition, managed: dict[str, int], where: str
) -> None:
    """Crafted block_actions for every coordinator button, pressed by a member on a message they can see
    (answer through its response_url) or in their own Home tab (answer by DM)."""
    fake, member = app.fake, coalition.members[3]
    container: dict[str, Any] = (
        {"message": post_of(app, managed["open"], coalition.public)}
        if where == "channel post"
        else {"view": home_view_of(app, member)}
    )
    settle(fake)
    before = settled_state(app, skip=("slack_users",))
    for action_id, value, action in COORDINATOR_BUTTONS:
        messages = len(told(fake, member))
        send(app, block_action(fake, member, action_id, value.format(**managed), **container))
        _refused(fake, coalition, member, messages, action)
    settle(fake)
    assert changed_tables(before, database_state(app.database_url, skip=("slack_users",))) == []
    assert views_opened_for(fake, member) == []
    assert not fake.files() and not fake.calls("files.getUploadURLExternal")
    rows = {s.id: s for s in signatories(app.database_url, managed["open"], status=None)}
    assert rows[managed["new"]].status == SignatoryStatus.ACTIVE and rows[managed["new"]].duplicate_review == "pending"


def _letter_state(title: str, *, day: int = 9) -> dict[str, Any]:
    deadline = (datetime.now(UTC) + timedelta(days=day)).date().isoformat()
    return {
        "letter_title": {"letter_title": {"type": "plain_text_input", "value": title}},
        "letter_text_1": {"letter_text": {"type": "plain_text_input", "value": "Dear all, we ask for X."}},
        "letter_text_2": {"letter_text": {"type": "plain_text_input", "value": None}},
        "letter_text_3": {"letter_text": {"type": "plain_text_input", "value": None}},
        "letter_text_4": {"letter_text": {"type": "plain_text_input", "value": None}},
        "deadline_date": {"deadline_date": {"type": "datepicker", "selected_date": deadline}},
        "deadline_time": {"deadline_time": {"type": "timepicker", "selected_time": "17:00"}},
        "channels": {"channels": {"type": "multi_conversations_select", "selected_conversations": []}},
        "lead_orgs": {"lead_orgs": {"type": "plain_text_input", "value": "Hijacked Lead"}},
        "reminders": {"reminders": {"type": "plain_text_input", "value": "24h"}},
        "cocoordinators": {"cocoordinators": {"type": "multi_users_select", "selected_users": []}},
        "substantive": {"substantive": {"type": "checkboxes", "selected_options": []}},
        "change_note": {"change_note": {"type": "plain_text_input", "value": None}},
    }


def test_coordinator_modals_refuse_crafted_submissions(
    app: RunningApp, coalition: Coalition, managed: dict[str, int]
) -> None:
    """A member submits every coordinator modal they were never shown, making themselves co-coordinator."""
    fake, member = app.fake, coalition.members[3]
    new_values = _letter_state("Member's Own Letter")
    new_values["channels"]["channels"]["selected_conversations"] = [coalition.public]
    edit_values = _letter_state("Hijacked Title")
    for values in (new_values, edit_values):
        values["cocoordinators"]["cocoordinators"]["selected_users"] = [member]
    reopen_values = {k: v for k, v in _letter_state("x").items() if k.startswith("deadline")}
    submissions = [
        (ids.LETTER_NEW_MODAL, new_values, json.dumps({"letter_id": None}), "start letters", "letter_title"),
        (
            ids.LETTER_EDIT_MODAL,
            edit_values,
            json.dumps({"letter_id": managed["open"]}),
            "edit this letter",
            "letter_title",
        ),
        (
            ids.LETTER_REOPEN_MODAL,
            reopen_values,
            json.dumps({"letter_id": managed["closed"]}),
            "reopen this letter",
            "deadline_date",
        ),
    ]
    before = settled_state(app, skip=("slack_users",))
    calls = len(fake.calls())
    for callback_id, values, metadata, action, block in submissions:
        response = send(app, view_submission(fake, member, callback_id, values, metadata))
        check_answer(response, callback_id=callback_id)
        assert response.json["response_action"] == "errors", response.body
        refusal = response.json["errors"][block]
        assert f"Only coordinators can {action}" in refusal and f"<@{coalition.coordinator}>" in refusal, refusal
    settle(fake)
    assert changed_tables(before, database_state(app.database_url, skip=("slack_users",))) == []
    assert not [c for c in fake.calls()[calls:] if c.method.startswith(("chat.", "views.open"))], "the app acted"

    # The very same edit, submitted by the coordinator, goes through: the refusal was about who sent it.
    response = send(
        app, view_submission(fake, coalition.coordinator, ids.LETTER_EDIT_MODAL, edit_values, submissions[1][2])
    )
    assert response.body == "", response.body
    with db_session(app.database_url) as session:
        assert session.get(Letter, managed["open"]).title == "Hijacked Title"  # type: ignore[union-attr]
        closed = session.get(Letter, managed["closed"])
        assert closed is not None and closed.status == LetterStatus.CLOSED


# ---------------------------------------------------------------------------------------------------
# 3. Nobody edits, withdraws or merges another organization's signature
# ---------------------------------------------------------------------------------------------------


def test_members_cannot_touch_another_organizations_signature(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    letter_id = create_letter(app, coalition)
    owner, intruder = coalition.members[0], coalition.members[1]
    sign_on(app, owner, letter_id, coalition.public, "Owner Organization", email="o@owner.org")
    sign_on(app, intruder, letter_id, coalition.public, "Intruder Collective", email="i@intruder.org")
    wait_for_receipts(app, letter_id)
    rows = {s.org_name: s.id for s in signatories(app.database_url, letter_id)}
    theirs, mine = rows["Owner Organization"], rows["Intruder Collective"]
    receipt = [m for m in fake.dm_messages(intruder) if "You signed on" in str(m.get("text"))][-1]
    on_receipt = {"message": (receipt["channel"], receipt["ts"])}
    settle(fake)
    before = settled_state(app, skip=("slack_users",))

    attempts: list[tuple[str, str, str]] = [
        (ids.EDIT_SIGNATURE, str(theirs), "Only the people who signed for this organization"),
        (ids.WITHDRAW_SIGNATURE, str(theirs), "Only the people who signed for this organization"),
        (ids.WITHDRAW_AFTER_CHANGE, str(theirs), "Only the people who signed for this organization"),
        (ids.KEEP_SIGNATURE, str(theirs), "Only the people who signed for this organization"),
        (ids.CONFIRM_MERGE, f"{theirs}:{mine}", "Only the person who signed"),
        (ids.DECLINE_MERGE, str(theirs), "Only the person who signed"),
        # Folding one's own signature into another organization would make the intruder one of its contacts.
        (ids.CONFIRM_MERGE, f"{mine}:{theirs}", "Only a coordinator can merge these two organizations"),
    ]

    def answered(refusal: str, messages: int, shown: int) -> bool:
        said = "\n".join(told(fake, intruder)[messages:])
        return refusal in said or refusal in json.dumps(views_opened_for(fake, intruder)[shown:])

    for action_id, value, refusal in attempts:
        messages, shown = len(told(fake, intruder)), len(views_opened_for(fake, intruder))
        send(app, block_action(fake, intruder, action_id, value, **on_receipt))
        fake.wait_until(lambda r=refusal, m=messages, s=shown: answered(r, m, s))
    # And the modals behind Edit and Withdraw, crafted with the other organization's signature.
    edit_meta = json.dumps({"l": letter_id, "s": "post_button", "c": coalition.public, "sig": theirs})
    response = send(
        app, view_submission(fake, intruder, ids.SIGNON_EDIT_MODAL, signon_state(org="Renamed By Intruder"), edit_meta)
    )
    assert "Only the people who signed" in response.json["errors"]["org"], response.body
    response = send(app, view_submission(fake, intruder, ids.WITHDRAW_MODAL, {}, json.dumps({"sig": theirs})))
    assert "Only the people who signed" in json.dumps(response.json), response.body

    settle(fake)
    assert changed_tables(before, database_state(app.database_url, skip=("slack_users",))) == []
    assert not [v for v in views_opened_for(fake, intruder) if v.get("callback_id") == ids.SIGNON_EDIT_MODAL]
    # The owner's signature is untouched and the intruder cannot act for it now either.
    response = send(app, block_action(fake, intruder, ids.WITHDRAW_SIGNATURE, str(theirs), **on_receipt))
    settle(fake)
    owner_row = {s.id: s for s in signatories(app.database_url, letter_id, status=None)}[theirs]
    assert owner_row.status == SignatoryStatus.ACTIVE and owner_row.org_name == "Owner Organization"
    # While the owner can still withdraw their own.
    owner_receipt = [m for m in fake.dm_messages(owner) if "You signed on" in str(m.get("text"))][-1]
    app.driver.click(owner, ids.WITHDRAW_SIGNATURE, message=(owner_receipt["channel"], owner_receipt["ts"]))
    fake.wait_until(lambda: theirs not in {s.id for s in signatories(app.database_url, letter_id)})


# ---------------------------------------------------------------------------------------------------
# 4. Text people type is shown as text, never as a mention, a channel link or a link
# ---------------------------------------------------------------------------------------------------

HOSTILE = "<!channel> <!here> <@U123> <#C123> *bold* _it_ ~strike~ `code` <https://evil.example|click>"
LIVE_TOKENS = ("<!channel>", "<!here>", "<@U123>", "<#C123>", "<https://evil.example|click>")
# The only <…> sequences signon itself writes in mrkdwn: mentions of real people, channel links, dates.
OWN_SEQUENCE = re.compile(
    r"@(?P<user>[UW][A-Z0-9]+)|#(?P<channel>[CG][A-Z0-9]+)(?:\|[^|<>]*)?|!date\^\d+\^[^|<>]+\|[^<>]+"
)


def hostile(tag: str) -> str:
    return f"{tag} {HOSTILE}"


def rendered_text(fake: FakeSlack) -> list[tuple[str, str, str]]:
    """(where, kind, text) for every text the app ever showed: every Web API call, response URL, slash-command
    acknowledgement and view, walked block by block. kind is "plain_text", "mrkdwn" or "text" (a message's
    top-level text and attachment text, which Slack formats as mrkdwn)."""
    found: list[tuple[str, str, str]] = []

    def walk(where: str, node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                found.append((where, str(node["type"]), node["text"]))
                return
            for value in node.values():
                walk(where, value)
        elif isinstance(node, list):
            for value in node:
                walk(where, value)

    def message(where: str, text: Any, blocks: Any, attachments: Any = None, *, mrkdwn: Any = True) -> None:
        if isinstance(text, str) and text:
            # mrkdwn false: Slack shows the top-level text as written, like a plain_text object.
            plain_text = mrkdwn is False or str(mrkdwn).lower() in ("false", "0")
            found.append((where, "plain_text" if plain_text else "text", text))
        walk(where, blocks)
        for attachment in attachments or []:
            if isinstance(attachment, dict):
                for key in ("text", "pretext", "fallback", "title"):
                    if isinstance(attachment.get(key), str):
                        found.append((where, "text", attachment[key]))
                walk(where, attachment.get("blocks"))

    for call in fake.calls():
        params = call.params
        where = f"{call.method} {params.get('channel') or params.get('user_id') or ''}".strip()
        if call.method.startswith("chat.") or call.method == "response_url":
            blocks, attachments = call.param_json("blocks"), call.param_json("attachments")
            message(where, params.get("text"), blocks, attachments, mrkdwn=params.get("mrkdwn", True))
        elif call.method.startswith("views."):
            view = call.param_json("view") or {}
            walk(f"{call.method} {view.get('callback_id') or view.get('type')} {params.get('user_id', '')}", view)
        elif call.method == "files.completeUploadExternal":
            message(where, params.get("initial_comment"), None)
    for stored in fake.messages(include_deleted=True):
        for version in [stored, *(stored.get("history") or [])]:
            message(
                f"message {stored['channel']}",
                version.get("text"),
                version.get("blocks"),
                version.get("attachments"),
                mrkdwn=version.get("mrkdwn", True),
            )
    for ephemeral in fake.ephemerals():
        where = f"{ephemeral['source']} {ephemeral['user']}"
        message(where, ephemeral.get("text"), ephemeral.get("blocks"), mrkdwn=ephemeral.get("mrkdwn", True))
    for view in fake.run_locked(lambda state: [state.view_json(v) for v in state.views.values()]):
        walk(f"view {view.get('callback_id') or view.get('type')}", view)
    return found


def assert_nothing_live(fake: FakeSlack, items: list[tuple[str, str, str]]) -> None:
    users, channels = fake.run_locked(lambda state: (set(state.users), set(state.channels)))
    for where, kind, text in items:
        if kind == "plain_text":
            continue
        for token in LIVE_TOKENS:
            assert token not in text, f"live {token} in {kind} of {where}: {text[:300]!r}"
        for sequence in re.findall(r"<([^<>]*)>", text):
            own = OWN_SEQUENCE.fullmatch(sequence)
            assert own, f"<{sequence}> in {kind} of {where} is not signon's own: {text[:300]!r}"
            assert own["user"] is None or own["user"] in users, f"mention of unknown {own['user']} in {where}"
            assert own["channel"] is None or own["channel"] in channels, f"unknown channel in {where}"


# What members type: Slack's mrkdwn cannot escape *, _ and ~, so these are only ever shown in plain_text objects
# or inside code (the export's list). Letter titles and texts come from coordinators and may use mrkdwn.
MEMBER_TAGS = ("ORGTAG", "NAMETAG", "PTITLETAG", "CITYTAG", "NOTETAG", "PICKTAG", "LATETAG")
CODE = re.compile(r"```.*?```|`[^`]*`", re.DOTALL)


def assert_member_text_never_formatted(items: list[tuple[str, str, str]]) -> None:
    formatted = {
        f"{tag} in {where}: {text[:200]!r}"
        for where, kind, text in items
        if kind in ("mrkdwn", "text")
        for tag in MEMBER_TAGS
        if f"{tag} &lt;!channel&gt;" in CODE.sub("", text)
    }
    assert not formatted, "member-typed text formatted as mrkdwn:\n" + "\n".join(sorted(formatted))


def test_typed_text_is_never_live_in_any_message_or_view(
    fake: FakeSlack, coalition: Coalition, database_url: str
) -> None:
    app = start_app(fake, database_url, coalition, env={"SIGNON_DIGEST_INTERVAL": "2s"})
    try:
        _every_surface_with_hostile_text(app, coalition)
        items = rendered_text(fake)
        assert_nothing_live(fake, items)
        assert_member_text_never_formatted(items)
        _every_surface_was_seen(fake, coalition, items)
        check_app_health(app)
    finally:
        app.process.stop()


def _every_surface_with_hostile_text(app: RunningApp, coalition: Coalition) -> None:
    fake, coordinator = app.fake, coalition.coordinator
    signer, twin, colleague, picker = coalition.members
    late = fake.add_user(name="late", real_name="Lee Late", email="lee@late.org")["id"]
    fake.add_members(coalition.public, late)
    text = f"Dear all,\n\nTEXTTAG {HOSTILE}\n\n1. We ask for {HOSTILE}.\n\nSincerely,"
    letter_id = create_letter(
        app, coalition, title=hostile("TTAG"), text=text, leads=hostile("LEADTAG"), reminders="72h, 24h"
    )
    create_letter(app, coalition, title="Plain Letter")
    channel = coalition.public
    org = f"Sunrise Movement Boston Hub ORGTAG {HOSTILE}"
    person = {"name": hostile("NAMETAG"), "title": hostile("PTITLETAG"), "city": hostile("CITYTAG")}
    assert sign_on(app, signer, letter_id, channel, org, note=hostile("NOTETAG"), **person).ok
    # A near-duplicate of it: a question on the receipt, a pair in the review list and on the Home tab.
    assert sign_on(app, twin, letter_id, channel, f"Sunrise Movement Boston ORGTAG {HOSTILE}", email="t@twin.org").ok
    # The same organization again: "already signed by <name>".
    assert sign_on(app, colleague, letter_id, channel, org.upper(), email="c@colleague.org").ok
    # The post shows the latest organizations (posts are refreshed a few seconds apart).
    post = post_of(app, letter_id, channel)
    fake.wait_until(lambda: "Latest: Sunrise Movement Boston" in message_text(fake.message(*post) or {}), timeout=10)
    # Two letters open in the channel: the picker lists both.
    app.driver.slash_command(picker, "/signon", "", channel_id=channel)
    wait_for_modal(fake, picker, "letter_picker")
    app.driver.click(picker, "pick_letter", str(letter_id))
    wait_for_modal(fake, picker, "signon_submit")
    app.driver.submit_view(picker, values=signon_values(hostile("PICKTAG"), email="p@picker.org"))
    for words in ("list", "status", "help", HOSTILE, f"{HOSTILE} nothing like it", f"withdraw {HOSTILE}"):
        assert app.driver.slash_command(signer, "/signon", words, channel_id=channel).ok
    app.driver.click(signer, "read_letter", message=post_of(app, letter_id, channel))
    wait_for_modal(fake, signer, "letter_read")
    for words in (f"review {letter_id}", f"export {letter_id}", f"edit zzqq {HOSTILE}", f"close zzqq {HOSTILE}"):
        assert app.driver.slash_command(coordinator, "/signon", words, channel_id=channel).ok
    home_view_of(app, signer)
    home_view_of(app, coordinator)
    fake.wait_until(lambda: len([f for f in fake.files() if f.get("completed")]) >= 4, timeout=10)
    assert sign_on(app, late, letter_id, channel, hostile("LATETAG"), email="l@late.org").ok
    app.driver.slash_command(coordinator, "/signon", f"export {letter_id} changes", channel_id=channel)
    # Digest of new sign-ons, then a reminder run and its digest.
    fake.wait_until(lambda: "new sign-on" in said_to(fake, coordinator), timeout=15)
    with db_session(app.database_url) as session:
        session.execute(
            update(ReminderRun)
            .where(ReminderRun.letter_id == letter_id, ReminderRun.offset_seconds == 259200)
            .values(due_at=datetime.now(UTC))
        )
        session.commit()
    fake.wait_until(lambda: "went out" in said_to(fake, coordinator), timeout=15)
    # A member withdraws: the coordinators are told which organization.
    app.driver.slash_command(picker, "/signon", f"withdraw {letter_id}", channel_id=channel)
    wait_for_modal(fake, picker, "withdraw_submit")
    app.driver.submit_view(picker)
    fake.wait_until(lambda: "withdrew" in said_to(fake, coordinator), timeout=10)
    # A substantive edit with a change note: signers are asked to confirm again.
    app.driver.slash_command(coordinator, "/signon", f"edit {letter_id}", channel_id=channel)
    wait_for_modal(fake, coordinator, "letter_edit_submit")
    values: dict[str, dict[str, Any]] = {
        "letter_text_1": {"letter_text": text.replace("Sincerely", f"EDITTAG {HOSTILE}\n\nSincerely")},
        "substantive": {"substantive": ["substantive"]},
        "change_note": {"change_note": hostile("CHANGETAG")},
    }
    assert not app.driver.submit_view(coordinator, values=values).errors
    fake.wait_until(lambda: "CHANGETAG" in said_to(fake, signer), timeout=10)
    # Close (the final list goes to the coordinators), then reopen.
    close_letter(app, coordinator, letter_id, channel)
    fake.wait_until(lambda: "Final list" in said_to(fake, coordinator), timeout=15)
    app.driver.slash_command(coordinator, "/signon", f"reopen {letter_id}", channel_id=channel)
    settle(fake)


def _every_surface_was_seen(fake: FakeSlack, coalition: Coalition, items: list[tuple[str, str, str]]) -> None:
    """The walk above saw the hostile text on each surface: the check cannot pass by looking at nothing."""
    coordinator, signer, twin = coalition.coordinator, coalition.members[0], coalition.members[1]
    escaped = "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;#C123&gt;"

    def dm(user_id: str) -> str:
        """Receipts and reminders go to the DM conversation itself (its history is searched after a crash)."""
        return fake.dm_channel_id(user_id)

    def seen(where: str, *needles: str, kind: str | None = None) -> bool:
        return any(where in w and all(n in t for n in needles) and (kind is None or k == kind) for w, k, t in items)

    surfaces = {
        "the channel post": seen(f"chat.update {coalition.public}", "TTAG"),
        "the post's latest signers": seen(f"chat.update {coalition.public}", "Latest: ", "ORGTAG", kind="plain_text"),
        "the receipt": all(seen(f"message {dm(signer)}", t) for t in ("ORGTAG", "NAMETAG", "CITYTAG", "NOTETAG")),
        "the signed modal": seen("view info", "ORGTAG"),
        "already signed": seen("view info", "NAMETAG", kind="plain_text") and seen("view info", "signed by"),
        "the duplicate question": seen(f"message {dm(twin)}", "Same organization as", "ORGTAG"),
        "the picker": seen("letter_picker", "TTAG"),
        "the read-letter modal": seen("letter_read", "TEXTTAG") and seen("letter_read", "LEADTAG"),
        "the Home tab": seen("views.publish", "TTAG") and seen("views.publish", "New: Sunrise Movement Boston ORGTAG"),
        "the review list": seen(f"command_ack {coordinator}", "New: Sunrise Movement Boston ORGTAG"),
        "list and status": seen(f"command_ack {signer}", "TTAG") and seen(f"command_ack {signer}", "ORGTAG"),
        "the export message": seen("chat.postMessage", "```", "ORGTAG"),
        "the changes since the export": seen("chat.postMessage", "*New*", "LATETAG"),
        "the digest": seen(f"chat.postMessage {coordinator}", "New: ", "ORGTAG", kind="plain_text"),
        "reminders": seen("chat.postMessage", "TTAG", "Reminder"),
        "the reminder digest": seen(f"chat.postMessage {coordinator}", "TTAG", "went out"),
        "the withdrawal notice": seen(f"chat.postMessage {coordinator}", "PICKTAG", "withdrew"),
        "the re-confirmation": seen(f"chat.postMessage {signer}", "CHANGETAG"),
        "the closing notice": seen(f"chat.postMessage {coordinator}", "TTAG", "closed"),
        "escaped in mrkdwn": seen("", "TTAG " + escaped, kind="mrkdwn"),
    }
    missing = [name for name, ok in surfaces.items() if not ok]
    assert not missing, f"hostile text never reached: {missing}"


# ---------------------------------------------------------------------------------------------------
# 5. Spreadsheet formulas: neutralized in the CSV, exact in the .txt and the database
# ---------------------------------------------------------------------------------------------------

FORMULA_NAMES = ['=HYPERLINK("http://x")', "+1 Coalition", "-AMOR-", "@SUM(1)", "\tTabbed Org", "\rCarriage Org"]


def test_formula_names_are_neutralized_in_the_csv_only(app: RunningApp, coalition: Coalition) -> None:
    fake = app.fake
    letter_id = create_letter(app, coalition, leads='=Lead("x")\n@Lead Two')
    people = [fake.add_user(name=f"formula{i}", email=f"f{i}@formula{i}.org")["id"] for i in range(len(FORMULA_NAMES))]
    fake.add_members(coalition.public, *people)
    for index, (person, org) in enumerate(zip(people, FORMULA_NAMES, strict=True)):
        fields = {"name": "=cmd|' /C calc'!A0", "title": "+Director", "city": "-Houston"} if index == 0 else {}
        response = sign_on(
            app, person, letter_id, coalition.public, org, email=f"f{index}@formula{index}.org", **fields
        )
        assert response.ok and not response.errors, (org, response.errors)
    # The database keeps every name as typed; leading tab and CR are whitespace, trimmed like any other.
    stored = sorted(s.org_name for s in signatories(app.database_url, letter_id))
    expected = sorted(name.strip() for name in FORMULA_NAMES)
    assert stored == expected
    app.driver.slash_command(coalition.coordinator, "/signon", f"export {letter_id}", channel_id=coalition.public)
    files = fake.wait_until(lambda: [f for f in fake.files() if f.get("completed")] if len(fake.files()) >= 4 else None)
    by_name = {f["filename"]: f["content"].decode("utf-8") for f in files if f["filename"].endswith((".txt", ".csv"))}
    names = ['=Lead("x")', "@Lead Two", *sorted(expected, key=export_service.sort_key)]
    assert by_name[f"letter-{letter_id}-export-1-signatories.txt"] == "".join(f"{n}\n" for n in names)
    rows = list(csv.reader(io.StringIO(by_name[f"letter-{letter_id}-export-1.csv"].lstrip("\ufeff"))))
    assert [row[0] for row in rows[1:]] == [("'" + n if n[0] in "=+-@" else n) for n in names]
    first = next(row for row in rows if row[0] == "'" + FORMULA_NAMES[0])
    assert first[1:3] == ["'=cmd|' /C calc'!A0", "'+Director"] and first[4] == "'-Houston"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(export_service.FORMULA_TRIGGERS), cell

    # A tab or CR can reach the export only from a name typed before cleaning existed (or a lead written
    # straight into the database): the CSV neutralizes those too, and the .txt keeps them.
    data = export_service.ExportData(
        letter_id,
        "t",
        export_service.ordered_rows([], [export_service.ExportRow(name, i) for i, name in enumerate(FORMULA_NAMES)]),
    )
    cells = [row[0] for row in export_service.csv_rows(data, ENGLISH.csv_labels())][1:]
    assert sorted(cells) == sorted("'" + name for name in FORMULA_NAMES)
    assert sorted(export_service.text_block(data).split("\n")[:-1]) == sorted(FORMULA_NAMES)
    raw = export_service.csv_text(data, ENGLISH.csv_labels())
    parsed = list(csv.reader(io.StringIO(raw.lstrip("\ufeff"), newline="")))
    assert sorted(row[0] for row in parsed[1:]) == sorted("'" + name for name in FORMULA_NAMES)


# ---------------------------------------------------------------------------------------------------
# 6. Overlong input: an inline error or a short answer, nothing stored, never a 5xx
# ---------------------------------------------------------------------------------------------------


def test_overlong_input_is_refused_and_never_stored(app: RunningApp, coalition: Coalition) -> None:
    fake, member = app.fake, coalition.members[0]
    letter_id = create_letter(app, coalition)
    open_signon_from_post(app, member, letter_id, coalition.public)
    for field, value, block, words in [
        ("org", "O" * 5000, "org", "under 200"),
        ("note", "N" * 50_000, "note", "under 1,000"),  # counts are written as the language writes them
        ("name", "P" * 5000, "name", "under 120"),
    ]:
        values = signon_values("Reasonable Org") if field != "org" else signon_values(value)
        if field == "note":
            values["note"] = {"note": value}
        elif field == "name":
            values["name"] = {"person_name": value}
        response = app.driver.submit_view(member, values=values, strict=False)
        check_answer(response, callback_id="signon_submit")
        assert words in (response.errors or {}).get(block, ""), (field, response.errors)
    assert signatories(app.database_url, letter_id, status=None) == []

    # A coordinator's letter: a 1,000-character title and a 100,000-character text box.
    open_new_letter(app, coalition.coordinator, coalition.public)
    values = letter_values(title="T" * 1000, text="x", deadline=local_deadline(), channels=[coalition.public])
    response = app.driver.submit_view(coalition.coordinator, values=values, strict=False)
    assert "under 150" in (response.errors or {}).get("letter_title", ""), response.errors
    values = letter_values(title="Fine", text="x", deadline=local_deadline(), channels=[coalition.public])
    values["letter_text_1"] = {"letter_text": "y" * 100_000}
    response = app.driver.submit_view(coalition.coordinator, values=values, strict=False)
    assert response.ok and response.errors, response.body[:300]
    with db_session(app.database_url) as session:
        assert [letter.id for letter in session.execute(select(Letter)).scalars()] == [letter_id]

    # 100,000 characters of command text: a short answer.
    for text in ("z" * 100_000, "new " + "z" * 100_000, f"export {letter_id} " + "csv " * 25_000):
        response = app.driver.send_raw(command_body(fake, member, text, coalition.public))
        check_answer(response)
        assert len(response.body) < 3000, len(response.body)

    # A megabyte of private_metadata (Slack allows 3,000 characters): refused, nothing signed or withdrawn.
    sign_on(app, coalition.members[1], letter_id, coalition.public, "Signed Before", email="b@before.org")
    [before] = signatories(app.database_url, letter_id)
    pad = "p" * 1_000_000
    for user, callback_id, metadata in [
        (member, ids.SIGNON_MODAL, {"l": letter_id, "s": "post_button", "c": coalition.public, "pad": pad}),
        (coalition.members[1], ids.SIGNON_EDIT_MODAL, {"l": letter_id, "sig": before.id, "pad": pad}),
        (coalition.members[1], ids.WITHDRAW_MODAL, {"sig": before.id, "pad": pad}),
    ]:
        payload = view_submission(fake, user, callback_id, signon_state(org="Megabyte Org"), json.dumps(metadata))
        response = send_interaction(app.driver, payload)
        assert response.status < 500 and len(response.body) < 3000, (response.status, response.body[:300])
        assert "Traceback" not in response.body
        if response.status == 200:
            assert response.json and response.json.get("response_action") == "errors", response.body[:300]
    [after] = signatories(app.database_url, letter_id, status=None)
    assert (after.id, after.org_name, after.status) == (before.id, "Signed Before", SignatoryStatus.ACTIVE)


# ---------------------------------------------------------------------------------------------------
# 7. No token or signing secret in the logs, even at DEBUG and when Slack answers errors
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["web", "socket"])
def test_no_secret_reaches_the_logs(fake: FakeSlack, coalition: Coalition, database_url: str, mode: str) -> None:
    running = start_app(fake, database_url, coalition, mode=mode, env={"LOG_LEVEL": "DEBUG"})
    try:
        app, channel = running, coalition.public
        letter_id = create_letter(app, coalition)
        sign_on(app, coalition.members[0], letter_id, channel, "Logged Org")
        # Slack errors of every kind on the way: refusals, rate limits, server errors, a dropped connection.
        fake.inject("views.open", error="expired_trigger_id")
        app.driver.slash_command(coalition.members[1], "/signon", "", channel_id=channel)
        fake.inject("users.info", error="invalid_auth")
        fake.inject("chat.postMessage", status=429, retry_after=1)
        sign_on(app, coalition.members[2], letter_id, channel, "Rate Limited Org", email="r@rl.org")
        fake.inject("files.getUploadURLExternal", error="token_revoked")
        app.driver.slash_command(coalition.coordinator, "/signon", f"export {letter_id}", channel_id=channel)
        fake.wait_until(lambda: "couldn't deliver the export" in said_to(fake, coalition.coordinator), timeout=10)
        fake.inject("views.publish", status=500)
        app.driver.app_home_opened(coalition.members[3])
        fake.inject("conversations.info", reset_connection=True)
        app.driver.slash_command(coalition.coordinator, "/signon", f"export {letter_id} csv", channel_id=channel)
        if mode == "web":
            body = command_body(fake, coalition.coordinator, "new", channel)
            assert app.driver.send_raw(body, signature="v0=" + "1" * 64).status == 401
            assert app.driver.send_raw(body, timestamp=int(time.time()) - 900).status == 401
            assert app.driver.send_raw(b"payload=%7B", content_type="application/x-www-form-urlencoded").status == 400
        settle(fake)
        log = running.process.logs()
    finally:
        running.process.stop()
    # slack_sdk logs every request's headers at DEBUG: the test exercises the place a token would leak.
    assert "DEBUG slack_sdk" in log and "'Authorization'" in log, "DEBUG logging of Web API calls was not exercised"
    assert "token_revoked" in log and "expired_trigger_id" in log, "the Slack errors were not exercised"
    for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET):
        for piece in (secret, secret[-12:], secret[:12]):
            assert piece not in log, f"{piece!r} appears in the log"
