"""Comparing two names: align their words and say why they are probably the same organization."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance import OSA

from bot.orgnames.tokens import NUMBER, PLACE, STOP, WORD, Profile, Token, Variant, could_be_acronym

# Reasons, from most to least certain. ``NearDuplicate.reason`` starts with one of these and may add
# ": <detail>" (for example "acronym of: 'ldf' = legal defense fund").
REASON_SAME_KEY: Final = "same name after normalization"
REASON_SPACING: Final = "same name apart from spacing"
REASON_SMALL_WORDS: Final = "same words apart from small words or plurals"
REASON_EXPANSION: Final = "same words after abbreviation expansion"
REASON_ACRONYM_ADDED: Final = "same name with its acronym added"
REASON_JOINED: Final = "same words written together"
REASON_ORDER: Final = "same words in a different order"
REASON_ACRONYM: Final = "acronym of"
REASON_SPELLING: Final = "spelling differs slightly"
REASON_CONTAINS: Final = "one name contains the other"

SCORES: Final[dict[str, float]] = {
    REASON_SAME_KEY: 100.0,
    REASON_SPACING: 97.0,
    REASON_SMALL_WORDS: 95.0,
    REASON_EXPANSION: 94.0,
    REASON_ACRONYM_ADDED: 93.0,
    REASON_JOINED: 93.0,
    REASON_ORDER: 92.0,
    REASON_ACRONYM: 90.0,
    REASON_SPELLING: 86.0,
    REASON_CONTAINS: 80.0,
}


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    """An existing organization that is probably the same as a newly typed name.

    Attributes:
        id: The id the existing name was registered under.
        name: The existing name, exactly as it was given.
        score: Confidence from 0 to 100: a fixed value per reason (100 for the same key, 97 for
            spacing ... 80 for "one name contains the other"); not a probability.
        reason: Human-readable explanation; starts with one of the ``REASON_*`` constants,
            optionally followed by ``": "`` and details.
    """

    id: int
    name: str
    score: float
    reason: str


_GENDER_ENDINGS: Final = re.compile(r"(?:a|o|as|os|x|e)$")


def _plural_equal(a: str, b: str) -> bool:
    """ "services" = "service", "communities" = "community"."""
    if len(a) < len(b):
        a, b = b, a
    if len(b) < 4:
        return False
    return a == b + "s" or a == b + "es" or (b.endswith("y") and a == b[:-1] + "ies")


def _spelling_close(a: str, b: str) -> bool:
    """A typo: one edit (two for long words), same first letter, not a gendered pair."""
    shorter = min(len(a), len(b))
    if shorter < 5 or a[0] != b[0]:
        return False
    allowed = 2 if shorter >= 9 else 1
    if OSA.distance(a, b, score_cutoff=allowed) > allowed:
        return False
    # "Latino"/"Latina", "Chicanos"/"Chicanas", "Latinx"/"Latine": different words on purpose.
    stem_a, stem_b = _GENDER_ENDINGS.sub("", a), _GENDER_ENDINGS.sub("", b)
    return not (stem_a == stem_b and a != b and len(stem_a) >= 3)


def _fuzzy_candidate(tok: Token) -> bool:
    # Places and numbers identify a chapter ("Marin"/"Marion", "Local 1"/"Local 11"): they match
    # exactly or not at all. ("Northern"/"Southern" are kept apart by the same-first-letter rule.)
    return tok.kind == WORD and tok.text.isalpha()


class _Matcher:
    """Aligns the content words of two names and says why they match, if they do."""

    __slots__ = ("a", "b", "details", "features", "pairs", "strong", "typo_pairs", "used_a", "used_b")

    def __init__(self, a: Variant, b: Variant) -> None:
        self.a = a
        self.b = b
        self.used_a = [False] * len(a.content)
        self.used_b = [False] * len(b.content)
        self.pairs: list[tuple[int, int]] = []
        self.features: set[str] = set()
        self.details: dict[str, str] = {}
        self.strong = 0  # matched words that identify the organization (not "hub", "chapter")
        self.typo_pairs: list[tuple[str, str]] = []

    def _pair(self, i: int, j: int) -> None:
        self.used_a[i] = self.used_b[j] = True
        self.pairs.append((i, j))

    def _note(self, reason: str, detail: str) -> None:
        self.features.add(reason)
        self.details.setdefault(reason, detail)

    def match_exact(self) -> None:
        for i, t in enumerate(self.a.content):
            for j, u in enumerate(self.b.content):
                if self.used_b[j] or t.text != u.text:
                    continue
                self._pair(i, j)
                if not t.weak:
                    self.strong += 1
                if t.surface != u.surface:
                    if t.spelling or u.spelling:
                        self._note(REASON_SPELLING, f"{t.surface!r} ~ {u.surface!r}")
                    else:
                        self._note(REASON_EXPANSION, f"{t.surface!r} = {u.surface!r}")
                break

    def match_close(self) -> None:
        for i, t in enumerate(self.a.content):
            if self.used_a[i] or not _fuzzy_candidate(t):
                continue
            for j, u in enumerate(self.b.content):
                if self.used_b[j] or not _fuzzy_candidate(u):
                    continue
                if _plural_equal(t.text, u.text):
                    self._note(REASON_SMALL_WORDS, f"{t.surface!r} ~ {u.surface!r}")
                    self.strong += 1
                elif _spelling_close(t.text, u.text):
                    self._note(REASON_SPELLING, f"{t.surface!r} ~ {u.surface!r}")
                    self.typo_pairs.append((t.text, u.text))
                    self.strong += 1
                else:
                    continue
                self._pair(i, j)
                break

    def match_acronyms(self) -> None:
        self._acronyms(self.a, self.b, self.used_a, self.used_b)
        self._acronyms(self.b, self.a, self.used_b, self.used_a)

    def _acronyms(self, x: Variant, y: Variant, used_x: list[bool], used_y: list[bool]) -> None:
        content_index = {id(t): n for n, t in enumerate(y.content)}
        for i, t in enumerate(x.content):
            if used_x[i] or not could_be_acronym(t):
                continue
            if len(t.text) == 2 and self.strong == 0:
                continue  # a two-letter acronym needs another word in common to be believable
            run = _find_run(t.text, y.tokens, content_index, used_y)
            if run is None:
                continue
            used_x[i] = True
            for n in run:
                used_y[n] = True
            self.strong += 1
            self.pairs.append((-1, -1))
            expansion = " ".join(y.content[n].text for n in run)
            self._note(REASON_ACRONYM, f"{t.surface!r} = {expansion}")

    def match_joined(self) -> None:
        self._joined(self.a, self.b, self.used_a, self.used_b)
        self._joined(self.b, self.a, self.used_b, self.used_a)

    def _joined(self, x: Variant, y: Variant, used_x: list[bool], used_y: list[bool]) -> None:
        for i, t in enumerate(x.content):
            if used_x[i] or len(t.text) < 4:
                continue
            for start in range(len(y.content)):
                joined = ""
                for end in range(start, len(y.content)):
                    if used_y[end]:
                        break
                    joined += y.content[end].text.replace(" ", "")
                    if not t.text.startswith(joined):
                        break
                    if joined == t.text and end > start:
                        used_x[i] = True
                        for n in range(start, end + 1):
                            used_y[n] = True
                        self.strong += 1
                        self.pairs.append((-1, -1))
                        self._note(REASON_JOINED, f"{t.surface!r}")
                        break
                if used_x[i]:
                    break

    def verdict(self) -> tuple[float, str] | None:
        left_a = [t for t, used in zip(self.a.content, self.used_a, strict=True) if not used]
        left_b = [t for t, used in zip(self.b.content, self.used_b, strict=True) if not used]
        if any(not t.weak for t in left_a + left_b):
            return None  # a word, place or number only one name has: a different organization
        if self.strong == 0:
            return None
        if self.typo_pairs:
            # Typos are believed only with enough exact agreement around them ("Indivisible Marin"
            # vs "Indivisible Marion" has one shared word: too little).
            exact = self.strong - len(self.typo_pairs)
            long_typo = all(min(len(p), len(q)) >= 8 for p, q in self.typo_pairs)
            if not (exact >= 2 * len(self.typo_pairs) or (len(self.typo_pairs) == 1 and exact >= 1 and long_typo)):
                return None
        if left_a or left_b:
            extra = ", ".join(t.surface for t in left_a + left_b)
            self._note(REASON_CONTAINS, f"extra words: {extra}")
        real_pairs = [p for p in self.pairs if p[0] >= 0]
        order = [j for _, j in sorted(real_pairs)]
        if order != sorted(order):
            self._note(REASON_ORDER, "")
        if not self.features:
            self.features.add(REASON_SMALL_WORDS)
        reason = min(self.features, key=lambda r: SCORES[r])
        detail = self.details.get(reason, "")
        return SCORES[reason], f"{reason}: {detail}" if detail else reason


def _find_run(
    target: str, tokens: tuple[Token, ...], content_index: dict[int, int], used: list[bool]
) -> list[int] | None:
    """Content indices of a run of unused words in ``tokens`` whose initials spell ``target``."""
    for include_stops in (False, True):
        for start, first in enumerate(tokens):
            if first.kind not in (WORD, PLACE) or used[content_index[id(first)]]:
                continue
            initials = ""
            run: list[int] = []
            for tok in tokens[start:]:
                if tok.kind == STOP:
                    if include_stops:
                        initials += tok.initials
                    if not target.startswith(initials):
                        break
                    continue
                n = content_index[id(tok)]
                if tok.kind == NUMBER or used[n]:
                    break
                initials += tok.initials
                run.append(n)
                if not target.startswith(initials):
                    break
                if initials == target and len(run) >= 2:
                    return run
    return None


def _match(a: Variant, b: Variant) -> tuple[float, str] | None:
    if not a.content or not b.content:
        return None
    matcher = _Matcher(a, b)
    matcher.match_exact()
    matcher.match_close()
    matcher.match_acronyms()
    matcher.match_joined()
    return matcher.verdict()


def _capped(result: tuple[float, str] | None, reason: str, detail: str) -> tuple[float, str] | None:
    """Combine a match found through an acronym variant with what that variant implies."""
    if result is None:
        return None
    if SCORES[reason] <= result[0]:
        return SCORES[reason], f"{reason}: {detail}"
    return result


def compare(q: Profile, c: Profile) -> tuple[float, str] | None:
    """Why ``q`` and ``c`` are probably the same organization, as (score, reason); None if not."""
    if q.key == c.key:
        return SCORES[REASON_SAME_KEY], REASON_SAME_KEY
    if q.compact == c.compact:
        return SCORES[REASON_SPACING], REASON_SPACING
    results = [_match(q.full, c.full)]
    if q.short is not None and c.short is not None:
        # Both state an acronym: different acronyms mean different organizations
        # ("Asian Americans Advancing Justice | AAJC" vs "... | ALC").
        if q.acronym == c.acronym and q.long is not None and c.long is not None:
            results.append(_match(q.long, c.long))
    else:
        for x, y in ((q, c), (c, q)):
            if x.short is None or x.long is None:
                continue
            results.append(_capped(_match(x.long, y.full), REASON_ACRONYM_ADDED, f"({x.acronym})"))
            long_form = " ".join(t.text for t in x.long.content)
            results.append(_capped(_match(x.short, y.full), REASON_ACRONYM, f"{x.acronym!r} = {long_form}"))
    found = [r for r in results if r is not None]
    return max(found, key=lambda r: r[0]) if found else None
