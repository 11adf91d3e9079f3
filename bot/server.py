"""Serving the app over Socket Mode, with an optional /healthz for platforms (HEALTH_PORT).

HTTP serving (``python -m bot web``) lives in ``bot.web``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.runtime import Runtime
from bot.slack.envelope import slack_shaped
from bot.web.health import health_report

log = logging.getLogger(__name__)

#: Seconds a health-check client may take to send its request; the server answers one at a time.
HEALTH_CLIENT_TIMEOUT = 5


def serve_health(runtime: Runtime, port: int, socket_connected: Callable[[], bool]) -> None:
    """A /healthz endpoint for the Socket Mode process (HEALTH_PORT), in a daemon thread."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        timeout = HEALTH_CLIENT_TIMEOUT  # a client that connects and sends nothing must not block the probes

        def log_message(self, format: str, *args: Any) -> None:
            return

    def health(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/healthz" or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not Found"]
        status, body = health_report(runtime, socket_connected)
        payload = json.dumps(body).encode()
        start_response(
            f"{status} {'OK' if status == 200 else 'Service Unavailable'}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
        )
        return [payload]

    server = make_server("0.0.0.0", port, health, handler_class=QuietHandler)  # noqa: S104 (health checks come from outside)
    threading.Thread(target=server.serve_forever, name="healthz", daemon=True).start()
    log.info("health check on 0.0.0.0:%d/healthz", port)


class CheckedSocketModeHandler(SocketModeHandler):
    """Bolt's Socket Mode handler, with the envelope checked first as over HTTP (bot/slack/envelope.py).

    A payload shaped unlike anything Slack sends is acknowledged, so Slack does not send it again, and dropped
    before Bolt indexes into it.
    """

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        if not slack_shaped(req.payload):
            log.warning("dropped a malformed %s envelope over Socket Mode", req.type)
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        super().handle(client, req)


def run_socket_mode(app: Any, runtime: Runtime, app_token: str) -> None:
    """Connect over Socket Mode (apps.connections.open goes to SLACK_API_URL) and block."""
    handler = CheckedSocketModeHandler(app, app_token, web_client=runtime.client())
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
