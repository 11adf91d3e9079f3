"""Looking up what a payload names, within the requester's workspace only."""

from __future__ import annotations

from bot.runtime import Runtime
from bot.services.letters.queries import LetterView, get_letter, letter_view
from db.models import Letter, Signatory


def letter_in_workspace(runtime: Runtime, letter_id: int, team_id: str) -> int | None:
    """``letter_id`` if that letter exists in the workspace ``team_id``, else None."""
    with runtime.db.read() as session:
        letter = get_letter(session, letter_id, team_id)
        return letter.id if letter else None


def letter_of_signatory(runtime: Runtime, signatory_id: int, team_id: str) -> int | None:
    """The letter of a sign-on, if both exist in the workspace ``team_id``."""
    with runtime.db.read() as session:
        signatory = session.get(Signatory, signatory_id)
        letter = get_letter(session, signatory.letter_id, team_id) if signatory else None
        return letter.id if letter else None


def letter_and_view(runtime: Runtime, letter_id: int) -> tuple[Letter, LetterView]:
    """A letter the listener middleware already found in the workspace, and what its screens show of it."""
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        return letter, letter_view(session, letter, recent=0)
