"""Fuzzing the sign-on form's submissions: every field, missing keys, wrong types in ``state.values`` and
crafted ``private_metadata``, sent as properly signed ``view_submission`` payloads.

Properties: never a 5xx or a stack trace (in the answer or the log); inline errors only name the form's
input blocks; whatever was stored fits its columns and exports (one name per line, CSV round-trips)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import FuzzTarget, fuzz_settings
from tests.fuzz.crafted import (
    SIGNON_INPUTS,
    Big,
    check_answer,
    check_log,
    check_stored_rows,
    log_delta,
    rare,
    send_interaction,
    signon_state,
    view_submission,
)

pytestmark = [
    pytest.mark.fuzz,
    # The fake Slack's server threads draw ids from `random` while hypothesis generates examples.
    pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies"),
]

chars = st.characters(exclude_categories=("Cs",))
tricky = st.sampled_from(
    [
        '=HYPERLINK("http://x")',
        "+1 Coalition",
        "-AMOR-",
        "@SUM(1)",
        "\tTabbed",
        "\rReturn",
        "\nNewline Org",
        "Org\nwith\r\nbreaks",
        "Org\u2028Line\u2029Para\x85Next\x1cFS\x0bVT\x0cFF",
        "<!channel> Org",
        "<@U123> & <#C123>",
        "<https://evil.example|click>",
        '"Quoted", Org',
        "Comma, Semi; Colon:",
        "```fence```",
        "   ",
        "\u200b\u200b",
        "\ufeffBOM Org",
        "\u202eReversed",
        "e\u0301\u0301\u0301",
        "🏳️‍🌈 Pride Org",
        "İstanbul Derneği",
        "ǅemal",
        Big("X" * 200),
        Big("X" * 201),
        Big("Y" * 5000),
    ]
)
text_value = st.one_of(
    st.text(chars, max_size=40),
    st.text(chars, min_size=1, max_size=40).map(lambda s: s + " Coalition"),
    tricky,
    st.builds(lambda piece, times: Big(piece * times), st.text(chars, min_size=1, max_size=8), st.integers(10, 700)),
)
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.text(chars, max_size=20),
)
field_value = st.one_of(text_value, text_value, text_value, junk)
# A wrong shape for one input of state.values.
wrong_entry = st.one_of(
    junk,
    st.builds(lambda v: {"type": "plain_text_input", "value": v}, junk),
    st.builds(lambda v: {"type": "static_select", "selected_option": v}, junk),
    st.builds(lambda v: {"type": "checkboxes", "selected_options": v}, st.one_of(junk, st.lists(junk, max_size=3))),
    st.fixed_dictionaries({}, optional={"type": st.text(max_size=10), "value": junk, "selected_options": junk}),
)
email_value = st.one_of(st.just("a@b.org"), st.emails().map(str), text_value)
org_type = st.one_of(st.none(), st.sampled_from(["labor", "other", "business"]), text_value)


def mostly(valid: st.SearchStrategy[Any], weird: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Valid three times in four, so that many examples get past validation and are stored."""

    @st.composite
    def pick(draw: st.DrawFn) -> Any:
        return draw(weird if rare(draw, 4) else valid)

    return pick()


org_names = st.one_of(
    st.text(chars, min_size=1, max_size=30).map(lambda s: s + " Coalition"),
    st.text(chars, min_size=1, max_size=30).map(lambda s: "Org " + s),
    tricky,
    text_value,
)


@st.composite
def form_values(draw: st.DrawFn) -> Any:
    if rare(draw, 15):  # not even a dict of blocks
        return draw(junk)
    values: dict[str, Any] = signon_state(
        org=draw(org_names),
        name=draw(mostly(st.just("Pat Crafted"), field_value)),
        title=draw(mostly(st.just("Director"), field_value)),
        email=draw(mostly(st.just("pat@crafted.org"), email_value)),
        city=draw(mostly(st.none(), field_value)),
        org_type=draw(mostly(st.none(), org_type)),
        note=draw(mostly(st.none(), st.one_of(field_value, st.text(chars, min_size=900, max_size=1200).map(Big)))),
        authorized=draw(mostly(st.just(True), st.booleans())),
    )
    broken = draw(mostly(st.just([]), st.lists(st.sampled_from(sorted(SIGNON_INPUTS)), max_size=2, unique=True)))
    for block_id in broken:
        action_id = SIGNON_INPUTS[block_id][0]
        change = draw(st.integers(0, 3))
        if change == 0:
            del values[block_id]
        elif change == 1:
            values[block_id] = draw(junk)
        elif change == 2:
            values[block_id] = {draw(st.text(max_size=8)): draw(wrong_entry)}
        else:
            values[block_id] = {action_id: draw(wrong_entry)}
    return values


def metadata(letter_id: int, public: str) -> st.SearchStrategy[Any]:
    number = st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70),
        st.sampled_from([0, -1, 2**31, 2**63, 10**40, "1", "x", 1.5, 1e308, None, [letter_id], {"l": 1}]),
    )
    channel = st.one_of(
        st.none(), st.text(chars, max_size=40), st.just(Big("C" * 5000)), st.integers(), st.just("<!here>"), st.just([])
    )
    source = st.one_of(st.sampled_from(["post_button", "reminder_dm", "app_home"]), st.text(chars, max_size=60), junk)
    signatory = st.one_of(st.integers(1, 30), number)

    @st.composite
    def valid_with_changes(draw: st.DrawFn) -> str:
        meta: dict[str, Any] = {"l": letter_id, "s": "post_button", "c": public, "sig": draw(st.integers(1, 30))}
        for key in draw(st.lists(st.sampled_from(["l", "s", "c", "sig", "extra"]), max_size=2, unique=True)):
            if draw(st.booleans()):
                meta.pop(key, None)
            else:
                meta[key] = draw({"l": number, "s": source, "c": channel, "sig": signatory, "extra": junk}[key])
        return json.dumps(meta)

    @st.composite
    def any_metadata(draw: st.DrawFn) -> Any:
        kind = draw(st.integers(0, 9))
        if kind <= 6:
            return draw(valid_with_changes())
        if kind == 7:
            return draw(st.text(chars, max_size=50))
        if kind == 8:
            return draw(
                st.sampled_from(
                    [
                        '{"l": Infinity}',
                        '{"l": NaN}',
                        '{"l": -Infinity}',
                        '{"l": 1, "sig": Infinity}',
                        "[]",
                        "null",
                        '"1"',
                        "{",
                        "{}",
                        Big(json.dumps({"l": letter_id, "c": public, "pad": "z" * 200_000})),
                    ]
                )
            )
        return draw(junk)

    return any_metadata()


def test_signon_submissions(target: FuzzTarget) -> None:
    app, coalition, fake = target.app, target.coalition, target.fake
    users = [*coalition.members, coalition.coordinator, coalition.external]
    log_seen = 0

    @fuzz_settings(300)
    @given(
        values=form_values(),
        meta=metadata(target.letter_id, coalition.public),
        who=st.integers(0, len(users) - 1),
        callback_id=st.sampled_from(["signon_submit", "signon_submit", "signon_submit", "signon_edit_submit"]),
    )
    def run(values: Any, meta: Any, who: int, callback_id: str) -> None:
        nonlocal log_seen
        payload = view_submission(fake, users[who], callback_id, values, meta)
        response = send_interaction(app.driver, payload)
        check_answer(response, callback_id=callback_id)
        new, log_seen = log_delta(app.process.logs(), log_seen)
        check_log(new)

    run()
    check_log(app.process.logs())
    fake.assert_no_violations()
    assert check_stored_rows(app.database_url) > 0, "no example ever signed: the strategy is too narrow"
