"""The letter text as typed in Slack, turned into paragraphs and runs that both builders print alike.

Rules, kept close to what Slack itself shows:

- paragraphs are separated by one or more blank lines; the line breaks inside a paragraph are kept;
- ``*bold*`` and ``_italic_`` (also nested: ``*_both_*``) apply within one line. A marker opens only at the
  start of a line or after a character that is not a letter or digit, and only before a non-space; it
  closes only after a non-space and before a character that is not a letter or digit. So ``snake_case``,
  ``2*3*4`` and a lone ``*`` stay literal, and an unbalanced marker is printed as typed;
- a line starting with "1." / "1)" / "•" / "-" / "*" followed by a space starts a list item; the marker is
  kept exactly as typed and printed with a hanging indent;
- nothing typed is dropped except the emphasis markers that were used as such.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

from bot.documents.model import Paragraph, Run

REPLACEMENT = "\ufffd"
MARKERS = {"*": "bold", "_": "italic"}
_LIST_ITEM = re.compile(r"(?P<marker>\d{1,3}[.)]|[•◦▪‣\-*])[ \t]+(?P<rest>\S.*)")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)*")


def printable(text: str) -> str:
    """The text with what no document format can hold replaced, so that building never fails on input.

    Line endings become "\\n", tabs stay. Other control characters, lone surrogates and non-characters
    (U+FFFE, U+FFFF, ...) become U+FFFD, which prints as a visible mark: XML (DOCX) cannot hold them and no
    font draws them, so printing them "literally" is not possible; a visible mark says something was there.

    Args:
        text: any string, e.g. straight from a Slack modal.

    Returns:
        The cleaned text, one character for each character of the input (line endings "\\r\\n" aside).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isprintable():
        return text
    return "".join(_printable_char(char) for char in text)


def _printable_char(char: str) -> str:
    if char in "\n\t" or char.isprintable():
        return char
    category = unicodedata.category(char)
    code = ord(char)
    if category in ("Cc", "Cs", "Co", "Cn") or (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF:
        return REPLACEMENT
    # U+2028/U+2029 (line and paragraph separators) are line breaks; other spaces (U+00A0 ...) and format
    # characters (ZWJ, soft hyphen) print fine.
    return "\n" if category in ("Zl", "Zp") else char


def one_line(text: str) -> str:
    """A name or label as one printable line: line breaks and tabs become spaces, ends trimmed."""
    return " ".join(printable(text).replace("\t", " ").split("\n")).strip()


def parse_body(body: str) -> tuple[Paragraph, ...]:
    """Split the letter text into paragraphs and list items with their bold and italic runs.

    Args:
        body: the letter text as typed (see the module docstring for the rules).

    Returns:
        The paragraphs in order; empty when the text is blank.
    """
    text = printable(body).strip("\n")
    paragraphs: list[Paragraph] = []
    for block in _BLANK_LINES.split(text):
        if not block.strip():
            continue
        paragraphs.extend(_block_paragraphs(block))
    return tuple(paragraphs)


def _block_paragraphs(block: str) -> list[Paragraph]:
    """One typed block: plain lines belong to the paragraph (or list item) above them."""
    groups: list[tuple[str | None, list[str]]] = []
    for line in block.split("\n"):
        # A marker needs a space after it and an emphasis opener a non-space, so "* item" and "*bold*"
        # never compete.
        item = _LIST_ITEM.fullmatch(line.strip())
        if item:
            groups.append((item.group("marker"), [item.group("rest")]))
        elif groups:
            groups[-1][1].append(line)
        else:
            groups.append((None, [line]))
    return [Paragraph(runs=tuple(_merge(_lines_runs(lines))), marker=marker) for marker, lines in groups]


def _lines_runs(lines: list[str]) -> list[Run]:
    runs: list[Run] = []
    for index, line in enumerate(lines):
        if index:
            runs.append(Run("\n"))
        runs.extend(parse_inline(line))
    return runs


def parse_inline(line: str, *, bold: bool = False, italic: bool = False) -> list[Run]:
    """The runs of one line, with ``*bold*`` and ``_italic_`` applied and every other character kept.

    Args:
        line: one line of text (no "\\n").
        bold: the formatting already in force (for nested spans).
        italic: likewise.

    Returns:
        The runs in order; adjacent runs with the same formatting are merged.
    """
    # Whether a marker can close a span depends only on its neighbours, so the candidates are found once
    # and each opener looks its closer up: a line of thousands of lone markers stays linear, not quadratic.
    # A marker already in force is literal inside its own span, which also bounds the nesting at two.
    in_force = {"bold": bold, "italic": italic}
    closers = {
        marker: _closer_positions(line, marker)
        for marker, kind in MARKERS.items()
        if marker in line and not in_force[kind]
    }
    runs: list[Run] = []
    literal_start = 0
    index = 0
    while index < len(line):
        char = line[index]
        closer = _closing_index(line, index, closers[char]) if char in closers else None
        if closer is None:
            index += 1
            continue
        if literal_start < index:
            runs.append(Run(line[literal_start:index], bold, italic))
        inner = line[index + 1 : closer]
        is_bold = bold or MARKERS[char] == "bold"
        is_italic = italic or MARKERS[char] == "italic"
        runs.extend(parse_inline(inner, bold=is_bold, italic=is_italic))
        index = closer + 1
        literal_start = index
    if literal_start < len(line):
        runs.append(Run(line[literal_start:], bold, italic))
    return _merge(runs)


def _closer_positions(line: str, marker: str) -> list[int]:
    """Positions where ``marker`` may close a span: after a non-space, before a non-letter-or-digit."""
    positions = []
    position = line.find(marker, 1)
    while position > 0:
        following = line[position + 1] if position + 1 < len(line) else " "
        if not line[position - 1].isspace() and not following.isalnum():
            positions.append(position)
        position = line.find(marker, position + 1)
    return positions


def _closing_index(line: str, start: int, closers: list[int]) -> int | None:
    """Where the span opened by the marker at ``start`` closes, or None if that marker is literal."""
    marker = line[start]
    before = line[start - 1] if start else " "
    after = line[start + 1] if start + 1 < len(line) else " "
    if before.isalnum() or after.isspace() or after == marker:
        return None
    found = bisect.bisect_left(closers, start + 2)
    return closers[found] if found < len(closers) else None


def _merge(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if merged and (merged[-1].bold, merged[-1].italic) == (run.bold, run.italic):
            merged[-1] = Run(merged[-1].text + run.text, run.bold, run.italic)
        else:
            merged.append(run)
    return merged
