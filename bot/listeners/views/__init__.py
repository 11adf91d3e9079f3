from slack_bolt import App

from bot.listeners.views import letters, signing
from bot.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    signing.register(app, runtime)
    letters.register(app, runtime)
