"""Publishing a person's Home tab."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.home import CoordinatorLetter, DeliveryProgress, MemberLetter, home_view
from bot.flows.public_page import page_line
from bot.messages import words
from bot.runtime import Runtime
from bot.services import delivery as delivery_service
from bot.services import web
from bot.services.letters import queries as letters
from bot.services.signing.duplicates import pending_duplicates, recent_merges
from bot.services.signing.queries import signatories_of_user
from bot.slack.api import slack_error
from bot.slack.language import person_language
from bot.slack.permissions import is_coordinator, visible_letters
from bot.slack.sending import NotSent
from bot.timeutil import utcnow
from db.enums import LetterStatus, SignerMessageKind
from db.models import Letter, LetterCoordinator

log = logging.getLogger(__name__)


def publish(runtime: Runtime, client: WebClient, user_id: str, team_id: str) -> None:
    now = utcnow()
    global_coordinator = is_coordinator(runtime, client, user_id)
    language = person_language(runtime, user_id)
    w = words(language.language)
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
            pending, pending_total = web.pending_web(session, letter.id, limit=5)
            managed.append(
                CoordinatorLetter(
                    letters.letter_view(session, letter, recent=0),
                    numbers.new_since,
                    duplicates=pending_duplicates(session, letter.id),
                    recent=letters.recent_signatories(session, letter.id, limit=5),
                    page_line=page_line(w, runtime.settings, letter),
                    pending=pending,
                    pending_total=pending_total,
                    unconfirmed=numbers.unconfirmed,
                    reconfirm_round=letter.reconfirm_round,
                    delivery=_delivery_progress(session, letter.id),
                    merged=recent_merges(session, letter.id, limit=2),
                )
            )
        view = home_view(w, member, managed, language_choice=language.choice)
    try:
        client.views_publish(user_id=user_id, view=view)
    except (SlackClientError, OSError) as error:
        code = slack_error(error)
        log.warning("views.publish for %s failed: %s", user_id, code)


def _delivery_progress(session: Session, letter_id: int) -> DeliveryProgress | None:
    delivery = delivery_service.delivery_of(session, letter_id)
    if delivery is None:
        return None
    return DeliveryProgress(
        delivery.delivered_on,
        delivery_service.progress(session, letter_id, SignerMessageKind.THANKS),
        delivery_service.progress(session, letter_id, SignerMessageKind.RESPONSE),
    )


def republish_for_letters(runtime: Runtime, letter_ids: set[int]) -> None:
    """Publish again the Home tab of everyone who coordinates these letters (the thanks job calls this when
    a delivered letter's count moves, so the tab counts along without being reopened)."""
    for letter_id in sorted(letter_ids):
        with runtime.db.read() as session:
            letter = session.get(Letter, letter_id)
            if letter is None:
                continue
            team_id = letter.team_id
            people = set(
                session.execute(select(LetterCoordinator.user_id).where(LetterCoordinator.letter_id == letter_id))
                .scalars()
                .all()
            )
            delivery = delivery_service.delivery_of(session, letter_id)
            if delivery is not None:
                people.add(delivery.delivered_by)
        people |= runtime.settings.coordinators
        client = runtime.background_client(team_id)
        for user_id in sorted(people):
            try:
                publish(runtime, client, user_id, team_id)
            except (SlackClientError, OSError, NotSent) as error:
                log.info("Home tab of %s not republished: %s", user_id, error)
