"""Who gets a reminder before a deadline, and when: the rules, on the database.

A letter has one *run* per reminder offset (``reminder_runs``). When a run is due, its members are listed
(bot/delivery/reminders.py asks Slack), and these rules leave out bots, deactivated people, the letter's own
coordinators, signers, colleagues of signed organizations, the staff of organizations that withdrew and people
who muted the letter, and write one *delivery* row per person
(UNIQUE letter, person, offset) for the sending job to claim.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock_time
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from bot.services import audit
from bot.services.dialect import insert
from bot.services.profiles import Profile
from bot.timeutil import zone
from db.enums import DeliveryStatus, LetterStatus, PostStatus, RunStatus, SignatoryStatus
from db.models import Letter, ReminderDelivery, ReminderMute, ReminderRun, Signatory, SignatoryContact

# Don't shift a reminder into the morning if that leaves less than this before the deadline.
QUIET_HOURS_MARGIN = timedelta(hours=1)

PUBLIC_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "ymail.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "protonmail.com",
        "proton.me",
        "pm.me",
        "gmx.com",
        "gmx.net",
        "mail.com",
        "zoho.com",
        "yandex.com",
        "yandex.ru",
        "hey.com",
        "fastmail.com",
        "tutanota.com",
        "comcast.net",
        "verizon.net",
        "att.net",
        "sbcglobal.net",
        "bellsouth.net",
        "cox.net",
        "charter.net",
        "earthlink.net",
        "qq.com",
        "163.com",
        "hotmail.co.uk",
        "yahoo.co.uk",
        "btinternet.com",
    ]
)


def mute(session: Session, *, letter_id: int, user_id: str, reason: str, now: datetime) -> str | None:
    """Stop reminders about one letter for one person; returns the letter's title."""
    letter = session.get(Letter, letter_id)
    if letter is None:
        return None
    session.execute(
        insert(session, ReminderMute)
        .values(letter_id=letter_id, user_id=user_id, reason=reason, created_at=now)
        .on_conflict_do_nothing(index_elements=["letter_id", "user_id"])
    )
    session.execute(
        update(ReminderDelivery)
        .where(
            ReminderDelivery.letter_id == letter_id,
            ReminderDelivery.user_id == user_id,
            ReminderDelivery.status == DeliveryStatus.PENDING,
        )
        .values(status=DeliveryStatus.SKIPPED, detail=reason)
    )
    audit.on_letter(session, "reminders_muted", letter, at=now, actor=user_id, reason=reason)
    return letter.title


def quiet_hours_due(
    due: datetime, tz_name: str | None, deadline: datetime, quiet: tuple[clock_time, clock_time] | None
) -> datetime:
    """Move a reminder that falls in the person's quiet hours to the next morning, if the deadline allows."""
    if quiet is None:
        return due
    start, end = quiet
    tz = zone(tz_name)
    local = due.astimezone(tz)
    moment = local.time()
    in_quiet = (start <= moment or moment < end) if start > end else (start <= moment < end)
    if not in_quiet:
        return due
    morning = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    shifted = morning.astimezone(due.tzinfo)
    return shifted if shifted <= deadline - QUIET_HOURS_MARGIN else due


def claimable_run(now: datetime) -> Any:
    """The condition under which a run may be claimed for planning: nobody is planning it, or its planner's
    lease ran out."""
    return or_(
        ReminderRun.status == RunStatus.PENDING,
        and_(ReminderRun.status == RunStatus.PLANNING, ReminderRun.lease_until <= now),
    )


def due_runs(session: Session, now: datetime) -> list[int]:
    """Runs whose time has come and that may be claimed."""
    return list(
        session.execute(
            select(ReminderRun.id)
            .join(Letter, Letter.id == ReminderRun.letter_id)
            .where(ReminderRun.due_at <= now, claimable_run(now))
            .order_by(ReminderRun.due_at)
        ).scalars()
    )


@dataclass(frozen=True)
class SignedSignals:
    user_ids: set[str]
    teams: set[str]
    domains: set[str]


def signed_signals(
    session: Session, letter_id: int, home_team: str | None, *, status: str = SignatoryStatus.ACTIVE
) -> SignedSignals:
    """Who has signed, and the Slack Connect teams and email domains of organizations that signed (``status``
    withdrawn: the same of organizations that withdrew)."""
    rows = session.execute(
        select(SignatoryContact.user_id, SignatoryContact.team_id, SignatoryContact.email, Signatory.signer_email)
        .join(Signatory, Signatory.id == SignatoryContact.signatory_id)
        .where(Signatory.letter_id == letter_id, Signatory.status == status)
    )
    users, teams, domains = set(), set(), set()
    for user_id, team_id, email, signer_email in rows:
        users.add(user_id)
        if team_id and team_id != home_team:
            teams.add(team_id)
        for address in (email, signer_email):
            if address and "@" in address:
                domain = address.rsplit("@", 1)[1].lower()
                if domain not in PUBLIC_MAIL_DOMAINS:
                    domains.add(domain)
    return SignedSignals(users, teams, domains)


def skip_reason(
    profile: Profile,
    signals: SignedSignals,
    muted: set[str],
    bot_user_id: str | None,
    *,
    coordinators: AbstractSet[str] = frozenset(),
    withdrawn: SignedSignals | None = None,
) -> str | None:
    if profile.user_id == bot_user_id or profile.is_bot:
        return "bot"
    if profile.deleted:
        return "deactivated"
    if profile.user_id in coordinators:
        return "coordinator"  # they see the count
    if profile.user_id in signals.user_ids:
        return "signed"
    if profile.user_id in muted:
        return "muted"
    if profile.team_id and profile.team_id in signals.teams:
        return "colleague_team"
    if profile.email_domain and profile.email_domain in signals.domains:
        return "colleague_domain"
    if withdrawn is not None and (
        profile.user_id in withdrawn.user_ids
        or (profile.team_id and profile.team_id in withdrawn.teams)
        or (profile.email_domain and profile.email_domain in withdrawn.domains)
    ):
        return "withdrawn"  # their organization took its name off; a reminder would ask it to sign again
    return None


@dataclass(frozen=True)
class RunPlan:
    """What planning a run needs from the database before asking Slack who is in the channels."""

    run_id: int
    letter_id: int
    offset_seconds: int
    deadline_at: datetime
    channels: list[str]
    signals: SignedSignals
    muted: set[str]
    team_id: str
    coordinators: set[str] = field(default_factory=set)
    withdrawn: SignedSignals | None = None


class SkipRun(enum.StrEnum):
    """Why a due reminder run sends nothing (kept in ``reminder_runs.note``)."""

    LETTER_CLOSED = "letter_closed"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class RunSkipped:
    reason: SkipRun


def prepare_run(session: Session, run_id: int, now: datetime) -> RunPlan | RunSkipped | None:
    """Read what a due run needs, or say why it is skipped (letter closed, a later reminder also due)."""
    run = session.get(ReminderRun, run_id)
    letter = session.get(Letter, run.letter_id) if run else None
    if run is None or letter is None:
        return None
    if letter.status != LetterStatus.OPEN or letter.deadline_at <= now:
        return RunSkipped(SkipRun.LETTER_CLOSED)
    later_due = session.execute(
        select(func.count()).where(
            ReminderRun.letter_id == letter.id,
            ReminderRun.due_at <= now,
            ReminderRun.due_at > run.due_at,
        )
    ).scalar_one()
    if later_due:
        # After downtime, only the most recent due reminder is useful; earlier ones would arrive together.
        return RunSkipped(SkipRun.SUPERSEDED)
    muted = set(session.execute(select(ReminderMute.user_id).where(ReminderMute.letter_id == letter.id)).scalars())
    return RunPlan(
        run_id=run.id,
        letter_id=letter.id,
        offset_seconds=run.offset_seconds,
        deadline_at=letter.deadline_at,
        channels=[p.channel_id for p in letter.posts if p.status == PostStatus.POSTED],
        signals=signed_signals(session, letter.id, letter.team_id),
        muted=muted,
        team_id=letter.team_id,
        coordinators={coordinator.user_id for coordinator in letter.coordinators},
        withdrawn=signed_signals(session, letter.id, letter.team_id, status=SignatoryStatus.WITHDRAWN),
    )


@dataclass
class Audience:
    """Who a run reminds (delivery rows) and how many were left out, by reason."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def note(self) -> str | None:
        return ", ".join(f"{k}: {v}" for k, v in sorted(self.skipped.items()))[:200] or None


def choose_audience(
    plan: RunPlan,
    members: Iterable[str],
    profiles: Mapping[str, Profile],
    *,
    bot_user_id: str | None,
    quiet: tuple[clock_time, clock_time] | None,
    now: datetime,
) -> Audience:
    """The delivery rows of a run: each channel member once, unless a rule leaves them out."""
    audience = Audience()
    for user_id in dict.fromkeys(members):
        profile = profiles.get(user_id, Profile(user_id))
        reason = skip_reason(
            profile, plan.signals, plan.muted, bot_user_id, coordinators=plan.coordinators, withdrawn=plan.withdrawn
        )
        if reason:
            audience.skipped[reason] = audience.skipped.get(reason, 0) + 1
            continue
        audience.rows.append(
            {
                "run_id": plan.run_id,
                "letter_id": plan.letter_id,
                "user_id": user_id,
                "offset_seconds": plan.offset_seconds,
                "due_at": quiet_hours_due(now, profile.tz, plan.deadline_at, quiet),
                "status": DeliveryStatus.PENDING,
            }
        )
    return audience


def record_audience(session: Session, run_id: int, audience: Audience) -> None:
    """Write a run's delivery rows (once per person, whoever plans it) and mark the run as sending."""
    rows = audience.rows
    for start in range(0, len(rows), 500):
        session.execute(
            insert(session, ReminderDelivery)
            .values(rows[start : start + 500])
            .on_conflict_do_nothing(index_elements=["letter_id", "user_id", "offset_seconds"])
        )
    session.execute(
        update(ReminderRun)
        .where(ReminderRun.id == run_id)
        .values(status=RunStatus.SENDING, planned_count=len(rows), lease_until=None, note=audience.note)
    )


def delivery_skip_reason(session: Session, delivery: ReminderDelivery, now: datetime) -> str | None:
    """Why a claimed reminder should not go out after all (closed, signed or muted meanwhile)."""
    letter = session.get(Letter, delivery.letter_id)
    assert letter is not None
    if letter.status != LetterStatus.OPEN or letter.deadline_at <= now:
        return "letter_closed"
    if delivery.user_id in signed_signals(session, letter.id, letter.team_id).user_ids:
        return "signed_meanwhile"
    if session.get(ReminderMute, (letter.id, delivery.user_id)) is not None:
        return "muted"
    return None
