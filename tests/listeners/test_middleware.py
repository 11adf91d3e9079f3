"""Listener middleware: coordinator buttons and modals checked once, before any handler runs."""

from __future__ import annotations

import json
from typing import Any
from unittest.mock import Mock

from slack_bolt import BoltResponse

from bot import ids
from bot.listeners.middleware import attach_runtime, manages_letter_from_button, manages_letter_from_view
from bot.runtime import Runtime
from tests.listeners.conftest import COORDINATOR, MEMBER, context_for, mocks
from tests.services.conftest import new_letter


def button(user_id: str, action_id: str, value: str) -> dict[str, Any]:
    """Pressed on the Home tab: no response_url, so an answer is a DM."""
    return {"user": {"id": user_id}, "actions": [{"action_id": action_id, "value": value}]}


def test_the_runtime_reaches_every_listener(runtime: Runtime) -> None:
    context = context_for(runtime)
    del context["runtime"]
    nxt = Mock(return_value=None)
    attach_runtime(runtime)(context=context, next=nxt)
    assert context["runtime"] is runtime and nxt.called


def test_a_coordinator_passes_with_the_letter_in_the_context(runtime: Runtime, client: Mock) -> None:
    letter_id = runtime.db.transaction(new_letter)
    _, respond = mocks()
    context = context_for(runtime)
    nxt = Mock(return_value=None)
    body = button(COORDINATOR, ids.CLOSE_LETTER, str(letter_id))
    manages_letter_from_button(body=body, context=context, client=client, respond=respond, next=nxt)
    assert nxt.called and context["letter_id"] == letter_id
    respond.assert_not_called()


def test_a_member_is_refused_and_the_handler_never_runs(runtime: Runtime, client: Mock) -> None:
    letter_id = runtime.db.transaction(new_letter)
    _, respond = mocks()
    nxt = Mock(return_value=None)
    body = button(MEMBER, ids.CLOSE_LETTER, str(letter_id))
    response = manages_letter_from_button(
        body=body, context=context_for(runtime), client=client, respond=respond, next=nxt
    )
    assert isinstance(response, BoltResponse) and response.status == 200
    assert not nxt.called
    told = client.chat_postMessage.call_args.kwargs
    assert told["channel"] == MEMBER and "Only coordinators can close this letter" in told["text"]


def test_other_workspaces_letters_and_crafted_values_are_ignored_silently(runtime: Runtime, client: Mock) -> None:
    letter_id = runtime.db.transaction(new_letter)
    _, respond = mocks()
    nxt = Mock(return_value=None)
    for value in (str(letter_id + 1000), "2147483648", "-1", "x:y", ""):
        body = button(COORDINATOR, ids.CLOSE_LETTER, value)
        manages_letter_from_button(body=body, context=context_for(runtime), client=client, respond=respond, next=nxt)
    other_team = context_for(runtime, team_id="T0OTHER")
    body = button(COORDINATOR, ids.CLOSE_LETTER, str(letter_id))
    manages_letter_from_button(body=body, context=other_team, client=client, respond=respond, next=nxt)
    assert not nxt.called and not client.chat_postMessage.called


def test_a_crafted_letter_edit_is_refused_on_the_form(runtime: Runtime, client: Mock) -> None:
    letter_id = runtime.db.transaction(new_letter)
    nxt = Mock(return_value=None)
    body = {
        "user": {"id": MEMBER},
        "view": {"callback_id": ids.LETTER_EDIT_MODAL, "private_metadata": f'{{"letter_id": {letter_id}}}'},
    }
    response = manages_letter_from_view(body=body, context=context_for(runtime), client=client, next=nxt)
    assert response is not None
    answer = json.loads(response.body)
    assert answer["response_action"] == "errors"
    assert "edit this letter" in answer["errors"][ids.LETTER_TITLE_BLOCK]
    assert not nxt.called
