"""Members' commands and buttons besides the form: list, status, withdraw, and muting reminders."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.blocks import signon as signon_blocks
from bot.blocks.common import escape
from bot.blocks.letters import letter_list
from bot.contracts import WithdrawContext
from bot.flows import Later, words_for
from bot.flows.editing import notify_coordinators_of_withdrawal, withdraw_signature, withdrawal_text
from bot.flows.replies import reply
from bot.runtime import Runtime
from bot.services import reminders
from bot.services.letters import queries as letters
from bot.services.signing.queries import signatories_of_user
from bot.services.signing.signing import Withdrawn
from bot.slack.api import open_view
from bot.slack.permissions import may_see, visible_letters
from bot.timeutil import utcnow
from db.enums import LetterStatus, MuteReason
from db.models import Letter


def matching_letters(runtime: Runtime, client: WebClient, user_id: str, team_id: str, reference: str) -> list[int]:
    """Ids of letters this person may see matching typed text, open ones first (only open ones when any match)."""
    with runtime.db.read() as session:
        found = letters.find_letters(session, team_id, reference)
    seen = visible_letters(runtime, client, user_id, team_id, [letter.id for letter in found])
    found = [letter for letter in found if letter.id in seen]
    open_ones = [letter.id for letter in found if letter.status == LetterStatus.OPEN]
    return open_ones or [letter.id for letter in found]


def list_letters(runtime: Runtime, ack: Ack, client: WebClient, user_id: str, team_id: str) -> None:
    """``/signon list``: the open letters this person may see."""
    with runtime.db.read() as session:
        candidates = [letter.id for letter in letters.open_letters(session, team_id)]
    seen = visible_letters(runtime, client, user_id, team_id, candidates)
    with runtime.db.read() as session:
        views = [
            letters.letter_view(session, letter, recent=0)
            for letter in letters.open_letters(session, team_id)
            if letter.id in seen
        ]
    text, blocks = letter_list(words_for(runtime, user_id), views, coordinator=user_id in runtime.settings.coordinators)
    ack(text=text, blocks=blocks)


def status(runtime: Runtime, ack: Ack, user_id: str, team_id: str) -> None:
    w = words_for(runtime, user_id)
    with runtime.db.read() as session:
        rows = []
        signed = signatories_of_user(session, user_id)
        titles = letters.titles_in(session, [s.letter_id for s in signed], w.language)
        for signatory in signed:
            letter = session.get(Letter, signatory.letter_id)
            if letter is not None and letter.team_id == team_id:
                rows.append(
                    signon_blocks.StatusRow(
                        letter.id,
                        titles.get(letter.id, letter.title),
                        signatory.org_name,
                        signatory.signed_at,
                        letter.status == LetterStatus.OPEN,
                    )
                )
    text, blocks = signon_blocks.status_message(w, rows)
    ack(text=text, blocks=blocks)


def withdraw_command(
    runtime: Runtime, ack: Ack, command: dict[str, Any], team_id: str, rest: str, later: Later
) -> None:
    """``/signon withdraw [letter]``: a confirmation modal first; nothing changes until it is submitted."""
    user_id = command["user_id"]
    w = words_for(runtime, user_id)
    with runtime.db.read() as session:
        titles = {}
        mine = []
        # Only sign-ons this person may act for: being recorded as another contact is not enough to withdraw.
        for signatory in signatories_of_user(session, user_id, acting=True):
            letter = session.get(Letter, signatory.letter_id)
            if letter is not None and letter.team_id == team_id:
                mine.append(signatory)
                titles[signatory.id] = letter.title
        if rest:
            wanted = {letter.id for letter in letters.find_letters(session, team_id, rest)}
            mine = [s for s in mine if s.letter_id in wanted]
        elif command.get("channel_id"):
            here = letters.letters_posted_in(session, team_id, command["channel_id"], open_only=False)
            mine = [s for s in mine if s.letter_id in {letter.id for letter in here}] or mine
    if not mine:
        ack(text=w.nothing_to_withdraw())
        return
    if len(mine) > 1:
        listing = "\n".join(f"• {w.withdraw_choice(s.letter_id, escape(titles[s.id]))}" for s in mine[:20])
        ack(text=w.which_to_withdraw(listing))
        return
    ack()
    signatory = mine[0]
    later(
        "open_withdraw",
        trigger_id=command["trigger_id"],
        user_id=user_id,
        org_name=signatory.org_name,
        letter_title=titles[signatory.id],
        signatory_id=signatory.id,
    )


def open_withdraw_modal(
    runtime: Runtime,
    client: WebClient,
    trigger_id: str,
    user_id: str,
    org_name: str,
    letter_title: str,
    signatory_id: int,
) -> None:
    modal = signon_blocks.withdraw_modal(words_for(runtime, user_id), org_name, letter_title, signatory_id)
    open_view(client, trigger_id, modal)


def submit_withdraw(
    runtime: Runtime, ack: Ack, client: WebClient, body: dict[str, Any], team_id: str, later: Later
) -> None:
    user_id = body["user"]["id"]
    w = words_for(runtime, user_id)
    meta = WithdrawContext.load((body.get("view") or {}).get("private_metadata"))
    if meta is None:
        ack(response_action="update", view=signon_blocks.message_modal(w, w.withdraw(), w.form_out_of_date_retry()))
        return
    outcome = withdraw_signature(runtime, client, user_id, meta.signatory_id, team_id)
    modal = signon_blocks.message_modal(w, w.withdraw(), withdrawal_text(w, outcome), quoting=True)
    ack(response_action="update", view=modal)
    if isinstance(outcome, Withdrawn) and not outcome.already:
        later(
            "tell_coordinators_withdrawal",
            letter_id=outcome.letter_id,
            letter_title=outcome.letter_title,
            org_name=outcome.org_name,
            user_id=user_id,
        )


def tell_coordinators_withdrawal(runtime: Runtime, client: WebClient, **args: Any) -> None:
    notify_coordinators_of_withdrawal(runtime, client, **args)


def mute_reminders(
    runtime: Runtime,
    client: WebClient,
    respond: Respond,
    body: dict[str, Any],
    letter_id: int,
    team_id: str,
    *,
    org_signed: bool,
) -> None:
    """A reminder DM's "stop reminders", or "my organization already signed" (``org_signed``)."""
    user_id = body["user"]["id"]
    reason = MuteReason.ORG_SIGNED if org_signed else MuteReason.MUTED
    if not may_see(runtime, client, user_id, team_id, letter_id):
        # Another workspace's letter, or one this person was never shown (reminders go only to the letter's
        # channels): nothing to mute, and nothing to reveal about it.
        return
    title = runtime.db.transaction(
        lambda s: reminders.mute(s, letter_id=letter_id, user_id=user_id, reason=reason, now=utcnow())
    )
    if title is None:
        return
    w = words_for(runtime, user_id)
    text = w.muted_org_signed(escape(title)) if reason == MuteReason.ORG_SIGNED else w.muted(escape(title))
    reply(respond, body, client, text, quoting=False)
