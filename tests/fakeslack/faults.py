"""Fault injection and artificial latency (slack-platform.md §1.2, §7.4 "Fault injection").

``FakeSlack.inject(method, ...)`` queues a :class:`Fault` consumed by the next ``times`` calls of that
method (``"upload"`` for the file upload URL, ``"response_url"`` for response URLs, ``"*"`` for any).
Shapes follow python-slack-sdk's own mock server: 429 + ``Retry-After`` + ``{"ok":false,
"error":"ratelimited"}``; 500 with ``{"ok":false,"error":"internal_error"}``; 503 with an HTML page
(Slack's edge answers HTML when it is down); ``fatal_error``-style errors as 200 + ``ok: false``;
a reset connection (no HTTP response at all).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass
class Fault:
    status: int | None
    error: str | None
    retry_after: int
    times: int
    delay: float
    reset_connection: bool
    html: bool | None


class FaultPlan:
    """Per-method queues of pending faults plus per-method latency; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[str, list[Fault]] = {}
        self._latency: dict[str, float] = {}

    def add(self, method: str, fault: Fault) -> None:
        if fault.times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._faults.setdefault(method, []).append(fault)

    def take(self, method: str) -> Fault | None:
        """Consume one use of the oldest pending fault for ``method`` (or ``"*"``)."""
        if not self._faults:
            return None
        with self._lock:
            for key in (method, "*"):
                queue = self._faults.get(key)
                if queue:
                    fault = queue[0]
                    fault.times -= 1
                    if fault.times <= 0:
                        queue.pop(0)
                        if not queue:
                            del self._faults[key]
                    return fault
        return None

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
