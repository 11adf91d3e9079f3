"""Recording of every request the app makes to the fake (slack-platform.md §6 last bullet, §7.1).

Each request becomes a :class:`SlackApiCall` appended to a :class:`CallLog`. Appending is one list
append plus a condition notify, so it stays cheap under load; queries copy the list.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CallPredicate = Callable[["SlackApiCall"], bool]


@dataclass
class SlackApiCall:
    """One request received by the fake.

    Attributes:
        method: Web API method (``"chat.postMessage"``), or ``"upload"`` for the file upload URL, or
            ``"response_url"`` for POSTs to a response_url.
        params: Parsed parameters (JSON body, form fields and query string merged; JSON-string
            ``blocks``/``view``/``files``... stay as sent; see :meth:`param_json`).
        headers: Request headers, lower-cased names.
        token: The token used (``Authorization: Bearer`` or ``token`` param), if any.
        body: Raw request body.
        time: Fake-clock time the request arrived.
        status: HTTP status returned (0 when the connection was reset on purpose).
        response: The JSON body returned (``None`` for non-JSON answers).
        http_method: ``"POST"`` or ``"GET"``.
        path: Request path.
        processed: The fake performed the call (its handler ran and may have changed the
            workspace); ``False`` when an injected fault answered instead.
        answered: The answer reached the client; ``False`` when the connection was dropped on
            purpose or the client had already gone (it timed out).
        processed_response: With ``inject(..., processed=True)`` / ``drop_response_after_processing``:
            the JSON the call would have answered (e.g. the ``ts`` of a posted message).
    """

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    token: str | None
    body: bytes
    time: float
    status: int = 200
    response: dict[str, Any] | None = None
    http_method: str = "POST"
    path: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    processed: bool = False
    answered: bool = True
    processed_response: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response and self.response.get("ok"))

    @property
    def error(self) -> str | None:
        return None if self.response is None else self.response.get("error")

    def param_json(self, name: str) -> Any:
        """A parameter that may arrive as a JSON string (form) or as an object (JSON body)."""
        value = self.params.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value


class CallLog:
    """Thread-safe append-only log of :class:`SlackApiCall` with waiting helpers."""

    def __init__(self) -> None:
        self._calls: list[SlackApiCall] = []
        self._cond = threading.Condition()

    def append(self, call: SlackApiCall) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def snapshot(self) -> list[SlackApiCall]:
        with self._cond:
            return list(self._calls)

    def clear(self) -> None:
        with self._cond:
            self._calls.clear()

    def select(self, method: str | None = None) -> list[SlackApiCall]:
        calls = self.snapshot()
        return calls if method is None else [c for c in calls if c.method == method]

    def wait_for(self, what: str | CallPredicate, *, timeout: float = 5.0, count: int = 1) -> list[SlackApiCall]:
        """Block until at least ``count`` calls match; return the matching calls.

        ``what`` is a method name or a predicate over :class:`SlackApiCall`.

        Raises:
            AssertionError: on timeout, listing the methods seen so far.
        """
        predicate: CallPredicate = (lambda c: c.method == what) if isinstance(what, str) else what
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                matched = [c for c in self._calls if predicate(c)]
                if len(matched) >= count:
                    return matched
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [f"{c.method}({c.status}{'' if c.ok else ':' + str(c.error)})" for c in self._calls[-30:]]
                    label = what if isinstance(what, str) else getattr(what, "__name__", "predicate")
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {count} x {label}; got {len(matched)}. "
                        f"Last calls: {', '.join(seen) or '(none)'}"
                    )
                self._cond.wait(remaining)
