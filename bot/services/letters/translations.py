"""A letter in several languages: its main text (the letter's title and its versions in the letter's language)
and its translations (each with its own title and its own versions in letter_versions, by language).

Versions are numbered once per letter across languages, so "version 4" is the letter after its fourth text
change, whichever text changed; the text of a language at version N is its newest version numbered N or less.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.services.letters.form import LetterParts, TranslationDraft
from db.models import NOTE_MAX, Letter, LetterTranslation, LetterVersion


@dataclass(frozen=True)
class TextChange:
    """What an edit did to one language's text."""

    language: str
    number: int
    old_text: str | None
    new_text: str


@dataclass
class TranslationResult:
    """What an edit did to the translations: texts that changed, and translations added, changed or removed."""

    texts: list[TextChange] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def text_at(letter: Letter, language: str, version: int | None = None) -> LetterVersion | None:
    """The text of ``language`` as it stood at letter version ``version`` (the current one when None)."""
    found = None
    for row in letter.versions:
        if row.language == language and (version is None or row.number <= version):
            found = row
    return found


def changed_texts(letter: Letter, since: int, until: int) -> list[TextChange]:
    """The texts (main language first) that differ between two versions of the letter."""
    changes = []
    for language in (letter.language, *(t.language for t in letter.translations if t.language != letter.language)):
        old, new = text_at(letter, language, since), text_at(letter, language, until)
        if new is not None and (old is None or old.text != new.text):
            changes.append(TextChange(language, new.number, old.text if old else None, new.text))
    return changes


def parts_of(version: LetterVersion | None) -> LetterParts:
    """The parts printed around a version's text (empty for a translation's versions)."""
    if version is None:
        return LetterParts()
    return LetterParts(
        date_line=version.date_line or "",
        addressees=version.addressees or "",
        re_line=version.re_line or "",
        salutation=version.salutation or "",
        closing=version.closing or "",
        cc=version.cc or "",
    )


def set_parts(version: LetterVersion, parts: LetterParts) -> None:
    version.date_line = parts.date_line or None
    version.addressees = parts.addressees or None
    version.re_line = parts.re_line or None
    version.salutation = parts.salutation or None
    version.closing = parts.closing or None
    version.cc = parts.cc or None


def titles(letter: Letter) -> dict[str, str]:
    """The letter's title in each language it has a text in, its main language first."""
    result = {letter.language: letter.title}
    result.update({t.language: t.title for t in letter.translations if t.language != letter.language})
    return result


def add_version(
    session: Session,
    letter: Letter,
    *,
    language: str,
    text: str,
    substantive: bool,
    change_note: str | None,
    actor: str,
    now: datetime,
    parts: LetterParts | None = None,
) -> TextChange:
    """A new version of one language's text; the letter's version number moves on.

    ``parts``: the parts printed around the text (the main language's versions carry them); None keeps none.
    """
    previous = text_at(letter, language)
    number = letter.current_version + 1
    row = LetterVersion(
        letter_id=letter.id,
        number=number,
        language=language,
        text=text,
        substantive=substantive,
        change_note=(change_note or "")[:NOTE_MAX] or None,
        created_by=actor,
        created_at=now,
    )
    if parts is not None:
        set_parts(row, parts)
    session.add(row)
    letter.versions.append(row)
    letter.current_version = number
    return TextChange(language, number, previous.text if previous else None, text)


def apply_translation(
    session: Session,
    letter: Letter,
    draft: TranslationDraft | None,
    *,
    substantive: bool,
    change_note: str | None,
    actor: str,
    now: datetime,
) -> TranslationResult:
    """Make the letter's translations what the form says: ``draft`` None removes them (their versions stay, as
    history); a new text makes a new version of that language."""
    result = TranslationResult()
    keep = draft.language if draft else None
    for translation in list(letter.translations):
        if translation.language != keep:
            letter.translations.remove(translation)
            result.removed.append(translation.language)
    if draft is None or draft.language == letter.language:
        return result
    existing = next((t for t in letter.translations if t.language == draft.language), None)
    current = text_at(letter, draft.language) if existing else None
    if existing is None:
        letter.translations.append(
            LetterTranslation(
                letter_id=letter.id, language=draft.language, title=draft.title, created_at=now, updated_at=now
            )
        )
        result.added.append(draft.language)
    elif existing.title != draft.title or current is None or current.text != draft.text:
        existing.title = draft.title
        existing.updated_at = now
        result.updated.append(draft.language)
    if current is None or current.text != draft.text:
        change = add_version(
            session,
            letter,
            language=draft.language,
            text=draft.text,
            substantive=substantive,
            change_note=change_note,
            actor=actor,
            now=now,
        )
        result.texts.append(change)
    return result
