"""The ASGI application: Slack's endpoints, the health check and the public sign-on pages, on Starlette.

The event loop only reads requests and enforces their limits; everything that blocks or costs CPU (checking
the signature, parsing a signed body, Bolt's ``App.dispatch`` with its listeners and database writes, the
OAuth flow, the health check's database round trip) runs in request threads, at most ``WEB_THREADS`` at a
time per process. A slow or idle client therefore holds a coroutine, never a thread, and each body is bounded
in size (:data:`MAX_BODY_BYTES`) and in time (:data:`BODY_TIMEOUT`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_bolt.request.internals import build_context
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.runtime import Runtime
from bot.web.bodies import BODY_TIMEOUT, MAX_BODY_BYTES, in_thread, read_body
from bot.web.health import health_report
from bot.web.public.pages import PublicPages
from bot.web.slack_requests import RawBodySignatureVerifier, is_signed, parse_signed_body

log = logging.getLogger(__name__)

#: Threads for health checks, apart from the request threads: a flood of /healthz cannot take those, and a
#: platform's probe is not queued behind a rush of sign-ons.
HEALTH_THREADS = 2

__all__ = ["BODY_TIMEOUT", "MAX_BODY_BYTES", "SlackEndpoints", "build_web_app", "in_thread", "read_body"]


class SlackEndpoints:
    """``POST /slack/events`` (Bolt), the OAuth install and redirect pages, and ``GET /healthz``."""

    def __init__(self, bolt_app: App, runtime: Runtime, threads: int) -> None:
        self.bolt_app = bolt_app
        self.runtime = runtime
        self.verifier = RawBodySignatureVerifier(runtime.settings.signing_secret or "-")
        self.request_threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="request")
        self.health_threads = ThreadPoolExecutor(max_workers=HEALTH_THREADS, thread_name_prefix="health")

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
        response = await in_thread(self.request_threads, self.dispatch, raw, dict(request.headers), request.url.query)
        return to_starlette_response(response)

    def dispatch(self, raw: bytes, headers: Mapping[str, str], query: str) -> BoltResponse:
        """Check the signature over the raw body, then parse it, then hand it to Bolt already parsed.

        Runs in a request thread, signature check included: hashlib lets go of the interpreter lock while it
        hashes a body of 2 KB or more, and the event loop would then wait for a busy request thread to give the
        lock back (milliseconds, for every connection of the worker). Parsing a sign-on form (about 10 KB of
        percent-escaped JSON) twice was a tenth of the app's CPU in a rush, so Bolt gets the parsed body; it
        still verifies the signature over the raw body itself.
        """
        if not is_signed(self.verifier, raw, headers):
            log.warning("refused an unsigned request (%d bytes)", len(raw))
            return BoltResponse(status=401, body={"error": "invalid request"})
        content_type = headers.get("content-type", "").split(";")[0].strip() or None
        parsed = parse_signed_body(raw, content_type)
        if parsed is None:  # signed by Slack yet malformed: never seen, but answered 400, not 500
            log.warning("refused a malformed request (%d bytes)", len(raw))
            return BoltResponse(status=400, body={"error": "malformed request"})
        text, body = parsed
        try:
            request = BoltRequest(body="", query=query, headers=dict(headers))
            request.raw_body = text
            request.body = body
            request.context = build_context(BoltContext({}), body)
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
        response = await in_thread(self.request_threads, handle, bolt_request)
        return to_starlette_response(response)

    async def health(self, request: Request) -> Response:
        status, body = await in_thread(self.health_threads, health_report, self.runtime)
        return JSONResponse(body, status_code=status)


def build_web_app(bolt_app: App, runtime: Runtime, threads: int) -> Starlette:
    """The ASGI app for one worker process: Bolt's ``App`` dispatched on at most ``threads`` threads."""
    # The public sign-on pages get their own threads (a quarter as many): a rush of visitors queues for those,
    # never for the threads that answer Slack, and takes a smaller share of the interpreter.
    public = PublicPages(runtime, max(2, threads // 4))
    return Starlette(routes=[*SlackEndpoints(bolt_app, runtime, threads).routes(), *public.routes()])
