"""The Home tab, published whenever a person opens it.

Docs: https://docs.slack.dev/reference/events/app_home_opened
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.flows import home


def home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    user_id = event.get("user")
    if event.get("tab", "home") != "home" or not isinstance(user_id, str):
        return
    home.publish(context["runtime"], client, user_id, context.team_id or "")
