"""Finding and reading letters: by number or title, by channel, with their counts, as the Slack surfaces show them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.services.letters.translations import text_at
from bot.services.reconfirm import unconfirmed
from db.enums import Language, LetterStatus, PostStatus, SignatoryStatus
from db.models import (
    ChannelPost,
    LeadOrganization,
    Letter,
    LetterCoordinator,
    LetterDelivery,
    LetterTranslation,
    Signatory,
)


def get_letter(session: Session, letter_id: int, team_id: str | None = None) -> Letter | None:
    letter = session.get(Letter, letter_id)
    if letter is None or (team_id is not None and letter.team_id != team_id):
        return None
    return letter


def open_letters(session: Session, team_id: str) -> list[Letter]:
    return list(
        session.execute(
            select(Letter)
            .where(Letter.team_id == team_id, Letter.status == LetterStatus.OPEN)
            .order_by(Letter.deadline_at, Letter.id)
        ).scalars()
    )


def recent_letters(session: Session, team_id: str, limit: int = 20) -> list[Letter]:
    return list(
        session.execute(
            select(Letter)
            .where(Letter.team_id == team_id)
            .order_by(Letter.created_at.desc(), Letter.id.desc())
            .limit(limit)
        ).scalars()
    )


def letters_posted_in(session: Session, team_id: str, channel_id: str, *, open_only: bool) -> list[Letter]:
    query = (
        select(Letter)
        .join(ChannelPost, ChannelPost.letter_id == Letter.id)
        .where(Letter.team_id == team_id, ChannelPost.channel_id == channel_id, ChannelPost.status == PostStatus.POSTED)
        .order_by(ChannelPost.posted_at.desc(), Letter.id.desc())
    )
    if open_only:
        query = query.where(Letter.status == LetterStatus.OPEN)
    return list(session.execute(query).scalars().unique())


def find_letters(session: Session, team_id: str, reference: str) -> list[Letter]:
    """Letters matching what a person typed: ``12``, ``#12``, or words of the title."""
    reference = reference.strip()
    number = re.fullmatch(r"#?(\d{1,9})", reference)
    if number:
        letter = get_letter(session, int(number.group(1)), team_id)
        return [letter] if letter else []
    words = [w for w in re.split(r"\W+", reference.casefold()) if w]
    if not words:
        return []
    candidates = recent_letters(session, team_id, limit=200)
    # A letter is found by its title in any of its languages.
    titles = {letter.id: [letter.title.casefold()] for letter in candidates}
    translated = select(LetterTranslation.letter_id, LetterTranslation.title).where(
        LetterTranslation.letter_id.in_(list(titles))
    )
    for letter_id, title in session.execute(translated):
        titles[letter_id].append(title.casefold())
    exact = [letter for letter in candidates if reference.casefold() in titles[letter.id]]
    if exact:
        return exact
    return [letter for letter in candidates if any(all(w in t for w in words) for t in titles[letter.id])]


def is_letter_coordinator(session: Session, letter_id: int, user_id: str) -> bool:
    return (
        session.execute(
            select(LetterCoordinator.user_id).where(
                LetterCoordinator.letter_id == letter_id, LetterCoordinator.user_id == user_id
            )
        ).first()
        is not None
    )


def coordinates_a_letter(session: Session, team_id: str, user_id: str) -> bool:
    """Whether the person is a coordinator (creator or co-coordinator) of any letter of the workspace."""
    found = session.execute(
        select(LetterCoordinator.letter_id)
        .join(Letter, Letter.id == LetterCoordinator.letter_id)
        .where(LetterCoordinator.user_id == user_id, Letter.team_id == team_id)
        .limit(1)
    ).first()
    return found is not None


def letter_coordinators(session: Session, letter_id: int) -> list[str]:
    return list(
        session.execute(select(LetterCoordinator.user_id).where(LetterCoordinator.letter_id == letter_id)).scalars()
    )


@dataclass(frozen=True)
class LetterText:
    """The letter's title and current text in one language."""

    language: str
    title: str
    text: str


@dataclass(frozen=True)
class LetterView:
    """What the Slack surfaces need to show a letter, read in one snapshot (see `letter_view`).

    ``title`` and ``text`` are in ``language`` (the letter's main one unless :meth:`in_language` chose another);
    ``others`` holds its texts in the other languages, so every surface can show each reader theirs.
    """

    id: int
    title: str
    text: str
    deadline_at: datetime
    status: str
    count: int
    version: int = 1
    listed_leads: int = 0  # of ``count``: leads the coordinator listed who did not sign through the form
    recent: Sequence[str] = ()
    lead_orgs: Sequence[str] = ()
    closed_at: datetime | None = None
    language: str = Language.EN
    main_language: str = Language.EN
    others: Sequence[LetterText] = ()
    # Set once the letter was delivered: the day and the delivered list's count.
    delivered_on: date | None = None
    delivered_count: int | None = None

    def in_language(self, language: str) -> LetterView:
        """The same letter with its title and text in ``language``; as it is when it has no text in it."""
        if language == self.language:
            return self
        wanted = next((text for text in self.others if text.language == language), None)
        if wanted is None:
            return self
        mine = LetterText(self.language, self.title, self.text)
        others = tuple(text for text in (mine, *self.others) if text.language != language)
        return replace(self, title=wanted.title, text=wanted.text, language=language, others=others)

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language the letter has a text in, the one shown first."""
        return (self.language, *(text.language for text in self.others))

    @property
    def is_open(self) -> bool:
        return self.status == LetterStatus.OPEN

    @property
    def label(self) -> str:
        return f"#{self.id} {self.title}"


def letter_view(session: Session, letter: Letter, *, recent: int = 5) -> LetterView:
    numbers = stats(session, letter.id, recent=recent)
    main = text_at(letter, letter.language) or letter.versions[-1]
    others = []
    for translation in letter.translations:
        current = text_at(letter, translation.language)
        if current is not None and translation.language != letter.language:
            others.append(LetterText(translation.language, translation.title, current.text))
    return LetterView(
        id=letter.id,
        title=letter.title,
        text=main.text,
        deadline_at=letter.deadline_at,
        status=letter.status,
        count=numbers.count,
        listed_leads=numbers.listed_leads,
        version=letter.current_version,
        recent=tuple(numbers.recent),
        lead_orgs=tuple(lead.name for lead in letter.lead_organizations),
        closed_at=letter.closed_at,
        language=letter.language,
        main_language=letter.language,
        others=tuple(others),
        **_delivery_of(session, letter.id),
    )


def _delivery_of(session: Session, letter_id: int) -> dict[str, Any]:
    row = session.execute(
        select(LetterDelivery.delivered_on, LetterDelivery.count).where(LetterDelivery.letter_id == letter_id)
    ).first()
    return {"delivered_on": row.delivered_on, "delivered_count": row.count} if row else {}


def titles_in(session: Session, letter_ids: Sequence[int], language: str) -> dict[int, str]:
    """The titles of letters in ``language``, for those that have a translation into it (the others keep
    their main title, which the caller has)."""
    if not letter_ids:
        return {}
    rows = session.execute(
        select(LetterTranslation.letter_id, LetterTranslation.title).where(
            LetterTranslation.letter_id.in_(list(letter_ids)[:500]), LetterTranslation.language == language
        )
    )
    return {letter_id: title for letter_id, title in rows}


def recent_signatories(session: Session, letter_id: int, *, limit: int = 5) -> list[tuple[int, str, str]]:
    """The newest counted signatories: (id, organization, source)."""
    rows = session.execute(
        select(Signatory.id, Signatory.org_name, Signatory.source)
        .where(Signatory.letter_id == letter_id, Signatory.status == SignatoryStatus.ACTIVE)
        .order_by(Signatory.signed_at.desc(), Signatory.id.desc())
        .limit(limit)
    )
    return [(row_id, name, source) for row_id, name, source in rows]


@dataclass(frozen=True)
class LetterStats:
    """``count`` is the one number every surface shows: the organizations that signed, plus the lead
    organizations the coordinator listed that did not sign through the form (``listed_leads`` of them), as
    the export prints them."""

    count: int
    recent: list[str]
    new_since: int
    listed_leads: int = 0
    # Signers asked to confirm the current version after a substantive change who have not yet.
    unconfirmed: int = 0

    @property
    def signed(self) -> int:
        return self.count - self.listed_leads


def stats(session: Session, letter_id: int, *, recent: int = 5, since: datetime | None = None) -> LetterStats:
    active = (Signatory.letter_id == letter_id, Signatory.status == SignatoryStatus.ACTIVE)
    signed = session.execute(select(func.count()).where(*active)).scalar_one()
    unsigned_leads = select(func.count(func.distinct(LeadOrganization.org_key))).where(
        LeadOrganization.letter_id == letter_id,
        LeadOrganization.org_key.not_in(select(Signatory.org_key).where(*active)),
    )
    listed_leads = session.execute(unsigned_leads).scalar_one()
    count = signed + listed_leads
    names = list(
        session.execute(
            select(Signatory.org_name)
            .where(*active)
            .order_by(Signatory.signed_at.desc(), Signatory.id.desc())
            .limit(recent)
        ).scalars()
    )
    new_since = 0
    if since is not None:
        new_since = session.execute(select(func.count()).where(*active, Signatory.signed_at >= since)).scalar_one()
    return LetterStats(count, names, new_since, listed_leads, unconfirmed(session, letter_id))
