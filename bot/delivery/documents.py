"""The letter as a document (PDF, DOCX): its parts (date line, addressees, Re: line, salutation), its text,
the closing, the signatories, the cc list; for a delivered letter, the delivered list and the sign-ons added
after it in their own section with their dates; the signatories laid out as the coordinator chose (columns,
grouping by organization type or state). The date line is the one the coordinator typed; when they
typed none, a delivered letter prints the date it was delivered (and an undelivered one none).
Worded in the letter's main language (a document has one language)."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from bot.documents import Columns, LetterDocument, SignatorySection, build_docx, build_pdf
from bot.messages import Words, words
from bot.runtime import Runtime
from bot.services import delivery as delivery_service
from bot.services import export as export_service
from bot.services import layout as layout_service
from bot.services.letters.form import LetterParts
from bot.services.letters.queries import letter_view
from bot.services.letters.translations import parts_of, text_at
from db.enums import DocumentColumns, SignatoryGrouping
from db.models import Letter


def signed_day(row: export_service.ExportRow) -> date:
    return row.signed_at.date() if row.signed_at else date.min


def late_sections(letter_language: str, rows: list[export_service.ExportRow]) -> tuple[SignatorySection, ...]:
    """Sign-ons after the delivery, grouped by the day (UTC) they signed, oldest first; A–Z within a day."""
    w = words(letter_language)
    by_day: dict[date, list[str]] = defaultdict(list)
    for row in rows:
        by_day[signed_day(row)].append(row.organization)
    return tuple(
        SignatorySection(w.added_after_delivery(day, len(names)), tuple(sorted(names, key=export_service.sort_key)))
        for day, names in sorted(by_day.items())
    )


def with_parts(document: LetterDocument, w: Words, parts: LetterParts) -> LetterDocument:
    """``document`` with the letter's parts; an empty part prints nothing. The subject gets its "Re:" label
    unless the coordinator typed one."""
    subject = parts.re_line
    labels = ("re:", w.re_line("").strip().lower())
    if subject and not subject.lower().startswith(labels):
        subject = w.re_line(subject)
    return replace(
        document,
        addressees=parts.addressee_list(),
        re_line=subject or None,
        salutation=parts.salutation or None,
        closing=parts.closing or None,
        cc=parts.cc_list(),
        cc_label=w.cc_document_label(),
    )


def signatory_sections(
    w: Words, rows: list[export_service.ExportRow], grouping: SignatoryGrouping
) -> tuple[SignatorySection, ...]:
    """The signatory block: as the export orders it (no headings), or the lead organizations first and then
    one headed group per organization type or state (see :mod:`bot.services.layout`)."""
    if grouping == SignatoryGrouping.NONE:
        return (SignatorySection(None, tuple(row.organization for row in rows)),)
    leads, groups = layout_service.group_signatories(rows, grouping, lambda key: w.group_name(grouping, key))
    sections = [SignatorySection(w.lead_organizations_heading(len(leads)), tuple(r.organization for r in leads))]
    sections.extend(
        SignatorySection(
            w.group_heading(w.group_name(grouping, group.key), len(group.rows)),
            tuple(row.organization for row in group.rows),
        )
        for group in groups
    )
    return tuple(section for section in sections if section.names)


COLUMNS: dict[DocumentColumns, Columns] = {DocumentColumns.AUTO: "auto", DocumentColumns.ONE: 1, DocumentColumns.TWO: 2}


def letter_layout(letter: Letter) -> layout_service.DocumentLayout:
    """The coordinator's choice of columns and grouping for this letter's documents."""
    return layout_service.DocumentLayout.stored(letter.document_columns, letter.document_grouping)


def letter_document(
    session: Session,
    letter: Letter,
    data: export_service.ExportData,
    number: int | None,
    *,
    with_late: bool = True,
    layout: layout_service.DocumentLayout | None = None,
) -> LetterDocument:
    """The letter with ``data`` (its export, in print order) as signatories; ``number`` is the export's.

    ``with_late=False`` is the delivered letter exactly as delivered (what every signer is sent). ``layout``
    replaces the letter's own choice of columns and grouping (the command line's ``--columns``, ``--group``).
    """
    w = words(letter.language)
    chosen = layout or letter_layout(letter)
    view = letter_view(session, letter, recent=0)
    delivery = delivery_service.delivery_of(session, letter.id)
    split = delivery_service.split_at_delivery(session, data, letter.id) if delivery else None
    parts = parts_of(text_at(letter, letter.language))
    if delivery is None or split is None:
        footer = w.export_document_footer(letter.title, letter.current_version, number or 0)
        document = LetterDocument(
            title=letter.title,
            date_line=parts.date_line or None,
            body=view.text,
            sections=signatory_sections(w, data.rows, chosen.grouping),
            footer=footer,
            page_label=w.page_of(),
            columns=COLUMNS[chosen.columns],
            language=letter.language,
        )
        return with_parts(document, w, parts)
    if with_late:
        footer = w.export_document_footer(letter.title, letter.current_version, number or delivery.snapshot_number)
    else:
        footer = w.document_footer(letter.title, letter.current_version, delivery.snapshot_number)
    document = LetterDocument(
        title=letter.title,
        date_line=parts.date_line or w.calendar_date(delivery.delivered_on),
        body=view.text,
        sections=signatory_sections(w, split.delivered.rows, chosen.grouping),
        late_sections=late_sections(letter.language, split.late.rows) if with_late else (),
        footer=footer,
        page_label=w.page_of(),
        columns=COLUMNS[chosen.columns],
        language=letter.language,
    )
    return with_parts(document, w, parts)


def build(document: LetterDocument, fmt: str) -> bytes:
    return build_docx(document) if fmt == "docx" else build_pdf(document)


_lock = threading.Lock()
# The delivered list never changes, so each process builds its PDF once per layout:
# (letter, delivered export, columns, grouping) -> bytes.
_built: dict[tuple[int, int, str, str], bytes] = {}


def delivered_pdf(runtime: Runtime, letter_id: int) -> tuple[bytes, str] | None:
    """The PDF every signer gets (the delivered list only), built once per process; with its file name."""
    with runtime.db.read() as session:
        delivery = delivery_service.delivery_of(session, letter_id)
        letter = session.get(Letter, letter_id)
        if delivery is None or letter is None:
            return None
        key = (letter_id, delivery.snapshot_number, letter.document_columns, letter.document_grouping)
    filename = f"letter-{letter_id}-delivered.pdf"
    with _lock:
        if key not in _built:
            with runtime.db.read() as session:
                letter = session.get(Letter, letter_id)
                if letter is None:
                    return None
                data = export_service.load_export(session, letter)
                document = letter_document(session, letter, data, None, with_late=False)
            if len(_built) > 8:
                _built.clear()
            _built[key] = build_pdf(document)
        return _built[key], filename
