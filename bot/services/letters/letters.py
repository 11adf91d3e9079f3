"""Letters: drafting, versions, coordinators, lead organizations, reminder runs, closing and reopening."""

from __future__ import annotations

import difflib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot import orgnames
from bot.services import audit
from bot.services.letters.form import LetterDraft
from bot.services.letters.translations import TextChange, add_version, apply_translation, parts_of, set_parts, text_at
from bot.settings import format_duration, parse_durations
from db.enums import CoordinatorRole, LetterStatus, PostStatus, RunStatus, SignatoryStatus
from db.models import (
    LeadOrganization,
    Letter,
    LetterCoordinator,
    LetterDelivery,
    LetterTranslation,
    LetterVersion,
    ReminderRun,
    Signatory,
)


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
    # The date line, addressees, Re: line, salutation, closing or cc changed (a new version, never substantive).
    parts_changed: bool = False
    # The documents' signatory layout (columns, grouping) changed.
    layout_changed: bool = False
    # Languages whose translation this edit added, changed (title or text) or removed.
    translations_added: list[str] = field(default_factory=list)
    translations_updated: list[str] = field(default_factory=list)
    translations_removed: list[str] = field(default_factory=list)


def new_token() -> str:
    """An unguessable token (192 random bits), for a page's address or a web sign-on's links."""
    return secrets.token_urlsafe(24)


def turn_on_page(letter: Letter) -> None:
    """Give a letter its page token the first time its page is turned on (kept afterwards: the same link)."""
    if letter.web_enabled and not letter.web_token:
        letter.web_token = new_token()


def create_letter(
    session: Session, *, team_id: str, enterprise_id: str | None, actor: str, draft: LetterDraft, now: datetime
) -> Letter:
    letter = Letter(
        team_id=team_id,
        enterprise_id=enterprise_id,
        title=draft.title,
        language=draft.language,
        status=LetterStatus.OPEN,
        deadline_at=draft.deadline_at,
        reminder_schedule=",".join(format_duration(o) for o in draft.reminder_offsets),
        current_version=1,
        open_to_workspace=draft.open_to_workspace,
        web_enabled=draft.web.enabled,
        web_show_list=draft.web.show_list,
        web_require_approval=draft.web.require_approval,
        web_contact=draft.web.contact or None,
        created_by=actor,
        created_at=now,
        updated_at=now,
        last_digest_signatory_id=0,
    )
    if draft.layout is not None:
        letter.document_columns = draft.layout.columns
        letter.document_grouping = draft.layout.grouping
    turn_on_page(letter)
    session.add(letter)
    session.flush()
    first = LetterVersion(
        letter_id=letter.id,
        number=1,
        language=draft.language,
        text=draft.text,
        substantive=True,
        created_by=actor,
        created_at=now,
    )
    set_parts(first, draft.parts)
    session.add(first)
    if draft.translation is not None:
        # The translation is version 2: one numbering per letter, whichever language a version is in.
        translation = draft.translation
        letter.current_version = 2
        session.add(
            LetterTranslation(
                letter_id=letter.id,
                language=translation.language,
                title=translation.title,
                created_at=now,
                updated_at=now,
            )
        )
        session.add(
            LetterVersion(
                letter_id=letter.id,
                number=2,
                language=translation.language,
                text=translation.text,
                substantive=True,
                created_by=actor,
                created_at=now,
            )
        )
    session.add(LetterCoordinator(letter_id=letter.id, user_id=actor, role=CoordinatorRole.OWNER))
    for user_id in draft.cocoordinators:
        if user_id != actor:
            session.add(LetterCoordinator(letter_id=letter.id, user_id=user_id, role=CoordinatorRole.CO))
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
    """Apply an edit. A change to the text of any language makes a new version; a substantive one asks signers to
    confirm again."""
    result = EditResult(letter.id)
    changes: dict[str, object] = {}
    before = letter.current_version
    texts: list[TextChange] = []
    main = text_at(letter, letter.language)
    main_changed = main is None or draft.text != main.text
    result.parts_changed = parts_of(main) != draft.parts
    translation_changed = draft.translation is not None and (
        (current := text_at(letter, draft.translation.language)) is None or current.text != draft.translation.text
    )
    # Only a change to a text can be substantive: new addressees or a new closing ask nobody to confirm again.
    substantive = substantive and (main_changed or translation_changed)
    if main_changed or result.parts_changed:
        change = add_version(
            session,
            letter,
            language=letter.language,
            text=draft.text,
            substantive=substantive and main_changed,
            change_note=change_note,
            actor=actor,
            now=now,
            parts=draft.parts,
        )
        if main_changed:
            texts.append(change)
        else:
            changes["parts"] = change.number
    translated = apply_translation(
        session, letter, draft.translation, substantive=substantive, change_note=change_note, actor=actor, now=now
    )
    texts.extend(translated.texts)
    result.translations_added = translated.added
    result.translations_updated = translated.updated
    result.translations_removed = translated.removed
    if translated.added or translated.updated or translated.removed:
        changes["translations"] = {
            "added": translated.added,
            "updated": translated.updated,
            "removed": translated.removed,
        }
    if texts or result.parts_changed:
        number = letter.current_version
        result.text_changed = bool(texts)
        result.substantive = substantive
        result.new_version = number
        if texts:
            result.diff = text_diff(texts[0].old_text or "", texts[0].new_text)
        changes["version"] = number
        changes["languages"] = [change.language for change in texts]
        active = (Signatory.letter_id == letter.id, Signatory.status == SignatoryStatus.ACTIVE)
        if substantive:
            for signatory in session.execute(select(Signatory).where(*active)).scalars():
                signatory.reconfirm_requested_version = number
                signatory.updated_at = now
                result.reconfirm_signatory_ids.append(signatory.id)
        else:
            # A correction (typo, formatting): signatures of the version before carry over to the new one.
            carried = select(Signatory).where(*active, Signatory.version_confirmed == before)
            for signatory in session.execute(carried).scalars():
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
    if draft.open_to_workspace != letter.open_to_workspace:
        changes["open_to_workspace"] = draft.open_to_workspace
        letter.open_to_workspace = draft.open_to_workspace
    if draft.layout is not None and (letter.document_columns, letter.document_grouping) != (
        draft.layout.columns,
        draft.layout.grouping,
    ):
        changes["layout"] = {"columns": str(draft.layout.columns), "grouping": str(draft.layout.grouping)}
        result.layout_changed = True
        letter.document_columns = draft.layout.columns
        letter.document_grouping = draft.layout.grouping
    web = {
        "web_enabled": draft.web.enabled,
        "web_show_list": draft.web.show_list,
        "web_require_approval": draft.web.require_approval,
        "web_contact": draft.web.contact or None,
    }
    for name, value in web.items():
        if getattr(letter, name) != value:
            changes[name] = value
            setattr(letter, name, value)
    turn_on_page(letter)
    old_leads = tuple(lead.name for lead in letter.lead_organizations)
    if old_leads != draft.lead_orgs:
        changes["leads"] = [list(old_leads), list(draft.lead_orgs)]
        _set_leads(session, letter, draft.lead_orgs)
    old_cos = {c.user_id for c in letter.coordinators if c.role == CoordinatorRole.CO}
    new_cos = set(draft.cocoordinators) - {c.user_id for c in letter.coordinators if c.role == CoordinatorRole.OWNER}
    if old_cos != new_cos:
        changes["cocoordinators"] = sorted(new_cos)
        for coordinator in list(letter.coordinators):
            if coordinator.role == CoordinatorRole.CO and coordinator.user_id not in new_cos:
                letter.coordinators.remove(coordinator)
        for user_id in new_cos - old_cos:
            letter.coordinators.append(LetterCoordinator(letter_id=letter.id, user_id=user_id, role=CoordinatorRole.CO))
    posted = {post.channel_id for post in letter.posts if post.status != PostStatus.REMOVED}
    result.channels_added = [c for c in draft.channels if c not in posted]
    if result.channels_added:
        changes["channels_added"] = result.channels_added
    plan_reminder_runs(session, letter, draft.reminder_offsets, now)
    letter.updated_at = now
    audit.on_letter(session, "letter_edited", letter, at=now, actor=actor, changes=changes)
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
    audit.on_letter(
        session,
        "letter_closed",
        letter,
        at=now,
        actor=actor,
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
    # A delivered letter reopens for the record: later sign-ons are welcome, but nobody is chased for them.
    if session.execute(select(LetterDelivery.id).where(LetterDelivery.letter_id == letter_id)).first() is None:
        plan_reminder_runs(session, letter, parse_durations(letter.reminder_schedule), now)
    audit.on_letter(
        session,
        "letter_reopened",
        letter,
        at=now,
        actor=actor,
        deadline=deadline_at.isoformat(),
    )
    return letter
