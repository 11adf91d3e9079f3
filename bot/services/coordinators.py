"""Who may run letters: SIGNON_COORDINATORS, workspace admins and owners, and each letter's coordinators."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.services import letters as letter_service
from bot.services.users import get_profile


def is_coordinator(runtime: Runtime, client: WebClient, user_id: str) -> bool:
    """May start letters and manage every letter of the workspace."""
    if user_id in runtime.settings.coordinators:
        return True
    return get_profile(runtime.db, client, user_id).is_admin


def can_manage(runtime: Runtime, client: WebClient, user_id: str, letter_id: int) -> bool:
    """May edit, close, reopen and export this letter."""
    with runtime.db.read() as session:
        if letter_service.is_letter_coordinator(session, letter_id, user_id):
            return True
    return is_coordinator(runtime, client, user_id)


def who_can(runtime: Runtime, *, letter_id: int | None = None) -> str:
    """Names the people who can do a coordinator action, for refusal messages."""
    names = [f"<@{user_id}>" for user_id in sorted(runtime.settings.coordinators)][:5]
    if letter_id is not None:
        with runtime.db.read() as session:
            names = [f"<@{u}>" for u in letter_service.letter_coordinators(session, letter_id)][:5] + names
    names = list(dict.fromkeys(names))
    who = ", ".join(names) + (", " if names else "")
    return f"{who}workspace admins" + (" and this letter's coordinators" if letter_id is None else "")
