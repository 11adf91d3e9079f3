"""After signing: edit, withdraw, confirm again, and answer the near-duplicate question on the receipt."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks import signon as signon_blocks
from bot.blocks.common import context, escape, plain, section
from bot.contracts import SignOnContext, Source
from bot.flows import words_for
from bot.flows.lookups import letter_and_view
from bot.flows.replies import reply
from bot.flows.signing import field_errors, form_values
from bot.messages import Words
from bot.runtime import Runtime
from bot.services.letters.queries import letter_coordinators
from bot.services.outcomes import Action, Actor, LetterClosed, LetterMissing, NotAllowed
from bot.services.signing import acting, duplicates, signing
from bot.services.signing.form import validate_form
from bot.services.signing.queries import receipt_view
from bot.services.signing.signing import NameTaken, Updated, Withdrawn
from bot.slack.api import open_view, send_dm
from bot.slack.permissions import can_manage
from bot.timeutil import utcnow
from db.engine import StorageUnavailable
from db.enums import SignatoryStatus
from db.models import Letter, Signatory

WithdrawOutcome = Withdrawn | LetterClosed | NotAllowed | LetterMissing


def signatory_in_workspace(runtime: Runtime, signatory_id: int, team_id: str) -> tuple[Signatory, Letter] | None:
    """The sign-on and its letter, if the letter belongs to the requester's workspace."""
    with runtime.db.read() as session:
        signatory = session.get(Signatory, signatory_id)
        letter = session.get(Letter, signatory.letter_id) if signatory else None
        if signatory is None or letter is None or letter.team_id != team_id:
            return None
        return signatory, letter


def is_signer(runtime: Runtime, signatory_id: int, user_id: str) -> bool:
    """Whether ``user_id`` is the person whose receipt the sign-on has."""
    with runtime.db.read() as session:
        signatory = session.get(Signatory, signatory_id)
        return signatory is not None and signatory.signer_user_id == user_id


def open_edit(runtime: Runtime, client: WebClient, body: dict[str, Any], signatory_id: int, team_id: str) -> None:
    user_id = body["user"]["id"]
    w = words_for(runtime, user_id)
    trigger_id = body.get("trigger_id", "")
    found = signatory_in_workspace(runtime, signatory_id, team_id)
    if found is None:
        open_view(client, trigger_id, signon_blocks.message_modal(w, w.edit_title(), w.signon_gone()))
        return
    signatory, letter = found
    with runtime.db.read() as session:
        allowed = acting.may_act_for(session, signatory, user_id)
    # Who may first: someone else's old button learns nothing of the sign-on, not even that it was withdrawn.
    if not allowed and not can_manage(runtime, client, user_id, letter.id):
        open_view(client, trigger_id, signon_blocks.message_modal(w, w.edit_title(), w.not_allowed(Action.EDIT)))
        return
    stale = state_answer(runtime, w, signatory_id)
    if stale is not None:
        open_view(client, trigger_id, signon_blocks.message_modal(w, w.edit_title(), stale, quoting=True))
        return
    _, view = letter_and_view(runtime, letter.id)
    prefill = signon_blocks.SignOnPrefill(
        org_name=signatory.org_name,
        name=signatory.signer_name,
        title=signatory.signer_title,
        email=signatory.signer_email,
        city_state=signatory.city_state or "",
        org_type=signatory.org_type,
        note=signatory.note or "",
        authorized=True,
    )
    meta = SignOnContext(letter.id, Source(signatory.source), signatory.source_channel_id, signatory.id)
    open_view(client, trigger_id, signon_blocks.signon_modal(w, view, prefill, meta, editing=True))


def submit_edit(runtime: Runtime, ack: Ack, client: WebClient, body: dict[str, Any], team_id: str) -> int | None:
    """Save an edited sign-on; the signatory id when saved (its new receipt follows)."""
    view = body.get("view") or {}
    user = body.get("user") or {}
    w = words_for(runtime, user.get("id"))
    meta = SignOnContext.load(view.get("private_metadata"))
    if meta is None or meta.signatory_id is None:
        ack(response_action="errors", errors={ids.ORG_BLOCK: w.form_out_of_date_retry()})
        return None
    found = signatory_in_workspace(runtime, meta.signatory_id, team_id)
    if found is None:
        ack(response_action="errors", errors={ids.ORG_BLOCK: w.signon_missing()})
        return None
    form, problems = validate_form(form_values(view))
    if form is None:
        ack(response_action="errors", errors=field_errors(w, problems))
        return None
    is_coordinator = can_manage(runtime, client, user["id"], found[1].id)
    actor = Actor(user["id"], user.get("team_id"))
    signatory_id = meta.signatory_id
    try:
        outcome = runtime.db.transaction(
            lambda session: signing.edit_signatory(
                session, signatory_id=signatory_id, form=form, actor=actor, now=utcnow(), is_coordinator=is_coordinator
            )
        )
    except StorageUnavailable:
        ack(response_action="errors", errors={ids.ORG_BLOCK: w.storage_down()})
        return None
    if isinstance(outcome, Updated):
        saved = w.edit_saved(is_signer(runtime, outcome.signatory_id, user["id"]))
        ack(response_action="update", view=signon_blocks.message_modal(w, w.edit_saved_title(), saved))
        return outcome.signatory_id
    if isinstance(outcome, NameTaken):
        error = w.name_taken(outcome.org_name)
    elif isinstance(outcome, LetterClosed):
        error = w.closed_ask_coordinator()
    elif isinstance(outcome, NotAllowed):
        error = w.not_allowed(outcome.action)
    else:
        error = w.signon_gone()
    ack(response_action="errors", errors={ids.ORG_BLOCK: error})
    return None


def withdraw_signature(
    runtime: Runtime, client: WebClient, user_id: str, signatory_id: int, team_id: str, *, reason: str = "withdrawn"
) -> WithdrawOutcome:
    found = signatory_in_workspace(runtime, signatory_id, team_id)
    if found is None:
        return LetterMissing(None)
    is_coordinator = can_manage(runtime, client, user_id, found[1].id)
    return runtime.db.transaction(
        lambda session: signing.withdraw(
            session,
            signatory_id=signatory_id,
            actor=Actor(user_id),
            now=utcnow(),
            is_coordinator=is_coordinator,
            reason=reason,
        )
    )


def withdrawal_text(w: Words, outcome: WithdrawOutcome) -> str:
    """Plain text (it quotes the organization's name): show it with ``notice`` or ``quoting=True``."""
    if isinstance(outcome, Withdrawn):
        if outcome.already:
            return gone_text(w, outcome.status, outcome.org_name, outcome.letter_title, outcome.merged_into)
        return w.withdrawn(outcome.org_name, outcome.letter_title)
    if isinstance(outcome, LetterClosed):
        return w.closed_cannot_withdraw(outcome.title)
    if isinstance(outcome, NotAllowed):
        return w.not_allowed(outcome.action)
    return w.signon_no_longer_exists()


def notify_coordinators_of_withdrawal(
    runtime: Runtime, client: WebClient, *, letter_id: int, letter_title: str, org_name: str, user_id: str
) -> None:
    with runtime.db.read() as session:
        people = letter_coordinators(session, letter_id)
    for person in people:
        if person == user_id:
            continue
        w = words_for(runtime, person)
        text = w.coordinators_told_withdrawal(f"<@{user_id}>", escape(letter_title))
        # The name goes in plain text: Slack has no way to escape *, _ or ~ in mrkdwn.
        send_dm(client, person, f"{text} {escape(org_name)}", [section(text), context(plain(org_name, emoji=False))])


def withdraw_from_button(
    runtime: Runtime, client: WebClient, respond: Respond, body: dict[str, Any], signatory_id: int, team_id: str
) -> None:
    user_id = body["user"]["id"]
    outcome = withdraw_signature(runtime, client, user_id, signatory_id, team_id)
    reply(
        respond,
        body,
        client,
        withdrawal_text(words_for(runtime, user_id), outcome),
        # An old receipt's Withdraw on a sign-on that is already off the letter keeps the receipt as it is.
        replace=isinstance(outcome, Withdrawn) and not outcome.already,
    )
    if isinstance(outcome, Withdrawn) and not outcome.already:
        notify_coordinators_of_withdrawal(
            runtime,
            client,
            letter_id=outcome.letter_id,
            letter_title=outcome.letter_title,
            org_name=outcome.org_name,
            user_id=user_id,
        )


def keep_signature(
    runtime: Runtime, client: WebClient, respond: Respond, body: dict[str, Any], signatory_id: int, team_id: str
) -> None:
    if signatory_in_workspace(runtime, signatory_id, team_id) is None:
        return  # another workspace's sign-on: nothing to do, nothing to reveal
    user = body["user"]
    w = words_for(runtime, user["id"])
    actor = Actor(user["id"], user.get("team_id"))
    outcome = runtime.db.transaction(
        lambda s: signing.keep_signature(s, signatory_id=signatory_id, actor=actor, now=utcnow())
    )
    if isinstance(outcome, Updated):
        text = w.kept(outcome.org_name, outcome.letter_title)
    elif isinstance(outcome, NotAllowed):
        text = w.not_allowed(outcome.action)
    else:
        text = state_answer(runtime, w, signatory_id) or w.nothing_to_keep()
    reply(respond, body, client, text, replace=isinstance(outcome, Updated), quoting=True)


def confirm_merge(
    runtime: Runtime,
    client: WebClient,
    respond: Respond,
    body: dict[str, Any],
    source_id: int,
    target_id: int,
    team_id: str,
) -> None:
    if signatory_in_workspace(runtime, source_id, team_id) is None:
        return
    actor = Actor(body["user"]["id"])
    w = words_for(runtime, actor.user_id)
    outcome = runtime.db.transaction(
        lambda s: duplicates.merge(
            s, source_id=source_id, target_id=target_id, actor=actor, now=utcnow(), is_coordinator=False
        )
    )
    if isinstance(outcome, duplicates.Merged):
        text = w.merged_yours(outcome.target_name)
    elif isinstance(outcome, NotAllowed):
        text = w.not_allowed(outcome.action)
    else:
        text = state_answer(runtime, w, source_id) or w.cannot_merge()
    reply(respond, body, client, text, replace=isinstance(outcome, duplicates.Merged))


def decline_merge(
    runtime: Runtime, client: WebClient, respond: Respond, body: dict[str, Any], signatory_id: int, team_id: str
) -> None:
    if signatory_in_workspace(runtime, signatory_id, team_id) is None:
        return
    actor = Actor(body["user"]["id"])
    w = words_for(runtime, actor.user_id)
    with runtime.db.read() as session:
        signatory = session.get(Signatory, signatory_id)
        allowed = signatory is not None and acting.may_act_for(session, signatory, actor.user_id)
    if not allowed:
        reply(respond, body, client, w.not_allowed(Action.ANSWER))
        return
    dismissed = runtime.db.transaction(
        lambda s: duplicates.dismiss_duplicate(s, signatory_id=signatory_id, actor=actor, now=utcnow())
    )
    stale = None if dismissed else state_answer(runtime, w, signatory_id)
    reply(respond, body, client, stale or w.kept_apart())


def gone_text(w: Words, status: str, org_name: str, title: str, merged_into: str | None) -> str:
    """Plain text: a sign-on that is no longer on the letter, as it is now (an old button's truthful answer)."""
    if status == SignatoryStatus.MERGED and merged_into:
        return w.already_merged(org_name, merged_into)
    if status == SignatoryStatus.REMOVED:
        return w.already_removed(org_name, title)
    return w.already_withdrawn(org_name, title)


def state_answer(runtime: Runtime, w: Words, signatory_id: int) -> str | None:
    """Plain text, what an old button finds when its sign-on is no longer active (merged, withdrawn or removed
    meanwhile); None while it is active, so the button may act."""
    with runtime.db.read() as session:
        receipt = receipt_view(session, signatory_id)
    if receipt is None:
        return w.signon_missing()
    if receipt.active:
        return None
    return gone_text(w, receipt.status, receipt.org_name, receipt.letter_title, receipt.merged_into_name)
