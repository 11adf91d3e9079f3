"""Block Kit for reminder DMs, coordinator digests, re-confirmation requests and the close notice."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import ids
from bot.blocks.common import Block, actions, button, context, escape, plain, section, truncate
from bot.blocks.signon import withdraw_confirm
from bot.contracts import LetterButton, SignatoryButton, Source
from bot.messages import Words
from bot.services.digests import RunDigest, SignonDigest
from bot.services.letters.queries import LetterView
from bot.settings import format_duration


def reminder_message(w: Words, letter: LetterView, now: datetime) -> tuple[str, list[Block]]:
    letter = letter.in_language(w.language)
    left = w.time_left(letter.deadline_at - now)
    letter_ref = LetterButton(letter.id).dump()
    blocks: list[Block] = [
        section(w.reminder_text(escape(letter.title), w.deadline_date(letter.deadline_at), left, letter.count)),
        actions(
            button(
                w.sign_on_button(),
                ids.SIGN_ON_BUTTON,
                LetterButton(letter.id, Source.REMINDER_DM).dump(),
                style="primary",
            ),
            button(w.read_the_letter(), ids.READ_LETTER_BUTTON, letter_ref),
            block_id=f"remind_{letter.id}",
        ),
        actions(
            button(w.org_already_signed_button(), ids.ORG_ALREADY_SIGNED, letter_ref),
            button(w.stop_reminders_button(), ids.STOP_REMINDERS, letter_ref),
            block_id=f"remind_mute_{letter.id}",
        ),
        context(w.why_reminded()),
    ]
    return escape(w.reminder_notification(letter.title, left)), blocks


def run_digest_message(w: Words, digest: RunDigest) -> tuple[str, list[Block]]:
    offset = format_duration(timedelta(seconds=digest.offset_seconds))
    reminded = digest.reminded
    mentions = ", ".join(f"<@{u}>" for u in reminded[:40])
    lines = [
        w.reminder_went_out(offset, digest.letter_id, escape(digest.title)),
        w.signed_and_new(digest.count, digest.new_since_last),
        w.reminded_members(len(reminded), mentions, len(reminded) - 40),
    ]
    if digest.failed:
        lines.append(w.reminders_undelivered(digest.failed))
    blocks: list[Block] = [section(truncate("\n".join(lines), 2900))]
    if digest.skipped_note:
        blocks.append(context(escape(w.not_reminded(digest.skipped_note))))
    return escape(w.run_digest_notification(digest.title, digest.count)), blocks


def signon_digest_message(w: Words, digest: SignonDigest) -> tuple[str, list[Block]]:
    web = f" ({w.source_name('web')})"
    names = [f"{name}{web}" if name in digest.from_web else name for name in digest.new_names]
    blocks: list[Block] = [
        section(w.new_signons(len(names), digest.letter_id, escape(digest.title), digest.count)),
        context(plain(truncate(w.new_list(", ".join(names)), 2000), emoji=False)),
    ]
    if digest.duplicates:
        blocks.append(context(w.duplicates_to_review_where(digest.duplicates, digest.letter_id)))
    if digest.pending_web:
        blocks.append(context(w.web_pending_digest(digest.pending_web)))
    return escape(w.signon_digest_notification(len(names), digest.title)), blocks


def reconfirm_message(
    w: Words,
    letter: LetterView,
    org_name: str,
    signatory_id: int,
    diff: str,
    change_note: str | None,
    *,
    diff_language: str | None = None,
    signed_version: int | None = None,
    reminder: bool = False,
) -> tuple[str, list[Block]]:
    """Asking a signer to keep or withdraw their signature, and saying what happens if they do nothing and by
    when; ``diff_language`` when the diff is of another text than the one in the reader's language (only that
    one changed); ``reminder`` when the coordinators asked again."""
    letter = letter.in_language(w.language)
    signatory = SignatoryButton(signatory_id).dump()
    blocks: list[Block] = [section(w.reconfirm_reminder())] if reminder else []
    blocks += [
        section(w.letter_changed(escape(letter.title), letter.version)),
        context(plain(org_name, emoji=False)),
    ]
    if change_note:
        blocks.append(section(w.what_changed(escape(truncate(change_note, 1500)))))
    if diff:
        code = "```" + escape(truncate(diff, 2700)).replace("```", "'''") + "```"
        blocks.append(section(f"{w.changes_in(diff_language)}\n{code}" if diff_language else code))
    blocks.append(
        context(w.reconfirm_if_nothing(signed_version or 1, letter.version, w.deadline_date(letter.deadline_at)))
    )
    blocks.append(
        actions(
            button(w.keep_my_signature(), ids.KEEP_SIGNATURE, signatory, style="primary"),
            button(
                w.withdraw(),
                ids.WITHDRAW_AFTER_CHANGE,
                signatory,
                style="danger",
                confirm=withdraw_confirm(w, org_name, letter.title),
            ),
            button(w.read_the_letter(), ids.READ_LETTER_BUTTON, LetterButton(letter.id).dump()),
            block_id=f"reconfirm_{signatory_id}",
        )
    )
    notification = w.reconfirm_reminder_notification if reminder else w.reconfirm_notification
    return escape(notification(letter.title)), blocks


def closed_message(
    w: Words,
    title: str,
    letter_id: int,
    count: int,
    closed_at: datetime,
    automatic: bool,
    listed_leads: int = 0,
    *,
    unconfirmed: int = 0,
    version: int = 1,
) -> tuple[str, list[Block]]:
    text = w.letter_closed_notice(letter_id, escape(title), automatic, w.deadline_date(closed_at), count)
    blocks = [section(text)]
    if listed_leads:
        blocks.append(context(w.count_with_leads(count, listed_leads)))
    if unconfirmed:
        blocks.append(context(w.not_confirmed(unconfirmed, version)))
    return escape(w.closed_notification(title, count)), blocks
