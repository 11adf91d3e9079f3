"""Letters that change by themselves or need telling: closing at the deadline, the close announcement (final
count and export to each coordinator), and asking signers to confirm again after a substantive edit (and again
when the coordinators remind them)."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.blocks.reminders import closed_message, reconfirm_message
from bot.delivery.claim import claim_one
from bot.delivery.exports import deliver_request
from bot.delivery.posts import deliver_left_behind
from bot.runtime import Runtime
from bot.services.dialect import changed
from bot.services.export import request_export
from bot.services.letters.letters import close_letter, text_diff
from bot.services.letters.queries import letter_coordinators, letter_view, stats
from bot.services.letters.translations import changed_texts
from bot.slack.api import send_dm
from bot.slack.language import words_for
from bot.timeutil import utcnow
from db.enums import LetterStatus, SignatoryStatus
from db.models import Letter, Signatory

log = logging.getLogger(__name__)


def close_due_letters(runtime: Runtime, now: datetime) -> None:
    with runtime.db.read() as session:
        due = list(
            session.scalars(select(Letter.id).where(Letter.status == LetterStatus.OPEN, Letter.deadline_at <= now))
        )
    for letter_id in due:
        closed = runtime.db.transaction(partial(close_letter, letter_id=letter_id, actor=None, now=now))
        if closed is not None:
            log.info("letter %s reached its deadline and closed", letter_id)


def announce_closed_letters(runtime: Runtime, now: datetime) -> None:
    """Tell each coordinator once that a letter closed, with the final count and the export."""
    with runtime.db.read() as session:
        pending = list(
            session.scalars(
                select(Letter.id).where(Letter.status == LetterStatus.CLOSED, Letter.close_announced_at.is_(None))
            )
        )
    for letter_id in pending:
        announced = runtime.db.transaction(partial(claim_close_announcement, letter_id=letter_id, now=now))
        if announced is None:
            continue
        with runtime.db.read() as session:
            letter = session.get(Letter, letter_id)
            assert letter is not None
            numbers = stats(session, letter_id, recent=0)
            title, team_id, closed_at = letter.title, letter.team_id, letter.closed_at or now
            automatic = letter.closed_by is None
            version = letter.current_version
        client = runtime.client(team_id)
        for person, request_id in announced:
            w = words_for(runtime, person)
            text, blocks = closed_message(
                w,
                title,
                letter_id,
                numbers.count,
                closed_at,
                automatic,
                listed_leads=numbers.listed_leads,
                unconfirmed=numbers.unconfirmed,
                version=version,
            )
            send_dm(client, person, text, blocks)
            deliver_request(runtime, client, request_id)


def claim_close_announcement(session: Session, letter_id: int, now: datetime) -> list[tuple[str, int]] | None:
    """Win the close announcement and, in the same transaction, ask for each coordinator's final list, so the
    exports job delivers it even if this process stops; None when another process won it."""
    won = session.execute(
        update(Letter)
        .where(Letter.id == letter_id, Letter.close_announced_at.is_(None), Letter.status == LetterStatus.CLOSED)
        .values(close_announced_at=now)
    )
    if not changed(won):
        return None
    letter = session.get(Letter, letter_id)
    assert letter is not None
    return [
        (
            person,
            request_export(
                session, letter_id=letter_id, team_id=letter.team_id, user_id=person, fmt="all", now=now, final=True
            ),
        )
        for person in letter_coordinators(session, letter_id)
    ]


def send_reconfirmations(runtime: Runtime) -> None:
    """Ask each signer once per substantive version to keep or withdraw their signature."""
    with runtime.db.read() as session:
        waiting = list(
            session.execute(
                select(Signatory.id, Signatory.reconfirm_requested_version).where(
                    Signatory.status == SignatoryStatus.ACTIVE,
                    Signatory.reconfirm_requested_version.is_not(None),
                    func.coalesce(Signatory.reconfirm_sent_version, 0) < Signatory.reconfirm_requested_version,
                )
            )
        )
    for signatory_id, version in waiting:
        assert version is not None  # the query asks for a requested version
        claimed = claim_one(
            runtime.db,
            Signatory,
            signatory_id,
            where=[func.coalesce(Signatory.reconfirm_sent_version, 0) < version],
            values={"reconfirm_sent_version": version},
        )
        if claimed:
            _ask_to_confirm(runtime, signatory_id, version)


def send_reconfirm_reminders(runtime: Runtime) -> None:
    """The coordinators' reminder to signers who have not confirmed the current version: one DM per signer per
    round (the round is claimed on the signer's row before the DM), only to those asked already."""
    with runtime.db.read() as session:
        waiting = list(
            session.execute(
                select(Signatory.id, Letter.reconfirm_round, Signatory.reconfirm_requested_version)
                .join(Letter, Letter.id == Signatory.letter_id)
                .where(
                    Letter.status == LetterStatus.OPEN,
                    Signatory.status == SignatoryStatus.ACTIVE,
                    Signatory.reconfirm_requested_version.is_not(None),
                    Signatory.reconfirm_sent_version >= Signatory.reconfirm_requested_version,
                    Signatory.reconfirm_reminded < Letter.reconfirm_round,
                )
            )
        )
    for signatory_id, round_number, version in waiting:
        assert version is not None  # the query asks for a requested version
        claimed = claim_one(
            runtime.db,
            Signatory,
            signatory_id,
            where=[Signatory.reconfirm_reminded < round_number, Signatory.reconfirm_requested_version.is_not(None)],
            values={"reconfirm_reminded": round_number},
        )
        if claimed:
            _ask_to_confirm(runtime, signatory_id, version, reminder=True)


def _ask_to_confirm(runtime: Runtime, signatory_id: int, version: int, *, reminder: bool = False) -> None:
    with runtime.db.read() as session:
        signatory = session.get(Signatory, signatory_id)
        assert signatory is not None
        letter = session.get(Letter, signatory.letter_id)
        assert letter is not None
        view = letter_view(session, letter, recent=0)
        changes = changed_texts(letter, signatory.version_confirmed, version)
        row = next((v for v in letter.versions if v.number == version), None)
        note, org_name, user_id, team_id = (
            row.change_note if row else None,
            signatory.org_name,
            signatory.signer_user_id,
            letter.team_id,
        )
        signed_version = signatory.version_confirmed
    w = words_for(runtime, user_id)
    # The signer sees what changed in the text they read; if only another language's text changed, that one.
    change = next((c for c in changes if c.language == w.language), changes[0] if changes else None)
    diff = text_diff(change.old_text or "", change.new_text) if change else ""
    diff_language = change.language if change and change.language != w.language else None
    text, blocks = reconfirm_message(
        w,
        view,
        org_name,
        signatory_id,
        diff,
        note,
        diff_language=diff_language,
        signed_version=signed_version,
        reminder=reminder,
    )
    send_dm(runtime.client(team_id), user_id, text, blocks)


def deliver_letter_changes(runtime: Runtime) -> None:
    """The letters job: close what is due, announce closes, post what was left behind, ask for re-confirmation."""
    now = utcnow()
    close_due_letters(runtime, now)
    announce_closed_letters(runtime, now)
    deliver_left_behind(runtime, now)
    send_reconfirmations(runtime)
    send_reconfirm_reminders(runtime)
