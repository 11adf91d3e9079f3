"""Socket Mode inside the fake (slack-platform.md §1.3, §2.12, §7.3 last bullet).

``apps.connections.open`` hands out ``ws://127.0.0.1:<port>/link/?ticket=<random>&app_id=<id>``; a
ticket opens one connection (single use: UNVERIFIED). On connect the server sends::

    {"type": "hello", "num_connections": N, "debug_info": {...}, "connection_info": {"app_id": ...}}

The driver delivers each payload as an envelope ``{"envelope_id", "type", "payload",
"accepts_response_payload", "retry_attempt", "retry_reason"}`` to ONE connection, round robin (Slack
allows up to 10 per app), and waits for the ack ``{"envelope_id", "payload"?}`` (3 s deadline).
:meth:`SocketModeServer.disconnect_all` sends ``{"type": "disconnect", "reason": ...}`` and closes the
connections shortly after; slack_sdk's client then reconnects through apps.connections.open.
WebSocket pings are answered by the ``websockets`` library.
"""

from __future__ import annotations

import itertools
import json
import logging
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

if TYPE_CHECKING:
    from .fake import FakeSlack

MAX_CONNECTIONS = 10
ACK_TIMEOUT = 3.0
_log = logging.getLogger("fakeslack.socket_mode")
_log.addHandler(logging.NullHandler())


@dataclass
class SocketDelivery:
    """What happened to one envelope."""

    envelope_id: str
    envelope: dict[str, Any]
    acked: bool
    ack_payload: dict[str, Any] | None
    elapsed: float
    connection_id: int | None

    @property
    def timed_out(self) -> bool:
        return not self.acked


@dataclass
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)
    frame: dict[str, Any] | None = None


@dataclass
class _Conn:
    id: int
    ws: ServerConnection
    app_id: str
    send_lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, frame: dict[str, Any]) -> None:
        with self.send_lock:
            self.ws.send(json.dumps(frame))


class SocketModeServer:
    """A ``websockets`` sync server on an ephemeral port, run in a daemon thread."""

    def __init__(self, fake: FakeSlack, host: str = "127.0.0.1") -> None:
        self._fake = fake
        self._host = host
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._tickets: dict[str, str] = {}
        self._conns: list[_Conn] = []
        self._by_ws: dict[int, str] = {}
        self._pending: dict[str, _Pending] = {}
        self._ids = itertools.count(1)
        self._rr = itertools.count()
        self.frames_received: list[dict[str, Any]] = []

    # -- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> None:
        self._server = serve(
            self._handle,
            self._host,
            0,
            process_request=self._process_request,
            compression=None,
            open_timeout=5,
            close_timeout=1,
            ping_interval=20,
            ping_timeout=20,
            max_size=None,
        )
        self._thread = threading.Thread(target=self._server.serve_forever, name="fakeslack-socket", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return int(self._server.socket.getsockname()[1])

    def issue_url(self, app_id: str) -> str:
        """A fresh single-use WebSocket URL (apps.connections.open)."""
        ticket = secrets.token_hex(16)
        with self._lock:
            self._tickets[ticket] = app_id
        return f"ws://{self._host}:{self.port}/link/?ticket={ticket}&app_id={app_id}"

    # -- connections --------------------------------------------------------------------------------

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        ticket = (parse_qs(parts.query).get("ticket") or [""])[0]
        with self._lock:
            app_id = self._tickets.pop(ticket, None) if parts.path.rstrip("/") == "/link" else None
            if app_id is not None:
                self._by_ws[id(connection)] = app_id
        if app_id is None:
            return connection.respond(401, "invalid or used ticket\n")
        return None

    def _handle(self, ws: ServerConnection) -> None:
        with self._lock:
            app_id = self._by_ws.pop(id(ws), self._fake.app_id)
            too_many = len(self._conns) >= MAX_CONNECTIONS
            conn = _Conn(next(self._ids), ws, app_id)
            if not too_many:
                self._conns.append(conn)
                self._changed.notify_all()
            count = len(self._conns)
        try:
            if too_many:
                conn.send({"type": "disconnect", "reason": "too_many_websockets", "debug_info": self._debug_info()})
                ws.close()
                return
            conn.send(
                {
                    "type": "hello",
                    "num_connections": count,
                    "debug_info": {
                        **self._debug_info(),
                        "build_number": 1,
                        "approximate_connection_time": 18060,
                    },
                    "connection_info": {"app_id": app_id},
                }
            )
            for raw in ws:
                self._on_frame(raw)
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                if conn in self._conns:
                    self._conns.remove(conn)
                self._changed.notify_all()

    def _debug_info(self) -> dict[str, Any]:
        return {"host": "applink-fakeslack-1"}

    def _on_frame(self, raw: str | bytes) -> None:
        try:
            frame = json.loads(raw)
        except ValueError:
            self._fake.record_violation(f"socket_mode: non-JSON frame from the app: {raw!r:.200}")
            return
        if not isinstance(frame, dict) or "envelope_id" not in frame:
            self._fake.record_violation(f"socket_mode: frame without envelope_id: {raw!r:.200}")
            return
        with self._lock:
            self.frames_received.append(frame)
            pending = self._pending.get(str(frame["envelope_id"]))
        if pending is None:
            _log.debug("ack for an unknown or expired envelope %s", frame["envelope_id"])
            return
        pending.frame = frame
        pending.done.set()

    def connection_count(self) -> int:
        with self._lock:
            return len(self._conns)

    def wait_for_connections(self, count: int = 1, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._conns) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
        return True

    def disconnect_all(self, reason: str = "refresh_requested", close_after: float = 1.0) -> int:
        """Send a ``disconnect`` frame to every connection; close them after ``close_after`` seconds."""
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.send({"type": "disconnect", "reason": reason, "debug_info": self._debug_info()})
            except ConnectionClosed:
                continue
        if close_after >= 0:
            timer = threading.Timer(close_after, self._close, args=(conns,))
            timer.daemon = True
            timer.start()
        return len(conns)

    def _close(self, conns: list[_Conn]) -> None:
        for conn in conns:
            try:
                conn.ws.close()
            except Exception:
                _log.debug("close failed", exc_info=True)

    # -- delivery -----------------------------------------------------------------------------------

    def deliver(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = ACK_TIMEOUT,
        connect_wait: float = 5.0,
    ) -> SocketDelivery:
        """Send one envelope to one connection and wait up to ``timeout`` for its ack."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": retry_attempt,
            "retry_reason": retry_reason,
        }
        pending = _Pending()
        with self._lock:
            self._pending[envelope_id] = pending
        started = time.monotonic()
        conn_id: int | None = None
        try:
            deadline = started + connect_wait
            while conn_id is None:
                if not self.wait_for_connections(1, max(0.0, deadline - time.monotonic())):
                    raise TimeoutError(f"no Socket Mode connection within {connect_wait}s")
                with self._lock:
                    conns = list(self._conns)
                if not conns:
                    continue
                conn = conns[next(self._rr) % len(conns)]
                started = time.monotonic()
                try:
                    conn.send(envelope)
                    conn_id = conn.id
                except ConnectionClosed:
                    time.sleep(0.01)
            acked = pending.done.wait(timeout)
            elapsed = time.monotonic() - started
            frame = pending.frame if acked else None
            ack_payload = frame.get("payload") if frame else None
            return SocketDelivery(
                envelope_id=envelope_id,
                envelope=envelope,
                acked=acked,
                ack_payload=ack_payload if isinstance(ack_payload, dict) else None,
                elapsed=elapsed,
                connection_id=conn_id,
            )
        finally:
            with self._lock:
                self._pending.pop(envelope_id, None)
