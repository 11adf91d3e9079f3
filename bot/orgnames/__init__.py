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

The package: :mod:`~bot.orgnames.keys` (display cleanup and the unique key),
:mod:`~bot.orgnames.vocabulary` (words, abbreviations and places), :mod:`~bot.orgnames.tokens` (what the rules
know about one name), :mod:`~bot.orgnames.matching` (why two names are the same organization) and
:mod:`~bot.orgnames.index` (searching many names). It is pure: no database, no Slack.
"""

from bot.orgnames.index import OrgNameIndex, find_likely_duplicates
from bot.orgnames.keys import ORG_KEY_MAX_LENGTH, clean_org_name, org_key
from bot.orgnames.matching import (
    REASON_ACRONYM,
    REASON_ACRONYM_ADDED,
    REASON_CONTAINS,
    REASON_EXPANSION,
    REASON_JOINED,
    REASON_ORDER,
    REASON_SAME_KEY,
    REASON_SMALL_WORDS,
    REASON_SPACING,
    REASON_SPELLING,
    NearDuplicate,
)

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
