"""Hand-built Slack requests for security tests and fuzzing: what a crafted (but properly signed) payload
looks like, and the checks every answer and every stored row must pass whatever was sent.

The driver (tests/fakeslack) only sends what Slack's client could send; these builders send anything.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select

from bot.messages import ENGLISH
from bot.services import export as export_service
from db.models import (
    CITY_STATE_MAX,
    EMAIL_MAX,
    LETTER_TITLE_MAX,
    NOTE_MAX,
    ORG_NAME_MAX,
    ORG_TYPE_MAX,
    PERSON_NAME_MAX,
    SLACK_ID_MAX,
    TITLE_MAX,
    Letter,
    Signatory,
    SignatoryContact,
)
from tests.e2e.steps import db_session
from tests.fakeslack import DriverResponse, FakeSlack, SlackDriver, validate_view

APOLOGY = "Sorry, something went wrong on our side"
# What an exception looks like when it leaks into an answer.
LEAK = re.compile(
    r"Traceback|File \"|\b[A-Z][A-Za-z]*(?:Error|Exception)\b|sqlalchemy|psycopg|sqlite3|slack_bolt|slack_sdk"
)


class Big(str):
    """A long string that prints short, so a failing example stays readable."""

    def __repr__(self) -> str:
        return f"Big({str.__repr__(self[:24])}… {len(self):,} chars)"


def rare(draw: Any, odds: int) -> bool:
    """True once in ``odds`` draws. Hypothesis leans towards 0 and the first items of ``sampled_from``, so
    ``integers(0, n) == 0`` would come up far more often than 1 in n+1: the rare case goes last here."""
    from hypothesis import strategies as st

    return bool(draw(st.sampled_from([False] * (odds - 1) + [True])))


def log_delta(text: str, seen: int) -> tuple[str, int]:
    """What the log gained since ``seen`` characters, and the new position."""
    return text[seen:], len(text)


# The sign-on modal's input blocks (block_id -> action_id, element type).
SIGNON_INPUTS = {
    "org": ("org_name", "plain_text_input"),
    "name": ("person_name", "plain_text_input"),
    "title": ("person_title", "plain_text_input"),
    "email": ("email", "plain_text_input"),
    "city": ("city_state", "plain_text_input"),
    "org_type": ("org_type", "static_select"),
    "authorized": ("authorized", "checkboxes"),
    "note": ("note", "plain_text_input"),
}
LETTER_INPUT_BLOCKS = {
    "letter_title",
    "letter_text_1",
    "letter_text_2",
    "letter_text_3",
    "letter_text_4",
    "deadline_date",
    "deadline_time",
    "channels",
    "lead_orgs",
    "reminders",
    "cocoordinators",
    "substantive",
    "change_note",
}
INPUT_BLOCKS = {
    "signon_submit": set(SIGNON_INPUTS),
    "signon_edit_submit": set(SIGNON_INPUTS),
    "letter_new_submit": LETTER_INPUT_BLOCKS,
    "letter_edit_submit": LETTER_INPUT_BLOCKS,
    "letter_reopen_submit": {"deadline_date", "deadline_time"},
    "withdraw_submit": set(),
}


def user_ref(fake: FakeSlack, user_id: str) -> dict[str, Any]:
    user = fake.user(user_id)
    return {"id": user_id, "username": user["name"], "name": user["name"], "team_id": user["team_id"]}


def interaction(fake: FakeSlack, kind: str, user_id: str, *, trigger: bool = True) -> dict[str, Any]:
    """The fields every interaction payload carries (slack-platform.md §2.7)."""
    team = fake.team()
    body: dict[str, Any] = {
        "type": kind,
        "user": user_ref(fake, user_id),
        "api_app_id": fake.app_id,
        "token": fake.verification_token,
        "team": {"id": team["id"], "domain": team.get("domain", "")},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if trigger:
        body["trigger_id"] = fake.issue_trigger(user_id)
    return body


def text_entry(value: Any, kind: str = "plain_text_input") -> dict[str, Any]:
    return {"type": kind, "value": value}


def signon_state(*, authorized: bool = True, **fields: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """``state.values`` of a filled sign-on form; ``fields`` override (None: the input is missing)."""
    values: dict[str, Any] = {
        "org": "Crafted Organization",
        "name": "Pat Crafted",
        "title": "Director",
        "email": "pat@crafted.org",
        "city": None,
        "org_type": None,
        "note": None,
    }
    values.update(fields)
    state: dict[str, dict[str, dict[str, Any]]] = {}
    for block_id, value in values.items():
        action_id, kind = SIGNON_INPUTS[block_id]
        if kind == "static_select":
            entry = {"type": kind, "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value}}
            state[block_id] = {action_id: entry if value else {"type": kind, "selected_option": None}}
        else:
            state[block_id] = {action_id: text_entry(value)}
    state["authorized"] = {
        "authorized": {"type": "checkboxes", "selected_options": [{"value": "yes"}] if authorized else []}
    }
    return state


def view_submission(
    fake: FakeSlack,
    user_id: str,
    callback_id: str,
    values: Any,
    private_metadata: Any = "",
    *,
    view_id: str = "V0CRAFTED1",
) -> dict[str, Any]:
    body = interaction(fake, "view_submission", user_id)
    body["view"] = {
        "id": view_id,
        "team_id": fake.team_id,
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": private_metadata,
        "state": {"values": values},
        "hash": "1700000000.crafted",
        "title": {"type": "plain_text", "text": "Crafted"},
        "blocks": [],
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": fake.app_id,
        "external_id": "",
        "app_installed_team_id": fake.team_id,
        "bot_id": fake.bot_id,
    }
    body["response_urls"] = []
    return body


def block_action(
    fake: FakeSlack,
    user_id: str,
    action_id: str,
    value: Any,
    *,
    block_id: str = "crafted",
    message: tuple[str, str] | None = None,
    view: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A button press on ``message`` (channel, ts) — with a response_url — or in ``view`` (Home tab or modal)."""
    body = interaction(fake, "block_actions", user_id)
    if message is not None:
        channel_id, ts = message
        body["container"] = {"type": "message", "message_ts": ts, "channel_id": channel_id, "is_ephemeral": False}
        body["channel"] = {"id": channel_id, "name": fake.channel(channel_id).get("name", "")}
        stored = fake.message(channel_id, ts)
        if stored is not None:
            body["message"] = {"type": "message", "ts": ts, "text": stored.get("text"), "blocks": stored.get("blocks")}
        body["response_url"] = fake.issue_response_url(user_id=user_id, channel_id=channel_id, message_ts=ts)
    elif view is not None:
        body["container"] = {"type": "view", "view_id": view["id"]}
        body["view"] = view
    body["actions"] = [
        {
            "action_id": action_id,
            "block_id": block_id,
            "type": "button",
            "text": {"type": "plain_text", "text": "Crafted"},
            "value": value,
            "action_ts": "1700000000.000100",
        }
    ]
    return body


def form_body(payload: Any) -> str:
    return urlencode({"payload": payload if isinstance(payload, str) else json.dumps(payload)})


def send_interaction(driver: SlackDriver, payload: Any) -> DriverResponse:
    """POST an interaction payload to the app, properly signed (only the content is crafted)."""
    return driver.send_raw(form_body(payload))


def command_body(fake: FakeSlack, user_id: str, text: str, channel_id: str, command: str = "/signon") -> str:
    team = fake.team()
    fields = {
        "token": fake.verification_token,
        "team_id": team["id"],
        "team_domain": team.get("domain", ""),
        "channel_id": channel_id,
        "channel_name": fake.channel(channel_id).get("name", ""),
        "user_id": user_id,
        "user_name": fake.user(user_id)["name"],
        "command": command,
        "text": text,
        "api_app_id": fake.app_id,
        "is_enterprise_install": "false",
        "response_url": fake.issue_response_url(user_id=user_id, channel_id=channel_id),
        "trigger_id": fake.issue_trigger(user_id),
    }
    return urlencode(fields)


# ---------------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------------


def check_answer(response: DriverResponse, *, callback_id: str | None = None) -> None:
    """What the app answers a request is never a 5xx, never an exception, always valid for Slack."""
    assert response.status != 0, f"no answer: {response.body[:300]}"
    assert response.status < 500, f"HTTP {response.status}: {response.body[:300]}"
    assert not response.timed_out, f"took {response.elapsed:.2f}s"
    assert not LEAK.search(response.body), f"exception text in the answer: {response.body[:500]}"
    assert APOLOGY not in response.body, "the app hit an unexpected error (it apologized)"
    body = response.json
    if response.status != 200:  # refused before any listener ran (bad signature, not Slack's envelope)
        assert response.status in (400, 401, 404), response.status
        assert len(response.body) < 200, response.body[:300]
        return
    if callback_id is None or not isinstance(body, dict) or not body:
        return
    action = body.get("response_action")
    assert action in ("errors", "update", "push", "clear"), body
    if action == "errors":
        errors = body.get("errors")
        assert isinstance(errors, dict) and errors, body
        allowed = INPUT_BLOCKS.get(callback_id)
        for key, message in errors.items():
            assert allowed is None or key in allowed, f"errors key {key!r} is not an input of {callback_id}"
            assert isinstance(message, str) and message.strip(), body
    elif action in ("update", "push"):
        problems = validate_view(body.get("view"), expected_type="modal")
        assert not problems, problems


def check_log(log: str) -> None:
    assert "Traceback" not in log, log[-4000:]
    assert "unhandled error" not in log, log[-4000:]


LENGTHS = {
    "org_name": ORG_NAME_MAX,
    "org_key": ORG_NAME_MAX,
    "signer_name": PERSON_NAME_MAX,
    "signer_title": TITLE_MAX,
    "signer_email": EMAIL_MAX,
    "city_state": CITY_STATE_MAX,
    "org_type": ORG_TYPE_MAX,
    "note": NOTE_MAX,
    "source": 24,
    "source_channel_id": SLACK_ID_MAX,
    "signer_user_id": SLACK_ID_MAX,
    "signer_team_id": SLACK_ID_MAX,
}
CONTACT_LENGTHS = {
    "name": PERSON_NAME_MAX,
    "title": TITLE_MAX,
    "email": EMAIL_MAX,
    "user_id": SLACK_ID_MAX,
    "team_id": SLACK_ID_MAX,
    "source": 24,
}


def check_stored_rows(database_url: str) -> int:
    """Every stored signatory fits its columns (SQLite does not enforce VARCHAR lengths) and every letter's
    export works: the .txt has one name per line, the CSV round-trips through csv.reader and no cell can run
    as a formula. Returns how many signatories were checked."""
    checked = 0
    with db_session(database_url) as session:
        for signatory in session.execute(select(Signatory)).scalars():
            checked += 1
            for column, limit in LENGTHS.items():
                value = getattr(signatory, column)
                assert value is None or len(value) <= limit, (column, len(value), value[:80])
            assert signatory.org_name == signatory.org_name.strip() and signatory.org_name, signatory.org_name
        for contact in session.execute(select(SignatoryContact)).scalars():
            for column, limit in CONTACT_LENGTHS.items():
                value = getattr(contact, column)
                assert value is None or len(value) <= limit, (column, len(value), value[:80])
        for letter in session.execute(select(Letter)).scalars():
            assert len(letter.title) <= LETTER_TITLE_MAX
            data = export_service.load_export(session, letter)
            check_export(data)
    return checked


def check_export(data: export_service.ExportData) -> None:
    text = export_service.text_block(data)
    assert text == "".join(f"{name}\n" for name in data.names)
    assert text.split("\n")[:-1] == data.names, "a name spans several lines in the .txt"
    assert text.splitlines() == data.names, "a name holds a line break (str.splitlines)"
    raw = export_service.csv_text(data, ENGLISH.csv_labels())
    assert raw.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(raw[1:], newline="")))
    expected = list(export_service.csv_rows(data, ENGLISH.csv_labels()))
    assert parsed == expected, "the CSV does not round-trip through csv.reader"
    assert len(parsed) == len(data.rows) + 1
    for row in parsed[1:]:
        assert len(row) == len(ENGLISH.csv_labels().header)
        for cell in row:
            assert not cell.startswith(export_service.FORMULA_TRIGGERS), f"formula cell {cell[:40]!r}"
