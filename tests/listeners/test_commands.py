"""``/signon``: the command table drives parsing, dispatch and help."""

from __future__ import annotations

import json
from unittest.mock import Mock

from bot.listeners.commands.signon import signon_command
from bot.listeners.commands.table import SUBCOMMANDS, parse
from bot.messages import ENGLISH
from bot.runtime import Runtime
from tests.listeners.conftest import COORDINATOR, MEMBER, TEAM, context_for, mocks


def command(user_id: str, text: str) -> dict[str, str]:
    return {"user_id": user_id, "text": text, "team_id": TEAM, "channel_id": "C0PUBLIC", "trigger_id": "1.2.3"}


def acked_text(ack: Mock) -> str:
    ack.assert_called_once()
    return json.dumps(ack.call_args.kwargs, ensure_ascii=False)


def test_help_lists_every_subcommand_for_coordinators(runtime: Runtime, client: Mock) -> None:
    ack, _ = mocks()
    signon_command(ack=ack, command=command(COORDINATOR, "help"), client=client, context=context_for(runtime))
    shown = acked_text(ack)
    for entry in SUBCOMMANDS:
        assert f"/signon {entry.name}".strip() in shown, entry.name
    assert "/signon review" in shown


def test_members_see_only_their_own_commands(runtime: Runtime, client: Mock) -> None:
    ack, _ = mocks()
    signon_command(ack=ack, command=command(MEMBER, "help"), client=client, context=context_for(runtime))
    shown = acked_text(ack)
    assert "/signon withdraw" in shown and "/signon new" not in shown and "/signon export" not in shown


def test_a_typo_gets_usage_and_coordinators_get_theirs(runtime: Runtime, client: Mock) -> None:
    ack, _ = mocks()
    signon_command(ack=ack, command=command(COORDINATOR, "exprot"), client=client, context=context_for(runtime))
    shown = acked_text(ack)
    assert ENGLISH.unknown_subcommand("exprot") in shown and "/signon export" in shown


def test_members_are_refused_coordinator_commands_by_name(runtime: Runtime, client: Mock) -> None:
    ack, _ = mocks()
    signon_command(ack=ack, command=command(MEMBER, "new"), client=client, context=context_for(runtime))
    shown = acked_text(ack)
    assert "Only coordinators can start letters" in shown and f"<@{COORDINATOR}>" in shown


def test_signing_acknowledges_at_once_and_opens_the_modal_after(runtime: Runtime, client: Mock) -> None:
    ack, _ = mocks()
    context = context_for(runtime)
    signon_command(ack=ack, command=command(MEMBER, ""), client=client, context=context)
    ack.assert_called_once_with()
    [(name, args)] = context["signon_follow_ups"]
    assert name == "open_signon" and args["user_id"] == MEMBER and args["channel_id"] == "C0PUBLIC"
    client.views_open.assert_not_called()


def test_parsing_knows_aliases_and_bounds_the_text() -> None:
    assert parse("create")[0].name == "new" and parse("?")[0].name == "help"
    assert parse("sign 12") == (SUBCOMMANDS[0], "12")
    assert parse("x" * 10_000)[1] == "x" * 500
