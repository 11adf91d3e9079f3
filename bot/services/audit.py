"""The audit log: every change to a letter or signatory is written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.models import AuditEntry

_INSERT = insert(AuditEntry)


class _OnLetter(Protocol):
    id: int
    team_id: str


def on_letter(
    session: Session,
    action: str,
    letter: _OnLetter,
    *,
    at: datetime,
    actor: str | None,
    subject_id: int | None = None,
    **detail: Any,
) -> None:
    """Record ``action`` on ``letter`` (a Letter or a row with its id and team)."""
    record(
        session,
        action,
        at=at,
        actor=actor,
        letter_id=letter.id,
        team_id=letter.team_id,
        subject_id=subject_id,
        **detail,
    )


def record(
    session: Session,
    action: str,
    *,
    at: datetime,
    actor: str | None,
    letter_id: int | None = None,
    team_id: str | None = None,
    subject_id: int | None = None,
    **detail: Any,
) -> None:
    # A Core INSERT on the session's connection: no ORM object to track, which matters on the sign-on path.
    session.connection().execute(
        _INSERT,
        {
            "at": at,
            "team_id": team_id,
            "letter_id": letter_id,
            "actor_user_id": actor,
            "action": action,
            "subject_id": subject_id,
            "detail": detail,
        },
    )
