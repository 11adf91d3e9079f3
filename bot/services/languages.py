"""Which language each person reads signon in: their own choice, else their Slack locale, else English.

A person's choice is a row of language_preferences (`/signon language`, the App Home selector); their Slack
locale is cached with their profile (users.info with include_locale). Reading both is one small query, cheap
enough for the sign-on path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from bot.services.dialect import insert
from db.enums import Language
from db.models import LanguagePreference, Letter, SlackUser

DEFAULT = Language.EN
AUTOMATIC = "auto"

# What people may type after `/signon language`, in either language, with or without accents.
CHOICE_WORDS: dict[str, str] = {
    "en": Language.EN,
    "english": Language.EN,
    "inglés": Language.EN,
    "ingles": Language.EN,
    "es": Language.ES,
    "spanish": Language.ES,
    "español": Language.ES,
    "espanol": Language.ES,
    "castellano": Language.ES,
    "auto": AUTOMATIC,
    "automatic": AUTOMATIC,
    "automático": AUTOMATIC,
    "automatico": AUTOMATIC,
    "slack": AUTOMATIC,
}


def language_of_locale(locale: str | None) -> Language | None:
    """The language signon speaks for a Slack locale: ``es-ES``, ``es-LA`` and every ``es-*`` are Spanish;
    None for a language signon does not speak (the person then reads English)."""
    if not locale:
        return None
    base = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    try:
        return Language(base)
    except ValueError:
        return None


def parse_choice(text: str) -> str | None:
    """``es``, ``English``, ``auto``… as a language code or :data:`AUTOMATIC`; None for anything else."""
    return CHOICE_WORDS.get(text.strip().casefold())


@dataclass(frozen=True)
class PersonLanguage:
    """The language a person reads, and why."""

    language: Language
    chosen: bool
    slack_language: Language | None = None

    @property
    def choice(self) -> str:
        """What the selector shows: the chosen language, or :data:`AUTOMATIC`."""
        return str(self.language) if self.chosen else AUTOMATIC


def resolve(chosen: str | None, locale: str | None) -> PersonLanguage:
    """The person's choice when they made one, else their Slack language, else English."""
    from_slack = language_of_locale(locale)
    if chosen in tuple(Language):
        return PersonLanguage(Language(chosen), True, from_slack)
    return PersonLanguage(from_slack or DEFAULT, False, from_slack)


# Built once: every request reads the person's language before its acknowledgement, and building the statement
# each time cost more CPU than running it.
_LANGUAGE_AND_LOCALE = (
    select(LanguagePreference.language, SlackUser.locale)
    .select_from(SlackUser)
    .outerjoin(LanguagePreference, LanguagePreference.user_id == SlackUser.user_id)
    .where(SlackUser.user_id == bindparam("user_id"))
)
_CHOSEN = select(LanguagePreference.language).where(LanguagePreference.user_id == bindparam("user_id"))


def person_language(session: Session, user_id: str) -> PersonLanguage:
    connection = session.connection()
    row = connection.execute(_LANGUAGE_AND_LOCALE, {"user_id": user_id}).first()
    if row is None:
        # No profile cached yet (the person's first request is still asking Slack): a choice may exist anyway.
        chosen = connection.execute(_CHOSEN, {"user_id": user_id}).scalar_one_or_none()
        return resolve(chosen, None)
    return resolve(row[0], row[1])


def choose_language(session: Session, user_id: str, choice: str, now: datetime) -> None:
    """Remember a person's choice; :data:`AUTOMATIC` forgets it, so their Slack language applies again."""
    if choice == AUTOMATIC:
        session.execute(delete(LanguagePreference).where(LanguagePreference.user_id == user_id))
        return
    language = Language(choice)
    statement = insert(session, LanguagePreference).values(user_id=user_id, language=language, updated_at=now)
    session.execute(
        statement.on_conflict_do_update(index_elements=["user_id"], set_={"language": language, "updated_at": now})
    )


def letter_language(session: Session, letter_id: int | None) -> Language:
    """A letter's main language (its channel posts are in it); English when there is no such letter."""
    if letter_id is None:
        return DEFAULT
    found = session.execute(select(Letter.language).where(Letter.id == letter_id)).scalar_one_or_none()
    try:
        return Language(found) if found else DEFAULT
    except ValueError:
        return DEFAULT
