"""What a letter document holds, already worded by the caller.

The builders in this package add no words of their own: every heading, label and footer arrives here in
the language of the letter, so the app's messages catalog stays the one place where wording lives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Columns = Literal["auto", 1, 2]


@dataclass(frozen=True)
class Run:
    """A stretch of text with one formatting; may contain line breaks ("\\n")."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the letter text.

    Attributes:
        runs: the text, in order.
        marker: for a list item, the marker exactly as typed ("1.", "2)", "•"); the builders print it
            with a hanging indent. None for an ordinary paragraph.
    """

    runs: tuple[Run, ...]
    marker: str | None = None

    @property
    def text(self) -> str:
        """The paragraph's text without formatting (and without its marker)."""
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class SignatorySection:
    """A group of signatories, printed in the order given.

    Attributes:
        heading: e.g. "Community-based organizations (12)", worded by the caller; None for the plain list.
        names: organization names exactly as they are to be printed.
    """

    heading: str | None
    names: tuple[str, ...]


@dataclass(frozen=True)
class LetterDocument:
    """A sign-on letter ready to print, in the order it is printed.

    Attributes:
        title: the document's title in its metadata (not printed on the page).
        date_line: e.g. "November 27, 2026".
        addressees: one entry per addressee; an entry may hold several lines ("\\n").
        re_line: the subject line with its label, e.g. "Re: Ending family detention".
        salutation: e.g. "Dear President Smith and Secretary Jones:".
        body: the letter text as typed: paragraphs separated by blank lines, Slack emphasis
            (``*bold*``, ``_italic_``), numbered or bulleted lines; see :func:`bot.documents.text.parse_body`.
        closing: e.g. "Sincerely,".
        sections: the signatories: lead organization(s) first, then the others.
        late_sections: signatories added after delivery, printed after the main list under their own
            heading(s).
        cc: copied recipients, one per entry.
        cc_label: e.g. "cc:"; printed before the first cc entry.
        footer: printed at the bottom of every page (letter name, version, export number).
        page_label: e.g. "Page {page} of {pages}"; the builders fill in ``{page}`` and ``{pages}``.
        columns: how the signatory lists are laid out: 1, 2, or "auto" (two unless the names are long;
            see :func:`bot.documents.layout.choose_columns`).
        language: BCP 47 tag ("en", "es") for the document's metadata.
        created: the creation time written into the metadata; None writes a fixed time so that the same
            document always gives the same bytes.
    """

    title: str
    date_line: str | None = None
    addressees: tuple[str, ...] = ()
    re_line: str | None = None
    salutation: str | None = None
    body: str = ""
    closing: str | None = None
    sections: tuple[SignatorySection, ...] = ()
    late_sections: tuple[SignatorySection, ...] = ()
    cc: tuple[str, ...] = ()
    cc_label: str | None = None
    footer: str = ""
    page_label: str = "{page} / {pages}"
    columns: Columns = "auto"
    language: str = "en"
    created: datetime | None = field(default=None, compare=False)

    def all_names(self) -> tuple[str, ...]:
        """Every signatory name, main list then late additions, in print order."""
        return tuple(name for section in (*self.sections, *self.late_sections) for name in section.names)
