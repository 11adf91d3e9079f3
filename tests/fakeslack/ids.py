"""Slack-shaped identifiers.

IDs are an uppercase prefix letter plus base-36 digits (``U0000000A1``, ``C…``, ``D…`` for DMs,
``V…`` views, ``F…`` files, ``B…`` bots), deterministic per fake so failures are reproducible.
Message ``ts`` values are ``"<seconds>.<6 digits>"`` and strictly increase (slack-platform.md §7.4).
"""

from __future__ import annotations

import itertools
import random
import secrets
import string
import threading
from collections.abc import Callable

_ALPHABET = string.digits + string.ascii_uppercase
_SHORT_ID_ALPHABET = string.ascii_letters + string.digits


def _base36(n: int) -> str:
    out = []
    while n:
        n, r = divmod(n, 36)
        out.append(_ALPHABET[r])
    return "".join(reversed(out)) or "0"


class IdFactory:
    """Thread-safe generator of Slack-looking IDs and message timestamps."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._counters: dict[str, itertools.count[int]] = {}
        self._lock = threading.Lock()
        self._last_ts_us = 0

    def new(self, prefix: str) -> str:
        """A fresh ID like ``U00000001A`` for ``prefix="U"``."""
        counter = self._counters.get(prefix)
        if counter is None:
            with self._lock:
                counter = self._counters.setdefault(prefix, itertools.count(1))
        return prefix + "0" + _base36(next(counter)).rjust(8, "0")

    def ts(self) -> str:
        """A new message timestamp, strictly greater than every previous one."""
        with self._lock:
            now_us = int(self._now() * 1_000_000)
            self._last_ts_us = max(now_us, self._last_ts_us + 1)
            sec, us = divmod(self._last_ts_us, 1_000_000)
        return f"{sec}.{us:06d}"

    @staticmethod
    def trigger_id() -> str:
        """``<digits>.<digits>.<hex>`` like ``398738663015.47445629121.803a0bc8…`` (§2.3)."""
        first = random.randint(10**11, 10**12 - 1)
        second = random.randint(10**10, 10**11 - 1)
        return f"{first}.{second}.{secrets.token_hex(16)}"

    @staticmethod
    def short_id(length: int = 5) -> str:
        """Random block/action id as Slack generates for blocks sent without one."""
        return "".join(random.choices(_SHORT_ID_ALPHABET, k=length))

    @staticmethod
    def secret(n: int = 24) -> str:
        return secrets.token_urlsafe(n)
