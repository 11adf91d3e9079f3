"""The one parser of the typed letter text that both builders print from."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.documents.model import Paragraph, Run
from bot.documents.text import one_line, parse_body, parse_inline, printable


def test_paragraphs_are_split_at_blank_lines_and_keep_their_line_breaks() -> None:
    body = "First line\nsecond line\n\n\n  \nNext paragraph"
    assert parse_body(body) == (
        Paragraph((Run("First line\nsecond line"),)),
        Paragraph((Run("Next paragraph"),)),
    )


def test_bold_italic_and_both() -> None:
    assert parse_inline("We ask *you* to _act_ *_now_*.") == [
        Run("We ask "),
        Run("you", bold=True),
        Run(" to "),
        Run("act", italic=True),
        Run(" "),
        Run("now", bold=True, italic=True),
        Run("."),
    ]


def test_markers_that_do_not_open_or_close_a_span_print_as_typed() -> None:
    for literal in ("snake_case_name", "2*3*4", "a lone * star", "_unbalanced", "trailing*", "* spaced *", "__"):
        assert parse_inline(literal) == [Run(literal)], literal
    # The first closer wins; the unmatched rest stays literal, nothing is lost.
    assert parse_inline("*a _b* c_") == [Run("a _b", bold=True), Run(" c_")]
    assert parse_inline("**double**") == [Run("*"), Run("double", bold=True), Run("*")]


def test_emphasis_does_not_run_across_lines() -> None:
    (paragraph,) = parse_body("*starts here\nends here*")
    assert paragraph.runs == (Run("*starts here\nends here*"),)


def test_numbered_and_bulleted_items_keep_their_markers_and_continuation_lines() -> None:
    paragraphs = parse_body("Our requests:\n1. Stop *now*.\n2) Release them\nall of them\n• Fund counsel\n- Report")
    assert [(p.marker, p.text) for p in paragraphs] == [
        (None, "Our requests:"),
        ("1.", "Stop now."),
        ("2)", "Release them\nall of them"),
        ("•", "Fund counsel"),
        ("-", "Report"),
    ]
    assert paragraphs[1].runs == (Run("Stop "), Run("now", bold=True), Run("."))


def test_printable_replaces_what_no_format_can_hold_one_for_one() -> None:
    assert printable("a\x00b\x07c\x1bd\x7fe\ud800f\ufffeg") == "a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffdg"
    assert printable("line\r\nbreaks\rkept\ttab") == "line\nbreaks\nkept\ttab"
    assert (
        printable("zero\u200dwidth joiner and soft\u00adhyphen stay")
        == "zero\u200dwidth joiner and soft\u00adhyphen stay"
    )
    assert printable("line\u2028separator") == "line\nseparator"
    assert one_line("  Two\nlines\tand tab ") == "Two lines and tab"


def test_thousands_of_lone_markers_parse_quickly() -> None:
    (paragraph,) = parse_body("*a _b " * 20_000)
    assert paragraph.text.replace("*", "").replace("_", "") == "a b " * 20_000


@given(st.text(alphabet=st.sampled_from("ab *_\n1.-•\t"), max_size=80))
def test_only_used_markers_are_dropped(body: str) -> None:
    paragraphs = parse_body(body)
    printed = "".join(run.text for paragraph in paragraphs for run in paragraph.runs)
    markers = "".join(paragraph.marker or "" for paragraph in paragraphs)

    def letters(text: str) -> str:
        return "".join(char for char in text if char in "ab1.-•")

    # Every letter, digit and list mark typed is printed, in order; only "*" and "_" (emphasis) and
    # blank space between paragraphs may go.
    assert sorted(letters(printed + markers)) == sorted(letters(body))
    dropped = sum(body.count(m) for m in "*_") - sum((printed + markers).count(m) for m in "*_")
    assert dropped % 2 == 0 and dropped >= 0
