"""Every sentence a person sees, keyed by meaning: one method of :class:`Words` per sentence.

A method returns the sentence in the words' language, with its placeholders filled in and its plural form
chosen by the language's rules. Block Kit builders and flows ask a ``Words`` for each sentence; services return
outcome values and never words. A new sentence goes into the module of its surface (signing, letters,
coordinating, reminders, export, help; common for the few every surface shares).
"""

from __future__ import annotations

from bot.messages.coordinating import CoordinatingWords, Task
from bot.messages.export import ExportWords
from bot.messages.help import HelpWords
from bot.messages.letters import LetterWords
from bot.messages.reminders import ReminderWords
from bot.messages.signing import SigningWords

__all__ = ["ENGLISH", "Task", "Words"]


class Words(SigningWords, LetterWords, CoordinatingWords, ReminderWords, ExportWords, HelpWords):
    """Every sentence, in one language."""


ENGLISH = Words("en")
