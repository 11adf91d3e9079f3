from slack_bolt import App

from bot.listeners.events.app_home import home_opened
from bot.listeners.followups import acknowledge


def register(app: App) -> None:
    # Events are acknowledged at once; publishing waits for nothing.
    app.event("app_home_opened")(ack=acknowledge, lazy=[home_opened])
