"""The signatory list exactly as the letter prints it, a CSV for the records, and numbered snapshots.

Order: the lead organization(s) first, in the coordinator's order; then every other active signatory
sorted alphabetically without regard to case or accents; each name exactly as the organization wrote it;
a lead that also signed is listed once.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot import orgnames
from bot.services import audit
from bot.services.reconfirm import unconfirmed
from db.enums import DeliveryStatus, SignatoryStatus
from db.models import ExportRequest, ExportSnapshot, Letter, Signatory, SignatoryContact

# OWASP: cells starting with these are read as formulas by spreadsheet software.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
FORMATS = ("text", "csv", "all", "pdf", "docx")


def sort_key(name: str) -> tuple[str, str, str]:
    """Alphabetical ignoring case and accents: "FAITH IN TEXAS" between "Faith in Action" and "Federación"."""
    folded = name.casefold()
    base = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return base, folded, name


@dataclass(frozen=True)
class ExportRow:
    organization: str
    signatory_id: int | None
    signer_name: str = ""
    title: str = ""
    email: str = ""
    city_state: str = ""
    org_type: str = ""
    signed_at: datetime | None = None
    version: int | None = None
    source: str = ""
    source_channel: str = ""
    other_contacts: str = ""
    is_lead: bool = False


@dataclass(frozen=True)
class ExportData:
    letter_id: int
    title: str
    rows: list[ExportRow]
    # Signers who have not confirmed ``version``, the current one, after a substantive change.
    unconfirmed: int = 0
    version: int = 1

    @property
    def names(self) -> list[str]:
        return [row.organization for row in self.rows]


def ordered_rows(
    leads: Sequence[str], signatories: Iterable[ExportRow], *, stored_keys: Mapping[int, str] | None = None
) -> list[ExportRow]:
    """Leads first (in order), then the others alphabetically; a lead that also signed appears once.

    ``stored_keys`` maps signatory ids to their normalized keys as stored (computing a key is most of the
    cost of ordering a large letter).
    """
    stored_keys = stored_keys or {}
    by_key: dict[str, ExportRow] = {}
    for row in signatories:
        key = stored_keys.get(row.signatory_id) if row.signatory_id is not None else None
        by_key.setdefault(key or orgnames.org_key(row.organization), row)
    rows: list[ExportRow] = []
    lead_keys: set[str] = set()
    for lead in leads:
        key = orgnames.org_key(lead)
        if key in lead_keys:
            continue
        lead_keys.add(key)
        signed = by_key.get(key)
        if signed is not None:
            # The coordinator's spelling of a lead is what the letter prints.
            rows.append(ExportRow(**{**signed.__dict__, "organization": lead, "is_lead": True}))
        else:
            rows.append(ExportRow(organization=lead, signatory_id=None, is_lead=True))
    others = [row for key, row in by_key.items() if key not in lead_keys]
    rows.extend(sorted(others, key=lambda row: sort_key(row.organization)))
    return rows


def load_export(session: Session, letter: Letter, channel_names: dict[str, str] | None = None) -> ExportData:
    """Read the letter's active signatories and contacts in one snapshot."""
    channel_names = channel_names or {}
    # Only the columns the export prints, as plain rows: loading ORM objects cost most of a large export.
    signatories = session.execute(
        select(
            Signatory.id,
            Signatory.org_name,
            Signatory.org_key,
            Signatory.signer_name,
            Signatory.signer_title,
            Signatory.signer_email,
            Signatory.city_state,
            Signatory.org_type,
            Signatory.signed_at,
            Signatory.version_confirmed,
            Signatory.source,
            Signatory.source_channel_id,
        ).where(Signatory.letter_id == letter.id, Signatory.status == SignatoryStatus.ACTIVE)
    ).all()
    contacts: dict[int, list[str]] = {}
    contact_rows = session.execute(
        select(SignatoryContact.signatory_id, SignatoryContact.name, SignatoryContact.title, SignatoryContact.email)
        .join(Signatory, Signatory.id == SignatoryContact.signatory_id)
        .where(
            Signatory.letter_id == letter.id,
            Signatory.status == SignatoryStatus.ACTIVE,
            SignatoryContact.is_signer.is_(False),
        )
        .order_by(SignatoryContact.id)
    )
    for signatory_id, name, title, email in contact_rows:
        described = ", ".join(part for part in (name, title or "", email or "") if part)
        contacts.setdefault(signatory_id, []).append(described)
    rows = []
    for s in signatories:
        channel = s.source_channel_id or ""
        rows.append(
            ExportRow(
                organization=s.org_name,
                signatory_id=s.id,
                signer_name=s.signer_name,
                title=s.signer_title,
                email=s.signer_email,
                city_state=s.city_state or "",
                org_type=s.org_type or "",
                signed_at=s.signed_at,
                version=s.version_confirmed,
                source=s.source,
                source_channel=f"#{channel_names[channel]}" if channel in channel_names else channel,
                other_contacts="; ".join(contacts.get(s.id, [])),
            )
        )
    leads = [lead.name for lead in letter.lead_organizations]
    stored_keys = {s.id: s.org_key for s in signatories}
    return ExportData(
        letter.id,
        letter.title,
        ordered_rows(leads, rows, stored_keys=stored_keys),
        unconfirmed=unconfirmed(session, letter.id),
        version=letter.current_version,
    )


def text_block(data: ExportData) -> str:
    """Only the names, one per line: pastes straight into the letter."""
    return "".join(f"{name}\n" for name in data.names)


def neutralize(cell: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (OWASP CSV injection advice)."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


@dataclass(frozen=True)
class CsvLabels:
    """The words of the CSV, in the reader's language (from bot/messages): the header, the mark of a lead
    organization ("yes"), and each organization type's name."""

    header: Sequence[str]
    lead: str
    org_type: Callable[[str], str]


def csv_rows(
    data: ExportData, labels: CsvLabels, added_after: Mapping[int, str] | None = None, added_label: str = ""
) -> Iterator[list[str]]:
    """The header, then one row per organization. For a delivered letter, ``added_after`` maps the sign-ons
    after the delivery to their date, printed in one more column (``added_label``)."""
    yield [*labels.header, added_label] if added_after is not None else list(labels.header)
    for row in data.rows:
        cells = [
            row.organization,
            row.signer_name,
            row.title,
            row.email,
            row.city_state,
            labels.org_type(row.org_type) if row.org_type else "",
            row.signed_at.isoformat(timespec="seconds") if row.signed_at else "",
            str(row.version) if row.version is not None else "",
            row.source_channel or row.source,
            row.other_contacts,
            labels.lead if row.is_lead else "",
        ]
        if added_after is not None:
            cells.append(added_after.get(row.signatory_id, "") if row.signatory_id is not None else "")
        yield [neutralize(cell) for cell in cells]


def csv_text(
    data: ExportData, labels: CsvLabels, added_after: Mapping[int, str] | None = None, added_label: str = ""
) -> str:
    """RFC 4180: CRLF line ends, fields quoted when needed, quotes doubled. UTF-8 with a BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(csv_rows(data, labels, added_after, added_label))
    return "\ufeff" + buffer.getvalue()


# ---------------------------------------------------------------------------------------------------
# Snapshots
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotSummary:
    number: int
    count: int
    previous_number: int | None
    added: list[str]
    removed: list[str]


def _names_for(session: Session, ids: Iterable[int]) -> dict[int, str]:
    id_list = list(ids)
    names: dict[int, str] = {}
    for start in range(0, len(id_list), 500):
        chunk = id_list[start : start + 500]
        for row_id, name in session.execute(select(Signatory.id, Signatory.org_name).where(Signatory.id.in_(chunk))):
            names[row_id] = name
    return names


def compare(session: Session, data: ExportData, previous: ExportSnapshot | None) -> tuple[list[str], list[str]]:
    current = {row.signatory_id for row in data.rows if row.signatory_id is not None}
    if previous is None:
        return [], []
    before = set(previous.signatory_ids)
    added_ids, removed_ids = current - before, before - current
    names = _names_for(session, added_ids | removed_ids)
    added = sorted((names.get(i, "?") for i in added_ids), key=sort_key)
    removed = sorted((names.get(i, "?") for i in removed_ids), key=sort_key)
    return added, removed


def latest_snapshot(session: Session, letter_id: int) -> ExportSnapshot | None:
    return session.execute(
        select(ExportSnapshot)
        .where(ExportSnapshot.letter_id == letter_id)
        .order_by(ExportSnapshot.number.desc())
        .limit(1)
    ).scalar_one_or_none()


def take_snapshot(session: Session, data: ExportData, *, actor: str, now: datetime) -> SnapshotSummary:
    """Number and remember this export; say what changed since the previous one."""
    # Two exports of one letter at once (two commands, two processes) would both read the same highest number on
    # PostgreSQL and one would fail on the unique number: the letter's row is locked until this one is numbered.
    session.execute(select(Letter.id).where(Letter.id == data.letter_id).with_for_update())
    previous = latest_snapshot(session, data.letter_id)
    added, removed = compare(session, data, previous)
    number = (
        session.execute(
            select(func.max(ExportSnapshot.number)).where(ExportSnapshot.letter_id == data.letter_id)
        ).scalar()
        or 0
    ) + 1
    ids = [row.signatory_id for row in data.rows if row.signatory_id is not None]
    session.add(
        ExportSnapshot(
            letter_id=data.letter_id,
            number=number,
            created_at=now,
            created_by=actor,
            count=len(data.rows),
            signatory_ids=ids,
        )
    )
    audit.record(
        session, "exported", at=now, actor=actor, letter_id=data.letter_id, number=number, count=len(data.rows)
    )
    return SnapshotSummary(number, len(data.rows), previous.number if previous else None, added, removed)


def changes_since_last(session: Session, data: ExportData) -> SnapshotSummary | None:
    previous = latest_snapshot(session, data.letter_id)
    if previous is None:
        return None
    added, removed = compare(session, data, previous)
    return SnapshotSummary(previous.number, len(data.rows), previous.number, added, removed)


def request_export(
    session: Session,
    *,
    letter_id: int,
    team_id: str,
    user_id: str,
    fmt: str,
    now: datetime,
    changes_only: bool = False,
    final: bool = False,
    response_url: str | None = None,
    language: str | None = None,
) -> int:
    """Ask for an export to be delivered (by the exports job, or at once by the flow that asked); its id."""
    request = ExportRequest(
        letter_id=letter_id,
        team_id=team_id,
        user_id=user_id,
        fmt=fmt if fmt in FORMATS else "all",
        changes_only=changes_only,
        final=final,
        language=language,
        response_url=response_url if response_url and len(response_url) <= 500 else None,
        status=DeliveryStatus.PENDING,
        attempts=0,
        files_shared=False,
        created_at=now,
    )
    session.add(request)
    session.flush()
    return request.id


def release_snapshot(session: Session, letter_id: int, number: int) -> None:
    """An export that could not be delivered gives its number back, so "what changed since export N" only ever
    counts from an export somebody received."""
    session.execute(
        delete(ExportSnapshot).where(ExportSnapshot.letter_id == letter_id, ExportSnapshot.number == number)
    )
