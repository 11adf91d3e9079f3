"""The languages signon speaks, as people see them: each one's own name and how it writes numbers.

The codes are :class:`db.enums.Language` (stored in the database); the words of each language are its gettext
catalog in ``locale/<code>/LC_MESSAGES/signon.po``.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.enums import Language


@dataclass(frozen=True)
class LanguageInfo:
    code: Language
    # How the language names itself: a selector lists each language so that its readers recognize it.
    own_name: str
    # The Babel locale whose digits and separators counts are written with.
    number_locale: str


LANGUAGES: dict[Language, LanguageInfo] = {
    Language.EN: LanguageInfo(Language.EN, "English", "en_US"),
    # The coalitions are in the United States: their Spanish writes 1,234 as US Spanish-language media do.
    Language.ES: LanguageInfo(Language.ES, "Español", "es_US"),
}

DEFAULT_LANGUAGE = Language.EN


def info(code: str) -> LanguageInfo:
    """What signon knows of a language; English for a code it does not speak."""
    try:
        return LANGUAGES[Language(code)]
    except ValueError:
        return LANGUAGES[DEFAULT_LANGUAGE]
