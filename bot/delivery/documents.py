"""The letter as a document (PDF, DOCX): its text, then the signatories; for a delivered letter, the date it
was delivered, the delivered list, and the sign-ons added after it in their own section with their dates.
Worded in the letter's main language (a document has one language)."""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import date

from sqlalchemy.orm import Session

from bot.documents import LetterDocument, SignatorySection, build_docx, build_pdf
from bot.messages import words
from bot.runtime import Runtime
from bot.services import delivery as delivery_service
from bot.services import export as export_service
from bot.services.letters.queries import letter_view
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


def letter_document(
    session: Session, letter: Letter, data: export_service.ExportData, number: int | None, *, with_late: bool = True
) -> LetterDocument:
    """The letter with ``data`` (its export, in print order) as signatories; ``number`` is the export's.

    ``with_late=False`` is the delivered letter exactly as delivered (what every signer is sent).
    """
    w = words(letter.language)
    view = letter_view(session, letter, recent=0)
    delivery = delivery_service.delivery_of(session, letter.id)
    split = delivery_service.split_at_delivery(session, data, letter.id) if delivery else None
    if delivery is None or split is None:
        footer = w.export_document_footer(letter.title, letter.current_version, number or 0)
        return LetterDocument(
            title=letter.title,
            body=view.text,
            sections=(SignatorySection(None, tuple(data.names)),),
            footer=footer,
            page_label=w.page_of(),
            language=letter.language,
        )
    if with_late:
        footer = w.export_document_footer(letter.title, letter.current_version, number or delivery.snapshot_number)
    else:
        footer = w.document_footer(letter.title, letter.current_version, delivery.snapshot_number)
    return LetterDocument(
        title=letter.title,
        date_line=w.calendar_date(delivery.delivered_on),
        body=view.text,
        sections=(SignatorySection(None, tuple(split.delivered.names)),),
        late_sections=late_sections(letter.language, split.late.rows) if with_late else (),
        footer=footer,
        page_label=w.page_of(),
        language=letter.language,
    )


def build(document: LetterDocument, fmt: str) -> bytes:
    return build_docx(document) if fmt == "docx" else build_pdf(document)


_lock = threading.Lock()
# The delivered list never changes, so each process builds its PDF once: (letter, delivered export) -> bytes.
_built: dict[tuple[int, int], bytes] = {}


def delivered_pdf(runtime: Runtime, letter_id: int) -> tuple[bytes, str] | None:
    """The PDF every signer gets (the delivered list only), built once per process; with its file name."""
    with runtime.db.read() as session:
        delivery = delivery_service.delivery_of(session, letter_id)
        if delivery is None:
            return None
        key = (letter_id, delivery.snapshot_number)
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
