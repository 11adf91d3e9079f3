"""The DOCX read back with python-docx: names, parts in order, run formatting, columns, footer fields."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import docx
from docx.document import Document as WordDocument
from docx.oxml.ns import qn

from bot.documents.docx import HEADING_STYLE, NAME_STYLE, build_docx
from bot.documents.model import SignatorySection
from tests.documents.samples import LONG_NAMES, letter, names_only, seed_names


def read(data: bytes) -> WordDocument:
    return docx.Document(io.BytesIO(data))


def styled(word: WordDocument, style: str) -> list[str]:
    return [p.text for p in word.paragraphs if p.style is not None and p.style.name == style]


def column_counts(word: WordDocument) -> list[int]:
    """The number of columns of each section, in order."""
    counts = []
    for sectPr in word.element.body.iter(qn("w:sectPr")):
        cols = sectPr.find(qn("w:cols"))
        counts.append(int(cols.get(qn("w:num"), "1")) if cols is not None else 1)
    return counts


def test_the_193_names_come_back_in_order() -> None:
    names = seed_names()
    word = read(build_docx(names_only(names)))
    assert styled(word, NAME_STYLE) == names
    assert column_counts(word) == [2, 1], "the list is a two-column section, closed by a one-column one"


def test_every_part_in_order_with_run_formatting() -> None:
    word = read(build_docx(letter()))
    texts = [p.text for p in word.paragraphs if p.text]
    expected_order = [
        "November 27, 2026",
        "The Honorable Jane Doe\nPresident of the United States\nThe White House",
        "The Honorable John Roe\nSecretary of Homeland Security",
        "Re: Ending the expansion of immigration detention",
        "Dear President Doe and Secretary Roe:",
        "Our requests:",
        "1.\tStop signing new detention contracts.",
        "2.\tRelease people who are medically vulnerable;\ntheir families are waiting.",
        "Thank you for your attention to this matter.",
        "Sincerely,",
        "Lead organization",
        "Detention Watch Network",
        "Signatories (192)",
        "Signed after delivery (2)",
        "Late Coalition One",
        "Late Network Two",
        "cc:\tMembers of the Senate Judiciary Committee",
        "\tDirector, U.S. Immigration and Customs Enforcement",
    ]
    positions = [texts.index(part) for part in expected_order]
    assert positions == sorted(positions)
    assert texts[positions[-1]] == texts[-1]

    body = next(p for p in word.paragraphs if p.text.startswith("We, the undersigned"))
    formatted = {(run.text, bool(run.bold), bool(run.italic)) for run in body.runs}
    assert ("end the expansion of immigration detention", True, False) in formatted
    assert ("invest in community-based alternatives", False, True) in formatted
    assert "*" not in body.text and "_" not in body.text
    re_line = next(p for p in word.paragraphs if p.text.startswith("Re:"))
    assert all(run.bold for run in re_line.runs)
    assert styled(word, HEADING_STYLE) == ["Lead organization", "Signatories (192)", "Signed after delivery (2)"]
    names = styled(word, NAME_STYLE)
    assert names == [*seed_names(), "Late Coalition One", "Late Network Two"]
    # letter + lead (1 column), 192 names (2), late heading (1), late names (2), cc (1)
    assert column_counts(word) == [1, 2, 1, 2, 1]


def test_footer_has_the_text_and_page_fields() -> None:
    word = read(build_docx(letter()))
    footer = word.sections[0].footer
    assert footer.paragraphs[0].text.startswith("Detention expansion letter · version 3 · export 12 · Page ")
    codes = [node.text.strip() for node in footer._element.iter(qn("w:instrText"))]
    assert codes == ["PAGE", "NUMPAGES"]
    assert all(section.footer.is_linked_to_previous for section in word.sections[1:])


def test_long_names_give_one_column_and_forcing_two_works() -> None:
    word = read(build_docx(names_only(LONG_NAMES)))
    assert styled(word, NAME_STYLE) == LONG_NAMES
    assert set(column_counts(word)) == {1}
    forced = read(build_docx(names_only(LONG_NAMES, columns=2)))
    assert 2 in column_counts(forced)


def test_grouping_headings_and_empty_sections() -> None:
    sections = (
        SignatorySection("National organizations (2)", ("Alianza Americas", "America's Voice")),
        SignatorySection("Faith organizations (0)", ()),
        SignatorySection("Community-based organizations (2)", ("Casa de Esperanza", "Mujeres Latinas en Acción")),
    )
    word = read(build_docx(letter(sections=sections, late_sections=())))
    assert styled(word, HEADING_STYLE) == ["National organizations (2)", "Community-based organizations (2)"]
    heading = next(p for p in word.paragraphs if p.text == "National organizations (2)")
    assert heading.paragraph_format.keep_with_next


def test_hostile_text_prints_literally() -> None:
    hostile = ["<script>alert('x')</script>", "=cmd|' /C calc'!A0", "*star", "_under", "Bell\x07\x00", "y" * 700]
    data = build_docx(letter(hostile, body="<w:p>*x* _y\x0b", footer="\x1b[31m<x>"))
    word = read(data)
    assert styled(word, NAME_STYLE) == [
        *hostile[:4],
        "Bell\ufffd\ufffd",
        "y" * 700,
        "Late Coalition One",
        "Late Network Two",
    ]
    assert any(p.text == "<w:p>x _y\ufffd" for p in word.paragraphs)
    assert word.sections[0].footer.paragraphs[0].text.startswith("\ufffd[31m<x> · ")


def test_same_document_same_bytes_and_metadata() -> None:
    first = build_docx(letter())
    assert build_docx(letter()) == first
    word = read(first)
    assert word.core_properties.title == "Detention expansion letter"
    assert word.core_properties.language == "en"
    assert word.core_properties.created is not None and word.core_properties.created.year == 2000
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert not [name for name in archive.namelist() if "thumbnail" in name]
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_spanish_letter_marks_its_language() -> None:
    word = read(build_docx(letter(language="es")))
    normal = word.styles["Normal"].element
    assert normal.rPr.find(qn("w:lang")).get(qn("w:val")) == "es"


def test_a_given_creation_time() -> None:
    created = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
    word = read(build_docx(letter(created=created)))
    assert word.core_properties.created == created


def test_optional_parts_may_be_left_out() -> None:
    doc = letter(["Alianza Americas", "Casa de Esperanza"], cc_label=None, re_line=None, closing=None, late_sections=())
    texts = [p.text for p in read(build_docx(doc)).paragraphs if p.text]
    assert texts[-2:] == [
        "Members of the Senate Judiciary Committee",
        "Director, U.S. Immigration and Customs Enforcement",
    ]
    assert "Sincerely," not in texts and not any(text.startswith("Re:") for text in texts)
