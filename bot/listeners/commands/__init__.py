from slack_bolt import App

from bot.listeners.commands import signon
from bot.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    signon.register(app, runtime)
