"""Reading a PDF back with pypdf: text lines with their page, position, size and fonts, and the names."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any

from pypdf import PdfReader

from bot.documents import layout


@dataclass
class Line:
    """One printed line as the content stream draws it."""

    page: int  # from 1
    x: float
    y: float
    size: float
    fonts: list[str]  # the BaseFont of each stretch, e.g. "AAAAAA+DejaVuSerif-Bold"
    text: str


def pdf_lines(data: bytes) -> list[Line]:
    """Every non-blank line in drawing order; stretches on one baseline drawn one after another are joined."""
    lines: list[Line] = []
    for number, page in enumerate(PdfReader(BytesIO(data)).pages, start=1):
        page.extract_text(visitor_text=_LineCollector(number, lines))
    return lines


class _LineCollector:
    def __init__(self, page: int, lines: list[Line]) -> None:
        self.page = page
        self.lines = lines
        self.first = len(lines)

    def __call__(self, text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        text = text.replace("\n", "")
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        base_font = str(font.get("/BaseFont", "")) if font else ""
        last = self.lines[-1] if len(self.lines) > self.first else None
        same_column = (last is not None) and (last.x >= layout.PAGE_WIDTH / 2) == (x >= layout.PAGE_WIDTH / 2)
        if last is not None and same_column and abs(last.y - y) < 0.5 and x >= last.x:
            last.text += text
            last.fonts.append(base_font)
        else:
            self.lines.append(Line(self.page, x, y, size, [base_font], text))


def names_from_lines(lines: list[Line], size: float = layout.NAME_SIZE) -> list[str]:
    """The signatory names, rebuilt from the lines in the names' type size.

    A name's first line starts at its column's left edge; a wrapped name goes on, indented by the hanging
    indent, on the next line(s): those are joined to it with a space. The columns are told apart by their
    left edges on each page, so this works for one column and for two.
    """
    name_lines = [line for line in lines if abs(line.size - size) < 0.01]
    edges: dict[tuple[int, bool], float] = {}
    for line in name_lines:
        key = (line.page, line.x >= layout.PAGE_WIDTH / 2)
        edges[key] = min(edges.get(key, line.x), line.x)
    names: list[str] = []
    for line in name_lines:
        edge = edges[line.page, line.x >= layout.PAGE_WIDTH / 2]
        if line.x > edge + layout.HANGING_INDENT / 2 and names:
            names[-1] += " " + line.text.strip()
        else:
            names.append(line.text.strip())
    return names
