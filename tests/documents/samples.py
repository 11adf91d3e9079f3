"""Letters to build in the tests: the 193-organization seed letter and a letter with every part filled."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.documents.model import LetterDocument, SignatorySection

SEED_FILE = Path(__file__).resolve().parents[1] / "data" / "seed_letter_193.txt"
CJK_NAMES = ("華人前進會", "민족학교", "華人移民服務中心")
# Four lines each in a column, two across the page: a letter of these goes in one column.
LONG_NAMES = [
    f"Coalition {index} for the Rights of Immigrant Farmworkers, Domestic Workers and Day Laborers of the "
    "Southwest Border Region"
    for index in range(30)
]

BODY = """We, the undersigned organizations, write to urge you to *end the expansion of immigration detention* and to \
_invest in community-based alternatives_.

Our requests:
1. Stop signing new detention contracts.
2. Release people who are *medically vulnerable*;
their families are waiting.

Thank you for your _attention_ to this matter."""


def seed_names() -> list[str]:
    """The seed letter's signatories in print order: the lead first, then the others A-Z."""
    return [line for line in SEED_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def letter(names: list[str] | None = None, **changes: object) -> LetterDocument:
    """A letter with every part filled; ``names`` are the signatories, the first one the lead."""
    names = seed_names() if names is None else names
    doc = LetterDocument(
        title="Detention expansion letter",
        date_line="November 27, 2026",
        addressees=(
            "The Honorable Jane Doe\nPresident of the United States\nThe White House",
            "The Honorable John Roe\nSecretary of Homeland Security",
        ),
        re_line="Re: Ending the expansion of immigration detention",
        salutation="Dear President Doe and Secretary Roe:",
        body=BODY,
        closing="Sincerely,",
        sections=(
            SignatorySection("Lead organization", tuple(names[:1])),
            SignatorySection(f"Signatories ({len(names) - 1})", tuple(names[1:])),
        ),
        late_sections=(SignatorySection("Signed after delivery (2)", ("Late Coalition One", "Late Network Two")),),
        cc=("Members of the Senate Judiciary Committee", "Director, U.S. Immigration and Customs Enforcement"),
        cc_label="cc:",
        footer="Detention expansion letter · version 3 · export 12",
        page_label="Page {page} of {pages}",
    )
    return replace(doc, **changes)  # type: ignore[arg-type]


def names_only(names: list[str], **changes: object) -> LetterDocument:
    """Just a signatory list (no letter text), for reading the names back."""
    return letter(
        names,
        date_line=None,
        addressees=(),
        re_line=None,
        salutation=None,
        body="",
        closing=None,
        sections=(SignatorySection(None, tuple(names)),),
        late_sections=(),
        cc=(),
        **changes,
    )
