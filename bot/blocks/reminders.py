"""Block Kit for reminder DMs, coordinator digests, re-confirmation requests and the close notice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot import ids
from bot.blocks.common import Block, actions, button, context, escape, plain, section, slack_date, truncate
from bot.blocks.letters import organizations
from bot.services.letters import LetterView
from bot.settings import format_duration
from bot.timeutil import humanize_remaining


def reminder_message(letter: LetterView, now: datetime) -> tuple[str, list[Block]]:
    left = humanize_remaining(letter.deadline_at - now)
    blocks: list[Block] = [
        section(
            f":alarm_clock: *Reminder: {escape(letter.title)}*\n"
            f"Sign-ons close {slack_date(letter.deadline_at, '{date_long_pretty} at {time}')} "
            f"(about {left} from now). *{organizations(letter.count)}* have signed so far."
        ),
        actions(
            button("Sign on", ids.SIGN_ON_BUTTON, f"{letter.id}:reminder_dm", style="primary"),
            button("Read the letter", ids.READ_LETTER_BUTTON, str(letter.id)),
            block_id=f"remind_{letter.id}",
        ),
        actions(
            button("My organization already signed", ids.ORG_ALREADY_SIGNED, str(letter.id)),
            button("Stop reminders for this letter", ids.STOP_REMINDERS, str(letter.id)),
            block_id=f"remind_mute_{letter.id}",
        ),
        context("You're getting this because you're in a channel where this letter was posted."),
    ]
    return escape(f"Reminder: {letter.title} closes in about {left}"), blocks


def run_digest_message(
    title: str,
    letter_id: int,
    offset_seconds: int,
    reminded: Sequence[str],
    count: int,
    new_since: int,
    skipped_note: str | None,
    failed: int,
) -> tuple[str, list[Block]]:
    offset = format_duration_seconds(offset_seconds)
    mentions = ", ".join(f"<@{u}>" for u in reminded[:40])
    more = f" and {len(reminded) - 40} more" if len(reminded) > 40 else ""
    lines = [
        f":bell: *The {offset} reminder for #{letter_id} {escape(title)} went out.*",
        f"*{organizations(count)}* have signed, {new_since} new since the last digest.",
        f"Reminded {len(reminded)} member(s)" + (f": {mentions}{more}" if reminded else "."),
    ]
    if failed:
        lines.append(f":warning: {failed} reminder(s) could not be delivered.")
    blocks: list[Block] = [section(truncate("\n".join(lines), 2900))]
    if skipped_note:
        blocks.append(context(escape(f"Not reminded: {skipped_note}")))
    return escape(f"Reminder sent for {title}: {count} organizations so far"), blocks


def format_duration_seconds(seconds: int) -> str:
    return format_duration(timedelta(seconds=seconds))


def signon_digest_message(
    title: str, letter_id: int, new_names: Sequence[str], count: int, duplicates: int
) -> tuple[str, list[Block]]:
    blocks: list[Block] = [
        section(
            f":memo: *{len(new_names)} new sign-on(s)* for #{letter_id} {escape(title)}; "
            f"*{organizations(count)}* in all."
        ),
        context(plain(truncate("New: " + ", ".join(new_names), 2000), emoji=False)),
    ]
    if duplicates:
        blocks.append(
            context(
                f":mag: {duplicates} possible duplicate(s) to review: `/signon review {letter_id}` or the Home tab."
            )
        )
    return escape(f"{len(new_names)} new sign-ons for {title}"), blocks


def reconfirm_message(
    letter: LetterView, org_name: str, signatory_id: int, diff: str, change_note: str | None
) -> tuple[str, list[Block]]:
    blocks: list[Block] = [
        section(
            f":pencil2: *The coordinators changed “{escape(letter.title)}”* (now version {letter.version}). "
            "You signed an earlier version for:"
        ),
        context(plain(org_name, emoji=False)),
    ]
    if change_note:
        blocks.append(section("*What changed, in their words:*\n" + escape(truncate(change_note, 1500))))
    if diff:
        blocks.append(section("```" + escape(truncate(diff, 2700)).replace("```", "'''") + "```"))
    blocks.append(
        actions(
            button("Keep my signature", ids.KEEP_SIGNATURE, str(signatory_id), style="primary"),
            button("Withdraw", ids.WITHDRAW_AFTER_CHANGE, str(signatory_id), style="danger"),
            button("Read the letter", ids.READ_LETTER_BUTTON, str(letter.id)),
            block_id=f"reconfirm_{signatory_id}",
        )
    )
    return escape(f"{letter.title} changed: please confirm your signature"), blocks


def closed_message(
    title: str, letter_id: int, count: int, closed_at: datetime, automatic: bool
) -> tuple[str, list[Block]]:
    how = "reached its deadline and closed" if automatic else "was closed"
    text = (
        f":lock: *#{letter_id} {escape(title)}* {how} {slack_date(closed_at)} with *{organizations(count)}*. "
        "The final list and CSV follow."
    )
    return escape(f"{title} closed with {count} organizations"), [section(text)]
