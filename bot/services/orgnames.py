"""Organization names on sign-on letters: display cleanup, unique keys and likely duplicates.

Three layers, from strict to lenient:

* :func:`clean_org_name` keeps the name exactly as the organization wrote it (accents, punctuation,
  capitals) and only removes invisible noise, so the letter prints what they typed.
* :func:`org_key` is the value behind the database's UNIQUE (letter_id, org_key) constraint. It only
  merges spellings that are certainly the same organization (case, accents, punctuation, spacing,
  ``&``/``and``, a leading "The", a trailing "Inc."), because a wrong merge would stop a real
  organization from signing.
* :func:`find_likely_duplicates` / :class:`OrgNameIndex` are the lenient layer: they only *warn*
  ("is this the same as ...?"), so they may use abbreviations, acronyms and typos, while rules about
  places, chapter numbers and extra words keep chapters and affiliates apart.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

__all__ = [
    "ORG_KEY_MAX_LENGTH",
    "REASON_ACRONYM",
    "REASON_ACRONYM_ADDED",
    "REASON_CONTAINS",
    "REASON_EXPANSION",
    "REASON_JOINED",
    "REASON_ORDER",
    "REASON_SAME_KEY",
    "REASON_SMALL_WORDS",
    "REASON_SPACING",
    "REASON_SPELLING",
    "NearDuplicate",
    "OrgNameIndex",
    "clean_org_name",
    "find_likely_duplicates",
    "org_key",
]

#: The database column holding the key is VARCHAR(200); see :func:`org_key`.
ORG_KEY_MAX_LENGTH: Final = 200

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

_SCORES: Final[dict[str, float]] = {
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


# ---------------------------------------------------------------------------------------------------
# Display cleanup and the unique key
# ---------------------------------------------------------------------------------------------------

# Cc: control characters, Cf: invisible format characters (zero-width spaces, joiners, bidi marks,
# BOM, soft hyphen), Cs: lone surrogates, which cannot even be encoded as UTF-8 for the database.
_DROPPED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs"})


def clean_org_name(raw: str) -> str:
    """Clean an organization name for display, keeping it as the organization wrote it.

    Whitespace of any kind (tabs, newlines, no-break and ideographic spaces) becomes a single space,
    the ends are trimmed, control and invisible format characters (Unicode categories Cc, Cf, Cs) are
    removed and the result is NFC-normalized. Spelling, capitals, accents, punctuation, emoji and
    every script are kept. The function is idempotent.

    Args:
        raw: The name as typed.

    Returns:
        The cleaned name; ``""`` when nothing visible is left.
    """
    # NFC first so that a whitespace character hidden in a decomposed form is seen, and again after
    # dropping characters, because removing e.g. a zero-width space between "e" and a combining
    # accent lets them compose; otherwise a second pass could change the text (not idempotent).
    text = unicodedata.normalize("NFC", raw)
    kept = []
    for ch in text:
        if ch.isspace():
            kept.append(" ")
        elif unicodedata.category(ch) not in _DROPPED_CATEGORIES:
            kept.append(ch)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def _has_letter_or_digit(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _is_foldable_base(ch: str) -> bool:
    """True for Latin and Greek letters, whose accents are routinely left out when typing.

    Latin: people without a Spanish or French keyboard type "Accion" for "Acción". Greek: capitals are
    written without accents, so folding them is what makes Greek names case-insensitive. Marks in
    other scripts are letters of their own (Cyrillic "й"/"ї", Devanagari vowel signs) and are kept.
    """
    cp = ord(ch)
    return (
        (cp < 0x0250 and ch.isalpha())  # ASCII, Latin-1, Latin Extended-A/B
        or 0x1E00 <= cp <= 0x1EFF  # Latin Extended Additional (Vietnamese)
        or 0x0370 <= cp <= 0x03FF  # Greek
        or 0x1F00 <= cp <= 0x1FFF  # Greek Extended
    )


def _strip_accents(text: str) -> str:
    """Remove combining marks that follow a Latin or Greek letter ("Acción" -> "Accion")."""
    decomposed = unicodedata.normalize("NFKD", text)
    out = []
    foldable = False
    for ch in decomposed:
        if unicodedata.category(ch) in ("Mn", "Me"):
            if foldable:
                continue
        else:
            foldable = _is_foldable_base(ch)
        out.append(ch)
    return unicodedata.normalize("NFKC", "".join(out))


def _fold(text: str) -> str:
    """Compatibility-normalize, casefold and strip accents.

    NFKC first so that ligatures, full-width and styled letters fold like their plain forms. The
    dotless "ı" becomes "i" because "ı".upper() is "I", whose casefold is "i": without this, a name
    would not have the same key in upper and lower case.
    """
    folded = _strip_accents(unicodedata.normalize("NFKC", text).casefold())
    return folded.replace("ı", "i")


# "N.A.A.C.P.", "U.S.", "D.C": single letters joined by dots are one word, not one word per letter.
_INITIALISM: Final = re.compile(r"(?<!\w)(?:[^\W\d_]\.)+[^\W\d_](?!\w)\.?")
# "+" means "and" only between two words ("Arts+Culture", "Arts + Culture"); in "LGBTQ+" it is part
# of the name's spelling and is dropped like other symbols.
_PLUS_AS_AND: Final = re.compile(r"(?<=[^\W_])\+(?=[^\W_])|(?<=\s)\+(?=\s)")
# Apostrophes are removed without splitting the word, so "Women's" and "Womens" are the same word.
# (U+02BC and U+02BB are letters, Lm, e.g. the Hawaiian ʻokina, and are kept.)
_APOSTROPHES: Final = frozenset("'’‘`´′")


def _split_words(text: str) -> list[str]:
    """Split text into words of letters, digits and attached marks; everything else separates.

    "&" and a "+" between words become the word "and"; decimal digits of any script become ASCII.
    """
    text = _INITIALISM.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _PLUS_AS_AND.sub(" and ", text.replace("&", " and "))
    words: list[str] = []
    current: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "LN":
            current.append(str(unicodedata.decimal(ch)) if category == "Nd" else ch)
        elif category[0] == "M" and current:
            current.append(ch)  # a vowel sign or accent that belongs to the word (non-Latin scripts)
        elif ch in _APOSTROPHES:
            continue
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


# Legal-form suffixes say nothing about which organization it is ("SPLC, Inc." is the SPLC).
_LEGAL_SUFFIXES: Final = frozenset({"inc", "incorporated", "llc", "ltd"})


def _trim_affixes(words: list[str]) -> list[str]:
    """Drop a leading "the" and trailing legal-form suffixes, never emptying the list."""
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words = words[:-1]
    return words


def org_key(name: str) -> str:
    """Compute the normalized key that must be unique per letter.

    Two names get the same key when they differ only in: case (full Unicode casefolding), compatibility
    forms (NFKC: ligatures, full-width letters, superscripts), accents on Latin and Greek letters
    ("Acción" = "Accion"), punctuation and symbols ("Make the Road, NY" = "Make the Road NY",
    "-AMOR-" = "AMOR", "N.A.A.C.P." = "NAACP", "Women's" = "Womens"), whitespace, "&" or a "+"
    between words versus the word "and", a leading "The", and trailing "Inc."/"Incorporated"/
    "LLC"/"Ltd.". Spanish "y" and French "et" are *not* turned into "and" here (see the module
    notes); :func:`find_likely_duplicates` treats them as equivalent instead.

    Args:
        name: The organization name, raw or already cleaned (``org_key(clean_org_name(x)) ==
            org_key(x)``).

    Returns:
        Lower-case words separated by single spaces, or ``""`` when the name has no letter or digit
        in any script, before or after case folding (the caller rejects such names). A name with at
        least one letter or digit always gets a non-empty key. Keys longer than
        ``ORG_KEY_MAX_LENGTH`` characters are cut and end in "#" plus a hash of the whole key, so
        they fit the column and stay distinct.
    """
    cleaned = clean_org_name(name)
    folded = _fold(cleaned)
    # Checked after folding as well: U+0345 (a combining mark) folds to the letter "ι", and its
    # upper case is the letter "Ι", so treating it as a letter keeps the key case-insensitive.
    if not (_has_letter_or_digit(cleaned) or _has_letter_or_digit(folded)):
        return ""
    key = " ".join(_trim_affixes(_split_words(folded)))
    if not key:
        # Defensive: a letter whose compatibility form is only a mark or symbol. The contract says
        # a name with a letter or digit never gets an empty key, so keep its letters as they are.
        key = "".join(ch for ch in folded + cleaned if unicodedata.category(ch)[0] in "LN")
    if len(key) > ORG_KEY_MAX_LENGTH:
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        key = key[: ORG_KEY_MAX_LENGTH - 17] + "#" + digest
    return key


# ---------------------------------------------------------------------------------------------------
# Vocabulary for the near-duplicate rules
# ---------------------------------------------------------------------------------------------------


def _word_set(text: str) -> frozenset[str]:
    """A set of words written as one string (kept as a call so linters do not explode it)."""
    return frozenset(text.split())


# Words that never tell two organizations apart ("Council on/of American-Islamic Relations",
# "Mujeres Unidas y Activas" vs "Mujeres Unidas & Activas"). Spanish/French articles and "y"/"et"
# are here, which is how "y" and "et" count as "and" for warnings without touching the key.
_STOPWORDS: Final = _word_set(
    """
    the of for and a an in on at to with by from
    y et de del la las el los en para por con des du le les
    inc incorporated llc ltd
    """
)

# Extra words that do not make a different organization when everything else matches
# ("Sunrise Movement Boston Hub" = "Sunrise Boston", "Sierra Club Florida Chapter" = "Sierra Club
# Florida"). A place, number or any other word left over still prevents a warning.
_WEAK_WORDS: Final = _word_set("movement hub chapter local branch affiliate office organization")

# Abbreviations typed in organization names, folded (so "Nat'l", "natl." -> "natl").
_ABBREVIATIONS: Final[dict[str, str]] = {
    "natl": "national",
    "assn": "association",
    "assoc": "association",
    "asoc": "asociacion",
    "ctr": "center",
    "cntr": "center",
    "intl": "international",
    "org": "organization",
    "orgs": "organizations",
    "dept": "department",
    "svc": "service",
    "svcs": "services",
    "fdn": "foundation",
    "fndn": "foundation",
    "inst": "institute",
    "univ": "university",
    "cmty": "community",
    "cmte": "committee",
    "govt": "government",
    "educ": "education",
    "proj": "project",
    "ntwk": "network",
    "fed": "federation",
    "amer": "american",
    "bros": "brothers",
    "st": "saint",
    "ft": "fort",
    "mt": "mount",
    "usa": "us",
}

# British spellings and the like: reported as "spelling differs slightly" rather than as expansion.
_SPELLINGS: Final[dict[str, str]] = {
    "centre": "center",
    "centres": "centers",
    "organisation": "organization",
    "organisations": "organizations",
    "labour": "labor",
    "defence": "defense",
    "neighbour": "neighbor",
    "neighbours": "neighbors",
    "neighbourhood": "neighborhood",
    "neighbourhoods": "neighborhoods",
    "programme": "program",
    "programmes": "programs",
    "honour": "honor",
    "colour": "color",
    "counselling": "counseling",
    "theatre": "theater",
}

# Places that chapters of national networks are named after. "|" and line ends separate places; in one,
# the first spelling is the canonical name and the ones after commas are aliases.
_STATES: Final = """
alabama, al | alaska, ak | arizona, az | arkansas, ar | california, ca, calif | colorado, co
connecticut, ct | delaware, de | florida, fl, fla | georgia, ga | hawaii, hi | idaho, id
illinois, il | indiana, in | iowa, ia | kansas, ks | kentucky, ky | louisiana | maine, me
maryland, md | massachusetts, ma | michigan, mi | minnesota, mn | mississippi, ms | missouri, mo
montana, mt | nebraska, ne | nevada, nv | new hampshire, nh | new jersey, nj | new mexico, nm
new york, ny, nueva york | north carolina, nc | north dakota, nd | ohio, oh | oklahoma, ok
oregon, or | pennsylvania, pa | rhode island, ri | south carolina, sc | south dakota, sd
tennessee, tn | texas, tx | utah, ut | vermont, vt | virginia, va | washington, wa
west virginia, wv | wisconsin, wi | wyoming, wy | district of columbia, dc, washington dc
puerto rico, pr
"""

_CITIES: Final = """
new york city, nyc | los angeles, la | chicago | houston | phoenix | philadelphia, philly
san antonio | san diego | dallas | san jose | austin | jacksonville | fort worth | columbus
charlotte | san francisco, sf | indianapolis | seattle | denver | boston | el paso | nashville
detroit | oklahoma city | portland | las vegas | memphis | louisville | baltimore | milwaukee
albuquerque | tucson | fresno | sacramento | kansas city | atlanta | omaha | colorado springs
raleigh | long beach | virginia beach | miami | oakland | minneapolis | tulsa | tampa
new orleans, nola | cleveland | pittsburgh | cincinnati | saint louis | saint paul | newark
jersey city | buffalo | durham | greensboro | lancaster | harrisburg | richmond | providence
hartford | new haven | bridgeport | salt lake city | boise | anchorage | honolulu | santa fe
santa ana | anaheim | riverside | san bernardino | stockton | bakersfield | modesto | salinas
santa cruz | san mateo | berkeley | brooklyn | bronx | queens | manhattan | staten island | harlem
yonkers | rochester | syracuse | albany | worcester | springfield | lowell | cambridge | somerville
chelsea | grand rapids | ann arbor | lansing | dearborn | flint | kalamazoo | madison | green bay
des moines | wichita | little rock | birmingham | montgomery | charleston | savannah | orlando
saint petersburg | fort lauderdale | west palm beach | homestead | immokalee | laredo | mcallen
brownsville | corpus christi | lubbock | plano | fort wayne | evanston | aurora | elgin | waukegan
joliet | rockford | galveston | dayton | toledo | akron | lexington | knoxville | chattanooga
greenville | asheville | winston salem | norfolk | alexandria | arlington | silver spring
takoma park | hyattsville | northampton | pasadena | ventura | marin | tacoma | spokane | yakima
eugene | salem | reno | boulder | fort collins | pueblo
bay area | east bay | south bay | silicon valley | twin cities | inland empire | central valley
rio grande valley | hudson valley | long island | puget sound | central coast
southern california, socal | northern california, norcal | central california | central texas
north texas | south texas | west texas | east texas | south florida | central florida
north florida | western new york | upstate new york | western massachusetts | eastern washington
northern virginia, nova | northern nevada | southern nevada | southern arizona
northern new jersey | south jersey | north jersey | greater boston | greater philadelphia
greater dallas
"""

# Two-letter codes that are also ordinary words ("Faith in Action", "Centro de la Raza",
# "Casa de Maryland"): a place only when typed in capitals in a name that is not all capitals, or as
# the last word of an all-capitals name ("CAIR-LA"). "LA" is read as Los Angeles, not Louisiana.
_AMBIGUOUS_CODES: Final = _word_set("al co de hi id in la ma me mi mo ms mt ne oh ok or pa")


def _build_places() -> dict[tuple[str, ...], str]:
    places: dict[tuple[str, ...], str] = {}
    for block in (_STATES, _CITIES):
        for entry in block.replace("\n", "|").split("|"):
            if not entry.strip():
                continue
            canonical, *aliases = (spelling.strip() for spelling in entry.split(","))
            for spelling in (canonical, *aliases):
                places[tuple(spelling.split())] = canonical
    return places


_PLACES: Final = _build_places()
_MAX_PLACE_WORDS: Final = max(len(p) for p in _PLACES)


# ---------------------------------------------------------------------------------------------------
# Token profiles
# ---------------------------------------------------------------------------------------------------

_WORD: Final = 0
_STOP: Final = 1
_PLACE: Final = 2
_NUMBER: Final = 3

# Longest acronym considered, in letters; also bounds the runs of words indexed as expansions.
_MAX_ACRONYM: Final = 12


@dataclass(frozen=True, slots=True)
class _Token:
    text: str  # comparison form: folded, abbreviations expanded, places canonical
    surface: str  # folded form as typed ("natl", "ny")
    kind: int
    initials: str  # contribution to an acronym ("n" for "national", "ny" for "new york")
    weak: bool
    capitals: bool  # typed in capitals: a strong hint that a short word is an acronym
    spelling: bool  # text comes from the British-spelling table


@dataclass(frozen=True, slots=True)
class _Variant:
    tokens: tuple[_Token, ...]  # including stopwords (some acronyms use their initials)
    content: tuple[_Token, ...]  # without stopwords


@dataclass(frozen=True, slots=True)
class _Profile:
    key: str
    compact: str  # key without spaces: "UnidosUS" = "Unidos US"
    full: _Variant
    long: _Variant | None  # "Coalition for Humane Immigrant Rights" of "... (CHIRLA)"
    short: _Variant | None  # "CHIRLA" of "Coalition for Humane Immigrant Rights (CHIRLA)"
    acronym: str  # the explicit acronym ("chirla"), or ""
    search: str  # content words, for rapidfuzz retrieval
    acronym_like: frozenset[str]  # words that could be an acronym of another name's words
    run_initials: frozenset[str]  # initials of runs of words: what acronyms of this name look like


def _token_initials(kind: int, text: str) -> str:
    if kind == _PLACE:
        return "".join(w[0] for w in text.split() if w not in _STOPWORDS)
    if kind == _NUMBER:
        return ""
    return text[:1]


def _tokenize(text: str, *, mixed_case: bool) -> tuple[_Token, ...]:
    """Turn (part of) a cleaned name into classified tokens."""
    surfaces = _split_words(_strip_accents(unicodedata.normalize("NFKC", text)))
    folded = [_fold(w) for w in surfaces]
    tokens: list[_Token] = []
    i = 0
    while i < len(folded):
        place = _match_place(folded, surfaces, i, mixed_case=mixed_case)
        if place is not None:
            canonical, length = place
            surface = " ".join(folded[i : i + length])
            capitals = all(_typed_in_capitals(w) for w in surfaces[i : i + length])
            tokens.append(
                _Token(canonical, surface, _PLACE, _token_initials(_PLACE, canonical), False, capitals, False)
            )
            i += length
            continue
        word = folded[i]
        spelling = word in _SPELLINGS
        expanded = _SPELLINGS.get(word) or _ABBREVIATIONS.get(word, word)
        if word == "mt" and _typed_in_capitals(surfaces[i]):
            expanded = word  # "MT" without a place match: leave it alone rather than "mount"
        if any(ch.isdigit() for ch in expanded):
            kind = _NUMBER
        elif expanded in _STOPWORDS:
            kind = _STOP
        else:
            kind = _WORD
        tokens.append(
            _Token(
                expanded,
                word,
                kind,
                _token_initials(kind, expanded),
                expanded in _WEAK_WORDS,
                _typed_in_capitals(surfaces[i]),
                spelling,
            )
        )
        i += 1
    return tuple(tokens)


def _typed_in_capitals(word: str) -> bool:
    return word.upper() == word and word.lower() != word


def _match_place(folded: list[str], surfaces: list[str], i: int, *, mixed_case: bool) -> tuple[str, int] | None:
    """The longest place name starting at word ``i``, as (canonical name, number of words)."""
    for length in range(min(_MAX_PLACE_WORDS, len(folded) - i), 0, -1):
        canonical = _PLACES.get(tuple(folded[i : i + length]))
        if canonical is None:
            continue
        if length == 1 and folded[i] in _AMBIGUOUS_CODES:
            capitals = _typed_in_capitals(surfaces[i])
            last_of_several = i == len(folded) - 1 and i > 0
            if not (capitals and (mixed_case or last_of_several)):
                continue
        return canonical, length
    return None


def _variant(tokens: tuple[_Token, ...]) -> _Variant:
    return _Variant(tokens, tuple(t for t in tokens if t.kind != _STOP))


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
    if not 2 <= len(letters) <= _MAX_ACRONYM or not _typed_in_capitals(stripped):
        return False
    if any(not (ch.isalnum() or ch in "-&.") for ch in stripped):
        return False
    words = tuple(_split_words(_fold(stripped)))
    # "(NY)", "- TX", "(U.S.A.)": a place or the country, not the organization's acronym.
    return bool(words) and words not in _PLACES and "".join(words) not in ("us", "usa")


def _split_acronym(cleaned: str) -> tuple[str, str] | None:
    """Split a name that states its acronym into (long form, acronym chunk)."""
    m = _PARENTHESIZED.fullmatch(cleaned)
    if m is not None:
        inside = m["inside"]
        outside = f"{m['before']} {m['after']}".strip()
        if _is_acronym_chunk(inside) and len(_split_words(outside)) >= 2:
            return outside, inside
        if _is_acronym_chunk(outside) and len(_split_words(inside)) >= 2:
            return inside, outside
        return None
    for pattern in (_TRAILING_CHUNK, _LEADING_CHUNK):
        m = pattern.fullmatch(cleaned)
        if m is not None and _is_acronym_chunk(m["acr"]) and len(_split_words(m["long"])) >= 2:
            return m["long"], m["acr"]
    return None


def _runs(tokens: tuple[_Token, ...]) -> Iterable[str]:
    """Initials of every run of two or more content words, skipping or including stopwords."""
    for include_stops in (False, True):
        for start, first in enumerate(tokens):
            if first.kind not in (_WORD, _PLACE):
                continue
            initials = ""
            words = 0
            for tok in tokens[start:]:
                if tok.kind == _STOP:
                    if include_stops:
                        initials += tok.initials
                    continue
                if tok.kind == _NUMBER:
                    break
                initials += tok.initials
                words += 1
                if len(initials) > _MAX_ACRONYM:
                    break
                if words >= 2:
                    yield initials


def _acronym_like(tok: _Token) -> bool:
    """Could this word be an acronym? Three letters or more, or two typed in capitals."""
    if tok.kind != _WORD or not tok.text.isalpha() or len(tok.text) > _MAX_ACRONYM:
        return False
    return len(tok.text) >= 3 or (len(tok.text) == 2 and tok.capitals)


@functools.lru_cache(maxsize=8192)
def _profile(name: str) -> _Profile:
    """Everything the duplicate rules need about one name; cached because names repeat a lot."""
    cleaned = clean_org_name(name)
    key = org_key(cleaned)
    mixed_case = any(ch.islower() for ch in cleaned)
    full = _variant(_tokenize(cleaned, mixed_case=mixed_case))
    long: _Variant | None = None
    short: _Variant | None = None
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
    acronym_like = {t.text for v in variants for t in v.content if _acronym_like(t)}
    if acronym:
        acronym_like.add(acronym)
    run_initials = {r for v in (full, long) if v is not None for r in _runs(v.tokens)}
    return _Profile(
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


# ---------------------------------------------------------------------------------------------------
# Comparing two names
# ---------------------------------------------------------------------------------------------------

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


def _fuzzy_candidate(tok: _Token) -> bool:
    # Places and numbers identify a chapter ("Marin"/"Marion", "Local 1"/"Local 11"): they match
    # exactly or not at all. ("Northern"/"Southern" are kept apart by the same-first-letter rule.)
    return tok.kind == _WORD and tok.text.isalpha()


class _Matcher:
    """Aligns the content words of two names and says why they match, if they do."""

    __slots__ = ("a", "b", "details", "features", "pairs", "strong", "typo_pairs", "used_a", "used_b")

    def __init__(self, a: _Variant, b: _Variant) -> None:
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

    def _acronyms(self, x: _Variant, y: _Variant, used_x: list[bool], used_y: list[bool]) -> None:
        content_index = {id(t): n for n, t in enumerate(y.content)}
        for i, t in enumerate(x.content):
            if used_x[i] or not _acronym_like(t):
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

    def _joined(self, x: _Variant, y: _Variant, used_x: list[bool], used_y: list[bool]) -> None:
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
        reason = min(self.features, key=lambda r: _SCORES[r])
        detail = self.details.get(reason, "")
        return _SCORES[reason], f"{reason}: {detail}" if detail else reason


def _find_run(
    target: str, tokens: tuple[_Token, ...], content_index: dict[int, int], used: list[bool]
) -> list[int] | None:
    """Content indices of a run of unused words in ``tokens`` whose initials spell ``target``."""
    for include_stops in (False, True):
        for start, first in enumerate(tokens):
            if first.kind not in (_WORD, _PLACE) or used[content_index[id(first)]]:
                continue
            initials = ""
            run: list[int] = []
            for tok in tokens[start:]:
                if tok.kind == _STOP:
                    if include_stops:
                        initials += tok.initials
                    if not target.startswith(initials):
                        break
                    continue
                n = content_index[id(tok)]
                if tok.kind == _NUMBER or used[n]:
                    break
                initials += tok.initials
                run.append(n)
                if not target.startswith(initials):
                    break
                if initials == target and len(run) >= 2:
                    return run
    return None


def _match(a: _Variant, b: _Variant) -> tuple[float, str] | None:
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
    if _SCORES[reason] <= result[0]:
        return _SCORES[reason], f"{reason}: {detail}"
    return result


def _compare(q: _Profile, c: _Profile) -> tuple[float, str] | None:
    """Why ``q`` and ``c`` are probably the same organization, as (score, reason); None if not."""
    if q.key == c.key:
        return _SCORES[REASON_SAME_KEY], REASON_SAME_KEY
    if q.compact == c.compact:
        return _SCORES[REASON_SPACING], REASON_SPACING
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


# ---------------------------------------------------------------------------------------------------
# Public search API
# ---------------------------------------------------------------------------------------------------

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
        self._profiles: dict[int, _Profile] = {}
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
        profile = _profile(name)
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
        query = _profile(name)
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
            verdict = _compare(query, self._profiles[candidate])
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
    query = _profile(name)
    if not query.key or limit <= 0 or not existing:
        return []
    profiles = [_profile(existing_name) for _, existing_name in existing]
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
        verdict = _compare(query, profiles[position])
        if verdict is None:
            continue
        entry_id, existing_name = existing[position]
        if entry_id not in results or verdict[0] > results[entry_id][0]:
            results[entry_id] = verdict
            names[entry_id] = existing_name
    return _rank(results, names, limit)
