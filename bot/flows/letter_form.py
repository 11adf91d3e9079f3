"""Drafting and editing a letter: the modal, its checks (with the channels asked of Slack), saving, posting."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import ids, viewstate
from bot.blocks import letter_form as form_blocks
from bot.blocks.common import escape, section
from bot.blocks.signon import message_modal
from bot.delivery.posts import PostReport, deliver_pending_posts
from bot.flows import Later, words_for
from bot.flows.public_page import page_line_of
from bot.messages import Words
from bot.runtime import Runtime
from bot.services import posts
from bot.services.layout import DocumentLayout
from bot.services.letters import letters
from bot.services.letters.form import LetterDraft, LetterFormInput, LetterParts, WebPage, validate_letter_form
from bot.services.letters.queries import get_letter
from bot.services.letters.translations import parts_of, text_at
from bot.services.outcomes import Problem
from bot.settings import format_duration
from bot.slack.api import OpenedView, open_view, send_dm, update_view
from bot.slack.channels import channel_problems
from bot.slack.profiles import get_profile
from bot.timeutil import utcnow, zone
from db.engine import StorageUnavailable
from db.enums import CoordinatorRole
from db.models import Letter

INTERACTIVE_BUDGET = 4.0

FIELD_BLOCKS = {
    "title": ids.LETTER_TITLE_BLOCK,
    "text": form_blocks.text_box_block_id(0),
    "deadline_date": ids.DEADLINE_DATE_BLOCK,
    "deadline_time": ids.DEADLINE_TIME_BLOCK,
    "channels": ids.CHANNELS_BLOCK,
    "lead_orgs": ids.LEADS_BLOCK,
    "reminders": ids.REMINDERS_BLOCK,
    "translation_title": ids.TRANSLATION_TITLE_BLOCK,
    "translation_text": form_blocks.translation_box_block_id(0),
    "web_contact": ids.WEB_CONTACT_BLOCK,
    **ids.LETTER_PART_BLOCKS,
}


def letter_errors(w: Words, problems: dict[str, Problem]) -> dict[str, str]:
    return {FIELD_BLOCKS.get(k, ids.LETTER_TITLE_BLOCK): w.letter_problem(p) for k, p in problems.items()}


def form_input(view: dict[str, Any]) -> LetterFormInput:
    return LetterFormInput(
        title=viewstate.text(view, ids.LETTER_TITLE_BLOCK, ids.LETTER_TITLE_INPUT),
        text_parts=tuple(
            viewstate.text(view, form_blocks.text_box_block_id(i), ids.LETTER_TEXT_INPUT)
            for i in range(form_blocks.LETTER_TEXT_BOXES)
        ),
        deadline_date=viewstate.date_value(view, ids.DEADLINE_DATE_BLOCK, ids.DEADLINE_DATE_INPUT),
        deadline_time=viewstate.time_value(view, ids.DEADLINE_TIME_BLOCK, ids.DEADLINE_TIME_INPUT),
        channels=viewstate.conversations(view, ids.CHANNELS_BLOCK, ids.CHANNELS_INPUT),
        lead_orgs=viewstate.text(view, ids.LEADS_BLOCK, ids.LEADS_INPUT),
        reminders=viewstate.text(view, ids.REMINDERS_BLOCK, ids.REMINDERS_INPUT),
        cocoordinators=viewstate.users(view, ids.COCOORDINATORS_BLOCK, ids.COCOORDINATORS_INPUT),
        open_to_workspace=ids.WHOLE_WORKSPACE_VALUE in viewstate.checked(view, ids.AUDIENCE_BLOCK, ids.AUDIENCE_INPUT),
        language=viewstate.selected(view, ids.LETTER_LANGUAGE_BLOCK, ids.LETTER_LANGUAGE_INPUT),
        translation_title=viewstate.text(view, ids.TRANSLATION_TITLE_BLOCK, ids.TRANSLATION_TITLE_INPUT),
        translation_text_parts=tuple(
            viewstate.text(view, form_blocks.translation_box_block_id(i), ids.TRANSLATION_TEXT_INPUT)
            for i in range(form_blocks.LETTER_TEXT_BOXES)
        ),
        parts={name: viewstate.text(view, block_id, block_id) for name, block_id in ids.LETTER_PART_BLOCKS.items()},
        document_columns=viewstate.selected(view, ids.DOCUMENT_COLUMNS_BLOCK, ids.DOCUMENT_COLUMNS_INPUT),
        document_grouping=viewstate.selected(view, ids.DOCUMENT_GROUPING_BLOCK, ids.DOCUMENT_GROUPING_INPUT),
        web=web_input(view),
    )


def web_input(view: dict[str, Any]) -> WebPage:
    checked = viewstate.checked(view, ids.WEB_BLOCK, ids.WEB_INPUT)
    return WebPage(
        enabled=ids.WEB_ENABLED_VALUE in checked,
        show_list=ids.WEB_LIST_VALUE in checked,
        require_approval=ids.WEB_APPROVAL_VALUE in checked,
        contact=viewstate.text(view, ids.WEB_CONTACT_BLOCK, ids.WEB_CONTACT_INPUT) or "",
    )


def _checked_draft(
    w: Words, client: WebClient, draft: LetterDraft | None, problems: dict[str, Problem]
) -> tuple[LetterDraft | None, dict[str, str]]:
    """The draft if the form is valid and the bot can post in every channel picked; else the inline errors."""
    errors = letter_errors(w, problems)
    if draft is not None and (trouble := channel_problems(client, draft.channels)):
        return None, {ids.CHANNELS_BLOCK: w.channel_problems(trouble)}
    return draft, errors


def open_new_letter_modal(runtime: Runtime, client: WebClient, trigger_id: str, user_id: str) -> None:
    profile = get_profile(runtime.db, client, user_id)
    local_today = utcnow().astimezone(zone(profile.tz)).date()
    w = words_for(runtime, user_id)
    defaults = form_blocks.LetterFormDefaults(
        deadline_date=local_today + timedelta(days=7),
        reminders=", ".join(format_duration(o) for o in runtime.settings.reminder_offsets),
        tz_name=profile.tz,
        # A coordinator most likely writes in the language they read signon in.
        language=w.language,
        parts=LetterParts(closing=w.default_closing()),
    )
    open_view(client, trigger_id, form_blocks.letter_form_modal(w, defaults))


def submit_new(runtime: Runtime, ack: Ack, body: dict[str, Any], client: WebClient, team_id: str, later: Later) -> None:
    """The coordinator's new letter (who may start letters is checked before this, by the listener)."""
    view = body.get("view") or {}
    user_id = body["user"]["id"]
    w = words_for(runtime, user_id)
    profile = get_profile(runtime.db, client, user_id)
    checked = validate_letter_form(form_input(view), tz_name=profile.tz, now=utcnow(), default_language=w.language)
    draft, errors = _checked_draft(w, client, *checked)
    if draft is None:
        ack(response_action="errors", errors=errors)
        return
    now = utcnow()
    enterprise = body.get("enterprise")
    enterprise_id = enterprise.get("id") if isinstance(enterprise, dict) else None

    def create(session: Session) -> int:
        letter = letters.create_letter(
            session, team_id=team_id, enterprise_id=enterprise_id, actor=user_id, draft=draft, now=now
        )
        posts.record_pending_posts(session, letter.id, list(draft.channels), user_id, now)
        return letter.id

    try:
        letter_id = runtime.db.transaction(create)
    except StorageUnavailable:
        ack(response_action="errors", errors={ids.LETTER_TITLE_BLOCK: w.storage_down_short()})
        return
    text = w.posting_letter(letter_id, escape(draft.title), len(draft.channels))
    ack(response_action="update", view=message_modal(w, w.letter_created_title(), text))
    later("post_letter", letter_id=letter_id, title=draft.title, view_id=view["id"], user_id=user_id)


def post_report_text(w: Words, letter_id: int, title: str, report: PostReport) -> str:
    lines = [w.report_heading(letter_id, escape(title))]
    if report.posted:
        lines.append(w.posted_in(", ".join(f"<#{c}>" for c in report.posted)))
    if report.joined:
        lines.append(w.joined(", ".join(f"<#{c}>" for c in report.joined)))
    lines.extend(w.invite_needed(f"<#{channel_id}>", letter_id) for channel_id in report.needs_invite)
    lines.extend(w.post_failed(f"<#{channel_id}>", code) for channel_id, code in report.failed)
    lines.extend(w.post_retrying(f"<#{channel_id}>", code) for channel_id, code in report.retrying)
    lines.append(w.how_members_sign(letter_id))
    return "\n".join(lines)


def post_new_letter(
    runtime: Runtime, client: WebClient, letter_id: int, title: str, view_id: str, user_id: str
) -> None:
    """After the acknowledgement: post in every channel, then tell the coordinator what happened where."""
    w = words_for(runtime, user_id)
    # The coordinator is waiting: a few seconds of trying, then the letters job takes over.
    report = deliver_pending_posts(runtime, client, letter_id, budget_seconds=INTERACTIVE_BUDGET)
    text = post_report_text(w, letter_id, title, report)
    if line := page_line_of(runtime, w, letter_id):
        text = f"{text}\n{line}"
    update_view(client, OpenedView(view_id, None), message_modal(w, w.letter_posted_title(), text))
    send_dm(client, user_id, text, [section(text)])


def open_edit_modal(runtime: Runtime, client: WebClient, trigger_id: str, user_id: str, letter_id: int) -> None:
    w = words_for(runtime, user_id)
    opened = open_view(client, trigger_id, message_modal(w, w.edit_letter_title(), w.loading()))
    if opened is None:
        return
    profile = get_profile(runtime.db, client, user_id)
    tz = zone(profile.tz)
    with runtime.db.read() as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        local_deadline = letter.deadline_at.astimezone(tz)
        translation = next(iter(letter.translations), None)
        translated = text_at(letter, translation.language) if translation else None
        main = text_at(letter, letter.language)
        defaults = form_blocks.LetterFormDefaults(
            title=letter.title,
            text=main.text if main else "",
            deadline_date=local_deadline.date(),
            deadline_time=local_deadline.strftime("%H:%M"),
            lead_orgs=[lead.name for lead in letter.lead_organizations],
            reminders=", ".join(part for part in letter.reminder_schedule.split(",") if part),
            cocoordinators=[c.user_id for c in letter.coordinators if c.role == CoordinatorRole.CO],
            open_to_workspace=letter.open_to_workspace,
            tz_name=profile.tz,
            language=letter.language,
            translation_title=translation.title if translation else "",
            translation_text=translated.text if translated else "",
            parts=parts_of(main),
            layout=DocumentLayout.stored(letter.document_columns, letter.document_grouping),
            web=WebPage(
                letter.web_enabled, letter.web_show_list, letter.web_require_approval, letter.web_contact or ""
            ),
        )
    update_view(client, opened, form_blocks.letter_form_modal(w, defaults, editing_letter_id=letter_id))


def submit_edit(
    runtime: Runtime, ack: Ack, body: dict[str, Any], client: WebClient, team_id: str, later: Later, letter_id: int
) -> None:
    """A coordinator's edit (who may edit this letter is checked before this, by the listener middleware)."""
    view = body.get("view") or {}
    user_id = body["user"]["id"]
    w = words_for(runtime, user_id)
    with runtime.db.read() as session:
        letter = get_letter(session, letter_id, team_id)
    assert letter is not None
    profile = get_profile(runtime.db, client, user_id)
    # An edit keeps the letter's main language, whatever a crafted payload says.
    checked = validate_letter_form(
        replace(form_input(view), language=letter.language),
        tz_name=profile.tz,
        now=utcnow(),
        require_channels=False,
        unchanged_deadline=letter.deadline_at,
    )
    draft, errors = _checked_draft(w, client, *checked)
    if draft is None:
        ack(response_action="errors", errors=errors)
        return
    substantive = ids.SUBSTANTIVE_VALUE in viewstate.checked(view, ids.SUBSTANTIVE_BLOCK, ids.SUBSTANTIVE_INPUT)
    change_note = viewstate.text(view, ids.CHANGE_NOTE_BLOCK, ids.CHANGE_NOTE_INPUT)
    now = utcnow()

    def work(session: Session) -> letters.EditResult:
        row = session.get(Letter, letter_id)
        assert row is not None
        result = letters.edit_letter(
            session, letter=row, actor=user_id, draft=draft, substantive=substantive, change_note=change_note, now=now
        )
        posts.record_pending_posts(session, letter_id, result.channels_added, user_id, now)
        return result

    try:
        result = runtime.db.transaction(work)
    except StorageUnavailable:
        ack(response_action="errors", errors={ids.LETTER_TITLE_BLOCK: w.storage_down_short()})
        return
    ack()
    lines = [w.saved_letter(letter_id, escape(draft.title))]
    if result.new_version:
        reconfirm = len(result.reconfirm_signatory_ids) if result.substantive else None
        lines.append(w.new_version(result.new_version, reconfirm))
    lines.extend(w.translation_added(language) for language in result.translations_added)
    lines.extend(w.translation_updated(language) for language in result.translations_updated)
    lines.extend(w.translation_removed(language) for language in result.translations_removed)
    if result.deadline_changed:
        lines.append(w.deadline_moved())
    if result.layout_changed:
        lines.append(w.document_layout_changed())
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
        report = deliver_pending_posts(runtime, client, letter_id, budget_seconds=INTERACTIVE_BUDGET)
        lines = [*lines, post_report_text(words_for(runtime, user_id), letter_id, title, report)]
    if line := page_line_of(runtime, words_for(runtime, user_id), letter_id):
        lines = [*lines, line]
    text = "\n".join(lines)
    send_dm(client, user_id, text, [section(text)])
