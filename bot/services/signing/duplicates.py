"""Duplicate organizations: near-duplicate lookups, merges and the coordinators' review queue.

A near-duplicate is only advisory: the sign-on is saved and flagged, and the signer or a coordinator decides.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import orgnames
from bot.services import audit
from bot.services.dialect import insert
from bot.services.outcomes import Action, Actor, LetterMissing, NotAllowed
from bot.services.signing.acting import may_act_for
from bot.services.signing.receipts import MERGED, RESTORED, receipt_changed, tell_signer
from db.enums import DuplicateReview, SignatoryStatus
from db.models import Letter, Signatory, SignatoryContact


@dataclass(frozen=True)
class Merged:
    source_name: str
    target_id: int
    target_name: str
    letter_id: int


@dataclass
class _LetterNames:
    index: orgnames.OrgNameIndex
    seen: dict[int, tuple[datetime, str, str]]
    seen_until: datetime | None = None


class OrgNameCache:
    """Per-letter indexes of active organization names, loaded incrementally.

    One instance per process (the runtime owns it). Only a cache: rows are re-read by ``updated_at`` with a
    margin (a sign-on stamped before it waited for the write lock commits later than rows stamped after it),
    so sign-ons, edits, merges and withdrawals made by other processes show up at the next lookup. Rows seen
    unchanged are not re-indexed.
    """

    _MARGIN = timedelta(seconds=10)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._letters: dict[int, _LetterNames] = {}

    def likely_duplicate(
        self, session: Session, letter_id: int, org_name: str, before_id: int | None = None
    ) -> orgnames.NearDuplicate | None:
        """The active signatory most likely to be the same organization under another spelling, if any
        (among those with an id below ``before_id``, when given)."""
        with self._lock:
            names = self._letters.setdefault(letter_id, _LetterNames(orgnames.OrgNameIndex(), {}))
            since = names.seen_until - self._MARGIN if names.seen_until else None
        query = select(Signatory.id, Signatory.org_name, Signatory.status, Signatory.updated_at).where(
            Signatory.letter_id == letter_id
        )
        if since is not None:
            query = query.where(Signatory.updated_at >= since)
        rows = session.execute(query).all()
        key = orgnames.org_key(org_name)
        with self._lock:
            for row_id, name, status, updated_at in rows:
                if names.seen.get(row_id) == (updated_at, name, status):
                    continue
                names.seen[row_id] = (updated_at, name, status)
                if status == SignatoryStatus.ACTIVE:
                    names.index.add(row_id, name)
                else:
                    names.index.remove(row_id)
                if names.seen_until is None or updated_at > names.seen_until:
                    names.seen_until = updated_at
            for match in names.index.likely_duplicates(org_name, limit=3):
                # The same key is an exact duplicate, which the UNIQUE constraint handles.
                if orgnames.org_key(match.name) != key and (before_id is None or match.id < before_id):
                    return match
        return None


def flag_near_duplicates(session: Session, flagged: dict[int, int]) -> None:
    """Mark each signatory (key) as a possible duplicate of another (value), unless it was already reviewed."""
    for signatory_id, near_id in flagged.items():
        session.execute(
            update(Signatory)
            .where(Signatory.id == signatory_id, Signatory.duplicate_review.is_(None))
            .values(possible_duplicate_of_id=near_id, duplicate_review=DuplicateReview.PENDING)
        )


def merge(
    session: Session, *, source_id: int, target_id: int, actor: Actor, now: datetime, is_coordinator: bool
) -> Merged | NotAllowed | LetterMissing:
    """Fold ``source`` into ``target``: one organization, its contacts kept, the source no longer listed."""
    source = session.get(Signatory, source_id)
    if source is None:
        return LetterMissing(None)
    # Who may first: someone else's old button learns nothing of the sign-on's state.
    if not (is_coordinator or may_act_for(session, source, actor.user_id)):
        return NotAllowed(Action.MERGE)
    target = session.get(Signatory, target_id)
    if (
        target is None
        or source.letter_id != target.letter_id
        or source.id == target.id
        or target.status != SignatoryStatus.ACTIVE
    ):
        return LetterMissing(None)
    # A signer may only merge into the organization theirs was flagged as a possible duplicate of: merging into
    # any other would make them one of its contacts, able to edit or withdraw it.
    if not is_coordinator and source.possible_duplicate_of_id != target.id:
        return NotAllowed(Action.MERGE_OTHER)
    if source.status == SignatoryStatus.MERGED and source.merged_into_id == target.id:
        return Merged(source.org_name, target.id, target.org_name, target.letter_id)
    if source.status != SignatoryStatus.ACTIVE:
        return LetterMissing(None)  # withdrawn, removed or merged elsewhere meanwhile: nothing to merge
    letter = session.get(Letter, source.letter_id)
    assert letter is not None
    for contact in list(source.contacts):
        statement = (
            insert(session, SignatoryContact)
            .values(
                signatory_id=target.id,
                user_id=contact.user_id,
                team_id=contact.team_id,
                name=contact.name,
                title=contact.title,
                email=contact.email,
                is_signer=False,
                source=contact.source,
                created_at=contact.created_at,
            )
            .on_conflict_do_nothing(index_elements=["signatory_id", "user_id"])
        )
        session.execute(statement)
    source.status = SignatoryStatus.MERGED
    source.merged_into_id = target.id
    source.duplicate_review = None
    source.updated_at = now
    target.updated_at = now
    receipt_changed(source)
    if is_coordinator:
        tell_signer(session, source, MERGED, actor=actor.user_id, now=now, into_id=target.id)
    audit.on_letter(
        session,
        "merged",
        letter,
        at=now,
        actor=actor.user_id,
        subject_id=source.id,
        into=target.id,
        source_name=source.org_name,
        target_name=target.org_name,
    )
    return Merged(source.org_name, target.id, target.org_name, letter.id)


@dataclass(frozen=True)
class Unmerged:
    signatory_id: int
    org_name: str
    letter_id: int


def unmerge(session: Session, *, source_id: int, actor: Actor, now: datetime) -> Unmerged | LetterMissing:
    """Undo a merge (coordinators): the merged sign-on is listed on its own again, as it was before (active, its
    near-duplicate question back in the review queue), and the contacts the merge copied onto the other
    organization are taken off it again. A second undo, or an undo after the other organization left the letter,
    changes nothing."""
    source = session.get(Signatory, source_id)
    if source is None or source.status != SignatoryStatus.MERGED or source.merged_into_id is None:
        return LetterMissing(None)
    target = session.get(Signatory, source.merged_into_id)
    letter = session.get(Letter, source.letter_id)
    if target is None or letter is None or target.status != SignatoryStatus.ACTIVE:
        return LetterMissing(None)
    # The merge copied each of the source's contacts with its own creation time; a person who was already a
    # contact of the target kept their own row (the insert did nothing), so only the copies match both.
    copied = {(contact.user_id, contact.created_at) for contact in source.contacts}
    for contact in list(target.contacts):
        if not contact.is_signer and not contact.may_act and (contact.user_id, contact.created_at) in copied:
            session.delete(contact)
    source.status = SignatoryStatus.ACTIVE
    source.merged_into_id = None
    source.duplicate_review = DuplicateReview.PENDING if source.possible_duplicate_of_id else None
    source.updated_at = now
    target.updated_at = now
    receipt_changed(source)
    tell_signer(session, source, RESTORED, actor=actor.user_id, now=now)
    audit.on_letter(
        session,
        "unmerged",
        letter,
        at=now,
        actor=actor.user_id,
        subject_id=source.id,
        source_name=source.org_name,
        target_name=target.org_name,
    )
    return Unmerged(source.id, source.org_name, letter.id)


def recent_merges(session: Session, letter_id: int, limit: int = 10) -> list[tuple[Signatory, Signatory]]:
    """Sign-ons merged into another that is still on the letter, newest first: (merged, merged into)."""
    merged = session.execute(
        select(Signatory)
        .where(Signatory.letter_id == letter_id, Signatory.status == SignatoryStatus.MERGED)
        .order_by(Signatory.updated_at.desc(), Signatory.id.desc())
        .limit(limit)
    ).scalars()
    pairs = []
    for source in merged:
        target = session.get(Signatory, source.merged_into_id) if source.merged_into_id else None
        if target is not None and target.status == SignatoryStatus.ACTIVE:
            pairs.append((source, target))
    return pairs


def dismiss_duplicate(session: Session, *, signatory_id: int, actor: Actor, now: datetime) -> bool:
    """Keep a flagged organization apart from the one it looked like; False when there was no flag."""
    signatory = session.get(Signatory, signatory_id)
    if (
        signatory is None
        or signatory.status != SignatoryStatus.ACTIVE
        or signatory.duplicate_review != DuplicateReview.PENDING
    ):
        return False
    signatory.duplicate_review = DuplicateReview.DISMISSED
    signatory.updated_at = now
    receipt_changed(signatory)
    audit.record(
        session,
        "duplicate_dismissed",
        at=now,
        actor=actor.user_id,
        letter_id=signatory.letter_id,
        subject_id=signatory.id,
        org_name=signatory.org_name,
        other=signatory.possible_duplicate_of_id,
    )
    return True


def pending_duplicates(session: Session, letter_id: int) -> list[tuple[Signatory, Signatory]]:
    """Flagged near-duplicates awaiting a coordinator: (the new one, the one it may duplicate)."""
    flagged = (
        session.execute(
            select(Signatory)
            .where(
                Signatory.letter_id == letter_id,
                Signatory.duplicate_review == DuplicateReview.PENDING,
                Signatory.status == SignatoryStatus.ACTIVE,
            )
            .order_by(Signatory.id)
        )
        .scalars()
        .all()
    )
    pairs = []
    for signatory in flagged:
        other = (
            session.get(Signatory, signatory.possible_duplicate_of_id) if signatory.possible_duplicate_of_id else None
        )
        if other is not None and other.status == SignatoryStatus.ACTIVE:
            pairs.append((signatory, other))
    return pairs
