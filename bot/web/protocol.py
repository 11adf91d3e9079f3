"""uvicorn's HTTP protocol with a deadline and a size bound on every request's headers.

uvicorn closes a connection that stays idle *after* a response (``timeout_keep_alive``), but it has no timer
for the headers of a request: a client that connects and sends nothing, or half a request line, keeps its
connection for as long as it likes, and enough of them exhaust the server. Here each connection must deliver
a complete header block within :data:`HEADER_TIMEOUT` seconds of connecting (or of its first byte after a
response), and that block may not exceed :data:`MAX_HEADER_BYTES`. The body has its own deadline and size
bound, in the application (``bot.web.app``).

Passed to uvicorn as its ``http`` protocol class, the documented way to replace the protocol.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger(__name__)

#: Seconds a connection has to send a complete request line and headers. Slack sends its whole request at
#: once; a browser on a poor connection needs well under a second for a few hundred bytes.
HEADER_TIMEOUT = 5.0
#: The largest header block accepted. Slack's requests carry under 2 KB of headers; a proxy in front adds a
#: few more. (nginx's default large_client_header_buffers allows 4 × 8 KB.)
MAX_HEADER_BYTES = 16 * 1024

_TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 15\r\nconnection: close\r\n\r\nRequest Timeout"
)
_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 31\r\nconnection: close\r\n\r\nRequest Header Fields Too Large"
)


class BoundedHeadersProtocol(HttpToolsProtocol):
    """:class:`HttpToolsProtocol` that drops connections whose request headers are late or oversized."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_deadline: asyncio.TimerHandle | None = None
        self._header_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        waiting = self._awaiting_headers()
        if waiting and self._header_deadline is None:  # the first bytes of a request on a kept-alive connection
            self._start_header_deadline()
        super().data_received(data)
        if not waiting:
            return
        if not self._awaiting_headers():  # the headers are complete: the application's deadlines take over
            self._cancel_header_deadline()
            return
        self._header_bytes += len(data)
        if self._header_bytes > MAX_HEADER_BYTES and not self.transport.is_closing():
            log.debug("closing a connection whose request headers exceed %d bytes", MAX_HEADER_BYTES)
            self._close_with(_TOO_LARGE)

    def _awaiting_headers(self) -> bool:
        # uvicorn makes a new request cycle when a request's headers are complete; until then the last one
        # (if any) is finished.
        return self.cycle is None or self.cycle.response_complete

    def _start_header_deadline(self) -> None:
        self._header_bytes = 0
        self._header_deadline = self.loop.call_later(HEADER_TIMEOUT, self._header_deadline_passed)

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None
        self._header_bytes = 0

    def _header_deadline_passed(self) -> None:
        self._header_deadline = None
        if self.transport.is_closing() or not self._awaiting_headers():
            return
        log.debug("closing a connection that sent no complete request headers in %.0f s", HEADER_TIMEOUT)
        self._close_with(_TIMED_OUT)

    def _close_with(self, response: bytes) -> None:
        self._cancel_header_deadline()
        self.transport.write(response)
        self.transport.close()
