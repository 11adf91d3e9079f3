"""Page geometry and type sizes shared by both builders, and the choice of one or two signatory columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from bot.documents.fonts import FontSet
from bot.documents.model import LetterDocument
from bot.documents.text import one_line

# US Letter, one-inch margins: what US offices print on. All lengths in points (1/72 inch).
PAGE_WIDTH = 612.0
PAGE_HEIGHT = 792.0
MARGIN = 72.0
FOOTER_BASELINE = 40.0  # from the bottom edge: inside the bottom margin, clear of the text
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
COLUMN_GAP = 24.0
COLUMN_WIDTH = (TEXT_WIDTH - COLUMN_GAP) / 2

BODY_SIZE = 11.0
BODY_LEADING = 14.5
PARAGRAPH_SPACE = 8.0
NAME_SIZE = 10.0
NAME_LEADING = 12.5
NAME_SPACE = 1.5
HANGING_INDENT = 14.0  # second and later lines of a long name, so each name stays one visible item
HEADING_SIZE = 11.0
HEADING_SPACE_BEFORE = 12.0
HEADING_SPACE_AFTER = 4.0
LIST_INDENT = 22.0
FOOTER_SIZE = 8.0
FOOTER_MIN_SIZE = 6.5

# Two columns stop paying off when many names wrap, or when many wrap to three lines or more and read like
# two entries. Measured at these sizes (name_lines): of the 568 real names in the test data 13 % wrap to two
# lines in a column and 1 (0.2 %) to three; of the 193-name seed letter 13 % and 2 (1 %). Such lists stay in
# two columns; a list where a fifth of the names wrap, or 1 in 20 takes three lines, goes in one.
MAX_WRAPPED_SHARE = 0.20
MAX_THREE_LINE_SHARE = 0.05


def name_lines(fonts: FontSet, name: str, width: float) -> int:
    """How many lines ``name`` takes in a column ``width`` points wide, with the hanging indent."""
    space = fonts.width(" ", NAME_SIZE)
    lines, used = 1, 0.0
    available = width
    for word in one_line(name).split():
        word_width = fonts.width(word, NAME_SIZE)
        needed = word_width if used == 0 else used + space + word_width
        if needed <= available or used == 0:
            used = needed
            while used > available:  # a word longer than the line is broken
                used -= available
                lines += 1
                available = width - HANGING_INDENT
            continue
        lines += 1
        available = width - HANGING_INDENT
        used = word_width
    return lines


def choose_columns(doc: LetterDocument, fonts: FontSet) -> Literal[1, 2]:
    """The number of signatory columns: the document's own choice, or for "auto" two unless names are long.

    Args:
        doc: the letter.
        fonts: the fonts the names are measured with.

    Returns:
        1 or 2.
    """
    if doc.columns != "auto":
        return doc.columns
    return 2 if _fit_two_columns(fonts, doc.all_names()) else 1


def _fit_two_columns(fonts: FontSet, names: Sequence[str]) -> bool:
    if not names:
        return True
    counts = [name_lines(fonts, name, COLUMN_WIDTH) for name in names]
    wrapped = sum(1 for count in counts if count > 1)
    three_lines = sum(1 for count in counts if count > 2)
    return wrapped <= MAX_WRAPPED_SHARE * len(names) and three_lines <= MAX_THREE_LINE_SHARE * len(names)
