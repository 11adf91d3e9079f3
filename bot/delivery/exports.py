"""Exports delivered to a coordinator's DM: the signatory block, a .txt of the names and a CSV, numbered.

Every export is a row (``export_requests``) claimed with a lease before anything is sent, so a stopped process's
export is delivered by another, and Slack's failures are tried again later. The export is built from one
database snapshot and numbered (so the next one can say what changed); a number is only kept by an export that
was delivered. The message carries a marker: an attempt that finds it already in the DM does not post it again.
An export that cannot be delivered is said to the person (by DM, or where they typed the command) with a button
to try again.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from slack_sdk.webhook import WebhookClient
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.blocks.common import Block, escape, section
from bot.blocks.export import changes_message, export_failed_message, export_message
from bot.delivery import documents as letter_documents
from bot.delivery.claim import backoff, claim_one, record
from bot.messages import Words, words
from bot.runtime import Runtime
from bot.services import delivery as delivery_service
from bot.services import export as export_service
from bot.services.letters.translations import titles
from bot.slack.api import send_dm, slack_error
from bot.slack.channels import channel_names
from bot.slack.language import words_for
from bot.slack.sending import Marker, NotSent, classify, open_dm, send_once
from bot.timeutil import utcnow
from db.enums import DeliveryStatus
from db.models import ExportRequest, Letter

log = logging.getLogger(__name__)

EXPORT_RETRY_FIRST = timedelta(seconds=20)
EXPORT_RETRY_CAP = timedelta(minutes=5)

EXPORT_LEASE = timedelta(minutes=3)
MAX_ATTEMPTS = 5
# A failure nobody could be told of (no DM, no response_url) is tried again, whole, a few more times.
MAX_ATTEMPTS_UNTOLD = MAX_ATTEMPTS + 3
EXPORT_EVENT = "signon_export"
CLAIMED = [ExportRequest.status == DeliveryStatus.CLAIMED]
# The documents each format brings: ``all`` is everything (the block, the .txt, the CSV, the DOCX and the PDF).
DOCUMENT_FORMATS: dict[str, tuple[str, ...]] = {"pdf": ("pdf",), "docx": ("docx",), "all": ("docx", "pdf")}


def deliver_request(runtime: Runtime, client: WebClient, request_id: int) -> None:
    """Claim one export request and deliver it (or try it again later, or say it failed)."""
    now = utcnow()
    due = [
        ExportRequest.status == DeliveryStatus.PENDING,
        or_(ExportRequest.not_before.is_(None), ExportRequest.not_before <= now),
    ]
    values = {"status": DeliveryStatus.CLAIMED, "claimed_by": runtime.worker_id, "lease_until": now + EXPORT_LEASE}
    if not claim_one(runtime.db, ExportRequest, request_id, where=due, values=values):
        return
    with runtime.db.read() as session:
        request = session.get(ExportRequest, request_id)
        assert request is not None
        session.expunge(request)
    attempts = request.attempts + 1
    # The export's words (headings, the CSV's header, organization types) in the language asked for, else the
    # person's own; organizations' names are never translated.
    w = words(request.language) if request.language else words_for(runtime, request.user_id)
    try:
        _deliver(runtime, client, w, request)
    except NotSent as failure:
        if failure.transient and attempts < MAX_ATTEMPTS:
            log.info("export %s: %s; trying again later", request_id, failure.code)
            wait = backoff(attempts, first=EXPORT_RETRY_FIRST, cap=EXPORT_RETRY_CAP)
            later = {"attempts": attempts, "not_before": utcnow() + wait, "error": failure.code[:200]}
            _update(runtime, request_id, status=DeliveryStatus.PENDING, **later)
            return
        _give_up(runtime, client, w, request_id, failure.code, attempts)
        return
    _update(runtime, request_id, status=DeliveryStatus.SENT, attempts=attempts, finished_at=utcnow(), lease_until=None)


def _update(runtime: Runtime, request_id: int, **values: object) -> None:
    """Record on a request this process still holds."""
    record(runtime.db, ExportRequest, request_id, where=CLAIMED, values=values)


def _deliver(runtime: Runtime, client: WebClient, w: Words, request: ExportRequest) -> None:
    channel = open_dm(client, request.user_id)
    marker = Marker(EXPORT_EVENT, str(request.id))
    retry = request.attempts > 0  # an earlier attempt may have posted before it failed
    letter_id = request.letter_id
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        sources = {post.channel_id for post in letter.posts}
        layout = letter_documents.letter_layout(letter)
    names = channel_names(client, sources)
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        data = export_service.load_export(session, letter, names)
        data = replace(data, title=titles(letter).get(w.language, data.title))
        # A delivered letter: the delivered list first, then the sign-ons added after it (for the record).
        split = delivery_service.split_at_delivery(session, data, letter_id)
        late = split.late.rows if split else []
        if split:
            data = replace(data, rows=[*split.delivered.rows, *late])
        summary = export_service.changes_since_last(session, data) if request.changes_only else None
    if request.changes_only:
        text, blocks = changes_message(w, data.title, summary, len(data.rows))
        send_once(client, channel, text, blocks, marker, look_first=retry)
        return
    if not data.rows:
        # Slack refuses empty files; there is nothing to paste yet anyway.
        text = w.nothing_signed_yet(letter_id, escape(data.title))
        send_once(client, channel, text, [section(text)], marker, look_first=retry)
        return

    def number_it(session: Session) -> export_service.SnapshotSummary:
        if request.snapshot_number is not None:  # an earlier attempt's number: taken again, with the list as it is
            export_service.release_snapshot(session, letter_id, request.snapshot_number)
        taken = export_service.take_snapshot(session, data, actor=request.user_id, now=utcnow())
        session.execute(
            update(ExportRequest).where(ExportRequest.id == request.id).values(snapshot_number=taken.number)
        )
        return taken

    numbered = runtime.db.transaction(number_it)
    heading = w.final_list_heading() if request.final else w.signatories_heading()
    show_block = request.fmt in ("text", "all")
    note = (
        w.document_layout_note(letter_id, layout.columns, layout.grouping) if request.fmt in DOCUMENT_FORMATS else None
    )
    text, blocks = export_message(w, data, numbered, heading=heading, show_block=show_block, layout_note=note)
    if request.message_ts and request.message_channel:
        _replace(client, request.message_channel, request.message_ts, text, blocks)
    else:
        sent = send_once(client, channel, text, blocks, marker, look_first=retry)
        _update(runtime, request.id, message_channel=sent.channel, message_ts=sent.ts)
    if not request.files_shared:
        documents = _documents(runtime, w, data, numbered.number, request.fmt)
        _upload_files(w, client, channel, data, numbered.number, request.fmt, late if split else None, documents)
        _update(runtime, request.id, files_shared=True)


def _replace(client: WebClient, channel: str, ts: str, text: str, blocks: list[Block]) -> None:
    """Bring an export message an earlier attempt posted up to date (its number or its outcome)."""
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except (SlackClientError, OSError) as error:
        raise classify(error) from error


def _documents(
    runtime: Runtime, w: Words, data: export_service.ExportData, number: int, fmt: str
) -> list[dict[str, object]]:
    """The letter as a PDF or DOCX when asked for, both in ``all``: built from the same list as the other files."""
    formats = DOCUMENT_FORMATS.get(fmt, ())
    if not formats:
        return []
    with runtime.db.read() as session:
        letter = session.get(Letter, data.letter_id)
        assert letter is not None
        document = letter_documents.letter_document(session, letter, data, number)
    title = w.document_title(data.title, number)
    return [
        {
            "file": letter_documents.build(document, kind),
            "filename": f"letter-{data.letter_id}-export-{number}.{kind}",
            "title": title,
        }
        for kind in formats
    ]


def late_text(w: Words, late: list[export_service.ExportRow]) -> str:
    """The sign-ons after the delivery, under their heading, each with the day it signed."""
    lines = [f"{row.organization} ({w.calendar_date(letter_documents.signed_day(row))})\n" for row in late]
    return f"\n{w.added_after_delivery_heading()}\n" + "".join(lines)


def _upload_files(
    w: Words,
    client: WebClient,
    channel: str,
    data: export_service.ExportData,
    number: int,
    fmt: str,
    late: list[export_service.ExportRow] | None = None,
    documents: list[dict[str, object]] | None = None,
) -> None:
    stem = f"letter-{data.letter_id}-export-{number}"
    uploads: list[dict[str, object]] = list(documents or [])
    late_ids = {row.signatory_id for row in late or [] if row.signatory_id is not None}
    if fmt in ("text", "all"):
        if late:
            delivered = replace(data, rows=[row for row in data.rows if row.signatory_id not in late_ids])
            content = export_service.text_block(delivered) + late_text(w, late)
        else:
            content = export_service.text_block(data)
        uploads.append(
            {"content": content, "filename": f"{stem}-signatories.txt", "title": w.txt_title(data.title, number)}
        )
    if fmt in ("csv", "all"):
        added = (
            {row.signatory_id: letter_documents.signed_day(row).isoformat() for row in late if row.signatory_id}
            if late is not None
            else None
        )
        content = export_service.csv_text(data, w.csv_labels(), added, w.added_after_delivery_heading())
        uploads.append({"content": content, "filename": f"{stem}.csv", "title": w.csv_title(data.title, number)})
    if not uploads:
        return
    try:
        client.files_upload_v2(
            file_uploads=uploads, channel=channel, initial_comment=w.files_comment(number, data.letter_id)
        )
    except (SlackClientError, OSError) as error:
        # The upload URL step is plain HTTP: its failures arrive as urllib errors, not SlackApiError.
        code = slack_error(error)
        log.warning("export upload failed: %s", code)
        raise classify(error) from error


def _give_up(runtime: Runtime, client: WebClient, w: Words, request_id: int, code: str, attempts: int) -> None:
    """The export could not be delivered: give its number back, and say so with a button to try again, in place
    of the export message if one was posted."""
    with runtime.db.read() as session:
        request = session.get(ExportRequest, request_id)
        assert request is not None
        session.expunge(request)
    released: dict[str, object] = {}
    if request.snapshot_number is not None and not request.files_shared:
        number = request.snapshot_number
        runtime.db.transaction(lambda session: export_service.release_snapshot(session, request.letter_id, number))
        released["snapshot_number"] = None
    log.warning("export %s could not be delivered: %s", request_id, code)
    # Said before it is recorded as failed: a process stopped in between leaves the request to be tried again,
    # never a failure nobody was told about. When Slack took none of the ways to say it, the export is tried
    # again (it may go through this time), a few times at most.
    if not _say_it_failed(client, w, request, code) and attempts < MAX_ATTEMPTS_UNTOLD:
        wait = backoff(attempts, first=EXPORT_RETRY_FIRST, cap=EXPORT_RETRY_CAP)
        later = {"attempts": attempts, "not_before": utcnow() + wait, "error": code[:200], **released}
        _update(runtime, request_id, status=DeliveryStatus.PENDING, **later)
        return
    done = {"attempts": attempts, "error": code[:200], "finished_at": utcnow(), "lease_until": None}
    _update(runtime, request_id, status=DeliveryStatus.FAILED, **done)


def _say_it_failed(client: WebClient, w: Words, request: ExportRequest, code: str) -> bool:
    """Whether the coordinator was told: in the export message, else by DM, else where they typed the command."""
    text, blocks = export_failed_message(w, request.letter_id, request.fmt, code)
    if request.message_ts and request.message_channel:
        with contextlib.suppress(NotSent):
            _replace(client, request.message_channel, request.message_ts, text, blocks)
            return True
    if send_dm(client, request.user_id, text, blocks) is not None:
        return True
    if not request.response_url:
        return False
    # Not even a DM: say it where they typed the command (its response_url lasts 30 minutes).
    payload = {"text": text, "blocks": blocks, "response_type": "ephemeral", "mrkdwn": False}
    try:
        return WebhookClient(request.response_url).send_dict(payload).status_code == 200
    except (SlackClientError, OSError):
        return False


def deliver_exports(runtime: Runtime, now: datetime | None = None) -> None:
    """The exports job: requests left by a stopped process (lease over) and requests due to be tried again."""
    now = now or utcnow()
    with runtime.db.read() as session:
        stale = session.execute(
            select(ExportRequest.id, ExportRequest.claimed_by, ExportRequest.lease_until).where(*CLAIMED)
        ).all()
    for request_id, owner, lease_until in stale:
        if (lease_until is not None and lease_until < now) or runtime.owner_is_gone(owner):
            # The message carries a marker, so a retry does not post it twice; the files may come again.
            # Only the claim seen as stopped: another process may have claimed the request afresh since.
            stopped_claim = [*CLAIMED, ExportRequest.claimed_by == owner]
            record(
                runtime.db, ExportRequest, request_id, where=stopped_claim, values={"status": DeliveryStatus.PENDING}
            )
    with runtime.db.read() as session:
        due = session.execute(
            select(ExportRequest.id, ExportRequest.team_id).where(
                ExportRequest.status == DeliveryStatus.PENDING,
                or_(ExportRequest.not_before.is_(None), ExportRequest.not_before <= now),
            )
        ).all()
    for request_id, team_id in due:
        deliver_request(runtime, runtime.client(team_id), request_id)
