"""Every sentence a person sees, keyed by meaning: one method of :class:`Words` per sentence.

A method returns the sentence in the words' language, with its placeholders filled in and its plural form
chosen by the language's rules. Block Kit builders and flows ask a ``Words`` for each sentence; services return
outcome values and never words. A new sentence goes into the module of its surface (signing, letters,
coordinating, reminders, export, help; common for the few every surface shares). The English text of each
sentence is its gettext message id; the other languages are the catalogs in ``locale/`` (see catalogs.py).
"""

from __future__ import annotations

import functools

from bot.messages.catalogs import translations
from bot.messages.coordinating import CoordinatingWords, Task
from bot.messages.delivery import DeliveryWords
from bot.messages.documents import DocumentWords
from bot.messages.export import ExportWords
from bot.messages.help import HelpWords
from bot.messages.letters import LetterWords
from bot.messages.merging import MergeWords
from bot.messages.preferences import PreferenceWords
from bot.messages.receipts import ReceiptWords
from bot.messages.reconfirm import ReconfirmWords
from bot.messages.reminders import ReminderWords
from bot.messages.signing import SigningWords
from bot.messages.web import WebWords

__all__ = ["ENGLISH", "Task", "Words", "words"]


class Words(
    SigningWords,
    LetterWords,
    CoordinatingWords,
    ReminderWords,
    ExportWords,
    HelpWords,
    PreferenceWords,
    DeliveryWords,
    ReceiptWords,
    ReconfirmWords,
    MergeWords,
    DocumentWords,
    WebWords,
):
    """Every sentence, in one language."""


@functools.cache
def words(language: str) -> Words:
    """The words of ``language`` (a :class:`db.enums.Language` code), its catalog compiled once per process."""
    return Words(language, translations(language))


ENGLISH = words("en")
