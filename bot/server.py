"""Serving the app: gunicorn (HTTP) with /slack/events and /healthz, or a Socket Mode connection."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request.internals import build_context, parse_body
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text

from bot.runtime import Runtime

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def database_ok(runtime: Runtime) -> bool:
    try:
        with runtime.db.read() as session:
            session.execute(text("SELECT 1"))
        return True
    except Exception:
        log.warning("health check: database unreachable", exc_info=True)
        return False


# Interaction payloads that always name the person and carry a trigger (slack-platform.md §2.7).
_TRIGGERED = {"block_actions", "view_submission", "shortcut", "message_action"}
_INTERACTIVE = _TRIGGERED | {"view_closed", "block_suggestion", "interactive_message", "dialog_submission"}


def _slack_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 32


def slack_shaped_body(raw: bytes, content_type: str | None) -> dict[str, Any] | None:
    """The parsed body, if it has the envelope every request from Slack has (§2.1, §2.6, §2.7); else None.

    Slack never sends anything else, but Bolt parses a body before verifying its signature and indexes the
    envelope without checks (``view["type"]``, ``actions[0]["action_id"]``…), so a malformed body would be a
    500 and a stack trace; it is answered 400 instead, before Bolt sees it.
    """
    try:
        body = parse_body(raw.decode("utf-8"), content_type)
    except ValueError:  # not UTF-8, or not JSON
        return None
    return body if _envelope_ok(body) else None


def _envelope_ok(body: Any) -> bool:
    if not isinstance(body, dict):
        return False
    if "command" in body:  # a slash command: form fields, always strings
        return _slack_id(body.get("user_id")) and "trigger_id" in body
    kind = body.get("type")
    for key in ("team", "enterprise"):
        value = body.get(key)
        if not (value is None or isinstance(value, str) or (isinstance(value, dict) and _str_or_none(value, "id"))):
            return False
    for key in ("container", "channel", "message", "state"):
        if body.get(key) is not None and not isinstance(body[key], dict):
            return False
    for key in ("type", "team_id", "user_id", "enterprise_id", "api_app_id", "trigger_id"):
        if not _str_or_none(body, key):
            return False
    user = body.get("user")
    if (user is not None or kind in _INTERACTIVE) and not (isinstance(user, dict) and _slack_id(user.get("id"))):
        return False
    if kind in _TRIGGERED and not isinstance(body.get("trigger_id"), str):
        return False
    url = body.get("response_url")
    if url is not None and not (isinstance(url, str) and url.startswith(("https://", "http://"))):
        return False
    view = body.get("view")
    if "view" in body or kind in ("view_submission", "view_closed"):
        if not (isinstance(view, dict) and isinstance(view.get("id"), str) and _str_or_none(view, "callback_id")):
            return False
        if view.get("type") not in ("modal", "home"):  # the only views signon opens
            return False
        if not (_str_or_none(view, "private_metadata") and isinstance(view.get("state") or {}, dict)):
            return False
        if len(view.get("private_metadata") or "") > 3000:  # Slack's limit (§2.9): not a view signon opened
            return False
    actions = body.get("actions")
    if "actions" in body or kind == "block_actions":
        if not (isinstance(actions, list) and actions):
            return False
        if not all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions):
            return False
    event = body.get("event")
    if event is not None and not (isinstance(event, dict) and isinstance(event.get("type"), str)):
        return False
    authorizations = body.get("authorizations")
    return authorizations is None or (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    )


def _str_or_none(mapping: dict[str, Any], key: str) -> bool:
    return mapping.get(key) is None or isinstance(mapping[key], str)


PARSED_BODY = "signon.parsed_body"


class ParsedOnceRequestHandler(SlackRequestHandler):
    """Bolt's WSGI adapter, handed the body :class:`SignonWSGI` already parsed to check its envelope.

    URL-decoding a modal submission (about 10 KB of percent-escaped JSON) twice was a tenth of the app's CPU
    in a rush of sign-ons. Bolt still verifies the signature over the raw body, as always.
    """

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        parsed = request.environ.get(PARSED_BODY)
        if parsed is None:
            return super().dispatch(request)
        bolt_request = BoltRequest(body="", query=request.query_string, headers=request.get_headers())
        bolt_request.raw_body = request.get_body()
        bolt_request.body = parsed
        bolt_request.context = build_context(BoltContext({}), parsed)
        return self.app.dispatch(bolt_request)


class SignonWSGI:
    """Slack's endpoints (Bolt's WSGI adapter) plus a health check for load balancers and platforms."""

    def __init__(
        self, slack_handler: WSGIApp, runtime: Runtime, socket_connected: Callable[[], bool] | None = None
    ) -> None:
        self.slack_handler = slack_handler
        self.runtime = runtime
        self.socket_connected = socket_connected

    def health(self) -> tuple[int, dict[str, Any]]:
        checks: dict[str, Any] = {"database": "ok" if database_ok(self.runtime) else "unreachable"}
        if self.socket_connected is not None:
            checks["socket_mode"] = "connected" if self.socket_connected() else "disconnected"
        healthy = checks["database"] == "ok" and checks.get("socket_mode", "connected") == "connected"
        return (200 if healthy else 503), {"ok": healthy, **checks}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            status, body = self.health()
            payload = json.dumps(body).encode()
            start_response(
                f"{status} {'OK' if status == 200 else 'Service Unavailable'}",
                [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
            )
            return [payload]
        if environ.get("REQUEST_METHOD") == "POST":
            raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(raw)
            timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "0")
            numeric = timestamp.isascii() and timestamp.isdigit()  # Bolt's check raises on anything else
            parsed = slack_shaped_body(raw, (environ.get("CONTENT_TYPE") or "").split(";")[0] or None)
            if not numeric or parsed is None:
                # Unsigned: 401 as Bolt answers; signed by Slack yet malformed (never seen, but possible): 400.
                verifier = SignatureVerifier(self.runtime.settings.signing_secret or "")
                try:
                    signed = numeric and verifier.is_valid(raw, timestamp, environ.get("HTTP_X_SLACK_SIGNATURE", ""))
                except ValueError:  # not UTF-8: slack_sdk cannot even compute the signature
                    signed = False
                log.warning("refused %s request (%d bytes)", "a malformed" if signed else "an unsigned", len(raw))
                status_line, payload = (
                    ("400 Bad Request", b'{"error": "malformed request"}')
                    if signed
                    else ("401 Unauthorized", b'{"error": "invalid request"}')
                )
                start_response(
                    status_line, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
                )
                return [payload]
            environ[PARSED_BODY] = parsed
        return self.slack_handler(environ, start_response)


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn configured from code, so ``python -m bot`` is the production server too.

    Each worker builds its own app (``load``) after the fork: database connections and scheduler
    threads must not cross a fork.
    """

    def __init__(self, load_app: Callable[[], WSGIApp], options: dict[str, Any]) -> None:
        self._load_app = load_app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        return self._load_app()


def gunicorn_options(port: int, workers: int, threads: int, log_level: str) -> dict[str, Any]:
    return {
        "bind": f"0.0.0.0:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        # Slack gives up after 3 s; a worker stuck far longer than that is restarted.
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": log_level.lower(),
        "proc_name": "signon",
        # gunicorn's control socket lives at one fixed path per user: several instances on a host would fight.
        "control_socket_disable": True,
    }


def _not_found(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"Not Found"]


def serve_health(runtime: Runtime, port: int, socket_connected: Callable[[], bool]) -> None:
    """A /healthz endpoint for the Socket Mode process (HEALTH_PORT), in a daemon thread."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

    health = SignonWSGI(_not_found, runtime, socket_connected)
    server = make_server("0.0.0.0", port, health, handler_class=QuietHandler)  # noqa: S104 (health checks come from outside)
    threading.Thread(target=server.serve_forever, name="healthz", daemon=True).start()
    log.info("health check on 0.0.0.0:%d/healthz", port)


def run_socket_mode(app: Any, runtime: Runtime, app_token: str) -> None:
    """Connect over Socket Mode (apps.connections.open goes to SLACK_API_URL) and block."""
    handler = SocketModeHandler(app, app_token, web_client=runtime.client())
    stop = threading.Event()
    handler.connect()  # type: ignore[no-untyped-call]
    log.info("Socket Mode connected")
    if runtime.settings.health_port:
        serve_health(runtime, runtime.settings.health_port, handler.client.is_connected)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        handler.close()  # type: ignore[no-untyped-call]
