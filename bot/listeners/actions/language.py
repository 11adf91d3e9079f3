"""The language selector on App Home.

Docs: https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.flows import language


def choose_language(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    language.choose_from_home(context["runtime"], client, body, context.team_id or "")
