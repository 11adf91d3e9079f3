"""The member's side: open the sign-on modal, show the right letter, record the sign-on."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot import ids, viewstate
from bot.blocks import signon as signon_blocks
from bot.blocks.common import escape
from bot.blocks.letters import read_letter_modal
from bot.contracts import PickerContext, SignOnContext, Source
from bot.flows import words_for
from bot.messages import Words
from bot.runtime import Runtime
from bot.services.letters import queries as letters
from bot.services.letters.queries import LetterView
from bot.services.outcomes import Actor, LetterClosed, Problem
from bot.services.signing import acting, signing
from bot.services.signing import form as signing_form
from bot.services.signing.queries import latest_signature_by, signatories_of_user
from bot.slack.api import OpenedView, open_view, push_view, update_view
from bot.slack.passes import holds_pass, seen_pass
from bot.slack.permissions import may_see, people_who_can, visible_letters
from bot.slack.profiles import get_profile
from bot.timeutil import utcnow
from db.engine import StorageUnavailable
from db.enums import LetterStatus
from db.models import Letter

log = logging.getLogger(__name__)


def field_errors(w: Words, problems: dict[str, Problem]) -> dict[str, str]:
    """The sign-on form's problems as inline errors under their input blocks."""
    return {signon_blocks.FIELD_BLOCKS.get(name, ids.ORG_BLOCK): w.form_problem(p) for name, p in problems.items()}


def _candidates(
    runtime: Runtime,
    client: WebClient,
    user_id: str,
    team_id: str,
    channel_id: str | None,
    letter_id: int | None,
    reference: str | None,
) -> list[LetterView]:
    """The letters a sign-on request may be about, among those this person may see: the one named, those
    matching the words typed (open ones first), else those open in this channel, else every open one."""
    posted_here: set[int] = set()
    with runtime.db.read() as session:
        if letter_id is not None:
            letter = letters.get_letter(session, letter_id, team_id)
            found = [letter] if letter else []
        elif reference:
            found = letters.find_letters(session, team_id, reference)
        else:
            here = letters.letters_posted_in(session, team_id, channel_id, open_only=True) if channel_id else []
            # A letter past its deadline (not closed by the deadline job yet) is no longer this channel's.
            here = [letter for letter in here if letter.deadline_at > utcnow()]
            posted_here = {letter.id for letter in here}
            found = here + letters.open_letters(session, team_id)
        candidates = list(dict.fromkeys(letter.id for letter in found))
    seen = visible_letters(runtime, client, user_id, team_id, candidates)
    with runtime.db.read() as session:
        shown = [letter for letter in (session.get(Letter, i) for i in candidates if i in seen) if letter]
        if reference:
            shown = [c for c in shown if c.status == LetterStatus.OPEN] or shown
        elif letter_id is None:
            shown = [c for c in shown if c.id in posted_here] or shown
        return [letters.letter_view(session, letter, recent=0) for letter in shown]


def _closed_here(
    runtime: Runtime, client: WebClient, user_id: str, team_id: str, channel_id: str | None
) -> LetterView | None:
    """The letter last posted in this channel, when it has closed and none posted here is still open."""
    if not channel_id:
        return None
    now = utcnow()
    with runtime.db.read() as session:
        here = letters.letters_posted_in(session, team_id, channel_id, open_only=False)
    if any(letter.status == LetterStatus.OPEN and letter.deadline_at > now for letter in here):
        return None
    seen = visible_letters(runtime, client, user_id, team_id, [letter.id for letter in here])
    newest = next((letter for letter in here if letter.id in seen), None)
    if newest is None:
        return None
    with runtime.db.read() as session:
        letter = session.get(Letter, newest.id)
        return letters.letter_view(session, letter, recent=0) if letter else None


def closed_notice(runtime: Runtime, w: Words, letter: LetterView) -> str:
    """That ``letter`` closed, when (in the reader's time zone), how many signed, and whom to ask."""
    contacts = ", ".join(f"<@{person}>" for person in people_who_can(runtime, letter_id=letter.id))
    closed_at = letter.closed_at or letter.deadline_at
    title = escape(letter.in_language(w.language).title)
    return w.closed_letter_notice(title, w.deadline_date(min(closed_at, letter.deadline_at)), letter.count, contacts)


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
    tell: Callable[[str], None] | None = None,
    another: bool = False,
) -> None:
    """Open the sign-on modal: a loading view first (the trigger lasts 3 s), then the right content.

    ``another``: the person asked to sign for another organization than the one(s) they signed for.

    ``tell`` answers the person where they pressed or typed (an ephemeral message or a DM) when Slack would not
    show the form, so nothing silently does nothing.
    """
    w = words_for(runtime, user_id)
    opened = open_view(client, trigger_id, signon_blocks.loading_modal(w))
    if opened is None:
        if tell:
            tell(w.form_did_not_open())
        return
    views = _candidates(runtime, client, user_id, team_id, channel_id, letter_id, reference)
    closed = _closed_here(runtime, client, user_id, team_id, channel_id) if not (letter_id or reference) else None
    if closed is not None:
        others = [view for view in views if view.id != closed.id and view.is_open and view.deadline_at > utcnow()]
        modal = signon_blocks.closed_letter_modal(
            w, closed_notice(runtime, w, closed), others, PickerContext(Source(source), channel_id)
        )
        shown = update_view(client, opened, modal)
    elif not views:
        text = w.no_letter_matches(escape(reference)) if reference else w.no_open_letters_now()
        shown = update_view(client, opened, signon_blocks.message_modal(w, w.sign_on_title(), text))
    elif len(views) > 1:
        picker = signon_blocks.picker_modal(w, views, PickerContext(Source(source), channel_id))
        shown = update_view(client, opened, picker)
    else:
        shown = show_form(
            runtime, client, opened, views[0], user_id=user_id, source=source, channel_id=channel_id, another=another
        )
    if not shown and tell:
        tell(w.form_did_not_open())


def show_form(
    runtime: Runtime,
    client: WebClient,
    opened: OpenedView,
    letter: LetterView,
    *,
    user_id: str,
    source: str,
    channel_id: str | None,
    another: bool = False,
) -> bool:
    """Replace ``opened`` with the form (or why there is none); False when Slack would not show it.

    Someone who signed this letter already sees for which organization, with a way to sign for another
    (``another``: that form, with their details and no organization)."""
    w = words_for(runtime, user_id)
    if not letter.is_open or letter.deadline_at <= utcnow():
        modal = signon_blocks.message_modal(w, w.letter_closed_title(), closed_notice(runtime, w, letter))
        return update_view(client, opened, modal)
    with runtime.db.read() as session:
        mine = signatories_of_user(session, user_id, [letter.id])
        previous = latest_signature_by(session, user_id)
        may_act = bool(mine) and acting.may_act_for(session, mine[0], user_id)
    if mine and not another:
        signed = mine[0]
        modal = signon_blocks.already_signed_modal(
            w,
            signed.org_name,
            signed.signer_name,
            signed.signed_at,
            letter.title,
            by_you=signed.signer_user_id == user_id,
            signatory_id=signed.id,
            may_act=may_act,
            letter_id=letter.id,
        )
        return update_view(client, opened, modal)
    profile = get_profile(runtime.db, client, user_id)
    prefill = signon_blocks.SignOnPrefill(
        org_name=previous.org_name if previous and not (mine or another) else "",
        name=(previous.signer_name if previous else None) or profile.name or "",
        title=(previous.signer_title if previous else None) or profile.title or "",
        email=profile.email or (previous.signer_email if previous else "") or "",
        city_state=(previous.city_state if previous else None) or "",
        org_type=previous.org_type if previous else None,
    )
    # Every caller checked that this person may see the letter: the form carries a pass saying so.
    granted = seen_pass(runtime.settings, user_id, letter.id, utcnow())
    meta = SignOnContext(letter.id, Source(source), channel_id, seen_pass=granted)
    return update_view(client, opened, signon_blocks.signon_modal(w, letter, prefill, meta))


def picked_letter(runtime: Runtime, client: WebClient, body: dict[str, Any], team_id: str, letter_id: int) -> None:
    """The member chose a letter in the picker: replace the picker with that letter's form."""
    view = body.get("view") or {}
    meta = PickerContext.load(view.get("private_metadata"))
    if meta is None or not isinstance(view.get("id"), str):
        return
    user_id = body["user"]["id"]
    if not may_see(runtime, client, user_id, team_id, letter_id):
        return  # a crafted choice: nothing to show, nothing to reveal
    with runtime.db.read() as session:
        letter = letters.get_letter(session, letter_id, team_id)
        letter_view = letters.letter_view(session, letter, recent=0) if letter else None
    if letter_view is None:
        return
    opened = OpenedView(view["id"], view.get("hash"))
    show_form(runtime, client, opened, letter_view, user_id=user_id, source=meta.source, channel_id=meta.channel_id)


def sign_for_another(
    runtime: Runtime, client: WebClient, body: dict[str, Any], team_id: str, letter_id: int, source: str
) -> None:
    """ "Sign for another organization": in the already-signed modal, that modal becomes the form; from a
    receipt or App Home, the form opens."""
    if not show_in_modal(runtime, client, body, team_id, letter_id, source, another=True):
        open_signon(
            runtime,
            client,
            trigger_id=body.get("trigger_id", ""),
            user_id=body["user"]["id"],
            team_id=team_id,
            channel_id=None,
            source=source,
            letter_id=letter_id,
            another=True,
        )


def show_in_modal(
    runtime: Runtime,
    client: WebClient,
    body: dict[str, Any],
    team_id: str,
    letter_id: int,
    source: str,
    *,
    another: bool = False,
) -> bool:
    """A button inside a modal (the letter's text, the already-signed view): that modal becomes the form.
    False when the button was not in a modal."""
    user_id = body["user"]["id"]
    view = body.get("view") or {}
    if view.get("type") != "modal" or not isinstance(view.get("id"), str):
        return False
    if not may_see(runtime, client, user_id, team_id, letter_id):
        return True  # a replayed button: nothing to show
    with runtime.db.read() as session:
        letter = letters.get_letter(session, letter_id, team_id)
        letter_view = letters.letter_view(session, letter, recent=0) if letter else None
    if letter_view is not None:
        opened = OpenedView(view["id"], view.get("hash"))
        show_form(
            runtime, client, opened, letter_view, user_id=user_id, source=source, channel_id=None, another=another
        )
    return True


def read_letter(
    runtime: Runtime,
    client: WebClient,
    body: dict[str, Any],
    letter_id: int,
    team_id: str,
    *,
    language: str | None = None,
) -> None:
    """The full text: in ``language`` (a Read-in button), else in the reader's language when the letter has it."""
    if not may_see(runtime, client, body["user"]["id"], team_id, letter_id):
        return  # a replayed button of a letter this person may not see: nothing to reveal
    with runtime.db.read() as session:
        letter = letters.get_letter(session, letter_id, team_id)
        view = letters.letter_view(session, letter) if letter else None
    if view is None:
        return
    trigger_id = body.get("trigger_id", "")
    current = body.get("view") or {}
    # Its own Sign on button, unless the letter was opened over the sign-on form (which is right below).
    stacked = (body.get("container") or {}).get("type") == "view" and (
        current.get("callback_id") != ids.LETTER_READ_MODAL or bool(current.get("previous_view_id"))
    )
    modal = read_letter_modal(words_for(runtime, body["user"]["id"]), view, language=language, sign=not stacked)
    if current.get("callback_id") == ids.LETTER_READ_MODAL and isinstance(current.get("id"), str):
        # Switching languages inside the letter: the same modal shows the other text, no view stacked on it.
        update_view(client, OpenedView(current["id"], current.get("hash")), modal)
    elif (body.get("container") or {}).get("type") == "view":
        push_view(client, trigger_id, modal)
    else:
        open_view(client, trigger_id, modal)


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


def submit_signon(runtime: Runtime, ack: Ack, client: WebClient, body: dict[str, Any], team_id: str) -> None:
    """Validate, commit (group commit with concurrent sign-ons), then acknowledge.

    Nothing else happens before the acknowledgement: the receipt, with its near-duplicate question, is sent by
    the receipts job.
    """
    view = body.get("view") or {}
    user = body.get("user") or {}
    w = words_for(runtime, user.get("id"))
    meta = SignOnContext.load(view.get("private_metadata"))
    if meta is None:
        ack(response_action="errors", errors={ids.ORG_BLOCK: w.form_out_of_date()})
        return
    passed = holds_pass(runtime.settings, user["id"], meta.letter_id, meta.seen_pass, utcnow())
    if not passed and not may_see(runtime, client, user["id"], team_id, meta.letter_id):
        # A crafted or replayed form for a letter this person may not see: answered as a letter that is gone.
        ack(response_action="errors", errors={ids.ORG_BLOCK: w.letter_gone()})
        return
    form, problems = signing_form.validate_form(form_values(view))
    if form is None:
        ack(response_action="errors", errors=field_errors(w, problems))
        return
    actor = Actor(user["id"], user.get("team_id"))
    now = utcnow()
    try:
        outcome = runtime.db.batched(
            lambda session: signing.sign_on(
                session,
                letter_id=meta.letter_id,
                form=form,
                actor=actor,
                source=meta.source,
                source_channel_id=meta.channel_id,
                now=now,
                team_id=team_id,
                language=w.language,
            )
        )
    except StorageUnavailable as error:
        log.error("sign-on not saved: the database refused the write (%s)", error)
        ack(response_action="errors", errors={ids.ORG_BLOCK: w.storage_down()})
        return
    if isinstance(outcome, signing.Signed):
        modal = signon_blocks.signed_modal(w, form.org_name, outcome.letter_title, resigned=outcome.resigned)
        ack(response_action="update", view=modal)
    elif isinstance(outcome, signing.AlreadySigned):
        modal = signon_blocks.already_signed_modal(
            w,
            outcome.org_name,
            outcome.signed_by,
            outcome.signed_at,
            outcome.letter_title,
            by_you=outcome.by_you,
            signatory_id=outcome.signatory_id,
            may_act=outcome.may_act,
            letter_id=outcome.letter_id,
        )
        ack(response_action="update", view=modal)
    elif isinstance(outcome, LetterClosed):
        # The form goes: a Sign on button beside "closed" would say it can still be signed.
        with runtime.db.read() as session:
            letter = letters.get_letter(session, outcome.letter_id, team_id)
            closed = letters.letter_view(session, letter, recent=0) if letter else None
        text = closed_notice(runtime, w, closed) if closed else w.letter_closed_error(outcome.title)
        ack(response_action="update", view=signon_blocks.message_modal(w, w.letter_closed_title(), text))
    else:
        ack(response_action="errors", errors={ids.ORG_BLOCK: w.letter_gone()})
