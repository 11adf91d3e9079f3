"""One column or two for the signatories, decided by measuring the names."""

from __future__ import annotations

from pathlib import Path

from bot.documents import layout
from bot.documents.fonts import font_set
from tests.documents.samples import LONG_NAMES, names_only, seed_names

ORG_NAMES = Path(__file__).resolve().parents[1] / "data" / "org_names.txt"
FONTS = font_set(())


def test_short_names_give_two_columns() -> None:
    assert layout.choose_columns(names_only(seed_names()), FONTS) == 2
    real = [line for line in ORG_NAMES.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert layout.choose_columns(names_only(real), FONTS) == 2


def test_long_names_give_one_column() -> None:
    assert layout.choose_columns(names_only(LONG_NAMES), FONTS) == 1
    # A few long names among many short ones do not: 1 in 20 may take three lines.
    mixed = [*seed_names(), *LONG_NAMES[:3]]
    assert layout.choose_columns(names_only(mixed), FONTS) == 2


def test_the_document_can_insist() -> None:
    assert layout.choose_columns(names_only(LONG_NAMES, columns=2), FONTS) == 2
    assert layout.choose_columns(names_only(seed_names(), columns=1), FONTS) == 1


def test_name_lines_counts_wrapped_lines_with_the_hanging_indent() -> None:
    assert layout.name_lines(FONTS, "Alianza Americas", layout.COLUMN_WIDTH) == 1
    assert layout.name_lines(FONTS, LONG_NAMES[0], layout.COLUMN_WIDTH) == 4
    assert layout.name_lines(FONTS, LONG_NAMES[0], layout.TEXT_WIDTH) == 2
    assert layout.name_lines(FONTS, "x" * 300, layout.COLUMN_WIDTH) == 9  # an unbroken word is broken too
