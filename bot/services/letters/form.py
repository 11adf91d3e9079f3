"""The letter form: checking a coordinator's draft field by field."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from bot import orgnames
from bot.services.layout import DocumentLayout
from bot.services.outcomes import Problem
from bot.services.signing.form import clean_text
from bot.settings import DurationError, parse_durations
from bot.timeutil import local_to_utc
from db.enums import Language
from db.models import LETTER_TEXT_MAX, LETTER_TITLE_MAX, ORG_NAME_MAX, PART_BLOCK_MAX, PART_LINE_MAX

MAX_CHANNELS = 10
MAX_LEAD_ORGS = 20
MAX_COCOORDINATORS = 20
MAX_REMINDERS = 10
MAX_REMINDER_OFFSET = timedelta(days=60)
MAX_ADDRESSEES = 20
MAX_CC = 60


class LetterProblem(enum.StrEnum):
    TITLE_MISSING = "title_missing"
    TITLE_TOO_LONG = "title_too_long"
    TEXT_MISSING = "text_missing"
    TEXT_TOO_LONG = "text_too_long"
    TRANSLATION_TITLE_MISSING = "translation_title_missing"
    TRANSLATION_TEXT_MISSING = "translation_text_missing"
    DATE_MISSING = "date_missing"
    TIME_MISSING = "time_missing"
    DEADLINE_PAST = "deadline_past"
    DEADLINE_TOO_FAR = "deadline_too_far"
    CHANNELS_MISSING = "channels_missing"
    TOO_MANY_CHANNELS = "too_many_channels"
    LEAD_TOO_LONG = "lead_too_long"
    TOO_MANY_LEADS = "too_many_leads"
    TOO_MANY_REMINDERS = "too_many_reminders"
    REMINDER_TOO_EARLY = "reminder_too_early"
    REMINDER_NOT_DURATION = "reminder_not_duration"
    REMINDER_NOT_POSITIVE = "reminder_not_positive"
    PART_TOO_LONG = "part_too_long"
    PART_LINE_TOO_LONG = "part_line_too_long"
    TOO_MANY_ADDRESSEES = "too_many_addressees"
    TOO_MANY_CC = "too_many_cc"


@dataclass(frozen=True)
class LetterParts:
    """The parts printed around the letter's text, each optional ("" when left empty).

    ``addressees`` and ``cc`` keep their lines: in ``addressees`` a blank line separates two addressees (each
    may take several lines: name, title, address); ``cc`` has one person or office per line.
    """

    date_line: str = ""
    addressees: str = ""
    re_line: str = ""
    salutation: str = ""
    closing: str = ""
    cc: str = ""

    def addressee_list(self) -> tuple[str, ...]:
        """One entry per addressee, its lines joined by line breaks."""
        return tuple(block for block in self.addressees.split("\n\n") if block.strip())

    def cc_list(self) -> tuple[str, ...]:
        return tuple(line for line in self.cc.split("\n") if line.strip())


@dataclass(frozen=True)
class WebPage:
    """The letter's public sign-on page (README, "The public sign-on page"): off unless turned on."""

    enabled: bool = False
    show_list: bool = False
    require_approval: bool = False
    contact: str = ""


@dataclass(frozen=True)
class TranslationDraft:
    """The letter in its other language: its own title and text."""

    language: str
    title: str
    text: str


@dataclass(frozen=True)
class LetterDraft:
    title: str
    text: str
    deadline_at: datetime
    channels: tuple[str, ...]
    lead_orgs: tuple[str, ...]
    reminder_offsets: tuple[timedelta, ...]
    cocoordinators: tuple[str, ...] = ()
    # The main language: the title and text above, and the channel posts.
    language: str = Language.EN
    translation: TranslationDraft | None = None
    # Seen and signed by the whole workspace, not only by the members of its channels.
    open_to_workspace: bool = False
    parts: LetterParts = field(default_factory=LetterParts)
    # The documents' signatory layout; None when the form had no such fields (an edit then keeps the letter's).
    layout: DocumentLayout | None = None
    web: WebPage = field(default_factory=lambda: WebPage())


@dataclass(frozen=True)
class LetterFormInput:
    """What the letter modal submitted, already pulled out of Slack's state values."""

    title: str | None
    text_parts: tuple[str | None, ...]
    deadline_date: str | None
    deadline_time: str | None
    channels: tuple[str, ...]
    lead_orgs: str | None
    reminders: str | None
    cocoordinators: tuple[str, ...] = ()
    language: str | None = None
    translation_title: str | None = None
    translation_text_parts: tuple[str | None, ...] = ()
    open_to_workspace: bool = False
    # The letter's parts, keyed like LetterParts' fields; a missing key is an empty part.
    parts: dict[str, str | None] = field(default_factory=dict)
    # The documents' signatory layout as selected (DocumentColumns, SignatoryGrouping values); None: not in the form.
    document_columns: str | None = None
    document_grouping: str | None = None
    web: WebPage = field(default_factory=lambda: WebPage())


def other_language(language: str) -> Language:
    """The language a letter's translation is in: the one signon speaks besides the letter's own."""
    return next(code for code in Language if code != language)


def clean_letter_text(value: str | None) -> str:
    """Keep the letter's paragraphs and numbered lists; drop control characters and trailing spaces."""
    if not value:
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    lines = [clean_text(line).rstrip() if line.strip() else "" for line in value.split("\n")]
    # Keep the coordinator's indentation of list items.
    kept = []
    for original, cleaned in zip(value.split("\n"), lines, strict=True):
        indent = len(original) - len(original.lstrip(" "))
        kept.append(" " * min(indent, 8) + cleaned if cleaned else "")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


def _deadline(
    raw: LetterFormInput,
    tz_name: str | None,
    now: datetime,
    unchanged_deadline: datetime | None,
    errors: dict[str, Problem],
) -> datetime | None:
    try:
        day = date.fromisoformat(raw.deadline_date or "")
    except ValueError:
        errors["deadline_date"] = Problem(LetterProblem.DATE_MISSING)
        day = None
    try:
        clock = time.fromisoformat(raw.deadline_time or "")
    except ValueError:
        errors["deadline_time"] = Problem(LetterProblem.TIME_MISSING)
        clock = None
    if day is None or clock is None:
        return None
    deadline = local_to_utc(day, clock, tz_name)
    if unchanged_deadline is not None and abs(deadline - unchanged_deadline) < timedelta(minutes=1):
        return unchanged_deadline
    if deadline <= now:
        errors["deadline_date"] = Problem(LetterProblem.DEADLINE_PAST)
    elif deadline > now + timedelta(days=366):
        errors["deadline_date"] = Problem(LetterProblem.DEADLINE_TOO_FAR)
    return deadline


def _leads(text: str | None, errors: dict[str, Problem]) -> list[str]:
    leads: list[str] = []
    seen_keys: set[str] = set()
    for line in (text or "").splitlines():
        name = orgnames.clean_org_name(line)
        key = orgnames.org_key(name)
        if not key or key in seen_keys:
            continue
        if len(name) > ORG_NAME_MAX:
            errors["lead_orgs"] = Problem(LetterProblem.LEAD_TOO_LONG, {"start": name[:40], "limit": ORG_NAME_MAX})
        seen_keys.add(key)
        leads.append(name)
    if len(leads) > MAX_LEAD_ORGS:
        errors["lead_orgs"] = Problem(LetterProblem.TOO_MANY_LEADS, {"limit": MAX_LEAD_ORGS})
    return leads


def _reminders(text: str | None, errors: dict[str, Problem]) -> tuple[timedelta, ...]:
    try:
        offsets = parse_durations(text or "")
    except DurationError as error:
        code = LetterProblem.REMINDER_NOT_POSITIVE if error.zero else LetterProblem.REMINDER_NOT_DURATION
        errors["reminders"] = Problem(code, {"text": error.text})
        return ()
    if len(offsets) > MAX_REMINDERS:
        errors["reminders"] = Problem(LetterProblem.TOO_MANY_REMINDERS, {"limit": MAX_REMINDERS})
    elif any(o > MAX_REMINDER_OFFSET for o in offsets):
        errors["reminders"] = Problem(LetterProblem.REMINDER_TOO_EARLY, {"days": MAX_REMINDER_OFFSET.days})
    return offsets


def validate_letter_form(
    raw: LetterFormInput,
    *,
    tz_name: str | None,
    now: datetime,
    require_channels: bool = True,
    unchanged_deadline: datetime | None = None,
    default_language: str = Language.EN,
) -> tuple[LetterDraft | None, dict[str, Problem]]:
    """Check a letter form; problems keyed by field (title, text, deadline_date, deadline_time, channels, …).

    ``unchanged_deadline``: when editing, the letter's current deadline, which may stay as it is even if it
    has passed (fixing a typo in a closed letter must not demand a new deadline). ``default_language``: the
    main language when the form has no choice of it (editing keeps the letter's).
    """
    errors: dict[str, Problem] = {}
    title, text = clean_text(raw.title), _joined(raw.text_parts)
    if not title:
        errors["title"] = Problem(LetterProblem.TITLE_MISSING)
    if not text:
        errors["text"] = Problem(LetterProblem.TEXT_MISSING)
    _check_lengths(title, text, errors)
    language = raw.language if raw.language in tuple(Language) else default_language
    translation = _translation(raw, other_language(language), errors)

    deadline = _deadline(raw, tz_name, now, unchanged_deadline, errors)

    channels = tuple(dict.fromkeys(c for c in raw.channels if c))
    if require_channels and not channels:
        errors["channels"] = Problem(LetterProblem.CHANNELS_MISSING)
    elif len(channels) > MAX_CHANNELS:
        errors["channels"] = Problem(LetterProblem.TOO_MANY_CHANNELS, {"limit": MAX_CHANNELS})

    leads = _leads(raw.lead_orgs, errors)
    offsets = _reminders(raw.reminders, errors)
    cocoordinators = tuple(dict.fromkeys(u for u in raw.cocoordinators if u))[:MAX_COCOORDINATORS]
    parts = _parts(raw.parts, errors)
    web = replace(raw.web, contact=clean_text(raw.web.contact))
    if len(web.contact) > PART_LINE_MAX:
        errors["web_contact"] = Problem(LetterProblem.PART_TOO_LONG, {"limit": PART_LINE_MAX})
    if errors or deadline is None:
        return None, errors
    draft = LetterDraft(
        title,
        text,
        deadline,
        channels,
        tuple(leads),
        offsets,
        cocoordinators,
        language,
        translation,
        open_to_workspace=raw.open_to_workspace,
        parts=parts,
        layout=_layout(raw),
        web=web,
    )
    return draft, {}


def _layout(raw: LetterFormInput) -> DocumentLayout | None:
    """The layout selected; a value the form never offers (a crafted payload) is the default."""
    if raw.document_columns is None and raw.document_grouping is None:
        return None
    return DocumentLayout.stored(raw.document_columns, raw.document_grouping)


def _joined(parts: tuple[str | None, ...]) -> str:
    cleaned = [clean_letter_text(part) for part in parts]
    return "\n\n".join(part for part in cleaned if part)


def _check_lengths(title: str, text: str, errors: dict[str, Problem], prefix: str = "") -> None:
    if len(title) > LETTER_TITLE_MAX:
        errors[prefix + "title"] = Problem(LetterProblem.TITLE_TOO_LONG, {"limit": LETTER_TITLE_MAX})
    if len(text) > LETTER_TEXT_MAX:
        errors[prefix + "text"] = Problem(LetterProblem.TEXT_TOO_LONG, {"length": len(text), "limit": LETTER_TEXT_MAX})


def _translation(raw: LetterFormInput, language: str, errors: dict[str, Problem]) -> TranslationDraft | None:
    """The translation, when the form has one: a title and a text, or neither (no translation)."""
    title, text = clean_text(raw.translation_title), _joined(raw.translation_text_parts)
    if not title and not text:
        return None
    if not title:
        errors["translation_title"] = Problem(LetterProblem.TRANSLATION_TITLE_MISSING)
    if not text:
        errors["translation_text"] = Problem(LetterProblem.TRANSLATION_TEXT_MISSING)
    _check_lengths(title, text, errors, prefix="translation_")
    return TranslationDraft(language, title, text)


LINE_PARTS = ("date_line", "re_line", "salutation", "closing")
BLOCK_PARTS = ("addressees", "cc")


def _block(value: str | None) -> str:
    """A block of lines: each line cleaned, at most one blank line in a row, none at either end."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [clean_text(line) for line in value.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _parts(raw: dict[str, str | None], errors: dict[str, Problem]) -> LetterParts:
    """The letter's parts, cleaned; problems keyed by the part's name (date_line, addressees, …)."""
    values: dict[str, str] = {}
    for name in LINE_PARTS:
        values[name] = clean_text(raw.get(name))
        if len(values[name]) > PART_LINE_MAX:
            errors[name] = Problem(LetterProblem.PART_TOO_LONG, {"limit": PART_LINE_MAX})
    for name in BLOCK_PARTS:
        values[name] = _block(raw.get(name))
        if len(values[name]) > PART_BLOCK_MAX:
            errors[name] = Problem(LetterProblem.PART_TOO_LONG, {"limit": PART_BLOCK_MAX})
        elif long := next((line for line in values[name].split("\n") if len(line) > PART_LINE_MAX), None):
            errors[name] = Problem(LetterProblem.PART_LINE_TOO_LONG, {"start": long[:40], "limit": PART_LINE_MAX})
    parts = LetterParts(**values)
    if "addressees" not in errors and len(parts.addressee_list()) > MAX_ADDRESSEES:
        errors["addressees"] = Problem(LetterProblem.TOO_MANY_ADDRESSEES, {"limit": MAX_ADDRESSEES})
    if "cc" not in errors and len(parts.cc_list()) > MAX_CC:
        errors["cc"] = Problem(LetterProblem.TOO_MANY_CC, {"limit": MAX_CC})
    return parts
