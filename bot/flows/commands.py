"""What each ``/signon`` subcommand does; the table in bot/listeners/commands/table.py routes to these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.common import escape
from bot.contracts import Source
from bot.flows import Later, coordinating, members, words_for
from bot.flows.public_page import page_line_of
from bot.messages import Task, Words
from bot.runtime import Runtime
from bot.slack.permissions import can_manage, is_coordinator, visible_letters
from db.models import Letter


@dataclass(frozen=True)
class CommandRequest:
    """One ``/signon`` invocation, as the subcommand handlers need it."""

    runtime: Runtime
    ack: Ack
    client: WebClient
    command: dict[str, Any]
    team_id: str
    subcommand: str
    rest: str
    later: Later

    @property
    def user_id(self) -> str:
        return str(self.command["user_id"])

    @property
    def channel_id(self) -> str | None:
        channel = self.command.get("channel_id")
        return channel if isinstance(channel, str) else None

    @property
    def words(self) -> Words:
        return words_for(self.runtime, self.user_id)


def sign(request: CommandRequest, letter_id: int | None) -> None:
    """``/signon [letter]``: the modal opens after the acknowledgement (loading first, then the form)."""
    request.ack()
    request.later(
        "open_signon",
        trigger_id=request.command["trigger_id"],
        user_id=request.user_id,
        team_id=request.team_id,
        channel_id=request.channel_id,
        source=Source.SLASH_COMMAND,
        letter_id=letter_id,
        reference=request.rest or None,
    )


def list_letters(request: CommandRequest) -> None:
    members.list_letters(request.runtime, request.ack, request.client, request.user_id, request.team_id)


def status(request: CommandRequest) -> None:
    members.status(request.runtime, request.ack, request.user_id, request.team_id)


def withdraw(request: CommandRequest) -> None:
    members.withdraw_command(
        request.runtime, request.ack, request.command, request.team_id, request.rest, request.later
    )


def new_letter(request: CommandRequest) -> None:
    if not is_coordinator(request.runtime, request.client, request.user_id):
        request.ack(text=coordinating.refusal(request.runtime, request.user_id, Task.START))
        return
    request.ack()
    request.later("open_new_letter", trigger_id=request.command["trigger_id"], user_id=request.user_id)


def managed_letter(request: CommandRequest, task: Task, *, newest_in_channel: bool = False) -> Letter | None:
    """The one letter a coordinator command means, once the person may manage it; else None, answered (no
    letter, which one, or who may)."""
    runtime, user_id = request.runtime, request.user_id
    found = coordinating.pick_letter(
        runtime, request.team_id, user_id, request.channel_id, request.rest, newest_in_channel=newest_in_channel
    )
    # Someone outside a letter's channels is not told its title, even in a "which letter?" question.
    seen = visible_letters(runtime, request.client, user_id, request.team_id, [letter.id for letter in found])
    found = [letter for letter in found if letter.id in seen]
    if not coordinating.choose_one(runtime, request.ack, user_id, request.subcommand, request.rest, found):
        return None
    letter = found[0]
    if not can_manage(runtime, request.client, user_id, letter.id):
        request.ack(text=coordinating.refusal(runtime, user_id, task, letter_id=letter.id))
        return None
    return letter


def link(request: CommandRequest) -> None:
    """``/signon link [letter]``: the letter's public page, for its coordinators."""
    letter = managed_letter(request, Task.EDIT)
    if letter is None:
        return
    w = request.words
    line = page_line_of(request.runtime, w, letter.id)
    request.ack(text=line or w.web_page_off(escape(letter.title)))


_MANAGE_TASKS = {
    "edit": Task.EDIT,
    "close": Task.CLOSE,
    "reopen": Task.REOPEN,
    "review": Task.REVIEW,
    "remind": Task.REMIND,
}


def manage(request: CommandRequest) -> None:
    """``/signon edit|close|reopen|review|remind [letter]``: the letter meant, then whether they may manage it."""
    letter = managed_letter(request, _MANAGE_TASKS[request.subcommand])
    if letter is not None:
        _MANAGERS[request.subcommand](request, letter.id)


def _edit(request: CommandRequest, letter_id: int) -> None:
    request.ack()
    request.later(
        "open_edit_letter", trigger_id=request.command["trigger_id"], user_id=request.user_id, letter_id=letter_id
    )


def _close(request: CommandRequest, letter_id: int) -> None:
    # Closing asks first, as everywhere: the answer's Close button carries Slack's confirmation dialog.
    text, blocks = coordinating.close_question(request.runtime, request.user_id, letter_id)
    request.ack(text=text, blocks=blocks)


def _remind(request: CommandRequest, letter_id: int) -> None:
    request.ack(text=coordinating.remind(request.runtime, request.user_id, letter_id))


def _reopen(request: CommandRequest, letter_id: int) -> None:
    request.ack()
    request.later(
        "start_reopen", trigger_id=request.command["trigger_id"], user_id=request.user_id, letter_id=letter_id
    )


def _review(request: CommandRequest, letter_id: int) -> None:
    coordinating.review_queue(request.runtime, request.ack, request.user_id, letter_id)


_MANAGERS: dict[str, Callable[[CommandRequest, int], None]] = {
    "edit": _edit,
    "close": _close,
    "reopen": _reopen,
    "review": _review,
    "remind": _remind,
}
