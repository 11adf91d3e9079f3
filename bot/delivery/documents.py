"""The letter as delivered, as a document: the delivered list, and the sign-ons added after it in their own
section with their dates. Worded in the letter's main language (a document has one language)."""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import date

from sqlalchemy.orm import Session

from bot.documents import LetterDocument, SignatorySection, build_pdf
from bot.messages import words
from bot.runtime import Runtime
from bot.services import delivery as delivery_service
from bot.services import export as export_service
from bot.services.letters.queries import letter_view
from bot.timeutil import zone
from db.models import Letter


def late_sections(
    letter_language: str, rows: list[export_service.ExportRow], tz_name: str | None = None
) -> tuple[SignatorySection, ...]:
    """Sign-ons after the delivery, grouped by the day they signed (oldest first), A–Z within a day."""
    w = words(letter_language)
    by_day: dict[date, list[str]] = defaultdict(list)
    for row in rows:
        signed = row.signed_at.astimezone(zone(tz_name)).date() if row.signed_at else date.min
        by_day[signed].append(row.organization)
    return tuple(
        SignatorySection(w.added_after_delivery(day, len(names)), tuple(sorted(names, key=export_service.sort_key)))
        for day, names in sorted(by_day.items())
    )


def delivered_document(session: Session, letter: Letter, *, with_late: bool = True) -> LetterDocument | None:
    """The delivered letter, or None when it was not delivered."""
    delivery = delivery_service.delivery_of(session, letter.id)
    if delivery is None:
        return None
    w = words(letter.language)
    view = letter_view(session, letter, recent=0)
    split = delivery_service.split_at_delivery(session, export_service.load_export(session, letter), letter.id)
    assert split is not None
    late = late_sections(letter.language, split.late.rows) if with_late else ()
    return LetterDocument(
        title=letter.title,
        date_line=w.calendar_date(delivery.delivered_on),
        body=view.text,
        sections=(SignatorySection(None, tuple(split.delivered.names)),),
        late_sections=late,
        footer=w.document_footer(letter.title, letter.current_version, delivery.snapshot_number),
        page_label=w.page_of(),
        language=letter.language,
    )


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
                document = delivered_document(session, letter, with_late=False) if letter else None
            if document is None:
                return None
            if len(_built) > 8:
                _built.clear()
            _built[key] = build_pdf(document)
        return _built[key], filename
