"""The fake's controllable clock.

Slack-side deadlines run on this clock: trigger_id expiry (3 s, slack-platform.md §2.3), response_url
limits (5 uses / 30 min, §2.4), rate-limit buckets and ``Retry-After`` (§3), message ``ts`` values and
event times. It follows the wall clock by default; tests move it forward with :meth:`Clock.advance`
(or ``FakeSlack.advance``) instead of sleeping.

Request *signatures* sent by the driver deliberately use the real wall clock, because the app checks
them against its own clock (§2.5); see ``SlackDriver``.
"""

from __future__ import annotations

import threading
import time


class Clock:
    """Wall-clock time plus an adjustable offset, optionally frozen.

    Thread-safe: the fake's HTTP threads, the WebSocket threads and the test thread all read it.
    """

    def __init__(self, start: float | None = None) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0
        self._frozen_at: float | None = start

    def now(self) -> float:
        """Current fake time in Unix seconds."""
        frozen = self._frozen_at
        if frozen is not None:
            return frozen + self._offset
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Move fake time forward (or backward with a negative value)."""
        with self._lock:
            self._offset += seconds

    def freeze(self, at: float | None = None) -> None:
        """Stop the clock at ``at`` (default: now); :meth:`advance` still moves it."""
        with self._lock:
            self._frozen_at = self.now() - self._offset if at is None else at - self._offset

    def unfreeze(self) -> None:
        """Follow the wall clock again (keeping the accumulated offset)."""
        with self._lock:
            self._frozen_at = None
