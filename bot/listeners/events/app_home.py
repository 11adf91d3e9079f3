"""The Home tab, published whenever a person opens it.

Docs: https://docs.slack.dev/reference/events/app_home_opened
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.flows import home
from bot.listeners.followups import acknowledge
from bot.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    def home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        user_id = event.get("user")
        if event.get("tab", "home") != "home" or not isinstance(user_id, str):
            return
        home.publish(runtime, client, user_id, context.team_id or "")

    # Events are acknowledged by Bolt itself; publishing waits for nothing.
    app.event("app_home_opened")(ack=acknowledge, lazy=[home_opened])
