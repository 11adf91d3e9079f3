"""The letter as a Word document (python-docx) that coordinators can go on editing.

Real paragraphs in Word's built-in styles ("List" for the names, "Heading 1" for the section headings, which
Word shows under their names in the user's language, so this module adds no words), run formatting for
bold and italic, and the signatory lists as two-column sections (``w:cols``) between continuous section
breaks, so Word and LibreOffice balance the columns at the end of each list. The footer holds PAGE and
NUMPAGES fields, which the word processor fills in.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from datetime import UTC, datetime
from typing import Literal

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.section import CT_SectPr
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as WordParagraph

from bot.documents import layout
from bot.documents.fonts import font_set
from bot.documents.model import LetterDocument, SignatorySection
from bot.documents.text import one_line, parse_body, printable

# Word documents are opened on machines without DejaVu; Times New Roman is everywhere (LibreOffice
# substitutes the metric-compatible Liberation Serif).
WORD_FONT = "Times New Roman"
NAME_STYLE = "List"
HEADING_STYLE = "Heading 1"
FIXED_TIME = datetime(2000, 1, 1, tzinfo=UTC)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FOOTER_SEPARATOR = " \u00b7 "
CC_INDENT = 36.0
# Elements that come after w:cols inside w:sectPr (ECMA-376 order).
_AFTER_COLS = ("w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:docGrid")


def build_docx(doc: LetterDocument) -> bytes:
    """Print the letter as a .docx file.

    Args:
        doc: the letter, fully worded.

    Returns:
        The file's bytes; the same document always gives the same bytes.
    """
    word = Document()
    _drop_template_thumbnail(word)
    _set_up_page_and_styles(word, doc)
    writer = _Writer(word, columns=layout.choose_columns(doc, font_set(())))
    writer.letter(doc)
    writer.finish()
    _add_footer(word, doc)
    return _fixed_zip(_save(word))


class _Writer:
    """Adds the paragraphs in order, remembering how many columns each one sits in."""

    def __init__(self, word: WordDocument, *, columns: int) -> None:
        self.word = word
        self.columns = columns
        self.blocks: list[tuple[WordParagraph, int]] = []
        self._style_ids: dict[str, str] = {}

    def _style_id(self, name: str) -> str:
        if name not in self._style_ids:
            self._style_ids[name] = self.word.styles[name].style_id
        return self._style_ids[name]

    def add(self, text: str, style: str | None = None, *, bold: bool = False, columns: int = 1) -> WordParagraph:
        paragraph = self.word.add_paragraph()
        if style is not None:
            # python-docx's own style setter looks the style up among all styles for every paragraph, which
            # is most of the time for a long list; the id is looked up once and written directly.
            paragraph._p.get_or_add_pPr().style = self._style_id(style)
        if text:
            # python-docx writes "\n" as a line break and "\t" as a tab.
            paragraph.add_run(printable(text)).bold = bold or None
        self.blocks.append((paragraph, columns))
        return paragraph

    def letter(self, doc: LetterDocument) -> None:
        if doc.date_line:
            self.add(doc.date_line)
        for addressee in doc.addressees:
            self.add(addressee)
        if doc.re_line:
            self.add(doc.re_line, bold=True)
        if doc.salutation:
            self.add(doc.salutation)
        for item in parse_body(doc.body):
            paragraph = self.add("", "List Paragraph" if item.marker else None)
            if item.marker:
                paragraph.add_run(item.marker + "\t")
                _hanging(paragraph, layout.LIST_INDENT)
            for run in item.runs:
                word_run = paragraph.add_run(run.text)
                word_run.bold = run.bold or None
                word_run.italic = run.italic or None
        if doc.closing:
            self.add(doc.closing).paragraph_format.keep_with_next = True
        for section in (*doc.sections, *doc.late_sections):
            self.section(section)
        self.cc(one_line(doc.cc_label or ""), doc.cc)

    def section(self, section: SignatorySection) -> None:
        if not section.names:
            return  # a heading over nothing would read as a list that went missing
        if section.heading:
            self.add(one_line(section.heading), HEADING_STYLE).paragraph_format.keep_with_next = True
        columns = self.columns if len(section.names) > 1 else 1
        for name in section.names:
            self.add(one_line(name), NAME_STYLE, columns=columns)

    def cc(self, label: str, entries: tuple[str, ...]) -> None:
        for index, entry in enumerate(entries):
            if label:
                paragraph = self.add((label if index == 0 else "") + "\t" + one_line(entry))
                _hanging(paragraph, CC_INDENT)
            else:
                paragraph = self.add(one_line(entry))
            paragraph.paragraph_format.space_after = Pt(0)
            if index == 0:
                paragraph.paragraph_format.space_before = Pt(layout.HEADING_SPACE_BEFORE)

    def finish(self) -> None:
        if not self.blocks or self.blocks[-1][1] != 1:
            self.add("")  # a one-column ending, so the last list's columns are balanced
        _break_sections(self.word, self.blocks)


def _drop_template_thumbnail(word: WordDocument) -> None:
    """python-docx's blank template carries a preview picture of some other document; file browsers show it."""
    package_rels = word.part.package.rels
    for rel_id in [rel_id for rel_id, rel in package_rels.items() if rel.reltype == RT.THUMBNAIL]:
        del package_rels[rel_id]


def _set_up_page_and_styles(word: WordDocument, doc: LetterDocument) -> None:
    section = word.sections[0]
    section.page_width, section.page_height = Pt(layout.PAGE_WIDTH), Pt(layout.PAGE_HEIGHT)
    section.left_margin = section.right_margin = Pt(layout.MARGIN)
    section.top_margin = section.bottom_margin = Pt(layout.MARGIN)
    section.footer_distance = Pt(layout.FOOTER_BASELINE - layout.FOOTER_SIZE / 2)

    normal = word.styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    _font(normal, layout.BODY_SIZE)
    rpr = normal.element.get_or_add_rPr()
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)  # w:lang is the last child that a style's run properties here have
    language.set(qn("w:val"), doc.language)  # spelling and hyphenation in the letter's language
    normal.paragraph_format.space_after = Pt(layout.PARAGRAPH_SPACE)
    normal.paragraph_format.line_spacing = Pt(layout.BODY_LEADING)

    heading = word.styles[HEADING_STYLE]
    assert isinstance(heading, ParagraphStyle)
    _font(heading, layout.HEADING_SIZE, bold=True)
    heading.paragraph_format.space_before = Pt(layout.HEADING_SPACE_BEFORE)
    heading.paragraph_format.space_after = Pt(layout.HEADING_SPACE_AFTER)

    names = word.styles[NAME_STYLE]
    assert isinstance(names, ParagraphStyle)
    names.base_style = normal
    names.quick_style = True  # in the style gallery, so a coordinator can restyle every name at once
    _font(names, layout.NAME_SIZE)
    names.paragraph_format.left_indent = Pt(layout.HANGING_INDENT)
    names.paragraph_format.first_line_indent = Pt(-layout.HANGING_INDENT)
    names.paragraph_format.space_after = Pt(layout.NAME_SPACE)
    names.paragraph_format.line_spacing = Pt(layout.NAME_LEADING)
    names.paragraph_format.keep_together = True

    properties = word.core_properties
    properties.title = one_line(doc.title)
    properties.language = doc.language
    properties.author = properties.comments = properties.last_modified_by = ""
    properties.created = properties.modified = doc.created or FIXED_TIME
    properties.revision = 1


def _font(style: ParagraphStyle, size: float, *, bold: bool = False) -> None:
    style.font.name = WORD_FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)  # a theme font would win over the one named here
    fonts.set(qn("w:cs"), WORD_FONT)


def _hanging(paragraph: WordParagraph, indent: float) -> None:
    paragraph.paragraph_format.left_indent = Pt(indent)
    paragraph.paragraph_format.first_line_indent = Pt(-indent)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Pt(indent))


def _break_sections(word: WordDocument, blocks: list[tuple[WordParagraph, int]]) -> None:
    """Put a continuous section break wherever the number of columns changes.

    In WordprocessingML a ``w:sectPr`` inside a paragraph ends a section there and describes it; the one at
    the end of the body describes the last section.
    """
    body_sectPr = word.element.body.sectPr
    assert body_sectPr is not None
    first = True
    for (paragraph, columns), (_next, next_columns) in itertools.pairwise(blocks):
        if columns == next_columns:
            continue
        sectPr = body_sectPr.clone()
        if not first:
            sectPr.start_type = WD_SECTION_START.CONTINUOUS
        first = False
        _set_columns(sectPr, columns)
        paragraph._p.get_or_add_pPr()._insert_sectPr(sectPr)
    if not first:
        body_sectPr.start_type = WD_SECTION_START.CONTINUOUS
    _set_columns(body_sectPr, blocks[-1][1])


def _set_columns(sectPr: CT_SectPr, columns: int) -> None:
    cols = sectPr.find(qn("w:cols"))
    if cols is None:
        cols = OxmlElement("w:cols")
        successor = next((sectPr.find(qn(tag)) for tag in _AFTER_COLS if sectPr.find(qn(tag)) is not None), None)
        if successor is None:
            sectPr.append(cols)
        else:
            successor.addprevious(cols)
    cols.set(qn("w:space"), str(round(layout.COLUMN_GAP * 20)))  # twentieths of a point
    if columns > 1:
        cols.set(qn("w:num"), str(columns))
    else:
        cols.attrib.pop(qn("w:num"), None)


def _add_footer(word: WordDocument, doc: LetterDocument) -> None:
    footer = word.sections[0].footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.footer:
        paragraph.add_run(one_line(doc.footer) + FOOTER_SEPARATOR)
    label = one_line(doc.page_label)
    for piece, field in _label_pieces(label):
        if piece:
            paragraph.add_run(piece)
        if field:
            _add_field(paragraph, field)
    for run in paragraph.runs:
        run.font.size = Pt(layout.FOOTER_SIZE)


def _label_pieces(label: str) -> list[tuple[str, Literal["PAGE", "NUMPAGES", ""]]]:
    """ "Page {page} of {pages}" -> [("Page ", "PAGE"), (" of ", "NUMPAGES"), ("", "")]."""
    pieces: list[tuple[str, Literal["PAGE", "NUMPAGES", ""]]] = []
    rest = label
    while True:
        found = [(rest.find(placeholder), placeholder) for placeholder in ("{page}", "{pages}") if placeholder in rest]
        if not found:
            pieces.append((rest, ""))
            return pieces
        position, placeholder = min(found)
        pieces.append((rest[:position], "PAGE" if placeholder == "{page}" else "NUMPAGES"))
        rest = rest[position + len(placeholder) :]


def _add_field(paragraph: WordParagraph, instruction: str) -> None:
    """A complex field (begin, instruction, separate, shown value, end) that Word updates when it lays out."""
    paragraph.add_run()._r.append(_field_char("begin"))
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    paragraph.add_run()._r.append(_field_char("separate"))
    paragraph.add_run("1")  # shown until the word processor updates the field
    paragraph.add_run()._r.append(_field_char("end"))


def _field_char(kind: str) -> BaseOxmlElement:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    return char


def _save(word: WordDocument) -> bytes:
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every member dated 1980-01-01, so equal documents give equal bytes."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            target.writestr(info, source.read(member.filename))
    return output.getvalue()
