"""The member's side: open the sign-on modal, record the sign-on, receipts, edits and withdrawals."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from sqlalchemy import select

from bot import ids, viewstate
from bot.blocks import signon as signon_blocks
from bot.blocks.common import context, escape, plain, section
from bot.blocks.letters import read_letter_modal
from bot.flows import Later
from bot.runtime import Runtime
from bot.services import coordinators, signons
from bot.services import letters as letter_service
from bot.services.letters import LetterView
from bot.services.signons import (
    Actor,
    AlreadySigned,
    LetterClosed,
    LetterMissing,
    NameTaken,
    NotAllowed,
    Signed,
    Updated,
    Withdrawn,
)
from bot.services.users import get_profile
from bot.slackio import OpenedView, open_view, push_view, send_dm, update_view
from bot.timeutil import utcnow
from db.engine import StorageUnavailable
from db.models import Letter, Signatory, SignatoryContact, SignatoryStatus

log = logging.getLogger(__name__)

STORAGE_DOWN = (
    "We couldn't save this right now because signon's database is not accepting changes. Nothing was "
    "recorded. Please try again in a few minutes; the coordinators' operators have been alerted."
)


def _errors(field_errors: dict[str, str]) -> dict[str, str]:
    return {signon_blocks.FIELD_BLOCKS.get(name, ids.ORG_BLOCK): message for name, message in field_errors.items()}


# ---------------------------------------------------------------------------------------------------
# Opening the modal
# ---------------------------------------------------------------------------------------------------


def open_signon(
    runtime: Runtime,
    client: WebClient,
    *,
    trigger_id: str,
    user_id: str,
    team_id: str,
    channel_id: str | None,
    source: str,
    letter_id: int | None = None,
    reference: str | None = None,
) -> None:
    """Open the sign-on modal: a loading view first (the trigger lasts 3 s), then the right content."""
    opened = open_view(client, trigger_id, signon_blocks.loading_modal())
    if opened is None:
        return
    with runtime.db.read() as session:
        if letter_id is not None:
            letter = letter_service.get_letter(session, letter_id, team_id)
            candidates = [letter] if letter else []
        elif reference:
            candidates = letter_service.find_letters(session, team_id, reference)
            open_ones = [c for c in candidates if c.status == "open"]
            candidates = open_ones or candidates
        else:
            candidates = (
                letter_service.letters_posted_in(session, team_id, channel_id, open_only=True) if channel_id else []
            )
            if not candidates:
                candidates = letter_service.open_letters(session, team_id)
        views = [letter_service.letter_view(session, c, recent=0) for c in candidates]
    if not views:
        text = (
            f"No letter matches “{escape(reference)}”. Type `/signon list` to see the open letters."
            if reference
            else "There are no open sign-on letters right now."
        )
        update_view(client, opened, signon_blocks.message_modal("Sign on", text))
        return
    if len(views) > 1:
        update_view(client, opened, signon_blocks.picker_modal(views, source, channel_id))
        return
    show_form(runtime, client, opened, views[0], user_id=user_id, source=source, channel_id=channel_id)


def show_form(
    runtime: Runtime,
    client: WebClient,
    opened: OpenedView,
    letter: LetterView,
    *,
    user_id: str,
    source: str,
    channel_id: str | None,
) -> None:
    now = utcnow()
    if not letter.is_open or letter.deadline_at <= now:
        update_view(
            client,
            opened,
            signon_blocks.message_modal(
                "Letter closed", f"*{escape(letter.title)}* is closed; sign-ons are no longer accepted."
            ),
        )
        return
    with runtime.db.read() as session:
        mine = signons.signatories_of_user(session, user_id, [letter.id])
        previous = session.execute(
            select(Signatory).where(Signatory.signer_user_id == user_id).order_by(Signatory.signed_at.desc()).limit(1)
        ).scalar_one_or_none()
    if mine:
        signed = mine[0]
        update_view(
            client,
            opened,
            signon_blocks.already_signed_modal(
                signed.org_name,
                signed.signer_name,
                signed.signed_at,
                letter.title,
                by_you=signed.signer_user_id == user_id,
            ),
        )
        return
    profile = get_profile(runtime.db, client, user_id)
    prefill = signon_blocks.SignOnPrefill(
        org_name=previous.org_name if previous else "",
        name=(previous.signer_name if previous else None) or profile.name or "",
        title=(previous.signer_title if previous else None) or profile.title or "",
        email=profile.email or (previous.signer_email if previous else "") or "",
        city_state=(previous.city_state if previous else None) or "",
        org_type=previous.org_type if previous else None,
    )
    meta = signon_blocks.SignOnContext(letter.id, source, channel_id)
    update_view(client, opened, signon_blocks.signon_modal(letter, prefill, meta))


def picked_letter(runtime: Runtime, client: WebClient, body: dict[str, Any], team_id: str) -> None:
    """The member chose a letter in the picker: replace the picker with that letter's form."""
    view = body.get("view") or {}
    action = (body.get("actions") or [{}])[0]
    option = action.get("selected_option")
    try:
        letter_id = int(str(option.get("value") if isinstance(option, dict) else ""))
        meta = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return
    # A crafted payload: an id the database cannot hold, metadata that is no object, no view to update.
    if not 0 < letter_id < 2**31 or not isinstance(meta, dict) or not isinstance(view.get("id"), str):
        return
    with runtime.db.read() as session:
        letter = letter_service.get_letter(session, letter_id, team_id)
        letter_view = letter_service.letter_view(session, letter, recent=0) if letter else None
    if letter_view is None:
        return
    opened = OpenedView(view["id"], view.get("hash"))
    show_form(
        runtime,
        client,
        opened,
        letter_view,
        user_id=body["user"]["id"],
        source=str(meta.get("s") or "slash_command"),
        channel_id=meta.get("c"),
    )


def read_letter(runtime: Runtime, client: WebClient, body: dict[str, Any], letter_id: int, team_id: str) -> None:
    with runtime.db.read() as session:
        letter = letter_service.get_letter(session, letter_id, team_id)
        view = letter_service.letter_view(session, letter) if letter else None
    if view is None:
        return
    modal = read_letter_modal(view)
    trigger_id = body.get("trigger_id", "")
    if (body.get("container") or {}).get("type") == "view":
        push_view(client, trigger_id, modal)
    else:
        open_view(client, trigger_id, modal)


# ---------------------------------------------------------------------------------------------------
# Submitting
# ---------------------------------------------------------------------------------------------------


def form_values(view: dict[str, Any]) -> dict[str, Any]:
    return {
        "org_name": viewstate.text(view, ids.ORG_BLOCK, ids.ORG_INPUT),
        "name": viewstate.text(view, ids.NAME_BLOCK, ids.NAME_INPUT),
        "title": viewstate.text(view, ids.TITLE_BLOCK, ids.TITLE_INPUT),
        "email": viewstate.text(view, ids.EMAIL_BLOCK, ids.EMAIL_INPUT),
        "city_state": viewstate.text(view, ids.CITY_BLOCK, ids.CITY_INPUT),
        "org_type": viewstate.selected(view, ids.ORG_TYPE_BLOCK, ids.ORG_TYPE_INPUT),
        "note": viewstate.text(view, ids.NOTE_BLOCK, ids.NOTE_INPUT),
        "authorized": ids.AUTHORIZED_VALUE in viewstate.checked(view, ids.AUTHORIZED_BLOCK, ids.AUTHORIZED_INPUT),
    }


def submit_signon(runtime: Runtime, ack: Ack, body: dict[str, Any], client: WebClient, team_id: str) -> Signed | None:
    """Validate, commit (group commit with concurrent sign-ons), then acknowledge.

    Nothing else happens before the acknowledgement: the receipt, with its near-duplicate question, is
    sent by the receipts job.
    """
    view = body.get("view") or {}
    user = body.get("user") or {}
    meta = signon_blocks.SignOnContext.load(view.get("private_metadata", ""))
    if meta is None:
        ack(
            response_action="errors",
            errors={ids.ORG_BLOCK: "This form is out of date. Close it and type /signon again."},
        )
        return None
    form, field_errors = signons.validate_form(form_values(view))
    if form is None:
        ack(response_action="errors", errors=_errors(field_errors))
        return None
    actor = Actor(user["id"], user.get("team_id"))
    now = utcnow()
    try:
        outcome = runtime.db.batched(
            lambda session: signons.sign_on(
                session,
                letter_id=meta.letter_id,
                form=form,
                actor=actor,
                source=meta.source,
                source_channel_id=meta.channel_id,
                now=now,
                team_id=team_id,
            )
        )
    except StorageUnavailable:
        log.error("sign-on not saved: the database refused the write", exc_info=True)
        ack(response_action="errors", errors={ids.ORG_BLOCK: STORAGE_DOWN})
        return None
    if isinstance(outcome, Signed):
        ack(
            response_action="update",
            view=signon_blocks.signed_modal(form.org_name, outcome.letter_title, resigned=outcome.resigned),
        )
        return outcome
    if isinstance(outcome, AlreadySigned):
        ack(
            response_action="update",
            view=signon_blocks.already_signed_modal(
                outcome.org_name, outcome.signed_by, outcome.signed_at, outcome.letter_title, by_you=outcome.by_you
            ),
        )
        return None
    if isinstance(outcome, LetterClosed):
        ack(
            response_action="errors",
            errors={ids.ORG_BLOCK: f"“{outcome.title}” has closed; sign-ons are no longer accepted."},
        )
        return None
    ack(response_action="errors", errors={ids.ORG_BLOCK: "This letter no longer exists."})
    return None


def receipt_data(session: Any, signatory: Signatory, letter: Letter) -> signon_blocks.ReceiptData:
    duplicate = (
        session.get(Signatory, signatory.possible_duplicate_of_id) if signatory.possible_duplicate_of_id else None
    )
    pending = (
        signatory.duplicate_review == "pending" and duplicate is not None and duplicate.status == SignatoryStatus.ACTIVE
    )
    return signon_blocks.ReceiptData(
        signatory_id=signatory.id,
        letter_id=letter.id,
        letter_title=letter.title,
        deadline_at=letter.deadline_at,
        org_name=signatory.org_name,
        name=signatory.signer_name,
        title=signatory.signer_title,
        email=signatory.signer_email,
        city_state=signatory.city_state,
        org_type=signatory.org_type,
        note=signatory.note,
        signed_at=signatory.signed_at,
        version=signatory.version_confirmed,
        possible_duplicate_id=duplicate.id if pending and duplicate else None,
        possible_duplicate_name=duplicate.org_name if pending and duplicate else None,
    )


def send_receipt(
    runtime: Runtime,
    client: WebClient,
    signatory_id: int,
    *,
    user_id: str | None = None,
    heading: str = "You signed on",
) -> bool:
    """DM what was recorded (to ``user_id``, default the signer), or say so in the channel where DMs are
    not allowed. True when Slack took the message."""
    with runtime.db.read() as session:
        signatory = session.get(Signatory, signatory_id)
        if signatory is None:
            return False
        letter = session.get(Letter, signatory.letter_id)
        assert letter is not None
        data = receipt_data(session, signatory, letter)
        recipient, fallback_channel = user_id or signatory.signer_user_id, signatory.source_channel_id
    text, blocks = signon_blocks.receipt_message(data, heading=heading)
    return send_dm(client, recipient, text, blocks, fallback_channel=fallback_channel) is not None


# ---------------------------------------------------------------------------------------------------
# After signing: edit, withdraw, merge
# ---------------------------------------------------------------------------------------------------


def _signatory_for(runtime: Runtime, signatory_id: int, team_id: str) -> tuple[Signatory, Letter] | None:
    with runtime.db.read() as session:
        signatory = session.get(Signatory, signatory_id)
        letter = session.get(Letter, signatory.letter_id) if signatory else None
        if signatory is None or letter is None or letter.team_id != team_id:
            return None
        return signatory, letter


def open_edit(runtime: Runtime, client: WebClient, body: dict[str, Any], signatory_id: int, team_id: str) -> None:
    found = _signatory_for(runtime, signatory_id, team_id)
    user_id = body["user"]["id"]
    trigger_id = body.get("trigger_id", "")
    if found is None or found[0].status != SignatoryStatus.ACTIVE:
        open_view(
            client, trigger_id, signon_blocks.message_modal("Edit sign-on", "This sign-on was withdrawn or merged.")
        )
        return
    signatory, letter = found
    with runtime.db.read() as session:
        view = letter_service.letter_view(session, session.get(Letter, letter.id), recent=0)  # type: ignore[arg-type]
        allowed = signons.may_act_for(session, signatory, user_id)
    if not allowed and not coordinators.can_manage(runtime, client, user_id, letter.id):
        open_view(
            client,
            trigger_id,
            signon_blocks.message_modal(
                "Edit sign-on", "Only the people who signed for this organization, or a coordinator, can edit it."
            ),
        )
        return
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
    meta = signon_blocks.SignOnContext(letter.id, signatory.source, signatory.source_channel_id, signatory.id)
    open_view(client, trigger_id, signon_blocks.signon_modal(view, prefill, meta, editing=True))


def submit_edit(runtime: Runtime, ack: Ack, body: dict[str, Any], client: WebClient, team_id: str) -> int | None:
    view = body.get("view") or {}
    user = body.get("user") or {}
    meta = signon_blocks.SignOnContext.load(view.get("private_metadata", ""))
    if meta is None or meta.signatory_id is None:
        ack(response_action="errors", errors={ids.ORG_BLOCK: "This form is out of date. Close it and try again."})
        return None
    found = _signatory_for(runtime, meta.signatory_id, team_id)
    if found is None:
        ack(response_action="errors", errors={ids.ORG_BLOCK: "This sign-on no longer exists."})
        return None
    form, field_errors = signons.validate_form(form_values(view))
    if form is None:
        ack(response_action="errors", errors=_errors(field_errors))
        return None
    is_coordinator = coordinators.can_manage(runtime, client, user["id"], found[1].id)
    actor = Actor(user["id"], user.get("team_id"))
    signatory_id = meta.signatory_id
    try:
        outcome = runtime.db.transaction(
            lambda session: signons.edit_signatory(
                session,
                signatory_id=signatory_id,
                form=form,
                actor=actor,
                now=utcnow(),
                is_coordinator=is_coordinator,
            )
        )
    except StorageUnavailable:
        ack(response_action="errors", errors={ids.ORG_BLOCK: STORAGE_DOWN})
        return None
    if isinstance(outcome, Updated):
        ack(
            response_action="update",
            view=signon_blocks.message_modal(
                "Saved", ":white_check_mark: Your sign-on was updated. We sent you the new receipt."
            ),
        )
        return outcome.signatory_id
    if isinstance(outcome, NameTaken):
        ack(response_action="errors", errors={ids.ORG_BLOCK: f"“{outcome.org_name}” has already signed this letter."})
    elif isinstance(outcome, LetterClosed):
        ack(
            response_action="errors", errors={ids.ORG_BLOCK: "The letter has closed; ask a coordinator to change this."}
        )
    elif isinstance(outcome, NotAllowed):
        ack(response_action="errors", errors={ids.ORG_BLOCK: outcome.reason})
    else:
        ack(response_action="errors", errors={ids.ORG_BLOCK: "This sign-on was withdrawn or merged."})
    return None


def withdraw_signature(
    runtime: Runtime, client: WebClient, user_id: str, signatory_id: int, team_id: str, *, reason: str = "withdrawn"
) -> Withdrawn | LetterClosed | NotAllowed | LetterMissing:
    found = _signatory_for(runtime, signatory_id, team_id)
    if found is None:
        return LetterMissing(None)
    is_coordinator = coordinators.can_manage(runtime, client, user_id, found[1].id)
    return runtime.db.transaction(
        lambda session: signons.withdraw(
            session,
            signatory_id=signatory_id,
            actor=Actor(user_id),
            now=utcnow(),
            is_coordinator=is_coordinator,
            reason=reason,
        )
    )


def withdrawal_text(outcome: Withdrawn | LetterClosed | NotAllowed | LetterMissing) -> str:
    """Plain text (it quotes the organization's name): show it with ``notice`` or ``quoting=True``."""
    if isinstance(outcome, Withdrawn):
        if outcome.already:
            return f"{outcome.org_name} is no longer on “{outcome.letter_title}”."
        return (
            f":wave: Withdrawn: {outcome.org_name} is no longer on “{outcome.letter_title}”. "
            "You can sign again before the deadline with /signon."
        )
    if isinstance(outcome, LetterClosed):
        return f"“{outcome.title}” has closed, so signatures can't be withdrawn here. Please contact a coordinator."
    if isinstance(outcome, NotAllowed):
        return outcome.reason
    return "That sign-on no longer exists."


def notify_coordinators_of_withdrawal(
    runtime: Runtime, client: WebClient, *, letter_id: int, letter_title: str, org_name: str, user_id: str
) -> None:
    with runtime.db.read() as session:
        people = letter_service.letter_coordinators(session, letter_id)
    text = f":information_source: <@{user_id}> withdrew an organization from “{escape(letter_title)}”:"
    # The name goes in plain text: Slack has no way to escape *, _ or ~ in mrkdwn.
    blocks = [section(text), context(plain(org_name, emoji=False))]
    for person in people:
        if person != user_id:
            send_dm(client, person, f"{text} {escape(org_name)}", blocks)


def my_signatory_for_letter(runtime: Runtime, user_id: str, letter_id: int) -> Signatory | None:
    with runtime.db.read() as session:
        found = signons.signatories_of_user(session, user_id, [letter_id])
    return found[0] if found else None


def contacts_of(session: Any, signatory_id: int) -> list[SignatoryContact]:
    return list(
        session.execute(select(SignatoryContact).where(SignatoryContact.signatory_id == signatory_id)).scalars()
    )


# ---------------------------------------------------------------------------------------------------
# Member commands
# ---------------------------------------------------------------------------------------------------


def matching_letters(runtime: Runtime, team_id: str, reference: str) -> list[int]:
    """Ids of letters matching typed text, open ones first (only open ones when any match)."""
    with runtime.db.read() as session:
        found = letter_service.find_letters(session, team_id, reference)
    open_ones = [letter.id for letter in found if letter.status == "open"]
    return open_ones or [letter.id for letter in found]


def list_letters(runtime: Runtime, ack: Ack, client: WebClient, user_id: str, team_id: str) -> None:
    from bot.blocks.letters import letter_list

    with runtime.db.read() as session:
        letters = letter_service.open_letters(session, team_id)
        views = [letter_service.letter_view(session, letter, recent=0) for letter in letters]
    text, blocks = letter_list(views, coordinator=user_id in runtime.settings.coordinators)
    ack(text=text, blocks=blocks)


def status(runtime: Runtime, ack: Ack, user_id: str, team_id: str) -> None:
    with runtime.db.read() as session:
        rows = []
        for signatory in signons.signatories_of_user(session, user_id):
            letter = session.get(Letter, signatory.letter_id)
            if letter is not None and letter.team_id == team_id:
                rows.append((f"#{letter.id} {letter.title}", signatory.org_name, signatory.signed_at, letter.status))
    text, blocks = signon_blocks.status_message(rows)
    ack(text=text, blocks=blocks)


def withdraw_command(
    runtime: Runtime, ack: Ack, command: dict[str, Any], team_id: str, rest: str, later: Later
) -> None:
    """``/signon withdraw [letter]``: a confirmation modal first; nothing changes until it is submitted."""
    user_id = command["user_id"]
    with runtime.db.read() as session:
        mine = [
            s
            for s in signons.signatories_of_user(session, user_id)
            if (letter := session.get(Letter, s.letter_id)) is not None and letter.team_id == team_id
        ]
        if rest:
            wanted = {letter.id for letter in letter_service.find_letters(session, team_id, rest)}
            mine = [s for s in mine if s.letter_id in wanted]
        elif command.get("channel_id"):
            here = {
                letter.id
                for letter in letter_service.letters_posted_in(session, team_id, command["channel_id"], open_only=False)
            }
            mine = [s for s in mine if s.letter_id in here] or mine
        titles = {s.id: session.get(Letter, s.letter_id).title for s in mine}  # type: ignore[union-attr]
    if not mine:
        ack(
            text="You haven't signed a matching letter, so there is nothing to withdraw. "
            "`/signon status` lists your sign-ons."
        )
        return
    if len(mine) > 1:
        listing = "\n".join(f"• `/signon withdraw {s.letter_id}` — {escape(titles[s.id])}" for s in mine[:20])
        ack(text=f"You have signed several letters. Which one?\n{listing}")
        return
    ack()
    signatory = mine[0]
    later(
        "open_withdraw",
        trigger_id=command["trigger_id"],
        org_name=signatory.org_name,
        letter_title=titles[signatory.id],
        signatory_id=signatory.id,
    )


def open_withdraw_modal(
    client: WebClient, trigger_id: str, org_name: str, letter_title: str, signatory_id: int
) -> None:
    open_view(client, trigger_id, signon_blocks.withdraw_modal(org_name, letter_title, signatory_id))
