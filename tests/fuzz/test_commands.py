"""Fuzzing ``/signon <text>``: whatever anyone types, the app answers in time, without a 5xx or a stack
trace, and whatever it stores still exports."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import FuzzTarget, fuzz_settings
from tests.fuzz.crafted import Big, check_answer, check_log, check_stored_rows, command_body, log_delta

pytestmark = [
    pytest.mark.fuzz,
    # The fake Slack's server threads draw ids from `random` while hypothesis generates examples.
    pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies"),
]

SUBCOMMANDS = [
    "help",
    "new",
    "edit",
    "list",
    "close",
    "reopen",
    "export",
    "status",
    "withdraw",
    "review",
    "create",
    "start",
    "ls",
    "sign",
    "open",
    "remove",
    "?",
    "changes",
    "csv",
    "text",
    "all",
    "diff",
]
# Everything Slack can carry in a form field: any code point but lone surrogates.
unicode_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
controls = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x9F, exclude_categories=("Cs",)), max_size=30)
tricky_words = st.sampled_from(
    [
        "<!channel>",
        "<!here|here>",
        "<@U123>",
        "<#C123|x>",
        "<https://evil.example|click>",
        "*bold*",
        "`code`",
        "```",
        "%",
        "%%",
        "_",
        "\\",
        "'; DROP TABLE letters; --",
        "0",
        "-1",
        "#1",
        "1",
        "2",
        "99999999999999999999999",
        "1e308",
        "NaN",
        "\u202e",
        "\u200b",
        "\ufeff",
        "\x00",
        "é",
        "Ǆ",
        "ﬃ",
        "İ",
        "Fuzzing",
        "Letter",
        "fuzzing letter",
    ]
)
word = st.one_of(st.sampled_from(SUBCOMMANDS), st.sampled_from(SUBCOMMANDS).map(str.upper), tricky_words, unicode_text)
command_text = st.one_of(
    unicode_text,
    controls,
    st.lists(word, max_size=6).map(" ".join),
    st.tuples(st.sampled_from(SUBCOMMANDS), st.lists(word, max_size=4)).map(lambda t: " ".join([t[0], *t[1]])),
    st.builds(lambda piece, times: Big(piece * times), st.text(min_size=1, max_size=12), st.integers(50, 9000)),
)


def test_slash_command_text(target: FuzzTarget) -> None:
    app, coalition, fake = target.app, target.coalition, target.fake
    actors = [*coalition.members, coalition.coordinator, coalition.external]
    log_seen = 0

    @fuzz_settings(250)
    @given(text=command_text, who=st.integers(0, len(actors) - 1))
    def run(text: str, who: int) -> None:
        nonlocal log_seen
        response = app.driver.slash_command(actors[who], "/signon", text, channel_id=coalition.public)
        check_answer(response)
        fake.assert_no_violations()
        new, log_seen = log_delta(app.process.logs(), log_seen)
        check_log(new)

    run()
    # Work the commands started (modals, exports, posts) finishes cleanly too.
    fake.wait_until(lambda: True, timeout=0.1)
    check_log(app.process.logs())
    fake.assert_no_violations()
    check_stored_rows(app.database_url)


@pytest.mark.parametrize(
    "text",
    [
        Big("x" * 100_000),
        Big("new " + "y" * 100_000),
        Big("export " + "1 " * 40_000),
        Big("\x00" * 5000),
        Big("withdraw " + "<!channel> " * 5000),
    ],
)
def test_huge_command_text_gets_a_short_answer(target: FuzzTarget, text: str) -> None:
    app, coalition = target.app, target.coalition
    response = app.driver.send_raw(command_body(app.fake, coalition.members[1], text, coalition.public))
    check_answer(response)
    assert len(response.body) < 4000, len(response.body)
    check_log(app.process.logs())
