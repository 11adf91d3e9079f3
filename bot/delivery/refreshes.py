"""Receipts kept true, and signers told: the receipt DM (the signer's, and each copy sent to someone else) is
updated in place after every change it shows, and a signer whose organization a coordinator merged, removed or
restored gets a DM saying so.

Both follow claim -> call Slack -> record (claim.py). A refresh claims the signatory's receipt with a lease,
renders the sign-on as it is now, updates the message with ``chat.update`` and records the revision it showed;
a change made meanwhile leaves the receipt behind its revision, so the next run updates it again (an update
shows the current state, so doing it twice is harmless, and the claim keeps two processes from racing an older
state over a newer one). A notice is a row (one per change, a database constraint) sent once with a marker in
its metadata: a claim that outlived its lease is resolved by looking for the marker in the DM.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy import ColumnElement, or_, select

from bot.blocks.receipts import notice_message, receipt_message
from bot.delivery.claim import backoff, claim_many, claim_one, record
from bot.delivery.receipts import for_reader
from bot.runtime import Runtime
from bot.services.signing.queries import receipt_view
from bot.slack.language import words_for
from bot.slack.sending import Marker, NotSent, classify, find_sent, open_dm, send_once
from bot.timeutil import utcnow
from db.enums import DeliveryStatus, ReceiptStatus
from db.models import Letter, ReceiptCopy, Signatory, SignatoryNotice

log = logging.getLogger(__name__)

REFRESH_LEASE = timedelta(minutes=2)
NOTICE_LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
BATCH = 20
NOTICE_EVENT = "signon_notice"
# chat.update errors that trying again will not fix: the receipt is gone or can no longer be edited.
GONE = {"message_not_found", "cant_update_message", "channel_not_found", "edit_window_closed", "is_archived"}


def _refresh_due(now: datetime) -> list[ColumnElement[bool]]:
    return [
        Signatory.receipt_status == ReceiptStatus.SENT,
        Signatory.receipt_shown_revision < Signatory.receipt_revision,
        Signatory.receipt_ts.is_not(None),
        or_(Signatory.refresh_claimed_by.is_(None), Signatory.refresh_lease_until < now),
    ]


def refresh_receipts(runtime: Runtime) -> None:
    """Update every receipt that shows an older state of its sign-on than the current one."""
    now = utcnow()
    with runtime.db.read() as session:
        if session.execute(select(Signatory.id).where(*_refresh_due(now)).limit(1)).first() is None:
            return
    claimed = claim_many(
        runtime.db,
        Signatory,
        where=_refresh_due(now),
        values={"refresh_claimed_by": runtime.worker_id, "refresh_lease_until": now + REFRESH_LEASE},
        order_by=[Signatory.id],
        limit=BATCH,
    )
    for signatory_id in claimed:
        _refresh(runtime, signatory_id)


def _refresh(runtime: Runtime, signatory_id: int) -> None:
    mine = [Signatory.refresh_claimed_by == runtime.worker_id]
    with runtime.db.read() as session:
        signatory = session.get(Signatory, signatory_id)
        receipt = receipt_view(session, signatory_id)
        letter = session.get(Letter, signatory.letter_id) if signatory else None
        if signatory is None or receipt is None or letter is None:
            return
        channel, ts, team_id = signatory.receipt_channel, signatory.receipt_ts, letter.team_id
    w, receipt = for_reader(runtime, receipt, receipt.recipient_id)
    text, blocks = receipt_message(w, receipt, heading=w.receipt_you_signed())
    done = {"receipt_shown_revision": receipt.revision, "refresh_claimed_by": None, "refresh_lease_until": None}
    if not channel or not ts:
        record(runtime.db, Signatory, signatory_id, where=mine, values=done)
        return
    wait = _update_in_place(runtime, team_id, channel, ts, text, blocks, ("signatory", signatory_id))
    if wait is not None:
        record(runtime.db, Signatory, signatory_id, where=mine, values={"refresh_lease_until": utcnow() + wait})
        return
    record(runtime.db, Signatory, signatory_id, where=mine, values=done)


def _update_in_place(
    runtime: Runtime, team_id: str | None, channel: str, ts: str, text: str, blocks: list[Any], row: tuple[str, int]
) -> timedelta | None:
    """chat.update of a receipt. None when that is over (updated, or gone for good); else how long the claim
    is kept before any process may take it again (a 429's Retry-After)."""
    try:
        runtime.background_client(team_id).chat_update(channel=channel, ts=ts, text=text, blocks=blocks, mrkdwn=False)
    except (SlackClientError, OSError) as error:
        failure = classify(error)
        if failure.transient:
            log.info("receipt refresh (%s %s): %s; trying again later", *row, failure.code)
            return timedelta(seconds=failure.retry_after or 5)
        # The message is gone or cannot be edited: nothing to keep current; an old button still checks the state.
        log.warning("receipt refresh (%s %s): %s; not updated", *row, failure.code)
    return None


# -- copies: receipts sent to someone besides the signer -------------------------------------------------------

_CURRENT_REVISION = select(Signatory.receipt_revision).where(Signatory.id == ReceiptCopy.signatory_id).scalar_subquery()


def _copy_due(now: datetime) -> list[ColumnElement[bool]]:
    return [
        ReceiptCopy.shown_revision < _CURRENT_REVISION,
        or_(ReceiptCopy.claimed_by.is_(None), ReceiptCopy.lease_until < now),
    ]


def refresh_copies(runtime: Runtime) -> None:
    """Update every receipt copy that shows an older state of its sign-on, the same way as the signer's."""
    now = utcnow()
    with runtime.db.read() as session:
        if session.execute(select(ReceiptCopy.id).where(*_copy_due(now)).limit(1)).first() is None:
            return
    claimed = claim_many(
        runtime.db,
        ReceiptCopy,
        where=_copy_due(now),
        values={"claimed_by": runtime.worker_id, "lease_until": now + REFRESH_LEASE},
        order_by=[ReceiptCopy.id],
        limit=BATCH,
    )
    for copy_id in claimed:
        _refresh_copy(runtime, copy_id)


def _refresh_copy(runtime: Runtime, copy_id: int) -> None:
    mine = [ReceiptCopy.claimed_by == runtime.worker_id]
    with runtime.db.read() as session:
        copy = session.get(ReceiptCopy, copy_id)
        receipt = receipt_view(session, copy.signatory_id) if copy else None
        letter = session.get(Letter, receipt.letter_id) if receipt else None
        if copy is None or receipt is None or letter is None:
            return
        channel, ts, reader, team_id = copy.channel, copy.ts, copy.user_id, letter.team_id
    w, receipt = for_reader(runtime, receipt, reader)
    text, blocks = receipt_message(w, receipt, heading=w.receipt_updated())
    done = {"shown_revision": receipt.revision, "claimed_by": None, "lease_until": None}
    wait = _update_in_place(runtime, team_id, channel, ts, text, blocks, ("copy", copy_id))
    if wait is not None:
        record(runtime.db, ReceiptCopy, copy_id, where=mine, values={"lease_until": utcnow() + wait})
        return
    record(runtime.db, ReceiptCopy, copy_id, where=mine, values=done)


# -- notices --------------------------------------------------------------------------------------------------


def _notice_due(now: datetime) -> list[ColumnElement[bool]]:
    return [
        SignatoryNotice.status == DeliveryStatus.PENDING,
        or_(SignatoryNotice.not_before.is_(None), SignatoryNotice.not_before <= now),
    ]


def marker_of(notice_id: int) -> Marker:
    return Marker(NOTICE_EVENT, str(notice_id))


def deliver_notices(runtime: Runtime) -> None:
    """Tell signers once that a coordinator merged or removed their organization's sign-on."""
    now = utcnow()
    resolve_expired_notices(runtime, now)
    with runtime.db.read() as session:
        if session.execute(select(SignatoryNotice.id).where(*_notice_due(now)).limit(1)).first() is None:
            return
    claimed = claim_many(
        runtime.db,
        SignatoryNotice,
        where=_notice_due(now),
        values={"status": DeliveryStatus.CLAIMED, "claimed_by": runtime.worker_id, "lease_until": now + NOTICE_LEASE},
        order_by=[SignatoryNotice.id],
        limit=BATCH,
    )
    for notice_id in claimed:
        _send_notice(runtime, notice_id)


def _still_mine(runtime: Runtime, notice_id: int) -> bool:
    return claim_one(
        runtime.db,
        SignatoryNotice,
        notice_id,
        where=[SignatoryNotice.status == DeliveryStatus.CLAIMED, SignatoryNotice.claimed_by == runtime.worker_id],
        values={"lease_until": utcnow() + NOTICE_LEASE},
    )


def _send_notice(runtime: Runtime, notice_id: int) -> None:
    if not _still_mine(runtime, notice_id):
        return
    mine = [SignatoryNotice.status == DeliveryStatus.CLAIMED, SignatoryNotice.claimed_by == runtime.worker_id]
    with runtime.db.read() as session:
        notice = session.get(SignatoryNotice, notice_id)
        signatory = session.get(Signatory, notice.signatory_id) if notice else None
        letter = session.get(Letter, signatory.letter_id) if signatory else None
        if notice is None or signatory is None or letter is None:
            return
        into = session.get(Signatory, notice.into_id) if notice.into_id else None
        kind, user_id, actor, attempts = notice.kind, notice.user_id, notice.actor_id, notice.attempts + 1
        org_name, title, team_id = signatory.org_name, letter.title, letter.team_id
        into_name = into.org_name if into else None
    w = words_for(runtime, user_id)
    text, blocks = notice_message(
        w, kind, coordinator=f"<@{actor}>", letter_title=title, org_name=org_name, into_name=into_name
    )
    client = runtime.background_client(team_id)
    try:
        channel = open_dm(client, user_id)
        sent = send_once(client, channel, text, blocks, marker_of(notice_id), look_first=attempts > 1)
    except NotSent as failure:
        if failure.transient and attempts < MAX_ATTEMPTS:
            values: dict[str, object] = {"status": DeliveryStatus.PENDING, "claimed_by": None}
            values.update(attempts=attempts, lease_until=None, not_before=utcnow() + backoff(attempts))
        else:
            log.warning("notice %s to %s: %s", notice_id, user_id, failure.code)
            values = {"status": DeliveryStatus.FAILED, "attempts": attempts, "lease_until": None}
        record(runtime.db, SignatoryNotice, notice_id, where=mine, values=values)
        return
    record(
        runtime.db,
        SignatoryNotice,
        notice_id,
        where=mine,
        values={"status": DeliveryStatus.SENT, "attempts": attempts, "lease_until": None, "ts": sent.ts},
    )


def resolve_expired_notices(runtime: Runtime, now: datetime) -> None:
    """Notices whose claim outlived its lease (the process stopped mid-send): found in the DM means sent, not
    found means it goes back to pending. Only the claim seen as stopped is resolved."""
    with runtime.db.read() as session:
        rows = session.execute(
            select(SignatoryNotice.id, SignatoryNotice.claimed_by, SignatoryNotice.lease_until, SignatoryNotice.user_id)
            .where(SignatoryNotice.status == DeliveryStatus.CLAIMED)
            .limit(BATCH)
        ).all()
    for row in rows:
        if not ((row.lease_until is not None and row.lease_until < now) or runtime.owner_is_gone(row.claimed_by)):
            continue
        stopped = [SignatoryNotice.status == DeliveryStatus.CLAIMED, SignatoryNotice.claimed_by == row.claimed_by]
        with runtime.db.read() as session:
            notice = session.get(SignatoryNotice, row.id)
            signatory = session.get(Signatory, notice.signatory_id) if notice else None
            letter = session.get(Letter, signatory.letter_id) if signatory else None
            team_id = letter.team_id if letter else None
        client: WebClient = runtime.client(team_id)
        try:
            found = find_sent(client, open_dm(client, row.user_id), marker_of(row.id))
        except NotSent as failure:
            if failure.transient:
                continue  # look again at the next run
            found = None
        values: dict[str, object] = (
            {"status": DeliveryStatus.SENT, "ts": found, "lease_until": None}
            if found
            else {"status": DeliveryStatus.PENDING, "claimed_by": None, "lease_until": None}
        )
        record(runtime.db, SignatoryNotice, row.id, where=stopped, values=values)


def keep_receipts_true(runtime: Runtime) -> None:
    """The refresh job: receipts updated in place, then the notices owed."""
    refresh_receipts(runtime)
    refresh_copies(runtime)
    deliver_notices(runtime)
