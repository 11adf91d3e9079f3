"""The background work, run every few seconds by the scheduler in every process.

Each job derives what to do from the database and claims each piece of work with a conditional UPDATE
before any side effect, so any number of processes can run the jobs and every message goes out once.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackRequestError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.blocks import reminders as reminder_blocks
from bot.blocks.letters import letter_post
from bot.flows.exporting import deliver_export
from bot.flows.signing import send_receipt
from bot.runtime import Runtime
from bot.services import letters as letter_service
from bot.services import posts, reminders, signons
from bot.services import receipts as receipt_service
from bot.services.dialect import changed
from bot.slackio import send_dm
from bot.timeutil import utcnow
from db.models import Letter, LetterStatus, ReminderRun, Signatory, SignatoryStatus

log = logging.getLogger(__name__)

# Posts still pending this long after their letter was saved were left behind by a process that stopped.
LEFT_BEHIND_AFTER = timedelta(seconds=30)


class Jobs:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def client(self, team_id: str | None) -> WebClient:
        return self.runtime.client(team_id)

    def background_client(self, team_id: str | None) -> WebClient:
        """No automatic retries at all: the jobs handle 429s themselves, without blocking a thread."""
        return self.runtime.client(team_id, rate_limit_retries=0)

    # -- letters ------------------------------------------------------------------------------------

    def letters(self) -> None:
        now = utcnow()
        self.close_due_letters(now)
        self.announce_closed_letters(now)
        posts.recover_stuck_posts(self.runtime, now)
        for team_id in self.runtime.tokens.teams():
            posts.deliver_pending_posts(
                self.runtime, self.client(team_id), letter_post, team_id=team_id, created_before=now - LEFT_BEHIND_AFTER
            )
        self.send_reconfirmations()

    def close_due_letters(self, now: datetime) -> None:
        with self.runtime.db.read() as session:
            due = list(
                session.execute(
                    select(Letter.id).where(Letter.status == LetterStatus.OPEN, Letter.deadline_at <= now)
                ).scalars()
            )
        for letter_id in due:

            def close(session: Session, letter_id: int = letter_id) -> Letter | None:
                return letter_service.close_letter(session, letter_id=letter_id, actor=None, now=now)

            closed = self.runtime.db.transaction(close)
            if closed is not None:
                log.info("letter %s reached its deadline and closed", letter_id)

    def announce_closed_letters(self, now: datetime) -> None:
        with self.runtime.db.read() as session:
            pending = list(
                session.execute(
                    select(Letter.id).where(Letter.status == LetterStatus.CLOSED, Letter.close_announced_at.is_(None))
                ).scalars()
            )
        for letter_id in pending:

            def claim(session: Session, letter_id: int = letter_id) -> bool:
                result = session.execute(
                    update(Letter)
                    .where(
                        Letter.id == letter_id,
                        Letter.close_announced_at.is_(None),
                        Letter.status == LetterStatus.CLOSED,
                    )
                    .values(close_announced_at=now)
                )
                return bool(changed(result))

            if not self.runtime.db.transaction(claim):
                continue
            with self.runtime.db.read() as session:
                letter = session.get(Letter, letter_id)
                assert letter is not None
                count = letter_service.stats(session, letter_id, recent=0).count
                people = letter_service.letter_coordinators(session, letter_id)
                title, team_id, closed_at, automatic = (
                    letter.title,
                    letter.team_id,
                    letter.closed_at or now,
                    letter.closed_by is None,
                )
            client = self.client(team_id)
            text, blocks = reminder_blocks.closed_message(title, letter_id, count, closed_at, automatic)
            for person in people:
                send_dm(client, person, text, blocks)
                deliver_export(self.runtime, client, person, letter_id, "all", heading="Final list")

    def send_reconfirmations(self) -> None:
        with self.runtime.db.read() as session:
            waiting = list(
                session.execute(
                    select(Signatory.id).where(
                        Signatory.status == SignatoryStatus.ACTIVE,
                        Signatory.reconfirm_requested_version.is_not(None),
                        func.coalesce(Signatory.reconfirm_sent_version, 0) < Signatory.reconfirm_requested_version,
                    )
                ).scalars()
            )
        for signatory_id in waiting:

            def claim(session: Session, signatory_id: int = signatory_id) -> int | None:
                signatory = session.get(Signatory, signatory_id)
                if signatory is None or signatory.reconfirm_requested_version is None:
                    return None
                version = signatory.reconfirm_requested_version
                result = session.execute(
                    update(Signatory)
                    .where(
                        Signatory.id == signatory_id,
                        func.coalesce(Signatory.reconfirm_sent_version, 0) < version,
                    )
                    .values(reconfirm_sent_version=version)
                )
                return version if changed(result) else None

            version = self.runtime.db.transaction(claim)
            if version is None:
                continue
            with self.runtime.db.read() as session:
                signatory = session.get(Signatory, signatory_id)
                assert signatory is not None
                letter = session.get(Letter, signatory.letter_id)
                assert letter is not None
                view = letter_service.letter_view(session, letter, recent=0)
                versions = {v.number: v for v in letter.versions}
                previous = versions.get(signatory.version_confirmed) or letter.versions[0]
                current = versions[version] if version in versions else letter.versions[-1]
                diff = letter_service.text_diff(previous.text, current.text)
                note, org_name, user_id, team_id = (
                    current.change_note,
                    signatory.org_name,
                    signatory.signer_user_id,
                    letter.team_id,
                )
            text, blocks = reminder_blocks.reconfirm_message(view, org_name, signatory_id, diff, note)
            send_dm(self.client(team_id), user_id, text, blocks)

    # -- receipts -----------------------------------------------------------------------------------

    def receipts(self) -> None:
        """Send pending receipts, at most SIGNON_RECEIPT_RATE a second from this process."""
        receipt_service.release_dead_claims(self.runtime, utcnow())
        rate = self.runtime.settings.receipt_rate
        # About a second's worth per claim: few write transactions during a rush of sign-ons, and a batch
        # that goes back to pending quickly if this process stops.
        batch_size = max(1, round(rate))
        while claimed := receipt_service.claim_batch(self.runtime, batch_size):
            receipt_service.flag_near_duplicates(self.runtime, claimed)
            unsent = [receipt.signatory_id for receipt in claimed]
            try:
                for receipt in claimed:
                    started = time.monotonic()
                    unsent.remove(receipt.signatory_id)
                    self._send_receipt(receipt.signatory_id, receipt.team_id)
                    time.sleep(max(0.0, 1.0 / rate - (time.monotonic() - started)))
            finally:
                receipt_service.release(self.runtime, unsent)

    def _send_receipt(self, signatory_id: int, team_id: str | None) -> None:
        try:
            sent = send_receipt(self.runtime, self.client(team_id), signatory_id)
        except (SlackRequestError, OSError) as error:
            # The connection broke: Slack may have the message, so it is not sent again.
            log.warning("receipt for signatory %s: %s; not resent", signatory_id, type(error).__name__)
            receipt_service.finish(self.runtime, signatory_id, "unknown")
            return
        except Exception:
            # Slack may have the message: never sent again, and not left claimed by a process that lives on.
            receipt_service.finish(self.runtime, signatory_id, "unknown")
            raise
        receipt_service.finish(self.runtime, signatory_id, "sent" if sent else "failed")

    # -- posts --------------------------------------------------------------------------------------

    def refresh_posts(self) -> None:
        posts.refresh_posts(self.runtime, self.background_client, letter_post)

    # -- reminders ----------------------------------------------------------------------------------

    def reminders(self) -> None:
        now = utcnow()
        reminders.release_dead_claims(self.runtime, now)
        for run_id in reminders.due_runs(self.runtime, now):
            if reminders.claim_run(self.runtime, run_id, now):
                with self.runtime.db.read() as session:
                    letter_team = session.execute(
                        select(Letter.team_id)
                        .join(ReminderRun, ReminderRun.letter_id == Letter.id)
                        .where(ReminderRun.id == run_id)
                    ).scalar_one()
                reminders.plan_run(self.runtime, self.client(letter_team), run_id, now)
        reminders.sweep_stale_claims(self.runtime, now)
        reminders.send_due(self.runtime, self.background_client, reminder_blocks.reminder_message)
        for digest in reminders.finished_runs(self.runtime, utcnow()):
            with self.runtime.db.read() as session:
                team_id = session.get(Letter, digest.letter_id).team_id  # type: ignore[union-attr]
            text, blocks = reminder_blocks.run_digest_message(
                digest.title,
                digest.letter_id,
                digest.offset_seconds,
                digest.reminded,
                digest.count,
                digest.new_since_last,
                digest.skipped_note,
                digest.failed,
            )
            client = self.client(team_id)
            for person in digest.coordinators:
                send_dm(client, person, text, blocks)

    # -- coordinator digests of new sign-ons --------------------------------------------------------

    def signon_digests(self) -> None:
        now = utcnow()
        every = self.runtime.settings.digest_interval
        with self.runtime.db.read() as session:
            letters = list(session.execute(select(Letter.id).where(Letter.status == LetterStatus.OPEN)).scalars())
        for letter_id in letters:

            def claim(
                session: Session, letter_id: int = letter_id
            ) -> tuple[list[str], int, int, str, str, list[str]] | None:
                letter = session.get(Letter, letter_id)
                if letter is None or (letter.last_digest_at and letter.last_digest_at > now - every):
                    return None
                if letter.last_digest_at is None and letter.created_at > now - every:
                    return None
                newest = (
                    session.execute(select(func.max(Signatory.id)).where(Signatory.letter_id == letter_id)).scalar()
                    or 0
                )
                if newest <= letter.last_digest_signatory_id:
                    return None
                names = list(
                    session.execute(
                        select(Signatory.org_name)
                        .where(
                            Signatory.letter_id == letter_id,
                            Signatory.status == SignatoryStatus.ACTIVE,
                            Signatory.id > letter.last_digest_signatory_id,
                        )
                        .order_by(Signatory.id)
                    ).scalars()
                )
                result = session.execute(
                    update(Letter)
                    .where(Letter.id == letter_id, Letter.last_digest_signatory_id == letter.last_digest_signatory_id)
                    .values(last_digest_signatory_id=newest, last_digest_at=now)
                )
                if not changed(result) or not names:
                    return None
                count = letter_service.stats(session, letter_id, recent=0).count
                duplicates = len(signons.pending_duplicates(session, letter_id))
                return (
                    names,
                    count,
                    duplicates,
                    letter.title,
                    letter.team_id,
                    letter_service.letter_coordinators(session, letter_id),
                )

            claimed = self.runtime.db.transaction(claim)
            if claimed is None:
                continue
            names, count, duplicates, title, team_id, people = claimed
            text, blocks = reminder_blocks.signon_digest_message(title, letter_id, names, count, duplicates)
            client = self.client(team_id)
            for person in people:
                send_dm(client, person, text, blocks)
