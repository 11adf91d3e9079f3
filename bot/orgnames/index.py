"""Searching a letter's names for likely duplicates: an index for many lookups, a scan for one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from rapidfuzz import fuzz, process

from bot.orgnames.matching import NearDuplicate, compare
from bot.orgnames.tokens import Profile, profile_of

# rapidfuzz token_set_ratio between content words that lets typos, reordering and containment
# through to the rules; acronyms and spacing are found through exact lookups instead.
_RETRIEVAL_CUTOFF: Final = 80.0


def _rank(results: dict[int, tuple[float, str]], names: dict[int, str], limit: int) -> list[NearDuplicate]:
    ordered = sorted(results.items(), key=lambda item: (-item[1][0], item[0]))
    return [NearDuplicate(i, names[i], score, reason) for i, (score, reason) in ordered[:limit]]


class OrgNameIndex:
    """Existing organization names of one letter, indexed for fast duplicate checks.

    Checking a name against a few thousand entries takes a few milliseconds: exact keys and acronyms
    are looked up in dictionaries, rapidfuzz scans the rest in C, and only the few candidates found
    that way go through the Python rules.
    """

    def __init__(self, entries: Iterable[tuple[int, str]] = ()) -> None:
        """Create an index, optionally filled with ``(id, name)`` pairs (see :meth:`add`)."""
        self._names: dict[int, str] = {}
        self._profiles: dict[int, Profile] = {}
        self._ids: list[int] = []  # position -> id, parallel to _search
        self._search: list[str] = []
        self._position: dict[int, int] = {}
        self._by_key: dict[str, set[int]] = {}
        self._by_compact: dict[str, set[int]] = {}
        self._by_initials: dict[str, set[int]] = {}
        self._by_acronym_like: dict[str, set[int]] = {}
        for entry_id, name in entries:
            self.add(entry_id, name)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._names

    def add(self, id: int, name: str) -> None:
        """Add or replace the name registered under ``id``.

        Names without any letter or digit (an empty key) are ignored: they are invalid and cannot
        be the same as anything.

        Args:
            id: Caller's identifier, returned in :class:`NearDuplicate`.
            name: The organization name (raw or cleaned).
        """
        if id in self._names:
            self.remove(id)
        profile = profile_of(name)
        if not profile.key:
            return
        self._names[id] = name
        self._profiles[id] = profile
        self._position[id] = len(self._ids)
        self._ids.append(id)
        self._search.append(profile.search)
        self._by_key.setdefault(profile.key, set()).add(id)
        self._by_compact.setdefault(profile.compact, set()).add(id)
        for initials in profile.run_initials:
            self._by_initials.setdefault(initials, set()).add(id)
        for word in profile.acronym_like:
            self._by_acronym_like.setdefault(word, set()).add(id)

    def remove(self, id: int) -> None:
        """Forget the name registered under ``id``; unknown ids are ignored."""
        profile = self._profiles.pop(id, None)
        if profile is None:
            return
        del self._names[id]
        # Swap-remove keeps the rapidfuzz choice list dense.
        position = self._position.pop(id)
        last_id = self._ids.pop()
        last_search = self._search.pop()
        if last_id != id:
            self._ids[position] = last_id
            self._search[position] = last_search
            self._position[last_id] = position
        _discard(self._by_key, profile.key, id)
        _discard(self._by_compact, profile.compact, id)
        for initials in profile.run_initials:
            _discard(self._by_initials, initials, id)
        for word in profile.acronym_like:
            _discard(self._by_acronym_like, word, id)

    def likely_duplicates(self, name: str, limit: int = 3, *, exclude_id: int | None = None) -> list[NearDuplicate]:
        """Existing names that are probably the same organization as ``name``.

        Args:
            name: The newly typed name.
            limit: Maximum number of results.
            exclude_id: An id to leave out (the entry being edited).

        Returns:
            At most ``limit`` matches, best first (by score, then by id). Entries with the same
            :func:`org_key` are included with reason ``REASON_SAME_KEY`` and score 100.
        """
        query = profile_of(name)
        if not query.key or limit <= 0:
            return []
        candidates: set[int] = set()
        candidates |= self._by_key.get(query.key, set())
        candidates |= self._by_compact.get(query.compact, set())
        for word in query.acronym_like:
            candidates |= self._by_initials.get(word, set())
        for initials in query.run_initials:
            candidates |= self._by_acronym_like.get(initials, set())
        if query.search:
            for _, _, position in process.extract(
                query.search,
                self._search,
                scorer=fuzz.token_set_ratio,
                processor=None,
                score_cutoff=_RETRIEVAL_CUTOFF,
                limit=None,
            ):
                candidates.add(self._ids[position])
        if exclude_id is not None:
            candidates.discard(exclude_id)
        results: dict[int, tuple[float, str]] = {}
        for candidate in candidates:
            verdict = compare(query, self._profiles[candidate])
            if verdict is not None:
                results[candidate] = verdict
        return _rank(results, self._names, limit)


def _discard(index: dict[str, set[int]], value: str, entry_id: int) -> None:
    ids = index.get(value)
    if ids is not None:
        ids.discard(entry_id)
        if not ids:
            del index[value]


def find_likely_duplicates(name: str, existing: Sequence[tuple[int, str]], limit: int = 3) -> list[NearDuplicate]:
    """Find existing organizations that are probably the same as a newly typed name.

    Flags different spellings of one organization (abbreviations such as "Natl."/"NY", an acronym
    versus the full name, typos, "Centre"/"Center", spacing, reordered words, extra words such as
    "Movement" or "Hub") but not different chapters or affiliates of one network: names that differ
    in a place, a chapter or local number, or any other meaningful word are not flagged ("ACLU" vs
    "ACLU of Texas", "SEIU Local 32BJ" vs "SEIU Local 1199", "Faith in Action" vs "Faith in Texas").

    This scans ``existing`` without building an index (profiles of names are cached between calls);
    use :class:`OrgNameIndex` to check many names against the same list.

    Args:
        name: The newly typed name.
        existing: ``(id, name)`` pairs already on the letter. Entries whose names have no letter or
            digit are ignored.
        limit: Maximum number of results.

    Returns:
        At most ``limit`` :class:`NearDuplicate` values, best first (by score, then by id). Entries
        with the same :func:`org_key` are included with reason ``REASON_SAME_KEY`` and score 100, so
        callers that only want other spellings should leave those out of ``existing``.
    """
    query = profile_of(name)
    if not query.key or limit <= 0 or not existing:
        return []
    profiles = [profile_of(existing_name) for _, existing_name in existing]
    candidates: set[int] = set()  # positions in ``existing``
    for position, profile in enumerate(profiles):
        if not profile.key:
            continue
        if (
            profile.key == query.key
            or profile.compact == query.compact
            or not query.acronym_like.isdisjoint(profile.run_initials)
            or not query.run_initials.isdisjoint(profile.acronym_like)
        ):
            candidates.add(position)
    if query.search:
        for _, _, position in process.extract(
            query.search,
            [p.search for p in profiles],
            scorer=fuzz.token_set_ratio,
            processor=None,
            score_cutoff=_RETRIEVAL_CUTOFF,
            limit=None,
        ):
            if profiles[position].key:
                candidates.add(position)
    results: dict[int, tuple[float, str]] = {}
    names: dict[int, str] = {}
    for position in candidates:
        verdict = compare(query, profiles[position])
        if verdict is None:
            continue
        entry_id, existing_name = existing[position]
        if entry_id not in results or verdict[0] > results[entry_id][0]:
            results[entry_id] = verdict
            names[entry_id] = existing_name
    return _rank(results, names, limit)
