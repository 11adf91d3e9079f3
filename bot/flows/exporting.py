"""``/signon export``: acknowledge at once, then DM the coordinator the block, a .txt and a CSV."""

from __future__ import annotations

from functools import partial

from bot.blocks.common import escape
from bot.blocks.export import export_picker
from bot.flows import words_for
from bot.flows.commands import CommandRequest
from bot.flows.coordinating import pick_letter, refusal
from bot.messages import Task
from bot.runtime import Runtime
from bot.services import export as export_service
from bot.slack.permissions import can_manage, is_coordinator
from bot.timeutil import utcnow
from db.enums import Language


def parse_export_args(rest: str) -> tuple[str, str, bool, Language | None]:
    """(letter reference, format, changes-only, language of the export's words) from the text after ``export``:
    ``12 csv es``, ``changes``, ``en``… in any order after the letter."""
    words = rest.split()
    fmt, changes, language = "all", False, None
    while words and words[-1].lower() in (*export_service.FORMATS, "changes", "diff", *tuple(Language)):
        last = words.pop().lower()
        if last in ("changes", "diff"):
            changes = True
        elif last in tuple(Language):
            language = Language(last)
        else:
            fmt = last
    return " ".join(words), fmt, changes, language


def export_command(request: CommandRequest) -> None:
    runtime, ack, client, user_id = request.runtime, request.ack, request.client, request.user_id
    w = words_for(runtime, user_id)
    reference, fmt, changes, language = parse_export_args(request.rest)
    found = pick_letter(runtime, request.team_id, user_id, request.channel_id, reference, newest_in_channel=True)
    if len(found) != 1 and not is_coordinator(runtime, client, user_id):
        ack(text=refusal(runtime, user_id, Task.EXPORT))
        return
    if not found:
        ack(text=w.nothing_to_export())
        return
    if len(found) > 1:
        ack(text=w.which_to_export(), blocks=export_picker(w, [(x.id, x.title) for x in found], fmt))
        return
    letter = found[0]
    if not can_manage(runtime, client, user_id, letter.id):
        ack(text=refusal(runtime, user_id, Task.EXPORT, letter_id=letter.id))
        return
    response_url = request.command.get("response_url")
    request_id = record_export(runtime, request.team_id, user_id, letter.id, fmt, changes, response_url, language)
    ack(text=w.preparing_export(letter.id, escape(letter.title)))
    request.later("deliver_export", request_id=request_id)


def record_export(
    runtime: Runtime,
    team_id: str,
    user_id: str,
    letter_id: int,
    fmt: str,
    changes_only: bool = False,
    response_url: str | None = None,
    language: Language | None = None,
) -> int:
    """Commit an export request before the acknowledgement: if this process stops, the exports job delivers it."""
    return runtime.db.transaction(
        partial(
            export_service.request_export,
            letter_id=letter_id,
            team_id=team_id,
            user_id=user_id,
            fmt=fmt,
            now=utcnow(),
            changes_only=changes_only,
            response_url=response_url if isinstance(response_url, str) else None,
            language=language,
        )
    )
