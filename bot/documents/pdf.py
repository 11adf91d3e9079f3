"""The letter as a PDF (reportlab): real text in embedded fonts, signatories in columns, a footer on each page.

The signatory list of each section is laid out by reportlab's ``BalancedColumns``: on every page the names
run down the first column and then the second, and the last page of a section is balanced, so text
extraction reads the names in list order. Headings never stand alone at the foot of a page or column.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus.flowables import BalancedColumns

from bot.documents import layout
from bot.documents.fonts import FontSet, discover_fallback_fonts, font_set
from bot.documents.model import LetterDocument, Paragraph, SignatorySection
from bot.documents.text import one_line, parse_body, printable

log = logging.getLogger(__name__)

# reportlab keeps each document's font subsets inside the shared, registered font objects; building one
# PDF at a time keeps two exports from ever touching the same state.
_BUILD_LOCK = threading.Lock()
FOOTER_SEPARATOR = " \u00b7 "


def build_pdf(doc: LetterDocument, *, fallback_fonts: Sequence[Path] | None = None) -> bytes:
    """Print the letter as a PDF.

    Args:
        doc: the letter, fully worded.
        fallback_fonts: font files for characters DejaVu Serif lacks (CJK); None finds them on this
            machine (:func:`bot.documents.fonts.discover_fallback_fonts`). Characters no font can draw
            are printed as U+FFFD and logged; :func:`unprintable_characters` lists them beforehand.

    Returns:
        The PDF file's bytes; the same document and fonts always give the same bytes.
    """
    fonts = _fonts(fallback_fonts)
    missing = fonts.unprintable(_document_texts(doc))
    if missing:
        log.warning("PDF of %r: no font can draw %s", doc.title, " ".join(sorted(f"U+{ord(c):04X}" for c in missing)))
    with _BUILD_LOCK:
        return _Builder(doc, fonts).build()


def unprintable_characters(doc: LetterDocument, *, fallback_fonts: Sequence[Path] | None = None) -> frozenset[str]:
    """The characters of ``doc`` that no available font can draw, so the caller can warn before sending.

    Args:
        doc: the letter.
        fallback_fonts: as for :func:`build_pdf`.

    Returns:
        The characters (empty when the PDF can print everything).
    """
    return _fonts(fallback_fonts).unprintable(_document_texts(doc))


def _fonts(fallback_fonts: Sequence[Path] | None) -> FontSet:
    files = discover_fallback_fonts() if fallback_fonts is None else tuple(fallback_fonts)
    return font_set(tuple(Path(path) for path in files))


def _document_texts(doc: LetterDocument) -> list[str]:
    return [
        doc.date_line or "",
        *doc.addressees,
        doc.re_line or "",
        doc.salutation or "",
        printable(doc.body),
        doc.closing or "",
        *(section.heading or "" for section in (*doc.sections, *doc.late_sections)),
        *doc.all_names(),
        *doc.cc,
        doc.cc_label or "",
        doc.footer,
        doc.page_label,
    ]


class _Builder:
    def __init__(self, doc: LetterDocument, fonts: FontSet) -> None:
        self.doc = doc
        self.fonts = fonts
        regular = fonts.styles[False, False]
        self.body = ParagraphStyle(
            "body", fontName=regular, fontSize=layout.BODY_SIZE, leading=layout.BODY_LEADING,
            spaceAfter=layout.PARAGRAPH_SPACE, splitLongWords=True,
        )  # fmt: skip
        self.list_item = ParagraphStyle(
            "list item",
            parent=self.body,
            leftIndent=layout.LIST_INDENT,
            bulletIndent=0,
            bulletFontName=regular,
            bulletFontSize=layout.BODY_SIZE,
        )
        self.name = ParagraphStyle(
            "name", fontName=regular, fontSize=layout.NAME_SIZE, leading=layout.NAME_LEADING,
            leftIndent=layout.HANGING_INDENT, firstLineIndent=-layout.HANGING_INDENT,
            spaceAfter=layout.NAME_SPACE, splitLongWords=True, allowWidows=0, allowOrphans=0,
        )  # fmt: skip
        self.heading = ParagraphStyle(
            "heading", parent=self.body, fontName=fonts.styles[True, False], fontSize=layout.HEADING_SIZE,
            spaceBefore=layout.HEADING_SPACE_BEFORE, spaceAfter=layout.HEADING_SPACE_AFTER,
        )  # fmt: skip
        self.columns = layout.choose_columns(doc, fonts)
        self._shaped_styles: dict[tuple[str, str], ParagraphStyle] = {}

    def build(self) -> bytes:
        buffer = BytesIO()
        template = BaseDocTemplate(
            buffer,
            pagesize=(layout.PAGE_WIDTH, layout.PAGE_HEIGHT),
            title=one_line(self.doc.title),
            lang=self.doc.language,
            creator="",
            producer="",
            invariant=True,
        )
        # No frame padding: the text starts exactly at the margins that layout.py measures with.
        frame = Frame(
            layout.MARGIN,
            layout.MARGIN,
            layout.TEXT_WIDTH,
            layout.PAGE_HEIGHT - 2 * layout.MARGIN,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="text",  # BalancedColumns returns to the page's frame by its id
        )
        template.addPageTemplates([PageTemplate(id="letter", frames=[frame])])
        template.build(self._story(), canvasmaker=self._canvas_class())
        return buffer.getvalue()

    # -- the text -------------------------------------------------------------------------------------------

    def markup(self, text: str, *, bold: bool = False, italic: bool = False) -> str:
        """reportlab paragraph markup for plain text: escaped, each stretch in a font that can draw it."""
        lines = printable(text).replace("\t", " ").split("\n")
        return "<br/>".join(
            "".join(
                f'<font face="{piece.font}">{escape(piece.text)}</font>'
                for piece in self.fonts.segments(line, bold=bold, italic=italic)
            )
            for line in lines
        )

    def shaped(self, text: str, style: ParagraphStyle) -> ParagraphStyle:
        """``style``, or for text in Arabic, Devanagari and other such scripts the same style shaped through
        HarfBuzz: reportlab shapes a paragraph whose style's font can be shaped, so the style names the font
        those letters are drawn in (every stretch of text still names its own font)."""
        font = self.fonts.shaping_font(text)
        if font is None:
            return style
        key = (style.name, font)
        if key not in self._shaped_styles:
            self._shaped_styles[key] = ParagraphStyle(f"{style.name} shaped", parent=style, fontName=font, shaping=1)
        return self._shaped_styles[key]

    def paragraph(self, text: str, style: ParagraphStyle, *, bold: bool = False) -> PdfParagraph:
        return PdfParagraph(self.markup(text, bold=bold), self.shaped(text, style))

    def body_paragraph(self, paragraph: Paragraph) -> PdfParagraph:
        text = "".join(self.markup(run.text, bold=run.bold, italic=run.italic) for run in paragraph.runs)
        plain = "".join(run.text for run in paragraph.runs)
        if paragraph.marker is None:
            return PdfParagraph(text, self.shaped(plain, self.body))
        return PdfParagraph(text, self.shaped(plain, self.list_item), bulletText=paragraph.marker)

    def _story(self) -> list[Flowable]:
        doc = self.doc
        story: list[Flowable] = []
        if doc.date_line:
            story.append(self.paragraph(doc.date_line, self.body))
        if doc.addressees:
            story.append(Spacer(1, layout.PARAGRAPH_SPACE))
            story.extend(self.paragraph(addressee, self.body) for addressee in doc.addressees)
        if doc.re_line:
            story.append(Spacer(1, layout.PARAGRAPH_SPACE))
            story.append(self.paragraph(doc.re_line, self.body, bold=True))
        if doc.salutation:
            story.append(Spacer(1, layout.PARAGRAPH_SPACE))
            story.append(self.paragraph(doc.salutation, self.body))
        story.extend(self.body_paragraph(paragraph) for paragraph in parse_body(doc.body))
        if doc.closing:
            # The closing goes with the start of the list, not alone at the foot of a page.
            story.append(CondPageBreak(layout.BODY_LEADING * 2 + self._list_start_height()))
            story.append(self.paragraph(doc.closing, self.body))
        for section in doc.sections:
            story.extend(self.section(section))
        if doc.late_sections:
            story.append(Spacer(1, layout.HEADING_SPACE_BEFORE))
        for section in doc.late_sections:
            story.extend(self.section(section))
        if doc.cc:
            story.append(Spacer(1, layout.HEADING_SPACE_BEFORE))
            story.extend(self.cc_block())
        return story

    def _list_start_height(self, names: int = 3) -> float:
        """Room for a heading and the first names: less than that at a page foot strands the heading.

        A CondPageBreak does this job rather than keepWithNext, which would bind the heading to the whole
        column block and push a list that does not fit on the page to the next one.
        """
        heading = layout.HEADING_SPACE_BEFORE + layout.BODY_LEADING + layout.HEADING_SPACE_AFTER
        return heading + self._names_needed(names)

    @staticmethod
    def _names_needed(names: int = 3) -> float:
        return min(names, 3) * (layout.NAME_LEADING + layout.NAME_SPACE)

    def section(self, section: SignatorySection) -> list[Flowable]:
        if not section.names:
            return []  # a heading over nothing would read as a list that went missing
        flowables: list[Flowable] = [CondPageBreak(self._list_start_height(len(section.names)))]
        if section.heading:
            flowables.append(self.paragraph(one_line(section.heading), self.heading, bold=True))
        names = [self.paragraph(one_line(name), self.name) for name in section.names]
        if self.columns == 1 or len(names) < 2:
            flowables.extend(names)
        else:
            flowables.append(
                BalancedColumns(
                    names,
                    nCols=2,
                    needed=self._names_needed(len(names)),
                    innerPadding=layout.COLUMN_GAP,
                    leftPadding=0,
                    rightPadding=0,
                )
            )
        return flowables

    def cc_block(self) -> list[Flowable]:
        """The cc entries one under the other, after the label when there is one (a hanging indent)."""
        label = one_line(self.doc.cc_label or "")
        style = ParagraphStyle("cc", parent=self.body, spaceAfter=1)
        entries = [self.paragraph(one_line(entry), style) for entry in self.doc.cc]
        if not label:
            return list(entries)
        label_width = self.fonts.width(label, layout.BODY_SIZE) + layout.BODY_SIZE
        rows = [[self.paragraph(label if index == 0 else "", style), entry] for index, entry in enumerate(entries)]
        table = Table(rows, colWidths=[label_width, layout.TEXT_WIDTH - label_width], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return [table]

    # -- the footer -----------------------------------------------------------------------------------------

    def _canvas_class(self) -> type[Canvas]:
        builder = self

        class FooterCanvas(_DeferredPagesCanvas):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                if builder.doc.created is not None:
                    _set_creation_time(self, builder.doc.created)

            def paint_footer(self, page: int, pages: int) -> None:
                builder.paint_footer(self, page, pages)

        return FooterCanvas

    def paint_footer(self, canvas: Canvas, page: int, pages: int) -> None:
        label = one_line(self.doc.page_label.replace("{page}", str(page)).replace("{pages}", str(pages)))
        text, size = self.fit_footer(one_line(self.doc.footer), label)
        x = (layout.PAGE_WIDTH - self.fonts.width(text, size)) / 2
        for piece in self.fonts.segments(text):
            canvas.setFont(piece.font, size)
            canvas.drawString(x, layout.FOOTER_BASELINE, piece.text)
            x += canvas.stringWidth(piece.text, piece.font, size)

    def fit_footer(self, footer: str, label: str) -> tuple[str, float]:
        """The footer line and its type size: smaller type for a long letter name, then the name cut short.

        The page label is always printed whole.
        """

        def line(kept: str) -> str:
            return kept + FOOTER_SEPARATOR + label if kept else label

        text = line(footer)
        width = self.fonts.width(text, layout.FOOTER_SIZE)
        if width <= layout.TEXT_WIDTH:
            return text, layout.FOOTER_SIZE
        # Rounded down to a tenth of a point, so the scaled line is not a rounding error too wide.
        size = max(layout.FOOTER_MIN_SIZE, math.floor(10 * layout.FOOTER_SIZE * layout.TEXT_WIDTH / width) / 10)
        if self.fonts.width(text, size) <= layout.TEXT_WIDTH:
            return text, size
        short, long = 0, len(footer)  # the longest start of the footer that fits, with an ellipsis
        while short < long:
            middle = (short + long + 1) // 2
            if self.fonts.width(line(footer[:middle].rstrip() + "\u2026"), size) <= layout.TEXT_WIDTH:
                short = middle
            else:
                long = middle - 1
        return line(footer[:short].rstrip() + "\u2026" if short else ""), size


def _set_creation_time(canvas: Canvas, created: datetime) -> None:
    """Write ``created`` (UTC) as the PDF's creation and modification date.

    reportlab takes these from one time stamp per document: the fixed one of its "invariant" mode, or the
    clock. There is no public setter, so the stamp's fields are set; should they ever move, the fixed time
    stays, which still gives stable bytes.
    """
    stamp = getattr(getattr(canvas, "_doc", None), "_timeStamp", None)
    if stamp is None or not hasattr(stamp, "YMDhms"):
        return
    utc = created.astimezone(UTC) if created.tzinfo else created
    stamp.YMDhms = tuple(utc.timetuple())[:6]
    stamp.dhh = stamp.dmm = 0


class _DeferredPagesCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """A canvas that holds every page back until the end, so each footer can say how many pages there are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self.paint_footer(number, pages)
            super().showPage()
        super().save()

    def paint_footer(self, page: int, pages: int) -> None:
        raise NotImplementedError
