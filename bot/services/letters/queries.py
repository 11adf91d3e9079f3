"""Finding and reading letters: by number or title, by channel, with their counts, as the Slack surfaces show them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.enums import LetterStatus, PostStatus, SignatoryStatus
from db.models import ChannelPost, Letter, LetterCoordinator, Signatory


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
    exact = [letter for letter in candidates if letter.title.casefold() == reference.casefold()]
    if exact:
        return exact
    return [letter for letter in candidates if all(word in letter.title.casefold() for word in words)]


def is_letter_coordinator(session: Session, letter_id: int, user_id: str) -> bool:
    return (
        session.execute(
            select(LetterCoordinator.user_id).where(
                LetterCoordinator.letter_id == letter_id, LetterCoordinator.user_id == user_id
            )
        ).first()
        is not None
    )


def letter_coordinators(session: Session, letter_id: int) -> list[str]:
    return list(
        session.execute(select(LetterCoordinator.user_id).where(LetterCoordinator.letter_id == letter_id)).scalars()
    )


@dataclass(frozen=True)
class LetterView:
    """What the Slack surfaces need to show a letter, read in one snapshot (see `letter_view`)."""

    id: int
    title: str
    text: str
    deadline_at: datetime
    status: str
    count: int
    version: int = 1
    recent: Sequence[str] = ()
    lead_orgs: Sequence[str] = ()
    closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status == LetterStatus.OPEN

    @property
    def label(self) -> str:
        return f"#{self.id} {self.title}"


def letter_view(session: Session, letter: Letter, *, recent: int = 5) -> LetterView:
    numbers = stats(session, letter.id, recent=recent)
    version = letter.versions[-1]
    return LetterView(
        id=letter.id,
        title=letter.title,
        text=version.text,
        deadline_at=letter.deadline_at,
        status=letter.status,
        count=numbers.count,
        version=version.number,
        recent=tuple(numbers.recent),
        lead_orgs=tuple(lead.name for lead in letter.lead_organizations),
        closed_at=letter.closed_at,
    )


def recent_signatories(session: Session, letter_id: int, *, limit: int = 5) -> list[tuple[int, str]]:
    rows = session.execute(
        select(Signatory.id, Signatory.org_name)
        .where(Signatory.letter_id == letter_id, Signatory.status == SignatoryStatus.ACTIVE)
        .order_by(Signatory.signed_at.desc(), Signatory.id.desc())
        .limit(limit)
    )
    return [(row_id, name) for row_id, name in rows]


@dataclass(frozen=True)
class LetterStats:
    count: int
    recent: list[str]
    new_since: int


def stats(session: Session, letter_id: int, *, recent: int = 5, since: datetime | None = None) -> LetterStats:
    active = (Signatory.letter_id == letter_id, Signatory.status == SignatoryStatus.ACTIVE)
    count = session.execute(select(func.count()).where(*active)).scalar_one()
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
    return LetterStats(count, names, new_since)
