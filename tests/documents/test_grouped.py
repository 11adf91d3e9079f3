"""The 193-name seed letter grouped by state, as an export groups it, read back from the PDF (pypdf) and the DOCX
(python-docx): each heading with its count, in order, over exactly its names; every name exactly once."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from bot.delivery.documents import signatory_sections
from bot.documents import layout
from bot.documents.docx import HEADING_STYLE, NAME_STYLE, build_docx
from bot.documents.model import LetterDocument, SignatorySection
from bot.documents.pdf import build_pdf
from bot.messages import words
from bot.services.export import ExportRow, ordered_rows
from db.enums import SignatoryGrouping
from tests.documents.pdftext import names_from_lines, pdf_lines
from tests.documents.samples import letter, seed_names

CITIES = ("Phoenix, AZ", "Los Angeles, CA", "Washington, D.C.", "Chicago, Illinois", "", "Houston, TX", "National")
# The groups without their counts: the lead first, the states A–Z in the letter's language ("not given" last).
EXPECTED_GROUPS = {
    "en": [
        "Lead organization",
        "Arizona",
        "California",
        "District of Columbia",
        "Illinois",
        "Texas",
        "State not given",
    ],
    "es": [
        "Organización líder",
        "Arizona",
        "California",
        "Distrito de Columbia",
        "Illinois",
        "Texas",
        "Estado no indicado",
    ],
}


def grouped(language: str, columns: object) -> tuple[LetterDocument, tuple[SignatorySection, ...]]:
    names = seed_names()
    rows = [ExportRow(name, i, city_state=CITIES[i % len(CITIES)]) for i, name in enumerate(names[1:], start=1)]
    sections = signatory_sections(words(language), ordered_rows([names[0]], rows), SignatoryGrouping.STATE)
    empty = {"date_line": None, "addressees": (), "re_line": None, "salutation": None, "body": "", "closing": None}
    return letter(names, sections=sections, late_sections=(), cc=(), columns=columns, **empty), sections


def check_sections(language: str, sections: tuple[SignatorySection, ...]) -> None:
    """The groups the export made, each heading with its count; every name once."""
    names = [(section.heading or "").rsplit(" (", 1)[0] for section in sections]
    assert names == EXPECTED_GROUPS[language]
    for name, section in zip(names, sections, strict=True):
        assert section.heading == words(language).group_heading(name, len(section.names))
    everyone = [name for section in sections for name in section.names]
    assert sorted(everyone) == sorted(seed_names()) and len(set(everyone)) == len(everyone) == 193


@pytest.mark.parametrize(("language", "columns"), [("en", "auto"), ("es", 1)])
def test_grouped_pdf_prints_each_heading_over_its_names(
    cjk_fonts: tuple[Path, ...], language: str, columns: object
) -> None:
    doc, sections = grouped(language, columns)
    check_sections(language, sections)
    lines = pdf_lines(build_pdf(doc, fallback_fonts=cjk_fonts))
    headings = [index for index, line in enumerate(lines) if any("Bold" in font for font in line.fonts)]
    assert [lines[index].text.strip() for index in headings] == [section.heading for section in sections]
    ends = [*headings[1:], len(lines)]
    for section, start, end in zip(sections, headings, ends, strict=True):
        assert names_from_lines(lines[start + 1 : end]) == list(section.names), section.heading
    right = [line for line in lines if abs(line.size - layout.NAME_SIZE) < 0.01 and line.x >= layout.PAGE_WIDTH / 2]
    assert bool(right) == (columns == "auto")


@pytest.mark.parametrize(("language", "columns"), [("en", "auto"), ("es", 1)])
def test_grouped_docx_prints_each_heading_over_its_names(language: str, columns: object) -> None:
    doc, sections = grouped(language, columns)
    word = docx.Document(io.BytesIO(build_docx(doc)))
    groups: list[tuple[str, list[str]]] = []
    for paragraph in word.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        if style == HEADING_STYLE:
            groups.append((paragraph.text, []))
        elif style == NAME_STYLE:
            groups[-1][1].append(paragraph.text)
    assert groups == [(section.heading, list(section.names)) for section in sections]
