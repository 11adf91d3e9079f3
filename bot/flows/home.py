"""Publishing a person's Home tab."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.home import CoordinatorLetter, MemberLetter, home_view
from bot.runtime import Runtime
from bot.services import coordinators, signons
from bot.services import letters as letter_service
from bot.slackio import slack_error
from bot.timeutil import utcnow

log = logging.getLogger(__name__)


def publish(runtime: Runtime, client: WebClient, user_id: str, team_id: str) -> None:
    now = utcnow()
    global_coordinator = coordinators.is_coordinator(runtime, client, user_id)
    with runtime.db.read() as session:
        open_letters = letter_service.open_letters(session, team_id)
        mine = {
            s.letter_id: s.org_name for s in signons.signatories_of_user(session, user_id, [x.id for x in open_letters])
        }
        member = [MemberLetter(letter_service.letter_view(session, x, recent=0), mine.get(x.id)) for x in open_letters]
        managed = []
        for letter in letter_service.recent_letters(session, team_id, limit=20):
            if not (global_coordinator or letter_service.is_letter_coordinator(session, letter.id, user_id)):
                continue
            if letter.status != "open" and letter.updated_at < now - timedelta(days=30):
                continue
            numbers = letter_service.stats(session, letter.id, recent=0, since=now - timedelta(days=1))
            recent = letter_service.recent_signatories(session, letter.id, limit=5)
            managed.append(
                CoordinatorLetter(
                    letter_service.letter_view(session, letter, recent=0),
                    numbers.new_since,
                    signons.pending_duplicates(session, letter.id),
                    recent,
                )
            )
        view = home_view(member, managed)
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as error:
        log.warning("views.publish for %s failed: %s", user_id, slack_error(error))
