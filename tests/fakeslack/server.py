"""The fake's HTTP server: Web API routing, the upload URL and response URLs (slack-platform.md §7.1).

Routes on ``http://127.0.0.1:PORT``:

* ``GET|POST /api/<method>`` — Web API. Pipeline: parse body → latency / injected fault (before or
  after processing, :mod:`.faults`) → method lookup (``unknown_method``) → token checks
  (``not_authed``, ``invalid_auth``, ``token_revoked``, ``not_allowed_token_type``,
  ``missing_scope``) → rate limit (429 + ``Retry-After``) → handler under the state lock → record →
  write. Answers are HTTP 200 ``application/json; charset=utf-8`` except 429 and injected faults.
* ``POST /upload/<file_id>`` — the files upload v2 URL (no auth, raw bytes or multipart).
* ``POST /response/<id>`` — response_url (see :mod:`.responses`).

A client that gives up before the answer is written (its own timeout) leaves Slack's work done: the
call was processed and the fake stays quiet — no traceback, ``SlackApiCall.answered`` is ``False``.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from .errors import ApiError
from .faults import Fault
from .http_parsing import BodyError, parse_params
from .methods import METHODS, ApiRequest
from .methods.files import receive_upload
from .recording import SlackApiCall
from .responses import handle_response_url

if TYPE_CHECKING:
    from .fake import FakeSlack

JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

_HTML_ERROR = (
    "<!DOCTYPE html><html><head><title>Slack is having trouble</title></head>"
    "<body><h1>{status} {reason}</h1><p>Slack is temporarily unavailable.</p></body></html>"
)
_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False
    json_body: dict[str, Any] | None = None
    #: Seconds to hold the answer after processing (``inject(..., response_delay=...)``).
    hold: float = 0.0
    #: The recorded call, so the writer can note an answer that never reached the client.
    call: SlackApiCall | None = None


def json_reply(payload: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(payload).encode("utf-8"), JSON_TYPE, headers or {}, json_body=payload)


def fault_reply(fault: Fault) -> Reply:
    """The answer for an injected fault (see :mod:`.faults`)."""
    if fault.reset_connection:
        return Reply(0, b"", reset=True)
    status = fault.status or 200
    if status == 429:
        return json_reply(
            {"ok": False, "error": fault.error or "ratelimited"}, 429, {"Retry-After": str(fault.retry_after)}
        )
    html = fault.html if fault.html is not None else status in (502, 503, 504)
    if html and status != 200:
        text = _HTML_ERROR.format(status=status, reason=_REASONS.get(status, "Error"))
        return Reply(status, text.encode("utf-8"), HTML_TYPE)
    default_error = {500: "internal_error", 503: "service_unavailable"}.get(status, "fatal_error")
    return json_reply({"ok": False, "error": fault.error or default_error}, status)


def _token(headers: dict[str, str], params: dict[str, Any]) -> tuple[str | None, bool]:
    header = headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None, True
    value = params.get("token")
    return (str(value) if value else None), False


def handle_api(fake: FakeSlack, verb: str, method: str, query: str, body: bytes, headers: dict[str, str]) -> Reply:
    call = SlackApiCall(
        method=method,
        params={},
        headers=headers,
        token=None,
        body=body,
        time=fake.clock.now(),
        http_method=verb,
        path=f"/api/{method}",
    )
    try:
        params, files = parse_params(query, body, headers.get("content-type", ""))
    except BodyError as exc:
        return fake.finish_call(call, json_reply({"ok": False, "error": exc.code}))
    call.params = params
    token, from_header = _token(headers, params)
    call.token = token
    return serve_with_faults(fake, call, lambda: _process(fake, method, params, files, token, from_header, headers))


def serve_with_faults(fake: FakeSlack, call: SlackApiCall, process: Callable[[], Reply]) -> Reply:
    """Run ``process`` for ``call`` with whatever latency and fault the plan holds (see :mod:`.faults`).

    The call is recorded before the answer is written, so a test can see it (and the workspace
    change it made) while a held answer is still on its way or after it was dropped.
    """
    fault = fake.faults.take(call.method)
    pause = fake.faults.latency(call.method) + (fault.delay if fault else 0.0)
    if pause > 0:
        time.sleep(pause)
    if fault is not None and fault.skips_processing:
        reply = fault_reply(fault)
        reply.hold = fault.response_delay
        return fake.finish_call(call, reply)
    reply = process()
    call.processed = True
    if fault is None:
        return fake.finish_call(call, reply)
    if fault.replaces_answer:
        # Processed, but the client gets the fault: keep what Slack would have answered.
        call.processed_response = reply.json_body
        reply = fault_reply(fault)
    reply.hold = fault.response_delay
    return fake.finish_call(call, reply)


def _process(
    fake: FakeSlack,
    method: str,
    params: dict[str, Any],
    files: dict[str, bytes],
    token_value: str | None,
    from_header: bool,
    headers: dict[str, str],
) -> Reply:
    spec = METHODS.get(method)
    if spec is None:
        return json_reply({"ok": False, "error": "unknown_method", "req_method": method})
    state = fake.state
    token = None
    extra_headers: dict[str, str] = {}
    if spec.token_kinds:
        if not token_value:
            return json_reply({"ok": False, "error": "not_authed"})
        with state.lock:
            token = state.tokens.get(token_value)
        if token is None:
            return json_reply({"ok": False, "error": "invalid_auth"})
        if token.revoked:
            return json_reply({"ok": False, "error": "token_revoked"})
        if token.kind not in spec.token_kinds:
            return json_reply({"ok": False, "error": "not_allowed_token_type"})
        extra_headers["x-oauth-scopes"] = ",".join(sorted(token.scopes))
        extra_headers["x-accepted-oauth-scopes"] = ",".join(spec.scopes)
        missing = [s for s in spec.scopes if s not in token.scopes]
        if missing:
            body = {"ok": False, "error": "missing_scope", "needed": ",".join(missing)}
            body["provided"] = ",".join(sorted(token.scopes))
            return json_reply(body, headers=extra_headers)
    team_key = token.team_id if token else "-"
    channel = str(params.get("channel") or "") if method == "chat.postMessage" else None
    retry_after = fake.limiter.check(method, team_key, channel)
    if retry_after is not None:
        return json_reply({"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(retry_after)})
    req = ApiRequest(
        fake=fake,
        state=state,
        method=method,
        params=params,
        token=token,
        headers=headers,
        token_from_header=from_header,
        files=files,
    )
    try:
        with state.lock:
            result = spec.handler(req)
    except ApiError as exc:
        return json_reply(exc.body(), exc.status, {**extra_headers, **exc.headers})
    body = {"ok": True, **result}
    if req.warnings:
        body["warning"] = ",".join(req.warnings)
        metadata = body.setdefault("response_metadata", {})
        metadata["warnings"] = [*metadata.get("warnings", []), *req.warnings]
    return json_reply(body, headers={**extra_headers, **req.response_headers})


def handle_upload(fake: FakeSlack, file_id: str, body: bytes, headers: dict[str, str]) -> Reply:
    call = SlackApiCall(
        method="upload",
        params={"file_id": file_id},
        headers=headers,
        token=None,
        body=body,
        time=fake.clock.now(),
        path=f"/upload/{file_id}",
    )

    def process() -> Reply:
        with fake.state.lock:
            status, text, violation = receive_upload(fake.state, file_id, body, headers.get("content-type", ""))
        if violation:
            fake.record_violation(violation)
        return Reply(status, text.encode("utf-8"), TEXT_TYPE)

    return serve_with_faults(fake, call, process)


def handle_response(fake: FakeSlack, response_id: str, body: bytes, headers: dict[str, str]) -> Reply:
    try:
        parsed = json.loads(body.decode("utf-8")) if body else {}
    except (UnicodeDecodeError, ValueError):
        parsed = {}
    call = SlackApiCall(
        method="response_url",
        params=parsed if isinstance(parsed, dict) else {},
        headers=headers,
        token=None,
        body=body,
        time=fake.clock.now(),
        path=f"/response/{response_id}",
    )

    def process() -> Reply:
        with fake.state.lock:
            answer = handle_response_url(fake, response_id, body)
        return Reply(answer.status, answer.text.encode("utf-8"), TEXT_TYPE)

    return serve_with_faults(fake, call, process)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return None

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, verb: str) -> None:
        fake = self.server.fake
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        if path.startswith("/api/") and len(path) > 5:
            reply = handle_api(fake, verb, path[5:], query, body, headers)
        elif path.startswith("/upload/") and verb == "POST":
            reply = handle_upload(fake, path[8:], body, headers)
        elif path.startswith("/response/") and verb == "POST":
            reply = handle_response(fake, path[10:], body, headers)
        else:
            reply = Reply(404, b"Not Found", TEXT_TYPE)
        self._write(reply)

    def _write(self, reply: Reply) -> None:
        if reply.hold > 0:
            time.sleep(reply.hold)
        if reply.reset:
            self.close_connection = True
            if reply.call is not None:
                reply.call.answered = False
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            except OSError:
                pass
            return
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
            self.wfile.flush()
        except (ConnectionError, TimeoutError):
            # The client gave up (its timeout) before the answer: Slack has processed the call all
            # the same. Nothing to report; the call log says the answer never arrived.
            self.close_connection = True
            if reply.call is not None:
                reply.call.answered = False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 512

    def __init__(self, fake: FakeSlack, host: str) -> None:
        self.fake = fake
        super().__init__((host, 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client vanished (timeouts, resets); print real bugs as usual."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class ApiServer:
    """Runs the HTTP server on an ephemeral port in a daemon thread."""

    def __init__(self, fake: FakeSlack, host: str = "127.0.0.1") -> None:
        self._fake = fake
        self._host = host
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._server = _Server(self._fake, self._host)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fakeslack-http",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
