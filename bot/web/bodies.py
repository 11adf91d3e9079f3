"""Reading a request body within its bounds, and running blocking work in request threads (bot/web/app.py)."""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import aclosing
from typing import TypeVar

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

log = logging.getLogger(__name__)

#: The largest request body read. Slack's requests are small (a slash command under 1 KB, a sign-on form
#: about 10 KB, a view of Slack's maximum 250 KB percent-encoded well under this); anything larger is answered
#: 413 without reading it.
MAX_BODY_BYTES = 1024 * 1024
#: Seconds a client has to send the whole body once its headers have arrived. Slack sends it at once; a
#: client that trickles it (a byte now and then) is cut off here, whatever its pace.
BODY_TIMEOUT = 5.0
_CLOSE = {"connection": "close"}  # after refusing a body unread, the connection cannot carry another request


def json_error(status: int, message: str, *, close: bool = False) -> Response:
    # Spelled as Bolt spells its own 401 body, so every refusal looks the same to a client.
    body = json.dumps({"error": message})
    return Response(body, status_code=status, media_type="application/json", headers=_CLOSE if close else None)


async def read_body(request: Request) -> bytes | Response:
    """The whole body, or the error response for a body that is too large, too slow or cut short."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        log.warning("refused a request body of %s bytes (more than %d)", declared, MAX_BODY_BYTES)
        return json_error(413, "request too large", close=True)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(BODY_TIMEOUT):
            async with aclosing(request.stream()) as stream:
                async for chunk in stream:
                    size += len(chunk)
                    if size > MAX_BODY_BYTES:  # chunked transfer encoding: no length was declared
                        log.warning("refused a request body of more than %d bytes", MAX_BODY_BYTES)
                        return json_error(413, "request too large", close=True)
                    chunks.append(chunk)
    except TimeoutError:
        log.info("closed a request whose body did not arrive within %.0f s (%d bytes came)", BODY_TIMEOUT, size)
        return json_error(408, "request timeout", close=True)
    except ClientDisconnect:
        return json_error(400, "incomplete request", close=True)  # nobody is left to read it
    return b"".join(chunks)


Result = TypeVar("Result")


async def in_thread(threads: ThreadPoolExecutor, function: Callable[..., Result], *args: object) -> Result:
    """``function(*args)`` in one of ``threads`` (queued while all are busy), in a copy of the caller's context."""
    context = contextvars.copy_context()  # each call starts from the event loop's context, not the last call's
    return await asyncio.get_running_loop().run_in_executor(threads, context.run, function, *args)
