from slack_bolt import App

from bot.listeners.events import app_home
from bot.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    app_home.register(app, runtime)
