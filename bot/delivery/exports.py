"""Exports delivered to a coordinator's DM: the signatory block, a .txt of the names and a CSV, numbered.

The export is built from one database snapshot, numbered (so the next one can say what changed), then posted
and uploaded with files_upload_v2 into the coordinator's DM.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.blocks.common import escape, section
from bot.blocks.export import changes_message, export_message
from bot.messages import Words, words
from bot.runtime import Runtime
from bot.services import export as export_service
from bot.services.letters.translations import titles
from bot.slack.api import dm_channel, send_dm, slack_error
from bot.slack.channels import channel_names
from bot.slack.language import words_for
from bot.timeutil import utcnow
from db.models import Letter

log = logging.getLogger(__name__)


def deliver_export(
    runtime: Runtime,
    client: WebClient,
    user_id: str,
    letter_id: int,
    fmt: str = "all",
    *,
    changes_only: bool = False,
    final: bool = False,
    language: str | None = None,
) -> bool:
    """Build the export from one database snapshot and DM it; True when the files were delivered.

    ``final``: the list sent to coordinators when the letter closes (headed "Final list"). ``language``: of the
    export's words (headings, the CSV's header and organization types, the title when the letter has a text in
    it); the coordinator's own by default. The organizations' names are never translated.
    """
    w = words(language) if language else words_for(runtime, user_id)
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        if letter is None:
            return False
        sources = {post.channel_id for post in letter.posts}
    names = channel_names(client, sources)
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        data = export_service.load_export(session, letter, names)
        data = replace(data, title=titles(letter).get(w.language, data.title))
        if changes_only:
            summary = export_service.changes_since_last(session, data)
            text, blocks = changes_message(w, letter.title, summary, len(data.rows))
            send_dm(client, user_id, text, blocks)
            return True
    if not data.rows:
        # Slack refuses empty files; there is nothing to paste yet anyway.
        text = w.nothing_signed_yet(letter_id, escape(data.title))
        send_dm(client, user_id, text, [section(text)])
        return False
    summary = runtime.db.transaction(
        lambda session: export_service.take_snapshot(session, data, actor=user_id, now=utcnow())
    )
    heading = w.final_list_heading() if final else w.signatories_heading()
    text, blocks = export_message(w, data, summary, heading=heading, show_block=fmt in ("text", "all"))
    channel = dm_channel(client, user_id)
    if channel is None:
        send_dm(client, user_id, text, blocks)
        return False
    try:
        client.chat_postMessage(channel=channel, text=text, blocks=blocks, mrkdwn=False, unfurl_links=False)
    except SlackApiError as error:
        log.warning("export message failed: %s", slack_error(error))
    return _upload_files(w, client, user_id, channel, data, summary.number, fmt)


def _upload_files(
    w: Words,
    client: WebClient,
    user_id: str,
    channel: str,
    data: export_service.ExportData,
    number: int,
    fmt: str,
) -> bool:
    stem = f"letter-{data.letter_id}-export-{number}"
    uploads = []
    if fmt in ("text", "all"):
        uploads.append(
            {
                "content": export_service.text_block(data),
                "filename": f"{stem}-signatories.txt",
                "title": w.txt_title(data.title, number),
            }
        )
    if fmt in ("csv", "all"):
        uploads.append(
            {
                "content": export_service.csv_text(data, w.csv_labels()),
                "filename": f"{stem}.csv",
                "title": w.csv_title(data.title, number),
            }
        )
    try:
        client.files_upload_v2(
            file_uploads=uploads, channel=channel, initial_comment=w.files_comment(number, data.letter_id)
        )
    except (SlackApiError, SlackRequestError, OSError) as error:
        # The upload URL step is plain HTTP: its failures arrive as urllib errors, not SlackApiError.
        code = slack_error(error) if isinstance(error, SlackApiError) else type(error).__name__
        log.warning("export upload failed: %s", code)
        text = w.upload_failed(code, data.letter_id)
        send_dm(client, user_id, text, [section(text)])
        return False
    return True
