"""The machinery under the catalog: one language's translations, placeholders, plurals, numbers and dates."""

from __future__ import annotations

import gettext
from datetime import datetime

from babel.numbers import format_decimal

from bot.messages.languages import info


class WordsBase:
    """Sentences in one language. The catalog's methods call :meth:`_` and :meth:`_n` with the English text.

    The English text is the message id (gettext's convention): a translation catalog maps it to another
    language, and a message without a translation falls back to English.
    """

    def __init__(self, language: str = "en", translations: gettext.NullTranslations | None = None) -> None:
        self.language = language
        self._translations = translations or gettext.NullTranslations()
        self._number_locale = info(language).number_locale

    def _(self, message: str, **params: object) -> str:
        """``message`` in this language, with ``{placeholders}`` filled in."""
        text = self._translations.gettext(message)
        return text.format(**params) if params else text

    def _n(self, singular: str, plural: str, count: int, **params: object) -> str:
        """The form for ``count`` that the language's catalog chooses (its ``Plural-Forms`` rule: English and
        Spanish differ); ``{count}`` is the number written for this language."""
        text = self._translations.ngettext(singular, plural, count)
        return text.format(count=self.number(count), **params)

    def number(self, value: int) -> str:
        """A count as this language writes it (1,234 in English)."""
        return str(format_decimal(value, locale=self._number_locale))

    def date(self, moment: datetime, pattern: str) -> str:
        """Slack's ``<!date>`` token: each reader sees ``moment`` in their own time zone, formatted by ``pattern``
        (Slack's tokens such as ``{date_long_pretty}`` and ``{time}``, whose words Slack writes in the reader's
        Slack language; the words around them are ours)."""
        timestamp = int(moment.timestamp())
        fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
        return f"<!date^{timestamp}^{pattern}|{fallback}>"
