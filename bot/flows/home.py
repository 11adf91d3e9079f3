"""Publishing a person's Home tab."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.home import CoordinatorLetter, MemberLetter, home_view
from bot.messages import words
from bot.runtime import Runtime
from bot.services.letters import queries as letters
from bot.services.signing.duplicates import pending_duplicates, recent_merges
from bot.services.signing.queries import signatories_of_user
from bot.slack.api import slack_error
from bot.slack.language import person_language
from bot.slack.permissions import is_coordinator, visible_letters
from bot.timeutil import utcnow
from db.enums import LetterStatus

log = logging.getLogger(__name__)


def publish(runtime: Runtime, client: WebClient, user_id: str, team_id: str) -> None:
    now = utcnow()
    global_coordinator = is_coordinator(runtime, client, user_id)
    language = person_language(runtime, user_id)
    with runtime.db.read() as session:
        candidates = [letter.id for letter in letters.open_letters(session, team_id)]
    seen = visible_letters(runtime, client, user_id, team_id, candidates)
    with runtime.db.read() as session:
        open_letters = [letter for letter in letters.open_letters(session, team_id) if letter.id in seen]
        mine: dict[int, list[str]] = {}
        for signed in signatories_of_user(session, user_id, [x.id for x in open_letters]):
            mine.setdefault(signed.letter_id, []).append(signed.org_name)
        # Every organization the person signed each letter for, oldest first.
        member = [
            MemberLetter(
                letters.letter_view(session, x, recent=0), ", ".join(reversed(mine[x.id])) if x.id in mine else None
            )
            for x in open_letters
        ]
        managed = []
        for letter in letters.recent_letters(session, team_id, limit=20):
            if not (global_coordinator or letters.is_letter_coordinator(session, letter.id, user_id)):
                continue
            if letter.status != LetterStatus.OPEN and letter.updated_at < now - timedelta(days=30):
                continue
            numbers = letters.stats(session, letter.id, recent=0, since=now - timedelta(days=1))
            managed.append(
                CoordinatorLetter(
                    letters.letter_view(session, letter, recent=0),
                    numbers.new_since,
                    pending_duplicates(session, letter.id),
                    letters.recent_signatories(session, letter.id, limit=5),
                    numbers.unconfirmed,
                    letter.reconfirm_round,
                    recent_merges(session, letter.id, limit=2),
                )
            )
        view = home_view(words(language.language), member, managed, language_choice=language.choice)
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as error:
        log.warning("views.publish for %s failed: %s", user_id, slack_error(error))
