"""The PDF: every name once and in order, the parts in order, fonts, columns, footer, hostile input, CJK."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.documents import layout
from bot.documents.model import SignatorySection
from bot.documents.pdf import build_pdf, unprintable_characters
from tests.documents.pdftext import Line, names_from_lines, pdf_lines
from tests.documents.samples import CJK_NAMES, LONG_NAMES, letter, names_only, seed_names


def test_the_193_names_come_back_once_each_in_order_with_accents(cjk_fonts: tuple[Path, ...]) -> None:
    names = seed_names()
    assert len(names) == 193
    data = build_pdf(names_only(names), fallback_fonts=cjk_fonts)
    lines = pdf_lines(data)
    printed = names_from_lines(lines)
    assert printed == names
    assert any(line.x >= layout.PAGE_WIDTH / 2 for line in lines), "193 short names go in two columns"
    for name in (
        "Mujeres Latinas en Acción",
        "Federación de Clubes Michoacanos en Illinois",
        "Українська громада Чикаго",
    ):
        assert printed.count(name) == 1
    assert any(line.x > layout.PAGE_WIDTH / 2 + layout.HANGING_INDENT for line in lines), "some names wrap"


def test_two_columns_run_down_the_first_column_then_the_second_on_each_page(cjk_fonts: tuple[Path, ...]) -> None:
    lines = pdf_lines(build_pdf(names_only(seed_names()), fallback_fonts=cjk_fonts))
    for page in {line.page for line in lines}:
        on_page = [line for line in lines if line.page == page and abs(line.size - layout.NAME_SIZE) < 0.01]
        sides = [line.x >= layout.PAGE_WIDTH / 2 for line in on_page]
        assert sides == sorted(sides), f"page {page}: the second column starts only after the first ends"
        left = [line.y for line in on_page if line.x < layout.PAGE_WIDTH / 2]
        assert left == sorted(left, reverse=True)


def test_every_part_is_printed_in_order_with_bold_and_italic(cjk_fonts: tuple[Path, ...]) -> None:
    data = build_pdf(letter(), fallback_fonts=cjk_fonts)
    lines = pdf_lines(data)
    text = "\n".join(line.text for line in lines)
    parts = [
        "November 27, 2026",
        "The Honorable Jane Doe",
        "Secretary of Homeland Security",
        "Re: Ending the expansion of immigration detention",
        "Dear President Doe and Secretary Roe:",
        "We, the undersigned organizations",
        "Stop signing new detention contracts.",
        "their families are waiting.",
        "Thank you for your attention to this matter.",
        "Sincerely,",
        "Lead organization",
        "Detention Watch Network",
        "Signatories (192)",
        "Alabama Coalition for Immigrant Justice",
        "華人移民服務中心",
        "Signed after delivery (2)",
        "Late Coalition One",
        "Late Network Two",
        "cc:",
        "Members of the Senate Judiciary Committee",
        "Director, U.S. Immigration and Customs Enforcement",
    ]
    positions = [text.find(part) for part in parts]
    assert -1 not in positions, [part for part, position in zip(parts, positions, strict=True) if position < 0]
    assert positions == sorted(positions)

    def fonts_of(fragment: str) -> list[str]:
        (line,) = [line for line in lines if fragment in line.text]
        return line.fonts

    assert any(font.endswith("DejaVuSerif-Bold") for font in fonts_of("end the expansion"))
    assert any(font.endswith("DejaVuSerif-Italic") for font in fonts_of("alternatives"))
    assert any(font.endswith("DejaVuSerif-Bold") for font in fonts_of("Re: Ending"))
    assert any(font.endswith("DejaVuSerif-Bold") for font in fonts_of("Signatories (192)"))
    assert fonts_of("Dear President")[0].endswith("+DejaVuSerif")
    assert "*" not in text and "_" not in text, "emphasis markers are not printed"


def test_footer_on_every_page_with_page_numbers(cjk_fonts: tuple[Path, ...]) -> None:
    data = build_pdf(letter(), fallback_fonts=cjk_fonts)
    lines = pdf_lines(data)
    pages = len(PdfReader(BytesIO(data)).pages)
    assert pages >= 3
    footers = [line for line in lines if abs(line.size - layout.FOOTER_SIZE) < 0.01]
    assert [line.text for line in footers] == [
        f"Detention expansion letter · version 3 · export 12 · Page {page} of {pages}" for page in range(1, pages + 1)
    ]
    lowest_text = min(line.y for line in lines if line not in footers)
    assert all(line.y < lowest_text - 10 for line in footers), "the footer sits below the text, not on it"


def test_long_names_go_in_one_column_and_wrap_under_a_hanging_indent() -> None:
    doc = names_only(LONG_NAMES)
    lines = pdf_lines(build_pdf(doc, fallback_fonts=()))
    assert names_from_lines(lines) == LONG_NAMES
    assert all(line.x < layout.PAGE_WIDTH / 2 for line in lines)
    edges = sorted({round(line.x) for line in lines if line.size == layout.NAME_SIZE})
    assert edges == [round(layout.MARGIN), round(layout.MARGIN + layout.HANGING_INDENT)]
    forced = pdf_lines(build_pdf(names_only(LONG_NAMES, columns=2), fallback_fonts=()))
    assert names_from_lines(forced) == LONG_NAMES
    assert any(line.x >= layout.PAGE_WIDTH / 2 for line in forced)


def test_section_headings_are_printed_and_never_left_alone_at_a_page_foot() -> None:
    names = [f"Organization {index:03d} for Immigrant Justice" for index in range(60)]
    sections = (
        SignatorySection("National organizations (20)", tuple(names[:20])),
        SignatorySection("State and local organizations (40)", tuple(names[20:])),
    )
    for extra_paragraphs in range(0, 24, 2):
        body = "\n\n".join(["A paragraph of the letter that takes a line or two on the page."] * extra_paragraphs)
        doc = letter(names, body=body, sections=sections, late_sections=(), cc=())
        lines = pdf_lines(build_pdf(doc, fallback_fonts=()))
        assert names_from_lines(lines) == names
        for index, line in enumerate(lines):
            if line.text in ("National organizations (20)", "State and local organizations (40)"):
                following = lines[index + 1]
                assert following.page == line.page and following.size == layout.NAME_SIZE, (extra_paragraphs, line)


def test_hostile_text_never_breaks_the_build_and_prints_literally() -> None:
    long_word = "x" * 700
    hostile = [
        "<script>alert('x')</script>",
        "=cmd|' /C calc'!A0",
        "*not bold",
        "_not italic",
        "Bell\x07 and escape\x1b[31m",
        long_word,
        "&amp; &lt;b&gt; <b>not bold</b> <font face='x'>",
    ]
    doc = letter(
        hostile,
        body="<para>*x* </para>\x00 " + long_word + "\n\n" + '=HYPERLINK("http://x")',
        salutation="Dear <b>friends</b> & allies:",
        footer="Letter <i>x</i> \x00",
    )
    lines = pdf_lines(build_pdf(doc, fallback_fonts=()))
    text = "\n".join(line.text for line in lines)
    for literal in ("<script>alert('x')</script>", "=cmd|' /C calc'!A0", "*not bold", "_not italic", "<b>not bold</b>"):
        assert literal in text
    assert "Bell\ufffd and escape\ufffd[31m" in text
    assert "&amp; &lt;b&gt;" in text and "Dear <b>friends</b> & allies:" in text
    assert "".join(text.split()).count(long_word) == 2, "a word wider than the line is broken, not cut"
    assert all(line.x + 1 >= layout.MARGIN for line in lines)


def test_without_a_cjk_font_the_characters_are_replaced_visibly_and_reported(caplog: pytest.LogCaptureFixture) -> None:
    doc = names_only(["Mujeres Latinas en Acción", *CJK_NAMES])
    assert unprintable_characters(doc, fallback_fonts=()) == frozenset("".join(CJK_NAMES))
    with caplog.at_level(logging.WARNING, logger="bot.documents.pdf"):
        lines = pdf_lines(build_pdf(doc, fallback_fonts=()))
    assert names_from_lines(lines) == ["Mujeres Latinas en Acción", *("\ufffd" * len(name) for name in CJK_NAMES)]
    assert "U+83EF" in caplog.text  # 華


def test_cjk_names_are_drawn_with_the_fallback_font(cjk_fonts: tuple[Path, ...]) -> None:
    doc = names_only(["Mujeres Latinas en Acción", *CJK_NAMES, "Mixed 華人 Name"])
    assert unprintable_characters(doc, fallback_fonts=cjk_fonts) == frozenset()
    lines = pdf_lines(build_pdf(doc, fallback_fonts=cjk_fonts))
    assert names_from_lines(lines) == ["Mujeres Latinas en Acción", *CJK_NAMES, "Mixed 華人 Name"]
    (mixed,) = [line for line in lines if line.text.startswith("Mixed")]
    assert "DejaVuSerif" in mixed.fonts[0] and "DejaVu" not in mixed.fonts[1]


def test_a_fallback_font_that_cannot_be_read_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    with caplog.at_level(logging.WARNING, logger="bot.documents.fonts"):
        data = build_pdf(names_only(["Alianza Americas", "민족학교"]), fallback_fonts=[broken])
    assert names_from_lines(pdf_lines(data)) == ["Alianza Americas", "\ufffd" * 4]
    assert "broken.ttf" in caplog.text


def test_same_document_same_bytes_and_metadata(cjk_fonts: tuple[Path, ...]) -> None:
    first = build_pdf(letter(), fallback_fonts=cjk_fonts)
    assert build_pdf(letter(), fallback_fonts=cjk_fonts) == first
    info = PdfReader(BytesIO(first)).metadata
    assert info is not None and info.title == "Detention expansion letter"
    assert str(info.get("/CreationDate", "")).startswith("D:2000")
    assert (
        PdfReader(BytesIO(build_pdf(letter(language="es"), fallback_fonts=cjk_fonts))).trailer["/Root"]["/Lang"] == "es"
    )


def test_optional_parts_may_be_left_out() -> None:
    doc = letter(["Alianza Americas", "Casa de Esperanza"], cc_label=None, re_line=None, closing=None, late_sections=())
    lines = pdf_lines(build_pdf(doc, fallback_fonts=()))
    texts = [line.text for line in lines]
    assert texts[-3:-1] == [
        "Members of the Senate Judiciary Committee",
        "Director, U.S. Immigration and Customs Enforcement",
    ]
    assert "Sincerely," not in texts and not any(text.startswith("Re:") for text in texts)
    assert names_from_lines(lines) == ["Alianza Americas", "Casa de Esperanza"]


def test_one_signatory() -> None:
    names = ["Detention Watch Network"]
    lines: list[Line] = pdf_lines(build_pdf(letter(names, late_sections=()), fallback_fonts=()))
    assert names_from_lines(lines) == names


def test_a_given_creation_time_and_a_very_long_footer() -> None:
    created = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
    doc = letter(["Alianza Americas"], created=created, footer="A letter with a very long name " * 8)
    data = build_pdf(doc, fallback_fonts=())
    info = PdfReader(BytesIO(data)).metadata
    assert info is not None and str(info["/CreationDate"]).startswith("D:20261127153000")
    (footer,) = [line for line in pdf_lines(data) if line.text.endswith("Page 1 of 1")]
    assert footer.x >= layout.MARGIN - 0.5, "still within the margins"
    assert footer.size == layout.FOOTER_MIN_SIZE
    assert footer.text.startswith("A letter with a very long name A letter") and "\u2026 · Page 1 of 1" in footer.text
    slightly_long = build_pdf(letter(["Alianza Americas"], footer="A letter with a long name " * 4), fallback_fonts=())
    (footer,) = [line for line in pdf_lines(slightly_long) if line.text.endswith("Page 1 of 1")]
    assert layout.FOOTER_MIN_SIZE <= footer.size < layout.FOOTER_SIZE and "\u2026" not in footer.text


def test_invisible_characters_stay_invisible() -> None:
    lines = pdf_lines(build_pdf(names_only(["Hawai\u02bbi Immi\u00adgrant Coa\u200blition"]), fallback_fonts=()))
    assert names_from_lines(lines) == ["Hawaiʻi Immigrant Coa\u200blition"]


ARABIC = "مركز الجالية العربية في ديترويت"
DEVANAGARI = "दक्षिण एशियाई श्रमिक संघ"


def _private_use(text: str) -> list[str]:
    return [char for char in text if 0xE000 <= ord(char) <= 0xF8FF]


def test_arabic_and_devanagari_names_are_shaped_not_drawn_letter_by_letter(
    shaping_fonts: tuple[Path, ...], tmp_path: Path
) -> None:
    """Arabic letters join and run right to left, Devanagari letters form conjuncts: the PDF draws the glyphs
    HarfBuzz chose (forms the fonts reach only through their shaping tables, which a text extractor reports as
    private-use characters), while the Latin names beside them come back exactly."""
    doc = names_only(["Alianza Americas", ARABIC, DEVANAGARI, "Zoe's Fund"])
    assert unprintable_characters(doc, fallback_fonts=shaping_fonts) == frozenset()
    data = build_pdf(doc, fallback_fonts=shaping_fonts)
    lines = pdf_lines(data)
    texts = [line.text for line in lines]
    assert "Alianza Americas" in texts and "Zoe's Fund" in texts
    arabic, devanagari = (line for line in lines[1:3])  # in the export's order, between the Latin names
    assert texts[3] == "Zoe's Fund"
    for line, font in ((arabic, "Amiri"), (devanagari, "Lohit-Devanagari")):
        assert _private_use(line.text), f"{line.text!r} is drawn letter by letter: not shaped"
        assert all(font in name for name in line.fonts), line.fonts
