"""Token profiles: what the duplicate rules need to know about one name, computed once and cached."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from bot.orgnames.keys import clean_org_name, fold, org_key, split_words, strip_accents
from bot.orgnames.vocabulary import (
    ABBREVIATIONS,
    AMBIGUOUS_CODES,
    MAX_PLACE_WORDS,
    PLACES,
    SPELLINGS,
    STOPWORDS,
    WEAK_WORDS,
)

WORD: Final = 0
STOP: Final = 1
PLACE: Final = 2
NUMBER: Final = 3

# Longest acronym considered, in letters; also bounds the runs of words indexed as expansions.
MAX_ACRONYM: Final = 12


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # comparison form: folded, abbreviations expanded, places canonical
    surface: str  # folded form as typed ("natl", "ny")
    kind: int
    initials: str  # contribution to an acronym ("n" for "national", "ny" for "new york")
    weak: bool
    capitals: bool  # typed in capitals: a strong hint that a short word is an acronym
    spelling: bool  # text comes from the British-spelling table


@dataclass(frozen=True, slots=True)
class Variant:
    tokens: tuple[Token, ...]  # including stopwords (some acronyms use their initials)
    content: tuple[Token, ...]  # without stopwords


@dataclass(frozen=True, slots=True)
class Profile:
    key: str
    compact: str  # key without spaces: "UnidosUS" = "Unidos US"
    full: Variant
    long: Variant | None  # "Coalition for Humane Immigrant Rights" of "... (CHIRLA)"
    short: Variant | None  # "CHIRLA" of "Coalition for Humane Immigrant Rights (CHIRLA)"
    acronym: str  # the explicit acronym ("chirla"), or ""
    search: str  # content words, for rapidfuzz retrieval
    acronym_like: frozenset[str]  # words that could be an acronym of another name's words
    run_initials: frozenset[str]  # initials of runs of words: what acronyms of this name look like


def _token_initials(kind: int, text: str) -> str:
    if kind == PLACE:
        return "".join(w[0] for w in text.split() if w not in STOPWORDS)
    if kind == NUMBER:
        return ""
    return text[:1]


def _tokenize(text: str, *, mixed_case: bool) -> tuple[Token, ...]:
    """Turn (part of) a cleaned name into classified tokens."""
    surfaces = split_words(strip_accents(unicodedata.normalize("NFKC", text)))
    folded = [fold(w) for w in surfaces]
    tokens: list[Token] = []
    i = 0
    while i < len(folded):
        place = _match_place(folded, surfaces, i, mixed_case=mixed_case)
        if place is not None:
            canonical, length = place
            surface = " ".join(folded[i : i + length])
            capitals = all(typed_in_capitals(w) for w in surfaces[i : i + length])
            tokens.append(Token(canonical, surface, PLACE, _token_initials(PLACE, canonical), False, capitals, False))
            i += length
            continue
        word = folded[i]
        spelling = word in SPELLINGS
        expanded = SPELLINGS.get(word) or ABBREVIATIONS.get(word, word)
        if word == "mt" and typed_in_capitals(surfaces[i]):
            expanded = word  # "MT" without a place match: leave it alone rather than "mount"
        if any(ch.isdigit() for ch in expanded):
            kind = NUMBER
        elif expanded in STOPWORDS:
            kind = STOP
        else:
            kind = WORD
        tokens.append(
            Token(
                expanded,
                word,
                kind,
                _token_initials(kind, expanded),
                expanded in WEAK_WORDS,
                typed_in_capitals(surfaces[i]),
                spelling,
            )
        )
        i += 1
    return tuple(tokens)


def typed_in_capitals(word: str) -> bool:
    return word.upper() == word and word.lower() != word


def _match_place(folded: list[str], surfaces: list[str], i: int, *, mixed_case: bool) -> tuple[str, int] | None:
    """The longest place name starting at word ``i``, as (canonical name, number of words)."""
    for length in range(min(MAX_PLACE_WORDS, len(folded) - i), 0, -1):
        canonical = PLACES.get(tuple(folded[i : i + length]))
        if canonical is None:
            continue
        if length == 1 and folded[i] in AMBIGUOUS_CODES:
            capitals = typed_in_capitals(surfaces[i])
            last_of_several = i == len(folded) - 1 and i > 0
            if not (capitals and (mixed_case or last_of_several)):
                continue
        return canonical, length
    return None


def _variant(tokens: tuple[Token, ...]) -> Variant:
    return Variant(tokens, tuple(t for t in tokens if t.kind != STOP))


# "Long Name (ACR)", "ACR (Long Name)", "Long Name | ACR", "Long Name - ACR", "Long Name -ACR-",
# "ACR – Long Name": the acronym is one chunk in capitals.
_PARENTHESIZED: Final = re.compile(r"(?P<before>[^()]*)\((?P<inside>[^()]*)\)(?P<after>[^()]*)")
_SEPARATOR: Final = r"(?:\s*[|–—:/]\s*|\s+-+\s*|\s*-+\s+)"
_TRAILING_CHUNK: Final = re.compile(rf"(?P<long>.+?){_SEPARATOR}(?P<acr>\S+)")
_LEADING_CHUNK: Final = re.compile(rf"(?P<acr>\S+?){_SEPARATOR}(?P<long>.+)")


def _is_acronym_chunk(chunk: str) -> bool:
    """Does this chunk look like a stated acronym ("(CHIRLA)", "-AMOR-", "AFL-CIO")?"""
    stripped = chunk.strip(" -–—|:/().,")
    letters = [ch for ch in stripped if ch.isalpha()]
    if not 2 <= len(letters) <= MAX_ACRONYM or not typed_in_capitals(stripped):
        return False
    if any(not (ch.isalnum() or ch in "-&.") for ch in stripped):
        return False
    words = tuple(split_words(fold(stripped)))
    # "(NY)", "- TX", "(U.S.A.)": a place or the country, not the organization's acronym.
    return bool(words) and words not in PLACES and "".join(words) not in ("us", "usa")


def _split_acronym(cleaned: str) -> tuple[str, str] | None:
    """Split a name that states its acronym into (long form, acronym chunk)."""
    m = _PARENTHESIZED.fullmatch(cleaned)
    if m is not None:
        inside = m["inside"]
        outside = f"{m['before']} {m['after']}".strip()
        if _is_acronym_chunk(inside) and len(split_words(outside)) >= 2:
            return outside, inside
        if _is_acronym_chunk(outside) and len(split_words(inside)) >= 2:
            return inside, outside
        return None
    for pattern in (_TRAILING_CHUNK, _LEADING_CHUNK):
        m = pattern.fullmatch(cleaned)
        if m is not None and _is_acronym_chunk(m["acr"]) and len(split_words(m["long"])) >= 2:
            return m["long"], m["acr"]
    return None


def _runs(tokens: tuple[Token, ...]) -> Iterable[str]:
    """Initials of every run of two or more content words, skipping or including stopwords."""
    for include_stops in (False, True):
        for start, first in enumerate(tokens):
            if first.kind not in (WORD, PLACE):
                continue
            initials = ""
            words = 0
            for tok in tokens[start:]:
                if tok.kind == STOP:
                    if include_stops:
                        initials += tok.initials
                    continue
                if tok.kind == NUMBER:
                    break
                initials += tok.initials
                words += 1
                if len(initials) > MAX_ACRONYM:
                    break
                if words >= 2:
                    yield initials


def could_be_acronym(tok: Token) -> bool:
    """Could this word be an acronym? Three letters or more, or two typed in capitals."""
    if tok.kind != WORD or not tok.text.isalpha() or len(tok.text) > MAX_ACRONYM:
        return False
    return len(tok.text) >= 3 or (len(tok.text) == 2 and tok.capitals)


@functools.lru_cache(maxsize=8192)
def profile_of(name: str) -> Profile:
    """Everything the duplicate rules need about one name; cached because names repeat a lot."""
    cleaned = clean_org_name(name)
    key = org_key(cleaned)
    mixed_case = any(ch.islower() for ch in cleaned)
    full = _variant(_tokenize(cleaned, mixed_case=mixed_case))
    long: Variant | None = None
    short: Variant | None = None
    acronym = ""
    split = _split_acronym(cleaned)
    if split is not None:
        long = _variant(_tokenize(split[0], mixed_case=mixed_case))
        short = _variant(_tokenize(split[1], mixed_case=mixed_case))
        acronym = "".join(t.text for t in short.content)
        if not long.content or not short.content:
            long = short = None
            acronym = ""
    variants = [v for v in (full, long, short) if v is not None]
    acronym_like = {t.text for v in variants for t in v.content if could_be_acronym(t)}
    if acronym:
        acronym_like.add(acronym)
    run_initials = {r for v in (full, long) if v is not None for r in _runs(v.tokens)}
    return Profile(
        key=key,
        compact=key.replace(" ", ""),
        full=full,
        long=long,
        short=short,
        acronym=acronym,
        search=" ".join(t.text for t in full.content),
        acronym_like=frozenset(acronym_like),
        run_initials=frozenset(run_initials),
    )
