from slack_bolt import App

from bot import ids
from bot.listeners.commands.signon import signon_command
from bot.listeners.followups import run_follow_ups


def register(app: App) -> None:
    app.command(ids.COMMAND)(ack=signon_command, lazy=[run_follow_ups])
