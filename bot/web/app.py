"""The ASGI application: Slack's endpoints and the health check, on Starlette.

The event loop only reads requests and checks signatures, both cheap and neither blocking; everything that
blocks or costs CPU (parsing a signed body, Bolt's ``App.dispatch`` with its listeners and database writes,
the OAuth flow, the health check's database round trip) runs in worker threads, at most ``WEB_THREADS`` at a
time per process. A slow or idle client therefore holds a coroutine, never a thread, and each body is bounded
in size (:data:`MAX_BODY_BYTES`) and in time (:data:`BODY_TIMEOUT`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from contextlib import aclosing
from typing import Any

import anyio
import anyio.to_thread
from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_bolt.request.internals import build_context
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.runtime import Runtime
from bot.web.health import health_report
from bot.web.slack_requests import RawBodySignatureVerifier, is_signed, parse_signed_body

log = logging.getLogger(__name__)

#: The largest request body read. Slack's requests are small (a slash command under 1 KB, a sign-on form
#: about 10 KB, a view of Slack's maximum 250 KB percent-encoded well under this); anything larger is answered
#: 413 without reading it.
MAX_BODY_BYTES = 1024 * 1024
#: Seconds a client has to send the whole body once its headers have arrived. Slack sends it at once; a
#: client that trickles it (a byte now and then) is cut off here, whatever its pace.
BODY_TIMEOUT = 5.0
#: Threads for health checks, apart from the request threads: a flood of /healthz cannot take those, and a
#: platform's probe is not queued behind a rush of sign-ons.
HEALTH_THREADS = 2

_CLOSE = {"connection": "close"}  # after refusing a body unread, the connection cannot carry another request


def _json_error(status: int, message: str, *, close: bool = False) -> Response:
    # Spelled as Bolt spells its own 401 body, so every refusal looks the same to a client.
    body = json.dumps({"error": message})
    return Response(body, status_code=status, media_type="application/json", headers=_CLOSE if close else None)


async def read_body(request: Request) -> bytes | Response:
    """The whole body, or the error response for a body that is too large, too slow or cut short."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        log.warning("refused a request body of %s bytes (more than %d)", declared, MAX_BODY_BYTES)
        return _json_error(413, "request too large", close=True)
    chunks: list[bytes] = []
    size = 0
    try:
        with anyio.fail_after(BODY_TIMEOUT):
            async with aclosing(request.stream()) as stream:
                async for chunk in stream:
                    size += len(chunk)
                    if size > MAX_BODY_BYTES:  # chunked transfer encoding: no length was declared
                        log.warning("refused a request body of more than %d bytes", MAX_BODY_BYTES)
                        return _json_error(413, "request too large", close=True)
                    chunks.append(chunk)
    except TimeoutError:
        log.info("closed a request whose body did not arrive within %.0f s (%d bytes came)", BODY_TIMEOUT, size)
        return _json_error(408, "request timeout", close=True)
    except ClientDisconnect:
        return _json_error(400, "incomplete request", close=True)  # nobody is left to read it
    return b"".join(chunks)


class SlackEndpoints:
    """``POST /slack/events`` (Bolt), the OAuth install and redirect pages, and ``GET /healthz``."""

    def __init__(self, bolt_app: App, runtime: Runtime, threads: int) -> None:
        self.bolt_app = bolt_app
        self.runtime = runtime
        self.verifier = RawBodySignatureVerifier(runtime.settings.signing_secret or "-")
        self.request_threads = anyio.CapacityLimiter(threads)
        self.health_threads = anyio.CapacityLimiter(HEALTH_THREADS)

    def routes(self) -> list[Route]:
        routes = [
            Route("/slack/events", self.events, methods=["POST"]),
            Route("/healthz", self.health, methods=["GET"]),  # Starlette answers HEAD for GET routes
        ]
        flow = self.bolt_app.oauth_flow
        if flow is not None:
            routes.append(Route(flow.install_path, self.install, methods=["GET"]))
            routes.append(Route(flow.redirect_uri_path, self.oauth_redirect, methods=["GET"]))
        return routes

    async def events(self, request: Request) -> Response:
        raw = await read_body(request)
        if isinstance(raw, Response):
            return raw
        headers = dict(request.headers)
        if not is_signed(self.verifier, raw, headers):
            log.warning("refused an unsigned request (%d bytes)", len(raw))
            return _json_error(401, "invalid request")
        content_type = headers.get("content-type", "").split(";")[0].strip() or None
        response = await anyio.to_thread.run_sync(
            self.dispatch, raw, content_type, headers, request.url.query, limiter=self.request_threads
        )
        return to_starlette_response(response)

    def dispatch(self, raw: bytes, content_type: str | None, headers: Mapping[str, str], query: str) -> BoltResponse:
        """Parse a signed body and hand it to Bolt already parsed (in a request thread).

        Parsing a sign-on form (about 10 KB of percent-escaped JSON) twice was a tenth of the app's CPU in a
        rush, so Bolt gets the parsed body; it still verifies the signature over the raw body itself.
        """
        parsed = parse_signed_body(raw, content_type)
        if parsed is None:  # signed by Slack yet malformed: never seen, but answered 400, not 500
            log.warning("refused a malformed request (%d bytes)", len(raw))
            return BoltResponse(status=400, body={"error": "malformed request"})
        text, body = parsed
        request = BoltRequest(body="", query=query, headers=dict(headers))
        request.raw_body = text
        request.body = body
        request.context = build_context(BoltContext({}), body)
        try:
            return self.bolt_app.dispatch(request)
        except Exception:  # Bolt answers listener errors itself; this would be a bug in Bolt or its middleware
            log.exception("unhandled error while dispatching a Slack request")
            return BoltResponse(status=500, body={"error": "internal error"})

    async def install(self, request: Request) -> Response:
        return await self._oauth(request, callback=False)

    async def oauth_redirect(self, request: Request) -> Response:
        return await self._oauth(request, callback=True)

    async def _oauth(self, request: Request, *, callback: bool) -> Response:
        flow = self.bolt_app.oauth_flow
        assert flow is not None
        bolt_request = BoltRequest(body="", query=request.url.query, headers=dict(request.headers))
        handle = flow.handle_callback if callback else flow.handle_installation
        response = await anyio.to_thread.run_sync(handle, bolt_request, limiter=self.request_threads)
        return to_starlette_response(response)

    async def health(self, request: Request) -> Response:
        status, body = await anyio.to_thread.run_sync(health_report, self.runtime, limiter=self.health_threads)
        return JSONResponse(body, status_code=status)


def build_web_app(bolt_app: App, runtime: Runtime, threads: int) -> Any:
    """The ASGI app for one worker process: Bolt's ``App`` dispatched on at most ``threads`` threads."""
    return Starlette(routes=SlackEndpoints(bolt_app, runtime, threads).routes())
