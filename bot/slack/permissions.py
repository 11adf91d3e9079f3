"""Who may run letters: SIGNON_COORDINATORS, workspace admins and owners (users.info), and each letter's
coordinators (for that letter)."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.services.letters.queries import is_letter_coordinator, letter_coordinators
from bot.slack.profiles import get_profile


def is_coordinator(runtime: Runtime, client: WebClient, user_id: str) -> bool:
    """May start letters and manage every letter of the workspace."""
    if user_id in runtime.settings.coordinators:
        return True
    return get_profile(runtime.db, client, user_id).is_admin


def can_manage(runtime: Runtime, client: WebClient, user_id: str, letter_id: int) -> bool:
    """May edit, close, reopen, review and export this letter."""
    with runtime.db.read() as session:
        if is_letter_coordinator(session, letter_id, user_id):
            return True
    return is_coordinator(runtime, client, user_id)


def people_who_can(runtime: Runtime, *, letter_id: int | None = None) -> list[str]:
    """User ids to name in a refusal: the letter's coordinators (if any) first, then SIGNON_COORDINATORS."""
    people = sorted(runtime.settings.coordinators)[:5]
    if letter_id is not None:
        with runtime.db.read() as session:
            people = letter_coordinators(session, letter_id)[:5] + people
    return list(dict.fromkeys(people))
