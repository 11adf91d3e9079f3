"""The language each person reads signon in, and the language of a letter's channel posts.

A person reads their own choice (`/signon language`, App Home), else their Slack language (the ``locale``
users.info gives with include_locale, cached with the profile), else English. Channel posts are in the
letter's main language.
"""

from __future__ import annotations

import contextvars
import logging
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.messages import Words, words
from bot.runtime import Runtime
from bot.services import languages
from bot.services.languages import PersonLanguage
from bot.services.profiles import cached_profiles
from bot.slack.profiles import get_profile

log = logging.getLogger(__name__)

# A person's first request waits at most this long for their language (then it is answered in English, and the
# lookup finishes in the background for next time): the acknowledgement must reach Slack within 3 s.
FIRST_LOOKUP_WAIT_SECONDS = 1.0
FIRST_LOOKUP_TIMEOUT_SECONDS = 5


def person_language(runtime: Runtime, user_id: str | None) -> PersonLanguage:
    """What a person reads and why (their choice, or their Slack language): one read of the cache."""
    if not user_id:
        return languages.resolve(None, None)
    return runtime.db.reading(lambda session: languages.person_language(session, user_id))


def words_for(runtime: Runtime, user_id: str | None) -> Words:
    """The words a person reads signon in."""
    return words(person_language(runtime, user_id).language)


def channel_words(runtime: Runtime, letter_id: int | None = None) -> Words:
    """The words of messages posted to a channel (a letter's posts): the letter's main language."""
    return words(runtime.db.reading(lambda session: languages.letter_language(session, letter_id)))


def learn_language(runtime: Runtime, client: WebClient, user_id: str) -> None:
    """Ask Slack for the profile (and so the language) of someone signon has never seen, so that even their
    first answer is in their language. Waits at most FIRST_LOOKUP_WAIT_SECONDS: a slow Slack, or a database
    busy with a write, must not make the acknowledgement late; the lookup then completes in the background."""
    with runtime.db.read() as session:
        if cached_profiles(session, [user_id]):
            return
    quick = WebClient(
        token=client.token, base_url=client.base_url, timeout=FIRST_LOOKUP_TIMEOUT_SECONDS, retry_handlers=[]
    )
    context = contextvars.copy_context()  # the request id follows the lookup into its log lines
    lookup = threading.Thread(
        target=context.run, args=(_look_up, runtime, quick, user_id), name="learn-language", daemon=True
    )
    lookup.start()
    lookup.join(FIRST_LOOKUP_WAIT_SECONDS)


def _look_up(runtime: Runtime, client: WebClient, user_id: str) -> None:
    try:
        get_profile(runtime.db, client, user_id)
    except (SlackApiError, SlackRequestError, OSError) as error:
        log.info("could not learn the language of %s: %s", user_id, type(error).__name__)
