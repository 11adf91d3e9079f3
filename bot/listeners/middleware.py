"""Cross-cutting rules as Bolt middleware, so no handler checks them again.

* :func:`attach_runtime` (global): puts the process's :class:`~bot.runtime.Runtime` into every request's
  context, where handlers find it as ``context["runtime"]``.
* :func:`manages_letter_from_button` / :func:`manages_letter_from_view` (listener middleware): the letter a
  coordinator button or modal names must exist in the requester's workspace, and the person must be one who
  may manage it; the letter id then waits in ``context["letter_id"]``. A refusal answers the person (a
  message, or an inline error on the modal) and the handler never runs.
* :func:`may_start_letters` (listener middleware): only coordinators submit a new letter.
* :func:`learn_languages` (global): someone signon has never seen is looked up in Slack first, so even the
  first answer they get is in their language.

Docs: https://docs.slack.dev/tools/bolt-python/concepts/listener-middleware
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse, Respond
from slack_sdk import WebClient

from bot import ids
from bot.contracts import ExportButton, LetterFormContext, MergeButton, SignatoryButton
from bot.flows import words_for
from bot.flows.coordinating import refusal
from bot.flows.lookups import letter_in_workspace, letter_of_signatory
from bot.flows.replies import reply
from bot.messages import Task
from bot.runtime import Runtime
from bot.slack.language import learn_language
from bot.slack.permissions import can_manage, is_coordinator

Next = Callable[[], BoltResponse | None]


def attach_runtime(runtime: Runtime) -> Callable[..., BoltResponse | None]:
    """Global middleware that hands every listener the runtime."""

    def attach(context: BoltContext, next: Next) -> BoltResponse | None:
        context["runtime"] = runtime
        return next()

    return attach


# Requests where a person may meet signon for the first time. A view submission comes from someone who opened
# the view (and so was looked up then), and sign-on submissions must be acknowledged fast.
_FIRST_CONTACTS = ("block_actions", "shortcut", "message_action")


def _newcomer(body: dict[str, Any]) -> str | None:
    """The person behind a request that may be their first: a command, a button, a shortcut, App Home."""
    if body.get("command"):
        user = body.get("user_id")
    elif body.get("type") in _FIRST_CONTACTS:
        user = (body.get("user") or {}).get("id")
    elif (body.get("event") or {}).get("type") == "app_home_opened":
        user = body["event"].get("user")
    else:
        return None
    return user if isinstance(user, str) and user else None


def learn_languages(body: dict[str, Any], context: BoltContext, client: WebClient, next: Next) -> BoltResponse | None:
    """Global middleware (after :func:`attach_runtime`): the Slack language of a person signon has no profile
    of yet, asked before their listener answers (a cached profile costs one read)."""
    user_id = _newcomer(body)
    runtime = context.get("runtime")
    if user_id is not None and isinstance(runtime, Runtime):
        learn_language(runtime, client, user_id)
    return next()


def action_value(body: dict[str, Any]) -> str:
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
        return ""
    value = actions[0].get("value")
    return value if isinstance(value, str) else ""


# Coordinator buttons whose value names a letter ("12", "12:csv"); the others name sign-ons ("34", "34:56").
_LETTER_BUTTONS = {ids.EDIT_LETTER, ids.CLOSE_LETTER, ids.REOPEN_LETTER, ids.EXPORT_LETTER, ids.REMIND_UNCONFIRMED}


def _letter_of_button(runtime: Runtime, body: dict[str, Any], team_id: str) -> int | None:
    """The letter a coordinator button names, directly or through the (first) sign-on it names."""
    value = action_value(body)
    if body["actions"][0].get("action_id") in _LETTER_BUTTONS:
        export = ExportButton.load(value)
        return letter_in_workspace(runtime, export.letter_id, team_id) if export else None
    merge = MergeButton.load(value)
    signatory = SignatoryButton.load(value)
    signatory_id = merge.source_id if merge else (signatory.signatory_id if signatory else None)
    return letter_of_signatory(runtime, signatory_id, team_id) if signatory_id else None


_BUTTON_TASKS = {
    ids.EDIT_LETTER: Task.EDIT,
    ids.CLOSE_LETTER: Task.CLOSE,
    ids.REOPEN_LETTER: Task.REOPEN,
    ids.EXPORT_LETTER: Task.EXPORT,
    ids.REVIEW_MERGE: Task.MERGE,
    ids.REVIEW_DISMISS: Task.DISMISS,
    ids.REMOVE_SIGNATORY: Task.REMOVE,
    ids.REVIEW_UNMERGE: Task.MERGE,
    ids.REMIND_UNCONFIRMED: Task.REMIND,
    ids.APPROVE_WEB: Task.APPROVE,
    ids.REJECT_WEB: Task.APPROVE,
}


def manages_letter_from_button(
    body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond, next: Next
) -> BoltResponse | None:
    """Listener middleware of coordinator buttons (App Home, pickers, the review queue)."""
    runtime: Runtime = context["runtime"]
    team_id = context.team_id or ""
    letter_id = _letter_of_button(runtime, body, team_id)
    if letter_id is None:
        return BoltResponse(status=200, body="")  # a crafted or stale value: nothing to do, nothing to reveal
    user_id = body["user"]["id"]
    if not can_manage(runtime, client, user_id, letter_id):
        action_id = body["actions"][0].get("action_id")
        text = refusal(runtime, user_id, _BUTTON_TASKS.get(action_id, Task.EDIT), letter_id=letter_id)
        reply(respond, body, client, text, quoting=False)
        return BoltResponse(status=200, body="")
    context["letter_id"] = letter_id
    return next()


def _modal_refusal(block_id: str, text: str) -> BoltResponse:
    return BoltResponse(status=200, body={"response_action": "errors", "errors": {block_id: text}})


# Each coordinator modal: where a refusal shows, and what the person was refused.
_VIEW_TASKS = {
    ids.LETTER_EDIT_MODAL: (ids.LETTER_TITLE_BLOCK, Task.EDIT),
    ids.LETTER_REOPEN_MODAL: (ids.DEADLINE_DATE_BLOCK, Task.REOPEN),
    ids.DELIVERY_MODAL: (ids.DELIVERED_TO_BLOCK, Task.DELIVER),
    ids.RESPONSE_MODAL: (ids.RESPONSE_BLOCK, Task.RESPOND),
}


def manages_letter_from_view(
    body: dict[str, Any], context: BoltContext, client: WebClient, next: Next
) -> BoltResponse | None:
    """Listener middleware of the letter edit, reopen, delivery and follow-up modals: the submitting person is
    checked again."""
    runtime: Runtime = context["runtime"]
    view = body.get("view") or {}
    user_id = body["user"]["id"]
    w = words_for(runtime, user_id)
    callback_id = str(view.get("callback_id") or "")
    reopening = callback_id != ids.LETTER_EDIT_MODAL
    block_id, task = _VIEW_TASKS.get(callback_id, (ids.LETTER_TITLE_BLOCK, Task.EDIT))
    meta = LetterFormContext.load(view.get("private_metadata"))
    if meta is None or meta.letter_id is None:
        return _modal_refusal(block_id, w.form_out_of_date_retry())
    letter_id = letter_in_workspace(runtime, meta.letter_id, context.team_id or "")
    if letter_id is None:
        return _modal_refusal(block_id, refusal(runtime, user_id, task) if reopening else w.letter_gone())
    if not can_manage(runtime, client, user_id, letter_id):
        return _modal_refusal(block_id, refusal(runtime, user_id, task, letter_id=letter_id))
    context["letter_id"] = letter_id
    return next()


def may_start_letters(body: dict[str, Any], context: BoltContext, client: WebClient, next: Next) -> BoltResponse | None:
    """Listener middleware of the new-letter modal: a member who was never shown it cannot submit it."""
    runtime: Runtime = context["runtime"]
    user_id = body["user"]["id"]
    if not is_coordinator(runtime, client, user_id):
        return _modal_refusal(ids.LETTER_TITLE_BLOCK, refusal(runtime, user_id, Task.START))
    return next()
