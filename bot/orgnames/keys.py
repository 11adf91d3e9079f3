"""Display cleanup of organization names and the normalized key unique per letter."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Final

#: The database column holding the key is VARCHAR(200); see :func:`org_key`.
ORG_KEY_MAX_LENGTH: Final = 200


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


def strip_accents(text: str) -> str:
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


def fold(text: str) -> str:
    """Compatibility-normalize, casefold and strip accents.

    NFKC first so that ligatures, full-width and styled letters fold like their plain forms. The
    dotless "ı" becomes "i" because "ı".upper() is "I", whose casefold is "i": without this, a name
    would not have the same key in upper and lower case.
    """
    folded = strip_accents(unicodedata.normalize("NFKC", text).casefold())
    return folded.replace("ı", "i")


# "N.A.A.C.P.", "U.S.", "D.C": single letters joined by dots are one word, not one word per letter.
_INITIALISM: Final = re.compile(r"(?<!\w)(?:[^\W\d_]\.)+[^\W\d_](?!\w)\.?")
# "+" means "and" only between two words ("Arts+Culture", "Arts + Culture"); in "LGBTQ+" it is part
# of the name's spelling and is dropped like other symbols.
_PLUS_AS_AND: Final = re.compile(r"(?<=[^\W_])\+(?=[^\W_])|(?<=\s)\+(?=\s)")
# Apostrophes are removed without splitting the word, so "Women's" and "Womens" are the same word.
# (U+02BC and U+02BB are letters, Lm, e.g. the Hawaiian ʻokina, and are kept.)
_APOSTROPHES: Final = frozenset("'’‘`´′")


def split_words(text: str) -> list[str]:
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
    folded = fold(cleaned)
    # Checked after folding as well: U+0345 (a combining mark) folds to the letter "ι", and its
    # upper case is the letter "Ι", so treating it as a letter keeps the key case-insensitive.
    if not (_has_letter_or_digit(cleaned) or _has_letter_or_digit(folded)):
        return ""
    key = " ".join(_trim_affixes(split_words(folded)))
    if not key:
        # Defensive: a letter whose compatibility form is only a mark or symbol. The contract says
        # a name with a letter or digit never gets an empty key, so keep its letters as they are.
        key = "".join(ch for ch in folded + cleaned if unicodedata.category(ch)[0] in "LN")
    if len(key) > ORG_KEY_MAX_LENGTH:
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        key = key[: ORG_KEY_MAX_LENGTH - 17] + "#" + digest
    return key
