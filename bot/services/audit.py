"""The audit log: every change to a letter or signatory is written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.models import AuditEntry

_INSERT = insert(AuditEntry)


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
