"""What coordinators do with a letter's public sign-on page in Slack: get its link, approve or reject web
sign-ons (App Home, when there is no email check or the letter requires approval)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.flows import words_for
from bot.flows.replies import reply
from bot.messages import Words
from bot.runtime import Runtime
from bot.services import web
from bot.services.outcomes import Actor, is_accepting
from bot.settings import Settings
from bot.timeutil import utcnow
from db.engine import StorageUnavailable
from db.models import Letter


def page_url(settings: Settings, token: str) -> str | None:
    return f"{settings.public_url}/l/{token}" if settings.public_url else None


def page_line(w: Words, settings: Settings, letter: Letter) -> str | None:
    """The line that gives a letter's page to its coordinators; None when the page was never turned on."""
    if not letter.web_enabled or not letter.web_token:
        return None
    url = page_url(settings, letter.web_token)
    if url is None:
        return w.public_url_missing()
    open_now = is_accepting(letter, utcnow())
    return w.web_page_line(url) if open_now else w.web_page_closed_line(url)


def page_line_of(runtime: Runtime, w: Words, letter_id: int) -> str | None:
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        return page_line(w, runtime.settings, letter) if letter else None


def decide(
    runtime: Runtime, client: WebClient, respond: Respond, body: dict[str, Any], signatory_id: int, approve: bool
) -> None:
    """A coordinator's Approve or Reject on App Home (the middleware checked they manage its letter)."""
    user_id = body["user"]["id"]
    w = words_for(runtime, user_id)
    names = runtime.names
    try:
        outcome = runtime.db.transaction(
            lambda session: web.decide(
                session, signatory_id=signatory_id, approve=approve, actor=Actor(user_id), now=utcnow(), names=names
            )
        )
    except StorageUnavailable:
        reply(respond, body, client, w.storage_down_short())
        return
    if isinstance(outcome, web.LetThrough):
        reply(respond, body, client, w.web_decided(outcome.org_name, outcome.approved), quoting=True)
