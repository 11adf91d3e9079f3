"""Fuzzing interactivity payloads: random action_ids, values and block_ids, malformed JSON shapes, missing
or wrongly typed user/team/trigger fields — each properly signed and POSTed like Slack's
``payload=<JSON>`` form, plus a few raw bodies and event envelopes.

Properties: never a 5xx, never an exception in the answer or a stack trace in the log, and whatever ends up
stored still exports."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import ids
from tests.fuzz.conftest import FuzzTarget, fuzz_settings
from tests.fuzz.crafted import (
    Big,
    check_answer,
    check_log,
    check_stored_rows,
    form_body,
    interaction,
    log_delta,
    rare,
    signon_state,
)

pytestmark = [
    pytest.mark.fuzz,
    # The fake Slack's server threads draw ids from `random` while hypothesis generates examples.
    pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies"),
]

ACTION_IDS = [
    ids.SIGN_ON_BUTTON,
    ids.READ_LETTER_BUTTON,
    ids.PICK_LETTER,
    ids.EDIT_SIGNATURE,
    ids.WITHDRAW_SIGNATURE,
    ids.CONFIRM_MERGE,
    ids.DECLINE_MERGE,
    ids.REVIEW_MERGE,
    ids.REVIEW_DISMISS,
    ids.REMOVE_SIGNATORY,
    ids.KEEP_SIGNATURE,
    ids.WITHDRAW_AFTER_CHANGE,
    ids.STOP_REMINDERS,
    ids.ORG_ALREADY_SIGNED,
    ids.EDIT_LETTER,
    ids.CLOSE_LETTER,
    ids.REOPEN_LETTER,
    ids.EXPORT_LETTER,
    ids.HOME_REFRESH,
]
CALLBACK_IDS = [
    ids.SIGNON_MODAL,
    ids.SIGNON_EDIT_MODAL,
    ids.LETTER_PICKER_MODAL,
    ids.LETTER_NEW_MODAL,
    ids.LETTER_EDIT_MODAL,
    ids.LETTER_REOPEN_MODAL,
    ids.WITHDRAW_MODAL,
    ids.INFO_MODAL,
    "",
    "nope",
]
chars = st.characters(exclude_categories=("Cs",))
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(chars, max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)
numbers = st.one_of(st.integers(-3, 40), st.sampled_from([2**31, 2**63, 10**30]))
values = st.one_of(
    numbers.map(str),
    st.tuples(numbers, numbers).map(lambda t: f"{t[0]}:{t[1]}"),
    st.tuples(numbers, st.sampled_from(["post_button", "reminder_dm", "app_home", "x", ""])).map(
        lambda t: f"{t[0]}:{t[1]}"
    ),
    st.sampled_from(["1e9", "NaN", "inf", "-0", " 1", "1 ", "١", "𝟙", "0x1", "1_0", ":", "1::", Big("9" * 5000)]),
    st.text(chars, max_size=20),
    junk,
)


def sometimes(draw: st.DrawFn, strategy: st.SearchStrategy[Any], odds: int = 4) -> Any:
    """``strategy``'s value once in ``odds`` draws; otherwise the marker ``...`` (leave the default)."""
    return draw(strategy) if rare(draw, odds) else ...


@st.composite
def payloads(draw: st.DrawFn, target: FuzzTarget) -> Any:
    fake, coalition = target.fake, target.coalition
    if rare(draw, 10):
        return draw(st.one_of(st.text(chars, max_size=30), st.sampled_from(["{", "[", "null", '"x"', "1", "{}"])))
    if rare(draw, 10):
        return json.dumps(draw(st.one_of(junk, st.lists(junk, max_size=3))))
    users = [*coalition.members, coalition.coordinator, coalition.external]
    user_id = users[draw(st.integers(0, len(users) - 1))]
    kind = draw(
        st.sampled_from(
            ["block_actions"] * 6 + ["view_submission"] * 3 + ["view_closed", "shortcut", "block_suggestion"]
        )
    )
    body = interaction(fake, kind, user_id)
    container = draw(st.integers(0, 3))
    if kind == "block_actions":
        action: dict[str, Any] = {
            "action_id": draw(
                st.one_of(st.sampled_from(ACTION_IDS), st.sampled_from(ACTION_IDS), st.text(max_size=10))
            ),
            "block_id": draw(st.one_of(st.just("b"), st.text(chars, max_size=10))),
            "type": draw(st.sampled_from(["button", "static_select", "overflow", "checkboxes", "x"])),
            "action_ts": "1700000000.000100",
        }
        value = draw(values)
        if draw(st.booleans()):
            action["value"] = value
        else:
            action["selected_option"] = draw(
                st.one_of(st.builds(lambda v: {"text": {"type": "plain_text", "text": "x"}, "value": v}, values), junk)
            )
        if (broken := sometimes(draw, junk, 8)) is not ...:
            action[draw(st.sampled_from(["action_id", "block_id", "type", "value"]))] = broken
        body["actions"] = draw(st.one_of(junk, st.lists(junk, max_size=2))) if rare(draw, 10) else [action]
        if container == 0:
            body["container"] = {"type": "message", "message_ts": "1.2", "channel_id": coalition.public}
            body["channel"] = {"id": coalition.public, "name": "coalition"}
            body["message"] = {"type": "message", "ts": "1.2", "text": "x"}
            body["response_url"] = fake.issue_response_url(user_id=user_id, channel_id=coalition.public)
        elif container == 1:
            body["container"] = {"type": "message", "channel_id": "D" + user_id[1:], "is_ephemeral": False}
            body["response_url"] = fake.issue_response_url(user_id=user_id, channel_id=coalition.public)
    if kind in ("view_submission", "view_closed") or (kind == "block_actions" and container >= 2):
        view: dict[str, Any] = {
            "id": "V0FUZZ",
            "type": draw(st.sampled_from(["modal"] * 4 + ["home"] * 2 + ["workflow_step", ""])),
            "callback_id": draw(st.text(max_size=8) if rare(draw, 8) else st.sampled_from(CALLBACK_IDS)),
            "private_metadata": draw(
                st.one_of(
                    st.sampled_from(
                        [
                            json.dumps({"l": target.letter_id, "s": "post_button", "c": coalition.public}),
                            json.dumps({"letter_id": target.letter_id}),
                            json.dumps({"sig": 1}),
                            json.dumps({"s": "x", "c": None}),
                            "",
                        ]
                    ),
                    st.text(chars, max_size=20),
                    st.builds(json.dumps, junk),
                )
            ),
            "state": {"values": draw(st.one_of(st.just(signon_state()), st.just({}), junk))},
            "hash": "1.x",
            "app_installed_team_id": fake.team_id,
        }
        if (broken := sometimes(draw, junk, 8)) is not ...:
            view[draw(st.sampled_from(["id", "type", "callback_id", "state", "private_metadata"]))] = broken
        if rare(draw, 10):
            del view[draw(st.sampled_from(sorted(view)))]
        body["view"] = draw(junk) if rare(draw, 12) else view
        if kind == "block_actions":
            body["container"] = {"type": "view", "view_id": "V0FUZZ"}
    if kind == "shortcut":
        body["callback_id"] = draw(st.text(max_size=8))
    # Missing or wrongly typed envelope fields, once in four.
    envelope = ["user", "team", "trigger_id", "type", "enterprise", "container", "channel", "api_app_id"]
    broken_keys = sometimes(draw, st.lists(st.sampled_from(envelope), min_size=1, max_size=2, unique=True))
    for key in [] if broken_keys is ... else broken_keys:
        if draw(st.booleans()):
            body.pop(key, None)
        else:
            body[key] = draw(junk)
    if (user_id_value := sometimes(draw, junk, 10)) is not ... and isinstance(body.get("user"), dict):
        body["user"]["id"] = user_id_value
    return body


def test_interaction_payloads(target: FuzzTarget) -> None:
    app, fake = target.app, target.fake
    log_seen = 0

    @fuzz_settings(500)
    @given(payload=payloads(target))
    def run(payload: Any) -> None:
        nonlocal log_seen
        response = app.driver.send_raw(form_body(payload))
        check_answer(response)
        new, log_seen = log_delta(app.process.logs(), log_seen)
        check_log(new)

    run()
    check_log(app.process.logs())
    fake.assert_no_violations()
    check_stored_rows(app.database_url)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        (b"payload=%FF%FE", "application/x-www-form-urlencoded"),
        (b"{", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'"event_callback"', "application/json"),
        (b'{"type": "event_callback"}', "application/json"),
        (b'{"type": "event_callback", "event": "x"}', "application/json"),
        (b'{"type": "event_callback", "event": {"type": "app_home_opened"}}', "application/json"),
        (b'{"type": "event_callback", "event": {"type": "app_home_opened", "user": ["U1"]}}', "application/json"),
        (b'{"type": "event_callback", "event": {"type": "app_home_opened", "user": "U0NOBODY"}}', "application/json"),
        (b'{"type": "event_callback", "authorizations": "x", "event": {"type": "x"}}', "application/json"),
        (b'{"type": "url_verification"}', "application/json"),
        (b'{"type": "url_verification", "challenge": ["x"]}', "application/json"),
        (b"command=%2Fsignon&text=help", "application/x-www-form-urlencoded"),
        (b"command=%2Fsignon&user_id=U1&text=new", "application/x-www-form-urlencoded"),
        (b"ssl_check=1&token=x", "application/x-www-form-urlencoded"),
        (b"payload=", "application/x-www-form-urlencoded"),
        (b"payload=%7B%7D&payload=%5B%5D", "application/x-www-form-urlencoded"),
        (b"", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_bodies(target: FuzzTarget, body: bytes, content_type: str) -> None:
    app = target.app
    seen = len(app.process.logs())
    response = app.driver.send_raw(body, content_type=content_type)
    check_answer(response)
    app.fake.wait_until(lambda: True, timeout=0.05)
    check_log(app.process.logs()[seen:])
