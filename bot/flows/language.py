"""Choosing the language signon speaks to a person: ``/signon language es|en|auto`` and the App Home selector."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.blocks.common import escape
from bot.flows import home
from bot.flows.commands import CommandRequest
from bot.messages import Words, words
from bot.runtime import Runtime
from bot.services import languages
from bot.slack.language import person_language, words_for
from bot.timeutil import utcnow
from db.engine import StorageUnavailable
from db.enums import Language

log = logging.getLogger(__name__)
CODES = [str(code) for code in Language]


def choose(runtime: Runtime, user_id: str, choice: str) -> Words:
    """Remember the choice (a language or ``auto``) and return the words the person now reads."""
    runtime.db.transaction(lambda session: languages.choose_language(session, user_id, choice, utcnow()))
    return words_for(runtime, user_id)


def language_command(request: CommandRequest) -> None:
    """``/signon language [es|en|auto]``: without a word, what applies now and how to change it."""
    runtime, user_id = request.runtime, request.user_id
    word = request.rest.split(" ")[0] if request.rest else ""
    if not word:
        current = person_language(runtime, user_id)
        request.ack(text=words(current.language).language_current(chosen=current.chosen, codes=CODES))
        return
    choice = languages.parse_choice(word)
    if choice is None:
        request.ack(text=request.words.language_unknown(escape(word[:40]), CODES))
        return
    try:
        w = choose(runtime, user_id, choice)
    except StorageUnavailable:
        request.ack(text=request.words.storage_down_short())
        return
    # Answered in the language now in force, so the person sees at once that it worked.
    request.ack(text=w.language_follows_slack() if choice == languages.AUTOMATIC else w.language_chosen())
    request.later("publish_home", user_id=user_id, team_id=request.team_id)


def choose_from_home(runtime: Runtime, client: WebClient, body: dict[str, Any], team_id: str) -> None:
    """The selector on App Home: remember the choice, then show the Home tab again in that language."""
    action = (body.get("actions") or [{}])[0]
    option = action.get("selected_option") if isinstance(action, dict) else None
    value = option.get("value") if isinstance(option, dict) else None
    choice = languages.parse_choice(value) if isinstance(value, str) else None
    user_id = (body.get("user") or {}).get("id")
    if choice is None or not isinstance(user_id, str):
        return
    try:
        choose(runtime, user_id, choice)
    except StorageUnavailable:
        log.warning("language choice of %s not saved: the database refused the write", user_id)
    home.publish(runtime, client, user_id, team_id)
