"""The declarative base every table shares, and the lengths the forms and the columns agree on."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.enums import DeliveryStatus
from db.types import UTCDateTime

# Named constraints let Alembic's batch mode alter them on SQLite later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Lengths shared by the modal inputs (max_length) and the columns, so a value that passes the form fits.
ORG_NAME_MAX = 200
PERSON_NAME_MAX = 120
TITLE_MAX = 120
EMAIL_MAX = 254
CITY_STATE_MAX = 120
ORG_TYPE_MAX = 60
NOTE_MAX = 1000
LETTER_TITLE_MAX = 150
LETTER_TEXT_MAX = 20000
SLACK_ID_MAX = 32
LANGUAGE_MAX = 8
# The letter's parts: one line each (date, Re:, salutation, closing); addressees and cc as blocks of lines.
PART_LINE_MAX = 300
PART_BLOCK_MAX = 3000
# The random part of a public page's address and of a web sign-on's emailed links.
WEB_TOKEN_MAX = 64


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class LeasedSend:
    """The columns of a message row that one process claims with a lease, sends once and records: a claim that
    outlives its lease belongs to a process that stopped, and another resolves it (bot/delivery/claim.py)."""

    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime | None]
