"""Fault injection and artificial latency (slack-platform.md §1.2, §7.4 "Fault injection").

``FakeSlack.inject(method, ...)`` queues a :class:`Fault` for that method (``"upload"`` for the file
upload URL, ``"response_url"`` for response URLs, ``"*"`` for any). Shapes follow python-slack-sdk's
own mock server: 429 + ``Retry-After`` + ``{"ok":false,"error":"ratelimited"}``; 500 with
``{"ok":false,"error":"internal_error"}``; 503 with an HTML page (Slack's edge answers HTML when it is
down); ``fatal_error``-style errors as 200 + ``ok: false``; a reset connection (no HTTP response).

When a fault happens relative to the work matters for an app that must not post twice, so a fault
says which side of the processing it is on:

* before processing (default): ``delay`` waits, then the fault answers *instead of* the call — nothing
  changes in the workspace (a reset connection, a 429, a 5xx from the edge);
* after processing (``processed=True``, or ``drop_response_after_processing=True``): the call runs and
  changes the workspace, then its answer is replaced by the fault or the connection is closed without
  an answer. Slack documents this outcome for ``internal_error``/``fatal_error``: "It's possible some
  aspect of the operation succeeded before the error was raised" (slack-api-ref
  ``methods/chat/chat.update.json`` common errors);
* ``response_delay`` holds the answer after processing, so a client timeout fires although the call
  took effect — the "did it arrive?" ambiguity.

``after=N`` lets the next ``N`` calls of the method through untouched before the fault starts (fail
page 2 of a paginated listing with ``after=1``). Every pending fault counts calls from the moment it
was injected.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass
class Fault:
    """One injected fault; see :meth:`tests.fakeslack.fake.FakeSlack.inject` for the meaning."""

    status: int | None = None
    error: str | None = None
    retry_after: int = 1
    times: int = 1
    delay: float = 0.0
    reset_connection: bool = False
    html: bool | None = None
    after: int = 0
    processed: bool = False
    response_delay: float = 0.0

    @property
    def replaces_answer(self) -> bool:
        """Whether the client gets the fault instead of the method's own answer."""
        return bool(self.status or self.error or self.reset_connection)

    @property
    def skips_processing(self) -> bool:
        """Whether the call never reaches the method (the workspace does not change)."""
        return self.replaces_answer and not self.processed


class FaultPlan:
    """Per-method queues of pending faults plus per-method latency; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[str, list[Fault]] = {}
        self._latency: dict[str, float] = {}

    def add(self, method: str, fault: Fault) -> None:
        if fault.times < 1:
            raise ValueError("times must be >= 1")
        if fault.after < 0:
            raise ValueError("after must be >= 0")
        with self._lock:
            self._faults.setdefault(method, []).append(fault)

    def take(self, method: str) -> Fault | None:
        """The fault that applies to this call of ``method`` (or ``"*"``), consuming one of its uses.

        Faults still counting down ``after`` count this call; the oldest fault that is due fires.
        """
        if not self._faults:
            return None
        with self._lock:
            chosen: tuple[str, Fault] | None = None
            for key in (method, "*"):
                for fault in self._faults.get(key, ()):
                    if fault.after > 0:
                        fault.after -= 1
                    elif chosen is None:
                        chosen = (key, fault)
            if chosen is None:
                return None
            key, fault = chosen
            fault.times -= 1
            if fault.times <= 0:
                queue = self._faults[key]
                queue.remove(fault)
                if not queue:
                    del self._faults[key]
            return fault

    def pending(self, method: str | None = None) -> int:
        """How many fault uses are still queued (for ``method``, or in total)."""
        with self._lock:
            queues = [self._faults.get(method, [])] if method else list(self._faults.values())
            return sum(f.times for queue in queues for f in queue)

    def set_latency(self, method: str, seconds: float) -> None:
        with self._lock:
            if seconds <= 0:
                self._latency.pop(method, None)
            else:
                self._latency[method] = seconds

    def latency(self, method: str) -> float:
        if not self._latency:
            return 0.0
        return self._latency.get(method, 0.0) + self._latency.get("*", 0.0)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._latency.clear()
