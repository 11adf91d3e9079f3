"""Letters: drafting, versions, coordinators, lead organizations, closing and reopening."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot import orgnames
from bot.services import audit
from bot.services.signons import clean_text
from bot.settings import format_duration, parse_durations
from bot.timeutil import local_to_utc
from db.models import (
    LETTER_TEXT_MAX,
    LETTER_TITLE_MAX,
    NOTE_MAX,
    ORG_NAME_MAX,
    ChannelPost,
    LeadOrganization,
    Letter,
    LetterCoordinator,
    LetterStatus,
    LetterVersion,
    ReminderRun,
    RunStatus,
    Signatory,
    SignatoryStatus,
)

MAX_CHANNELS = 10
MAX_LEAD_ORGS = 20
MAX_COCOORDINATORS = 20


@dataclass(frozen=True)
class LetterDraft:
    title: str
    text: str
    deadline_at: datetime
    channels: tuple[str, ...]
    lead_orgs: tuple[str, ...]
    reminder_offsets: tuple[timedelta, ...]
    cocoordinators: tuple[str, ...] = ()


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


def validate_letter_form(
    raw: LetterFormInput,
    *,
    tz_name: str | None,
    now: datetime,
    require_channels: bool = True,
    unchanged_deadline: datetime | None = None,
) -> tuple[LetterDraft | None, dict[str, str]]:
    """Check a letter form; errors keyed by field (title, text, deadline_date, deadline_time, channels, …).

    ``unchanged_deadline``: when editing, the letter's current deadline, which may stay as it is even if it
    has passed (fixing a typo in a closed letter must not demand a new deadline).
    """
    errors: dict[str, str] = {}
    title = clean_text(raw.title)
    if not title:
        errors["title"] = "Give the letter a title."
    elif len(title) > LETTER_TITLE_MAX:
        errors["title"] = f"Keep the title under {LETTER_TITLE_MAX} characters."

    parts = [clean_letter_text(part) for part in raw.text_parts]
    text = "\n\n".join(part for part in parts if part)
    if not text:
        errors["text"] = "Paste the text of the letter."
    elif len(text) > LETTER_TEXT_MAX:
        errors["text"] = f"The letter is {len(text):,} characters; the limit is {LETTER_TEXT_MAX:,}."

    deadline: datetime | None = None
    try:
        day = date.fromisoformat(raw.deadline_date or "")
    except ValueError:
        errors["deadline_date"] = "Pick the deadline date."
        day = None
    try:
        clock = time.fromisoformat(raw.deadline_time or "")
    except ValueError:
        errors["deadline_time"] = "Pick the deadline time."
        clock = None
    if day is not None and clock is not None:
        deadline = local_to_utc(day, clock, tz_name)
        keeps_deadline = unchanged_deadline is not None and abs(deadline - unchanged_deadline) < timedelta(minutes=1)
        if keeps_deadline and unchanged_deadline is not None:
            deadline = unchanged_deadline
        elif deadline <= now:
            errors["deadline_date"] = "The deadline is in the past. Pick a future date and time."
        elif deadline > now + timedelta(days=366):
            errors["deadline_date"] = "Pick a deadline within the next year."

    channels = tuple(dict.fromkeys(c for c in raw.channels if c))
    if require_channels and not channels:
        errors["channels"] = "Pick at least one channel to post the letter in."
    elif len(channels) > MAX_CHANNELS:
        errors["channels"] = f"Pick at most {MAX_CHANNELS} channels."

    leads: list[str] = []
    seen_keys: set[str] = set()
    for line in (raw.lead_orgs or "").splitlines():
        name = orgnames.clean_org_name(line)
        key = orgnames.org_key(name)
        if not key or key in seen_keys:
            continue
        if len(name) > ORG_NAME_MAX:
            errors["lead_orgs"] = f"“{name[:40]}…” is longer than {ORG_NAME_MAX} characters."
        seen_keys.add(key)
        leads.append(name)
    if len(leads) > MAX_LEAD_ORGS:
        errors["lead_orgs"] = f"List at most {MAX_LEAD_ORGS} lead organizations."

    offsets: tuple[timedelta, ...] = ()
    try:
        offsets = parse_durations(raw.reminders or "")
        if len(offsets) > 10:
            errors["reminders"] = "Use at most 10 reminders."
        elif any(o > timedelta(days=60) for o in offsets):
            errors["reminders"] = "Reminders can be at most 60d before the deadline."
    except ValueError as error:
        errors["reminders"] = f"{error}. Use a list like 72h, 24h, 2h (or leave it empty for none)."

    cocoordinators = tuple(dict.fromkeys(u for u in raw.cocoordinators if u))[:MAX_COCOORDINATORS]
    if errors or deadline is None:
        return None, errors
    return LetterDraft(title, text, deadline, channels, tuple(leads), offsets, cocoordinators), {}


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


# ---------------------------------------------------------------------------------------------------


@dataclass
class EditResult:
    letter_id: int
    text_changed: bool = False
    substantive: bool = False
    new_version: int | None = None
    deadline_changed: bool = False
    channels_added: list[str] = field(default_factory=list)
    reconfirm_signatory_ids: list[int] = field(default_factory=list)
    diff: str = ""


def create_letter(
    session: Session, *, team_id: str, enterprise_id: str | None, actor: str, draft: LetterDraft, now: datetime
) -> Letter:
    letter = Letter(
        team_id=team_id,
        enterprise_id=enterprise_id,
        title=draft.title,
        status=LetterStatus.OPEN,
        deadline_at=draft.deadline_at,
        reminder_schedule=",".join(format_duration(o) for o in draft.reminder_offsets),
        current_version=1,
        created_by=actor,
        created_at=now,
        updated_at=now,
        last_digest_signatory_id=0,
    )
    session.add(letter)
    session.flush()
    session.add(
        LetterVersion(
            letter_id=letter.id, number=1, text=draft.text, substantive=True, created_by=actor, created_at=now
        )
    )
    session.add(LetterCoordinator(letter_id=letter.id, user_id=actor, role="owner"))
    for user_id in draft.cocoordinators:
        if user_id != actor:
            session.add(LetterCoordinator(letter_id=letter.id, user_id=user_id, role="co"))
    _set_leads(session, letter, draft.lead_orgs)
    plan_reminder_runs(session, letter, draft.reminder_offsets, now)
    audit.record(
        session,
        "letter_created",
        at=now,
        actor=actor,
        letter_id=letter.id,
        team_id=team_id,
        title=draft.title,
        deadline=draft.deadline_at.isoformat(),
        channels=list(draft.channels),
        leads=list(draft.lead_orgs),
    )
    return letter


def _set_leads(session: Session, letter: Letter, names: tuple[str, ...]) -> None:
    session.execute(delete(LeadOrganization).where(LeadOrganization.letter_id == letter.id))
    for position, name in enumerate(names):
        session.add(LeadOrganization(letter_id=letter.id, position=position, name=name, org_key=orgnames.org_key(name)))


def plan_reminder_runs(session: Session, letter: Letter, offsets: tuple[timedelta, ...], now: datetime) -> None:
    """Derive the letter's reminder runs from its deadline and schedule.

    Runs not started yet follow the deadline; runs already sent stay sent (a reminder is never repeated);
    offsets no longer in the schedule are dropped if they have not started.
    """
    wanted = {int(o.total_seconds()) for o in offsets}
    existing = {
        run.offset_seconds: run
        for run in session.execute(select(ReminderRun).where(ReminderRun.letter_id == letter.id)).scalars()
    }
    for seconds, run in existing.items():
        if run.status in (RunStatus.PENDING, RunStatus.SKIPPED):
            if seconds not in wanted:
                session.delete(run)
            else:
                run.due_at = letter.deadline_at - timedelta(seconds=seconds)
                run.status = RunStatus.PENDING
                run.note = None
    for seconds in wanted - existing.keys():
        session.add(
            ReminderRun(
                letter_id=letter.id,
                offset_seconds=seconds,
                due_at=letter.deadline_at - timedelta(seconds=seconds),
                status=RunStatus.PENDING,
                planned_count=0,
            )
        )


def edit_letter(
    session: Session,
    *,
    letter: Letter,
    actor: str,
    draft: LetterDraft,
    substantive: bool,
    change_note: str | None,
    now: datetime,
) -> EditResult:
    """Apply an edit. A text change makes a new version; a substantive one asks signers to confirm again."""
    result = EditResult(letter.id)
    current = letter.versions[-1]
    changes: dict[str, object] = {}
    if draft.text != current.text:
        result.text_changed = True
        result.substantive = substantive
        number = letter.current_version + 1
        session.add(
            LetterVersion(
                letter_id=letter.id,
                number=number,
                text=draft.text,
                substantive=substantive,
                change_note=(change_note or "")[:NOTE_MAX] or None,
                created_by=actor,
                created_at=now,
            )
        )
        letter.current_version = number
        result.new_version = number
        result.diff = text_diff(current.text, draft.text)
        changes["version"] = number
        if substantive:
            signatories = (
                session.execute(
                    select(Signatory).where(
                        Signatory.letter_id == letter.id, Signatory.status == SignatoryStatus.ACTIVE
                    )
                )
                .scalars()
                .all()
            )
            for signatory in signatories:
                signatory.reconfirm_requested_version = number
                signatory.updated_at = now
                result.reconfirm_signatory_ids.append(signatory.id)
        else:
            # A correction (typo, formatting): earlier signatures carry over to the new version.
            signatories = (
                session.execute(
                    select(Signatory).where(
                        Signatory.letter_id == letter.id,
                        Signatory.status == SignatoryStatus.ACTIVE,
                        Signatory.version_confirmed == number - 1,
                    )
                )
                .scalars()
                .all()
            )
            for signatory in signatories:
                signatory.version_confirmed = number
    if draft.title != letter.title:
        changes["title"] = [letter.title, draft.title]
        letter.title = draft.title
    if draft.deadline_at != letter.deadline_at:
        changes["deadline"] = [letter.deadline_at.isoformat(), draft.deadline_at.isoformat()]
        result.deadline_changed = True
        letter.deadline_at = draft.deadline_at
    schedule = ",".join(format_duration(o) for o in draft.reminder_offsets)
    if schedule != letter.reminder_schedule:
        changes["reminders"] = [letter.reminder_schedule, schedule]
        letter.reminder_schedule = schedule
    old_leads = tuple(lead.name for lead in letter.lead_organizations)
    if old_leads != draft.lead_orgs:
        changes["leads"] = [list(old_leads), list(draft.lead_orgs)]
        _set_leads(session, letter, draft.lead_orgs)
    old_cos = {c.user_id for c in letter.coordinators if c.role == "co"}
    new_cos = set(draft.cocoordinators) - {c.user_id for c in letter.coordinators if c.role == "owner"}
    if old_cos != new_cos:
        changes["cocoordinators"] = sorted(new_cos)
        for coordinator in list(letter.coordinators):
            if coordinator.role == "co" and coordinator.user_id not in new_cos:
                letter.coordinators.remove(coordinator)
        for user_id in new_cos - old_cos:
            letter.coordinators.append(LetterCoordinator(letter_id=letter.id, user_id=user_id, role="co"))
    posted = {post.channel_id for post in letter.posts if post.status != "removed"}
    result.channels_added = [c for c in draft.channels if c not in posted]
    if result.channels_added:
        changes["channels_added"] = result.channels_added
    plan_reminder_runs(session, letter, draft.reminder_offsets, now)
    letter.updated_at = now
    audit.record(
        session, "letter_edited", at=now, actor=actor, letter_id=letter.id, team_id=letter.team_id, changes=changes
    )
    return result


def text_diff(old: str, new: str, *, limit: int = 2500) -> str:
    """A short line diff of two versions, for the re-confirmation message."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    kept = [line for line in lines if not line.startswith(("---", "+++", "@@"))]
    text = "\n".join(kept)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def close_letter(session: Session, *, letter_id: int, actor: str | None, now: datetime) -> Letter | None:
    """Close a letter; None when it was not open (so exactly one caller announces the close)."""
    letter = session.get(Letter, letter_id, with_for_update=True)
    if letter is None or letter.status != LetterStatus.OPEN:
        return None
    letter.status = LetterStatus.CLOSED
    letter.closed_at = now
    letter.closed_by = actor
    letter.updated_at = now
    audit.record(
        session,
        "letter_closed",
        at=now,
        actor=actor,
        letter_id=letter.id,
        team_id=letter.team_id,
        automatic=actor is None,
    )
    return letter


def reopen_letter(
    session: Session, *, letter_id: int, actor: str, deadline_at: datetime, now: datetime
) -> Letter | None:
    letter = session.get(Letter, letter_id, with_for_update=True)
    if letter is None or letter.status != LetterStatus.CLOSED or deadline_at <= now:
        return None
    letter.status = LetterStatus.OPEN
    letter.closed_at = None
    letter.closed_by = None
    letter.close_announced_at = None
    letter.deadline_at = deadline_at
    letter.updated_at = now
    plan_reminder_runs(session, letter, parse_durations(letter.reminder_schedule), now)
    audit.record(
        session,
        "letter_reopened",
        at=now,
        actor=actor,
        letter_id=letter.id,
        team_id=letter.team_id,
        deadline=deadline_at.isoformat(),
    )
    return letter


# ---------------------------------------------------------------------------------------------------
# Finding letters
# ---------------------------------------------------------------------------------------------------


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
        .where(Letter.team_id == team_id, ChannelPost.channel_id == channel_id, ChannelPost.status == "posted")
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
        return self.status == "open"

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
