"""The sign-on form: cleaning what people type and checking it, field by field."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from bot import orgnames
from bot.services.outcomes import Problem
from db.enums import OrgType
from db.models import (
    CITY_STATE_MAX,
    EMAIL_MAX,
    NOTE_MAX,
    ORG_NAME_MAX,
    ORG_TYPE_MAX,
    PERSON_NAME_MAX,
    TITLE_MAX,
)

ORG_TYPES = tuple(OrgType)

_EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\".]{2,}$")
# A link (scheme, www., a bare domain with a path) or markup (<tag>, Slack's <…|…>, Markdown's [..](..)).
_LINK_OR_MARKUP = re.compile(r"(?i)[a-z][a-z0-9+.-]*://|\bwww\.|\b[a-z0-9-]+\.[a-z]{2,}/|[<>]|\]\(")


class FormProblem(enum.StrEnum):
    ORG_MISSING = "org_missing"
    ORG_NO_LETTERS = "org_no_letters"
    ORG_TOO_LONG = "org_too_long"
    NAME_MISSING = "name_missing"
    NAME_TOO_LONG = "name_too_long"
    TITLE_MISSING = "title_missing"
    TITLE_TOO_LONG = "title_too_long"
    EMAIL_MISSING = "email_missing"
    EMAIL_INVALID = "email_invalid"
    CITY_TOO_LONG = "city_too_long"
    ORG_TYPE_UNKNOWN = "org_type_unknown"
    NOTE_TOO_LONG = "note_too_long"
    NOT_AUTHORIZED = "not_authorized"
    LINK_OR_MARKUP = "link_or_markup"


@dataclass(frozen=True)
class SignOnForm:
    org_name: str
    name: str
    title: str
    email: str
    city_state: str | None = None
    org_type: str | None = None
    note: str | None = None
    authorized: bool = True


def clean_text(value: Any, *, multiline: bool = False) -> str:
    """Trim, collapse whitespace and drop control characters from one field of user input."""
    if not isinstance(value, str):
        return ""
    value = unicodedata.normalize("NFC", value)
    kept = []
    for char in value:
        if char == "\n" and multiline:
            kept.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co") or char in "\u2028\u2029":
            kept.append(" " if char in "\t\r\n\u2028\u2029" else "")
        else:
            kept.append(char)
    text = "".join(kept)
    if multiline:
        lines = [" ".join(line.split()) for line in text.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return " ".join(text.split())


def _too_long(code: FormProblem, limit: int) -> Problem:
    return Problem(code, {"limit": limit})


def validate_form(raw: dict[str, Any], *, plain_names: bool = False) -> tuple[SignOnForm | None, dict[str, Problem]]:
    """Check one submitted sign-on form. Problems are keyed by field name, ready to show inline.

    ``raw`` holds: org_name, name, title, email, city_state, org_type, note (strings or None) and
    authorized (bool). ``plain_names`` (the public page, where anyone may type): the fields printed in the
    letter and its lists hold no link and no markup.
    """
    errors: dict[str, Problem] = {}
    org_value = raw.get("org_name")
    org_name = orgnames.clean_org_name(org_value if isinstance(org_value, str) else "")
    name = clean_text(raw.get("name"))
    title = clean_text(raw.get("title"))
    email = clean_text(raw.get("email")).replace(" ", "")
    city_state = clean_text(raw.get("city_state")) or None
    org_type = clean_text(raw.get("org_type")) or None
    note = clean_text(raw.get("note"), multiline=True) or None

    if not org_name:
        errors["org_name"] = Problem(FormProblem.ORG_MISSING)
    elif not orgnames.org_key(org_name):
        errors["org_name"] = Problem(FormProblem.ORG_NO_LETTERS)
    elif len(org_name) > ORG_NAME_MAX:
        errors["org_name"] = _too_long(FormProblem.ORG_TOO_LONG, ORG_NAME_MAX)
    if not name:
        errors["name"] = Problem(FormProblem.NAME_MISSING)
    elif len(name) > PERSON_NAME_MAX:
        errors["name"] = _too_long(FormProblem.NAME_TOO_LONG, PERSON_NAME_MAX)
    if not title:
        errors["title"] = Problem(FormProblem.TITLE_MISSING)
    elif len(title) > TITLE_MAX:
        errors["title"] = _too_long(FormProblem.TITLE_TOO_LONG, TITLE_MAX)
    if not email:
        errors["email"] = Problem(FormProblem.EMAIL_MISSING)
    elif len(email) > EMAIL_MAX or not _EMAIL.match(email):
        errors["email"] = Problem(FormProblem.EMAIL_INVALID)
    if city_state and len(city_state) > CITY_STATE_MAX:
        errors["city_state"] = _too_long(FormProblem.CITY_TOO_LONG, CITY_STATE_MAX)
    if org_type and (org_type not in ORG_TYPES or len(org_type) > ORG_TYPE_MAX):
        errors["org_type"] = Problem(FormProblem.ORG_TYPE_UNKNOWN)
    if note and len(note) > NOTE_MAX:
        errors["note"] = _too_long(FormProblem.NOTE_TOO_LONG, NOTE_MAX)
    if raw.get("authorized") is not True:
        errors["authorized"] = Problem(FormProblem.NOT_AUTHORIZED)
    if plain_names:
        printed = {"org_name": org_name, "name": name, "title": title, "city_state": city_state or ""}
        for field, value in printed.items():
            if field not in errors and _LINK_OR_MARKUP.search(value):
                errors[field] = Problem(FormProblem.LINK_OR_MARKUP)
    if errors:
        return None, errors
    return SignOnForm(org_name, name, title, email, city_state, org_type, note, True), {}
