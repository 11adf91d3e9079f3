"""The coordinator's side once a letter exists: finding it, closing, reopening, and the review queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot import ids, viewstate
from bot.blocks import home as home_blocks
from bot.blocks import letter_form as form_blocks
from bot.blocks import review as review_blocks
from bot.blocks.common import Block, actions, context, escape, section
from bot.blocks.signon import message_modal
from bot.flows import words_for
from bot.flows.editing import state_answer, withdraw_signature, withdrawal_text
from bot.flows.letter_form import FIELD_BLOCKS
from bot.flows.lookups import letter_and_view
from bot.flows.replies import reply
from bot.messages import Task
from bot.runtime import Runtime
from bot.services.letters import letters as letter_service
from bot.services.letters import queries as letters
from bot.services.letters.form import LetterFormInput, validate_letter_form
from bot.services.outcomes import Actor
from bot.services.reconfirm import remind_unconfirmed, unconfirmed
from bot.services.signing import duplicates
from bot.services.signing.signing import Withdrawn
from bot.slack.api import open_view
from bot.slack.permissions import people_who_can
from bot.slack.profiles import get_profile
from bot.timeutil import utcnow, zone
from db.enums import LetterStatus
from db.models import Letter


def refusal(runtime: Runtime, user_id: str, task: Task, *, letter_id: int | None = None) -> str:
    w = words_for(runtime, user_id)
    return w.refusal(task, people_who_can(runtime, letter_id=letter_id), for_letter=letter_id is not None)


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

    ``newest_in_channel``: in a channel, the letter posted there most recently, open or closed (export), unless
    several are open there (then a choice, as otherwise); otherwise the one open letter there, or a choice
    when several are open.
    """
    with runtime.db.read() as session:
        if reference:
            return letters.find_letters(session, team_id, reference)
        if channel_id:
            here = letters.letters_posted_in(session, team_id, channel_id, open_only=False)
            open_here = [letter for letter in here if letter.status == LetterStatus.OPEN]
            if here and newest_in_channel and len(open_here) < 2:
                return here[:1]
            if here:
                return open_here[:1] if len(open_here) == 1 else (open_here or here[:1])
        mine = [
            letter
            for letter in letters.recent_letters(session, team_id, limit=50)
            if letters.is_letter_coordinator(session, letter.id, user_id)
        ]
        open_mine = [letter for letter in mine if letter.status == LetterStatus.OPEN]
        return open_mine if len(open_mine) > 1 else (open_mine or mine[:1])


def choose_one(runtime: Runtime, ack: Ack, user_id: str, subcommand: str, reference: str, found: list[Letter]) -> bool:
    """Answer a command that found no letter or several; True when exactly one was found."""
    w = words_for(runtime, user_id)
    if not found:
        ack(text=w.no_letter_found(escape(reference), subcommand))
        return False
    if len(found) > 1:
        listing = "\n".join(f"• {w.letter_choice(subcommand, x.id, escape(x.title))}" for x in found[:15])
        ack(text=w.which_letter(listing))
        return False
    return True


def review_queue(runtime: Runtime, ack: Ack, user_id: str, letter_id: int) -> None:
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        text, blocks = review_blocks.review_message(
            words_for(runtime, user_id),
            letter.id,
            letter.title,
            duplicates.pending_duplicates(session, letter.id),
            duplicates.recent_merges(session, letter.id),
        )
    ack(text=text, blocks=blocks)


def close(runtime: Runtime, user_id: str, letter_id: int) -> str:
    w = words_for(runtime, user_id)
    closed = runtime.db.transaction(
        lambda s: letter_service.close_letter(s, letter_id=letter_id, actor=user_id, now=utcnow())
    )
    if closed is None:
        return w.already_closed(letter_id)
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        waiting, version = unconfirmed(session, letter_id), letter.current_version if letter else 1
    done = w.closed_now(letter_id, escape(closed.title))
    return f"{done}\n{w.not_confirmed(waiting, version)}" if waiting else done


def close_question(runtime: Runtime, user_id: str, letter_id: int) -> tuple[str, list[Block]]:
    """``/signon close``: what closing means for this letter, and the Close button (Slack asks to confirm)."""
    w = words_for(runtime, user_id)
    letter, view = letter_and_view(runtime, letter_id)
    with runtime.db.read() as session:
        waiting = unconfirmed(session, letter_id)
    if letter.status != LetterStatus.OPEN:
        text = w.already_closed(letter_id)
        return text, [section(text)]
    text = w.close_question(letter_id, escape(view.title), view.count)
    blocks: list[Block] = [section(text)]
    if waiting:
        blocks.append(context(w.not_confirmed(waiting, view.version)))
    blocks.append(actions(home_blocks.close_button(w, view), block_id=f"close_{letter_id}"))
    return text, blocks


def remind(runtime: Runtime, user_id: str, letter_id: int, after_round: int | None = None) -> str:
    """Remind the signers who have not confirmed the current version (once per round; see services/reconfirm)."""
    w = words_for(runtime, user_id)
    outcome = runtime.db.transaction(
        lambda s: remind_unconfirmed(s, letter_id=letter_id, actor=user_id, now=utcnow(), after_round=after_round)
    )
    if outcome is None:
        return w.signon_missing()
    if outcome.closed:
        return w.closed_nobody_to_remind(letter_id)
    if outcome.already:
        return w.already_reminded()
    if not outcome.count:
        return w.nobody_to_remind(outcome.version)
    return w.reminding(outcome.count, outcome.version)


def start_reopen(
    runtime: Runtime, client: WebClient, trigger_id: str, user_id: str, letter_id: int, tell: Callable[[str], None]
) -> None:
    """Reopen until the deadline when it is still ahead; otherwise ask for a new deadline in a modal."""
    w = words_for(runtime, user_id)
    now = utcnow()
    letter, view = letter_and_view(runtime, letter_id)
    if letter.status == LetterStatus.OPEN:
        tell(w.already_open(letter_id))
        return
    if letter.deadline_at > now + timedelta(minutes=5):
        reopened = runtime.db.transaction(
            lambda s: letter_service.reopen_letter(
                s, letter_id=letter_id, actor=user_id, deadline_at=letter.deadline_at, now=now
            )
        )
        tell(w.reopened_until_deadline(letter_id, escape(letter.title)) if reopened else w.cannot_reopen())
        return
    profile = get_profile(runtime.db, client, user_id)
    suggested = now.astimezone(zone(profile.tz)).date() + timedelta(days=3)
    open_view(client, trigger_id, form_blocks.reopen_modal(w, view, tz_name=profile.tz, suggested=suggested))


def submit_reopen(
    runtime: Runtime, ack: Ack, body: dict[str, Any], client: WebClient, team_id: str, letter_id: int
) -> None:
    """The new deadline from the reopen modal (the listener middleware checked the letter and the person)."""
    view = body.get("view") or {}
    user_id = body["user"]["id"]
    w = words_for(runtime, user_id)
    with runtime.db.read() as session:
        letter = letters.get_letter(session, letter_id, team_id)
    assert letter is not None
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
    draft, problems = validate_letter_form(raw, tz_name=profile.tz, now=utcnow(), require_channels=False)
    if draft is None:
        errors = {
            FIELD_BLOCKS[k]: w.letter_problem(p) for k, p in problems.items() if k in ("deadline_date", "deadline_time")
        }
        ack(response_action="errors", errors=errors or {ids.DEADLINE_DATE_BLOCK: w.pick_future_deadline()})
        return
    reopened = runtime.db.transaction(
        lambda s: letter_service.reopen_letter(
            s, letter_id=letter_id, actor=user_id, deadline_at=draft.deadline_at, now=utcnow()
        )
    )
    if reopened is None:
        ack(response_action="errors", errors={ids.DEADLINE_DATE_BLOCK: w.letter_already_open()})
        return
    modal = message_modal(w, w.reopened_title(), w.reopened(letter_id, escape(letter.title)))
    ack(response_action="update", view=modal)


def review_merge(
    runtime: Runtime, client: WebClient, respond: Respond, body: dict[str, Any], source_id: int, target_id: int
) -> None:
    user_id = body["user"]["id"]
    w = words_for(runtime, user_id)
    outcome = runtime.db.transaction(
        lambda s: duplicates.merge(
            s, source_id=source_id, target_id=target_id, actor=Actor(user_id), now=utcnow(), is_coordinator=True
        )
    )
    if isinstance(outcome, duplicates.Merged):
        reply(respond, body, client, w.merged(outcome.source_name, outcome.target_name))
    else:
        reply(respond, body, client, w.cannot_merge_any_more(), quoting=False)


def review_unmerge(
    runtime: Runtime, client: WebClient, respond: Respond, body: dict[str, Any], signatory_id: int
) -> None:
    """Undo a merge from the review queue: the organization is listed on its own again, as it was."""
    user_id = body["user"]["id"]
    w = words_for(runtime, user_id)
    outcome = runtime.db.transaction(
        lambda s: duplicates.unmerge(s, source_id=signatory_id, actor=Actor(user_id), now=utcnow())
    )
    if isinstance(outcome, duplicates.Unmerged):
        reply(respond, body, client, w.unmerged(outcome.org_name))
    else:
        reply(respond, body, client, w.cannot_unmerge(), quoting=False)


def review_dismiss(
    runtime: Runtime, client: WebClient, respond: Respond, body: dict[str, Any], signatory_id: int
) -> None:
    user_id = body["user"]["id"]
    w = words_for(runtime, user_id)
    dismissed = runtime.db.transaction(
        lambda s: duplicates.dismiss_duplicate(s, signatory_id=signatory_id, actor=Actor(user_id), now=utcnow())
    )
    # An old queue's button: the sign-on may have been merged, withdrawn or kept apart meanwhile; say which.
    stale = None if dismissed else state_answer(runtime, w, signatory_id)
    if stale:
        reply(respond, body, client, stale)
    else:
        reply(respond, body, client, w.marked_different(), quoting=False)


def remove_signatory(
    runtime: Runtime, client: WebClient, respond: Respond, body: dict[str, Any], signatory_id: int, team_id: str
) -> None:
    user_id = body["user"]["id"]
    w = words_for(runtime, user_id)
    outcome = withdraw_signature(runtime, client, user_id, signatory_id, team_id, reason="removed")
    if isinstance(outcome, Withdrawn):
        reply(respond, body, client, w.removed(outcome.org_name, outcome.letter_title))
    else:
        reply(respond, body, client, withdrawal_text(w, outcome))
