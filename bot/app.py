"""Build the Bolt App and register its listeners; nothing else."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.authorization import AuthorizeResult

from bot.listeners import register_listeners
from bot.listeners.middleware import attach_runtime, learn_languages
from bot.logsetup import request_id
from bot.messages import ENGLISH, Words
from bot.runtime import ContextPropagatingExecutor, Runtime, make_client
from bot.slack.language import words_for

log = logging.getLogger(__name__)


def build_app(runtime: Runtime, *, oauth_settings: Any = None, installation_store: Any = None) -> App:
    """The Bolt app for HTTP or Socket Mode, single workspace (fixed token) or OAuth (installation store)."""
    settings = runtime.settings
    executor = ContextPropagatingExecutor(max_workers=max(8, settings.web_threads), thread_name_prefix="listener")
    common: dict[str, Any] = {
        "signing_secret": settings.signing_secret or "",
        # Always on: Bolt skips it for Socket Mode envelopes itself, and `python -m bot web` with SLACK_APP_TOKEN
        # also set (one .env for both Procfile processes) must not serve unsigned HTTP requests.
        "request_verification_enabled": True,
        "listener_executor": executor,
        "process_before_response": True,
        "raise_error_for_unhandled_request": False,
    }
    if oauth_settings is not None:
        # No token: Bolt gives each request a client with the installing workspace's token, and runs
        # oauth.v2.access through this client, so every call still goes to SLACK_API_URL.
        app = App(
            client=make_client(settings, None),
            oauth_settings=oauth_settings,
            installation_store=installation_store,
            **common,
        )
    else:
        identity = runtime.identity
        assert identity is not None and settings.bot_token is not None

        def authorize(**_: Any) -> AuthorizeResult:
            # We called auth.test at start-up; Bolt need not call it again per process.
            return AuthorizeResult(
                enterprise_id=identity.enterprise_id,
                team_id=identity.team_id,
                bot_token=settings.bot_token,
                bot_id=identity.bot_id,
                bot_user_id=identity.bot_user_id,
            )

        # A client without a token, as in OAuth mode: Bolt gives each request one with the token `authorize`
        # returns (and warns at every start when the app's own client carries a token as well).
        app = App(client=make_client(settings, None), authorize=authorize, **common)

    app.use(_request_ids)
    app.use(attach_runtime(runtime))
    app.use(learn_languages)
    app.error(_apologize)
    register_listeners(app)
    return app


def _request_ids(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
    kind = body.get("type") or ("slash_command" if body.get("command") else "request")
    token = uuid.uuid4().hex[:12]
    request_id.set(token)
    log.debug("received %s from %s", kind, (body.get("user") or {}).get("id") or body.get("user_id"))
    return next()


def _apology_words(context: BoltContext, body: dict[str, Any]) -> Words:
    """The person's words, when the error left the database able to say them; English otherwise."""
    runtime = context.get("runtime")
    user_id = (body.get("user") or {}).get("id") or body.get("user_id")
    if not isinstance(runtime, Runtime) or not isinstance(user_id, str):
        return ENGLISH
    try:
        return words_for(runtime, user_id)
    except Exception:  # the error may be the database itself: apologize anyway
        return ENGLISH


def _apologize(
    error: Exception, body: dict[str, Any], logger: logging.Logger, context: BoltContext
) -> BoltResponse | None:
    """Unexpected errors: a traceback in the log, a short apology to the person, never a 5xx to Slack."""
    logger.exception("unhandled error in listener: %s", type(error).__name__)
    kind = body.get("type")
    w = _apology_words(context, body)
    if body.get("command"):
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": w.apology()})
    if kind == "view_submission":
        view = {
            "type": "modal",
            "title": {"type": "plain_text", "text": w.apology_title()},
            "close": {"type": "plain_text", "text": w.back()},
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": w.apology()}}],
        }
        # Pushed on top of the form, so "Back" returns to what the person typed.
        return BoltResponse(status=200, body={"response_action": "push", "view": view})
    return BoltResponse(status=200, body="")
