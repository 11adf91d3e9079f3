"""Signers who have not confirmed the current version of a letter after a substantive change, and the
coordinators' reminder to them: one round per request (a conditional update), one DM per signer per round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.services import audit
from bot.services.dialect import changed
from db.enums import LetterStatus, SignatoryStatus
from db.models import Letter, Signatory


def unconfirmed(session: Session, letter_id: int) -> int:
    """Active signatories asked to confirm the current version who have neither kept nor withdrawn."""
    return int(
        session.execute(
            select(func.count()).where(
                Signatory.letter_id == letter_id,
                Signatory.status == SignatoryStatus.ACTIVE,
                Signatory.reconfirm_requested_version.is_not(None),
            )
        ).scalar_one()
    )


@dataclass(frozen=True)
class Reminding:
    """A reminder round: ``count`` signers get one DM each (``count`` 0: nobody to remind, no round)."""

    letter_id: int
    count: int
    version: int
    round: int
    already: bool = False
    closed: bool = False


def remind_unconfirmed(
    session: Session, *, letter_id: int, actor: str, now: datetime, after_round: int | None = None
) -> Reminding | None:
    """Start a reminder round for the signers who have not confirmed. ``after_round`` is the round a button was
    made at: a second press of the same button (a double click, a retry) finds the round already started and
    sends nothing again. None when the letter is gone."""
    letter = session.get(Letter, letter_id)
    if letter is None:
        return None
    current = letter.reconfirm_round or 0
    count = unconfirmed(session, letter_id)
    if letter.status != LetterStatus.OPEN:
        # Sign-ons closed: nobody can confirm any more, so nobody is reminded.
        return Reminding(letter_id, count, letter.current_version, current, closed=True)
    if after_round is not None and after_round != current:
        return Reminding(letter_id, count, letter.current_version, current, already=True)
    if count == 0:
        return Reminding(letter_id, 0, letter.current_version, current)
    won = session.execute(
        update(Letter)
        .where(Letter.id == letter_id, Letter.reconfirm_round == current)
        .values(reconfirm_round=current + 1)
        .execution_options(synchronize_session=False)
    )
    if not changed(won):
        return Reminding(letter_id, count, letter.current_version, current, already=True)
    audit.on_letter(session, "reconfirm_reminded", letter, at=now, actor=actor, round=current + 1, count=count)
    return Reminding(letter_id, count, letter.current_version, current + 1)
