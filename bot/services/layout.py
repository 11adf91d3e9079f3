"""How the letter's documents arrange the signatories: the coordinator's columns and grouping, and the groups.

Grouping keeps the export's order: the lead organizations first, as they are, then one group per organization
type or per state, the groups A–Z by the heading they print under (a group for those whose type or state is
not known comes last), and within each group the names in the order the export gives them (A–Z).
The state is read from what the signer typed as their city and state ("Houston, TX", "Chicago, Illinois",
"Washington, D.C.", "San Juan PR 00901"); the names and codes of US states come from pycountry (ISO 3166-2).
"""

from __future__ import annotations

import functools
import gettext
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pycountry

from bot.services.export import ExportRow, sort_key
from db.enums import DocumentColumns, SignatoryGrouping

# The key of the group of signatories whose state or organization type is not known.
UNKNOWN = ""
_ZIP = re.compile(r"\s*\d{5}(?:-\d{4})?\s*$")
# The country, when typed after the state (compared without spaces): "USA", "United States", "EE. UU."…
_COUNTRY = {"usa", "us", "unitedstates", "unitedstatesofamerica", "eeuu", "estadosunidos"}


@dataclass(frozen=True)
class DocumentLayout:
    """The coordinator's choice for the signatory block of the PDF and the DOCX."""

    columns: DocumentColumns = DocumentColumns.AUTO
    grouping: SignatoryGrouping = SignatoryGrouping.NONE

    @classmethod
    def stored(cls, columns: str | None, grouping: str | None) -> DocumentLayout:
        """The layout from stored (or submitted) values; an unknown value is the default."""
        return cls(
            DocumentColumns(columns) if columns in tuple(DocumentColumns) else DocumentColumns.AUTO,
            SignatoryGrouping(grouping) if grouping in tuple(SignatoryGrouping) else SignatoryGrouping.NONE,
        )


@dataclass(frozen=True)
class SignatoryGroup:
    """One group of the signatory block: ``key`` is the state's code ("TX") or the organization type's code,
    or :data:`UNKNOWN`."""

    key: str
    rows: list[ExportRow] = field(default_factory=list)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).replace(".", "").split())


@functools.cache
def _states() -> tuple[dict[str, str], dict[str, str]]:
    """(two-letter code -> code, folded English or Spanish name -> code) for the states, DC and territories."""
    spanish = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["es"], fallback=True)
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    for subdivision in pycountry.subdivisions.get(country_code="US") or []:  # type: ignore[no-untyped-call]
        code = subdivision.code.removeprefix("US-")
        codes[code] = code
        names[_fold(subdivision.name)] = code
        names[_fold(spanish.gettext(subdivision.name))] = code
    return codes, names


def state_name(code: str, language: str) -> str:
    """A state's name ("Texas", "Nuevo México") in ``language``; the code itself if pycountry lacks it."""
    subdivision = pycountry.subdivisions.get(code=f"US-{code}")  # type: ignore[no-untyped-call]
    if subdivision is None:
        return code
    names = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[language], fallback=True)
    return str(names.gettext(subdivision.name))


def state_code(city_state: str | None) -> str | None:
    """The US state a signer's "city, state" names, as its two-letter code; None when none is recognized.

    The last comma-separated part that is not the country is tried (a ZIP code and dots dropped), as a code
    or a name, then the last one to three words of it ("Houston TX", "Santa Fe New Mexico").
    """
    codes, names = _states()
    for part in reversed((city_state or "").split(",")):
        part = _ZIP.sub("", part).strip()
        folded = _fold(part)
        if not folded or folded.replace(" ", "") in _COUNTRY:
            continue
        if folded.upper() in codes:
            return codes[folded.upper()]
        if folded in names:
            return names[folded]
        words = folded.split()
        for count in (3, 2, 1):
            if len(words) > count:
                tail = " ".join(words[-count:])
                if count == 1 and tail.upper() in codes and len(tail) == 2:
                    return codes[tail.upper()]
                if tail in names:
                    return names[tail]
        return None  # the last part (after the country) names no state: an earlier one is a city
    return None


def group_signatories(
    rows: Sequence[ExportRow], grouping: SignatoryGrouping, heading: Callable[[str], str]
) -> tuple[list[ExportRow], list[SignatoryGroup]]:
    """(the lead organizations, the groups of the others) in print order; ``heading`` words a group's key
    (the groups are sorted A–Z by it). With no grouping, one group of everyone else, key :data:`UNKNOWN`."""
    leads = [row for row in rows if row.is_lead]
    others = [row for row in rows if not row.is_lead]
    if grouping == SignatoryGrouping.NONE:
        return leads, [SignatoryGroup(UNKNOWN, others)] if others else []
    groups: dict[str, SignatoryGroup] = {}
    for row in others:
        key = (state_code(row.city_state) if grouping == SignatoryGrouping.STATE else row.org_type) or UNKNOWN
        groups.setdefault(key, SignatoryGroup(key)).rows.append(row)
    return leads, sorted(groups.values(), key=lambda group: (group.key == UNKNOWN, sort_key(heading(group.key))))
