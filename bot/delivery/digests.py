"""Coordinators' digests: after each reminder run, and of new sign-ons every SIGNON_DIGEST_INTERVAL.

Each digest is claimed in the transaction that reads it (bot/services/digests.py), then sent."""

from __future__ import annotations

from functools import partial

from sqlalchemy import select

from bot.blocks.reminders import run_digest_message, signon_digest_message
from bot.runtime import Runtime
from bot.services import digests
from bot.slack.api import send_dm
from bot.slack.language import words_for
from bot.timeutil import utcnow
from db.enums import LetterStatus
from db.models import Letter


def deliver_run_digests(runtime: Runtime) -> None:
    with runtime.db.read() as session:
        candidates = digests.runs_awaiting_digest(session)
    for run_id in candidates:
        digest = runtime.db.transaction(partial(digests.finish_run, run_id=run_id, now=utcnow()))
        if digest is None:
            continue
        for person in digest.coordinators:
            text, blocks = run_digest_message(words_for(runtime, person), digest)
            send_dm(runtime.client(digest.team_id), person, text, blocks)


def deliver_signon_digests(runtime: Runtime) -> None:
    now = utcnow()
    every = runtime.settings.digest_interval
    with runtime.db.read() as session:
        open_ids = list(session.scalars(select(Letter.id).where(Letter.status == LetterStatus.OPEN)))
    for letter_id in open_ids:
        digest = runtime.db.transaction(partial(digests.claim_signon_digest, letter_id=letter_id, now=now, every=every))
        if digest is None:
            continue
        for person in digest.coordinators:
            text, blocks = signon_digest_message(words_for(runtime, person), digest)
            send_dm(runtime.client(digest.team_id), person, text, blocks)
