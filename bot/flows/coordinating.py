"""The coordinator's side: draft and post letters, edit, close, reopen, review duplicates."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot import ids, viewstate
from bot.blocks import letters as letter_blocks
from bot.blocks import review as review_blocks
from bot.blocks.common import escape, section
from bot.blocks.signon import message_modal
from bot.flows import Later
from bot.runtime import Runtime
from bot.services import coordinators, posts, signons
from bot.services import letters as letter_service
from bot.services.letters import LetterFormInput
from bot.services.users import get_profile
from bot.settings import format_duration
from bot.slackio import OpenedView, open_view, send_dm, slack_error, update_view
from bot.timeutil import utcnow, zone
from db.engine import StorageUnavailable
from db.models import Letter, LetterStatus

log = logging.getLogger(__name__)

FIELD_BLOCKS = {
    "title": ids.LETTER_TITLE_BLOCK,
    "text": letter_blocks.text_box_block_id(0),
    "deadline_date": ids.DEADLINE_DATE_BLOCK,
    "deadline_time": ids.DEADLINE_TIME_BLOCK,
    "channels": ids.CHANNELS_BLOCK,
    "lead_orgs": ids.LEADS_BLOCK,
    "reminders": ids.REMINDERS_BLOCK,
}


def refusal(runtime: Runtime, action: str, *, letter_id: int | None = None) -> str:
    return f"Only coordinators can {action}: {coordinators.who_can(runtime, letter_id=letter_id)}."


# ---------------------------------------------------------------------------------------------------
# New letters
# ---------------------------------------------------------------------------------------------------


def new_letter(runtime: Runtime, ack: Ack, client: WebClient, command: dict[str, Any], later: Later) -> None:
    user_id = command["user_id"]
    if not coordinators.is_coordinator(runtime, client, user_id):
        ack(text=refusal(runtime, "start letters"))
        return
    ack()
    later("open_new_letter", trigger_id=command["trigger_id"], user_id=user_id)


def open_new_letter_modal(runtime: Runtime, client: WebClient, trigger_id: str, user_id: str) -> None:
    profile = get_profile(runtime.db, client, user_id)
    local_today = utcnow().astimezone(zone(profile.tz)).date()
    defaults = letter_blocks.LetterFormDefaults(
        deadline_date=local_today + timedelta(days=7),
        reminders=", ".join(format_duration(o) for o in runtime.settings.reminder_offsets),
        tz_name=profile.tz,
    )
    open_view(client, trigger_id, letter_blocks.letter_form_modal(defaults))


def _form_input(view: dict[str, Any]) -> LetterFormInput:
    return LetterFormInput(
        title=viewstate.text(view, ids.LETTER_TITLE_BLOCK, ids.LETTER_TITLE_INPUT),
        text_parts=tuple(
            viewstate.text(view, letter_blocks.text_box_block_id(i), ids.LETTER_TEXT_INPUT)
            for i in range(letter_blocks.LETTER_TEXT_BOXES)
        ),
        deadline_date=viewstate.date_value(view, ids.DEADLINE_DATE_BLOCK, ids.DEADLINE_DATE_INPUT),
        deadline_time=viewstate.time_value(view, ids.DEADLINE_TIME_BLOCK, ids.DEADLINE_TIME_INPUT),
        channels=viewstate.conversations(view, ids.CHANNELS_BLOCK, ids.CHANNELS_INPUT),
        lead_orgs=viewstate.text(view, ids.LEADS_BLOCK, ids.LEADS_INPUT),
        reminders=viewstate.text(view, ids.REMINDERS_BLOCK, ids.REMINDERS_INPUT),
        cocoordinators=viewstate.users(view, ids.COCOORDINATORS_BLOCK, ids.COCOORDINATORS_INPUT),
    )


def channel_problems(client: WebClient, channels: tuple[str, ...]) -> str | None:
    """Why the bot cannot post in some of ``channels``, as one inline error; None when it can post in all."""

    def check(channel_id: str) -> str | None:
        try:
            info = client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as error:
            if slack_error(error) == "channel_not_found":
                return f"<#{channel_id}> is private and signon isn't in it: type /invite @signon there first"
            return f"<#{channel_id}> could not be checked ({slack_error(error)})"
        if info.get("is_archived"):
            return f"#{info.get('name', channel_id)} is archived"
        if info.get("is_im") or info.get("is_mpim"):
            return "direct messages can't hold a letter; pick channels"
        if info.get("is_private") and not info.get("is_member"):
            return (
                f"#{info.get('name', channel_id)} is private and signon isn't in it: type /invite @signon there first"
            )
        return None

    with ThreadPoolExecutor(max_workers=min(8, max(1, len(channels)))) as pool:
        problems = [p for p in pool.map(check, channels) if p]
    if not problems:
        return None
    return ("; ".join(problems) + ". Or remove it from the list.")[:1900]


def submit_new(runtime: Runtime, ack: Ack, body: dict[str, Any], client: WebClient, team_id: str, later: Later) -> None:
    view = body.get("view") or {}
    user_id = body["user"]["id"]
    if not coordinators.is_coordinator(runtime, client, user_id):
        ack(response_action="errors", errors={ids.LETTER_TITLE_BLOCK: refusal(runtime, "start letters")})
        return
    profile = get_profile(runtime.db, client, user_id)
    draft, errors = letter_service.validate_letter_form(_form_input(view), tz_name=profile.tz, now=utcnow())
    if draft is not None and (problem := channel_problems(client, draft.channels)):
        errors = {"channels": problem}
        draft = None
    if draft is None:
        ack(
            response_action="errors", errors={FIELD_BLOCKS.get(k, ids.LETTER_TITLE_BLOCK): v for k, v in errors.items()}
        )
        return
    now = utcnow()
    enterprise_id = (body.get("enterprise") or {}).get("id") if isinstance(body.get("enterprise"), dict) else None

    def create(session: Session) -> int:
        letter = letter_service.create_letter(
            session, team_id=team_id, enterprise_id=enterprise_id, actor=user_id, draft=draft, now=now
        )
        posts.record_pending_posts(session, letter.id, list(draft.channels), user_id, now)
        return letter.id

    try:
        letter_id = runtime.db.transaction(create)
    except StorageUnavailable:
        ack(
            response_action="errors",
            errors={
                ids.LETTER_TITLE_BLOCK: "The database is not accepting changes right now; "
                "nothing was saved. Please try again shortly."
            },
        )
        return
    ack(
        response_action="update",
        view=message_modal(
            "Letter created",
            f":hourglass_flowing_sand: Posting *#{letter_id} "
            f"{escape(draft.title)}* to {len(draft.channels)} channel(s)…",
        ),
    )
    later("post_letter", letter_id=letter_id, title=draft.title, view_id=view["id"], user_id=user_id)


def post_new_letter(
    runtime: Runtime, client: WebClient, letter_id: int, title: str, view_id: str, user_id: str
) -> None:
    """After the acknowledgement: post in every channel, then tell the coordinator what happened where."""
    report = posts.deliver_pending_posts(runtime, client, letter_blocks.letter_post, letter_id)
    text = post_report_text(letter_id, title, report)
    update_view(client, OpenedView(view_id, None), message_modal("Letter posted", text))
    send_dm(client, user_id, text, [section(text)])


def post_report_text(letter_id: int, title: str, report: posts.PostReport) -> str:
    lines = [f"*#{letter_id} {escape(title)}*"]
    if report.posted:
        lines.append(":white_check_mark: Posted in " + ", ".join(f"<#{c}>" for c in report.posted))
    if report.joined:
        lines.append(":door: Joined " + ", ".join(f"<#{c}>" for c in report.joined) + " to post there")
    for channel_id in report.needs_invite:
        lines.append(
            f":warning: Couldn't post in <#{channel_id}>: type `/invite @signon` in that channel, then "
            f"`/signon edit {letter_id}` and pick it under *Also post to channels*."
        )
    for channel_id, code in report.failed:
        lines.append(f":x: Couldn't post in <#{channel_id}> ({code}).")
    lines.append(f"Members sign with the button on the post or `/signon {letter_id}`.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------
# Managing an existing letter
# ---------------------------------------------------------------------------------------------------


def pick_letter(
    runtime: Runtime,
    team_id: str,
    user_id: str,
    channel_id: str | None,
    reference: str,
    *,
    newest_in_channel: bool = False,
) -> list[Letter]:
    """The letter a coordinator command is about: named, posted in this channel, or their newest.

    ``newest_in_channel``: in a channel, the letter posted there most recently, open or closed (export);
    otherwise the one open letter there, or a choice when several are open.
    """
    with runtime.db.read() as session:
        if reference:
            return letter_service.find_letters(session, team_id, reference)
        if channel_id:
            here = letter_service.letters_posted_in(session, team_id, channel_id, open_only=False)
            if here and newest_in_channel:
                return here[:1]
            if here:
                open_here = [letter for letter in here if letter.status == LetterStatus.OPEN]
                return open_here[:1] if len(open_here) == 1 else (open_here or here[:1])
        mine = [
            letter
            for letter in letter_service.recent_letters(session, team_id, limit=50)
            if letter_service.is_letter_coordinator(session, letter.id, user_id)
        ]
        open_mine = [letter for letter in mine if letter.status == LetterStatus.OPEN]
        return open_mine if len(open_mine) > 1 else (open_mine or mine[:1])


def manage_command(
    runtime: Runtime,
    ack: Ack,
    client: WebClient,
    command: dict[str, Any],
    team_id: str,
    subcommand: str,
    reference: str,
    later: Later,
) -> None:
    user_id = command["user_id"]
    found = pick_letter(runtime, team_id, user_id, command.get("channel_id"), reference)
    if not found:
        what = f"matching “{escape(reference)}”" if reference else "for you here"
        ack(text=f"I couldn't find a letter {what}. `/signon list` shows the open ones; use `/signon {subcommand} 12`.")
        return
    if len(found) > 1:
        listing = "\n".join(f"• `/signon {subcommand} {letter.id}` — {escape(letter.title)}" for letter in found[:15])
        ack(text=f"Which letter?\n{listing}")
        return
    letter = found[0]
    if not coordinators.can_manage(runtime, client, user_id, letter.id):
        verbs = {
            "edit": "edit this letter",
            "close": "close this letter",
            "reopen": "reopen this letter",
            "review": "review this letter's duplicates",
        }
        ack(text=refusal(runtime, verbs[subcommand], letter_id=letter.id))
        return
    if subcommand == "edit":
        ack()
        later("open_edit_letter", trigger_id=command["trigger_id"], user_id=user_id, letter_id=letter.id)
    elif subcommand == "close":
        ack(text=close(runtime, user_id, letter.id))
    elif subcommand == "reopen":
        ack()
        later("start_reopen", trigger_id=command["trigger_id"], user_id=user_id, letter_id=letter.id)
    elif subcommand == "review":
        with runtime.db.read() as session:
            pairs = signons.pending_duplicates(session, letter.id)
            title = letter.title
        text, blocks = review_blocks.review_message(letter.id, title, pairs)
        ack(text=text, blocks=blocks)


def open_edit_modal(runtime: Runtime, client: WebClient, trigger_id: str, user_id: str, letter_id: int) -> None:
    opened = open_view(client, trigger_id, message_modal("Edit letter", ":hourglass_flowing_sand: Loading…"))
    if opened is None:
        return
    profile = get_profile(runtime.db, client, user_id)
    tz = zone(profile.tz)
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        local_deadline = letter.deadline_at.astimezone(tz)
        defaults = letter_blocks.LetterFormDefaults(
            title=letter.title,
            text=letter.versions[-1].text,
            deadline_date=local_deadline.date(),
            deadline_time=local_deadline.strftime("%H:%M"),
            lead_orgs=[lead.name for lead in letter.lead_organizations],
            reminders=", ".join(part for part in letter.reminder_schedule.split(",") if part),
            cocoordinators=[c.user_id for c in letter.coordinators if c.role == "co"],
            tz_name=profile.tz,
        )
    update_view(client, opened, letter_blocks.letter_form_modal(defaults, editing_letter_id=letter_id))


def submit_edit(
    runtime: Runtime, ack: Ack, body: dict[str, Any], client: WebClient, team_id: str, later: Later
) -> None:
    view = body.get("view") or {}
    user_id = body["user"]["id"]
    try:
        letter_id = int(json.loads(view.get("private_metadata") or "{}")["letter_id"])
    except (KeyError, TypeError, ValueError):
        ack(
            response_action="errors",
            errors={ids.LETTER_TITLE_BLOCK: "This form is out of date; close it and try again."},
        )
        return
    with runtime.db.read() as session:
        letter = letter_service.get_letter(session, letter_id, team_id)
    if letter is None:
        ack(response_action="errors", errors={ids.LETTER_TITLE_BLOCK: "This letter no longer exists."})
        return
    if not coordinators.can_manage(runtime, client, user_id, letter_id):
        ack(
            response_action="errors",
            errors={ids.LETTER_TITLE_BLOCK: refusal(runtime, "edit this letter", letter_id=letter_id)},
        )
        return
    profile = get_profile(runtime.db, client, user_id)
    raw = _form_input(view)
    draft, errors = letter_service.validate_letter_form(
        raw, tz_name=profile.tz, now=utcnow(), require_channels=False, unchanged_deadline=letter.deadline_at
    )
    if draft is not None and (problem := channel_problems(client, draft.channels)):
        errors, draft = {"channels": problem}, None
    if draft is None:
        ack(
            response_action="errors", errors={FIELD_BLOCKS.get(k, ids.LETTER_TITLE_BLOCK): v for k, v in errors.items()}
        )
        return
    substantive = ids.SUBSTANTIVE_VALUE in viewstate.checked(view, ids.SUBSTANTIVE_BLOCK, ids.SUBSTANTIVE_INPUT)
    change_note = viewstate.text(view, ids.CHANGE_NOTE_BLOCK, ids.CHANGE_NOTE_INPUT)
    now = utcnow()

    def work(session: Session) -> letter_service.EditResult:
        row = session.get(Letter, letter_id)
        assert row is not None
        result = letter_service.edit_letter(
            session, letter=row, actor=user_id, draft=draft, substantive=substantive, change_note=change_note, now=now
        )
        posts.record_pending_posts(session, letter_id, result.channels_added, user_id, now)
        return result

    try:
        result = runtime.db.transaction(work)
    except StorageUnavailable:
        ack(
            response_action="errors",
            errors={ids.LETTER_TITLE_BLOCK: "The database is not accepting changes right now."},
        )
        return
    ack()
    lines = [f":pencil2: Saved *#{letter_id} {escape(draft.title)}*."]
    if result.new_version:
        lines.append(
            f"The text is now version {result.new_version}"
            + (
                f"; {len(result.reconfirm_signatory_ids)} signer(s) will be asked to confirm again."
                if result.substantive
                else "; earlier signatures carry over."
            )
        )
    if result.deadline_changed:
        lines.append("The deadline changed; reminders follow the new deadline.")
    later(
        "after_letter_edit",
        letter_id=letter_id,
        title=draft.title,
        user_id=user_id,
        lines=lines,
        post=bool(result.channels_added),
    )


def after_letter_edit(
    runtime: Runtime, client: WebClient, letter_id: int, title: str, user_id: str, lines: list[str], post: bool
) -> None:
    """After the acknowledgement: post in channels just added, then DM the coordinator a summary."""
    if post:
        report = posts.deliver_pending_posts(runtime, client, letter_blocks.letter_post, letter_id)
        lines = [*lines, post_report_text(letter_id, title, report)]
    text = "\n".join(lines)
    send_dm(client, user_id, text, [section(text)])


def close(runtime: Runtime, user_id: str, letter_id: int) -> str:
    closed = runtime.db.transaction(
        lambda s: letter_service.close_letter(s, letter_id=letter_id, actor=user_id, now=utcnow())
    )
    if closed is None:
        return f"Letter #{letter_id} is already closed. `/signon reopen {letter_id}` opens it again."
    return (
        f":lock: Closed *#{letter_id} {escape(closed.title)}*. The posts are being updated and the coordinators "
        f"will get the final count and the export. `/signon reopen {letter_id}` opens it again."
    )


def start_reopen(
    runtime: Runtime, client: WebClient, trigger_id: str, user_id: str, letter_id: int, tell: Callable[[str], None]
) -> None:
    now = utcnow()
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        view = letter_service.letter_view(session, letter, recent=0)
    if letter.status == LetterStatus.OPEN:
        tell(f"Letter #{letter_id} is already open.")
        return
    if letter.deadline_at > now + timedelta(minutes=5):
        reopened = runtime.db.transaction(
            lambda s: letter_service.reopen_letter(
                s, letter_id=letter_id, actor=user_id, deadline_at=letter.deadline_at, now=now
            )
        )
        tell(
            f":unlock: Reopened *#{letter_id} {escape(letter.title)}* until its deadline."
            if reopened
            else "That letter could not be reopened."
        )
        return
    profile = get_profile(runtime.db, client, user_id)
    suggested = now.astimezone(zone(profile.tz)).date() + timedelta(days=3)
    open_view(client, trigger_id, letter_blocks.reopen_modal(view, tz_name=profile.tz, suggested=suggested))


def submit_reopen(runtime: Runtime, ack: Ack, body: dict[str, Any], client: WebClient, team_id: str) -> None:
    view = body.get("view") or {}
    user_id = body["user"]["id"]
    try:
        letter_id = int(json.loads(view.get("private_metadata") or "{}")["letter_id"])
    except (KeyError, TypeError, ValueError):
        ack(
            response_action="errors",
            errors={ids.DEADLINE_DATE_BLOCK: "This form is out of date; close it and try again."},
        )
        return
    with runtime.db.read() as session:
        letter = letter_service.get_letter(session, letter_id, team_id)
    if letter is None or not coordinators.can_manage(runtime, client, user_id, letter_id):
        ack(
            response_action="errors",
            errors={ids.DEADLINE_DATE_BLOCK: refusal(runtime, "reopen this letter", letter_id=letter_id)},
        )
        return
    profile = get_profile(runtime.db, client, user_id)
    raw = LetterFormInput(
        title=letter.title,
        text_parts=("x",),
        channels=(),
        lead_orgs=None,
        reminders=letter.reminder_schedule,
        deadline_date=viewstate.date_value(view, ids.DEADLINE_DATE_BLOCK, ids.DEADLINE_DATE_INPUT),
        deadline_time=viewstate.time_value(view, ids.DEADLINE_TIME_BLOCK, ids.DEADLINE_TIME_INPUT),
    )
    draft, errors = letter_service.validate_letter_form(raw, tz_name=profile.tz, now=utcnow(), require_channels=False)
    if draft is None:
        ack(
            response_action="errors",
            errors={
                FIELD_BLOCKS.get(k, ids.DEADLINE_DATE_BLOCK): v
                for k, v in errors.items()
                if k in ("deadline_date", "deadline_time")
            }
            or {ids.DEADLINE_DATE_BLOCK: "Pick a future deadline."},
        )
        return
    reopened = runtime.db.transaction(
        lambda s: letter_service.reopen_letter(
            s, letter_id=letter_id, actor=user_id, deadline_at=draft.deadline_at, now=utcnow()
        )
    )
    if reopened is None:
        ack(response_action="errors", errors={ids.DEADLINE_DATE_BLOCK: "This letter is already open."})
        return
    ack(
        response_action="update",
        view=message_modal(
            "Letter reopened",
            f":unlock: *#{letter_id} {escape(letter.title)}* is open again. The posts are being updated.",
        ),
    )
