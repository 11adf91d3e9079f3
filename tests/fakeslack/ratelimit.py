"""Slack's rate-limit tiers as token buckets (slack-platform.md §3).

Limits are "per API method per workspace/team per app": one bucket per ``(team, method)``. Tier
rates per minute: Tier 1 = 1, Tier 2 = 20, Tier 3 = 50, Tier 4 = 100; "Special" methods have their
own rule — chat.postMessage allows about one message per second per channel with short bursts
(a per-channel bucket, capacity 3: UNVERIFIED burst size), auth.test and chat.getPermalink allow
"hundreds" per minute (600 here). A bucket holds up to ``burst`` requests (default: one minute's
worth) and refills continuously; an empty bucket answers HTTP 429 with ``Retry-After`` = whole
seconds until the next request would pass.

``scale`` multiplies every rate and burst, so a benchmark can keep the shape of the limits while
running 10× faster (``FakeSlack.rate_limit_scale``).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

TIER_PER_MINUTE = {1: 1.0, 2: 20.0, 3: 50.0, 4: 100.0}

#: Method -> tier (1-4) or a per-minute number for "Special" methods (§3 table).
METHOD_TIERS: dict[str, int | float] = {
    "auth.test": 600.0,
    "chat.getPermalink": 600.0,
    "chat.update": 3,
    "chat.delete": 3,
    "chat.postEphemeral": 4,
    "chat.scheduleMessage": 3,
    "conversations.open": 3,
    "conversations.join": 3,
    "conversations.info": 3,
    "conversations.members": 4,
    "conversations.history": 3,
    "conversations.replies": 3,
    "conversations.list": 2,
    "users.info": 4,
    "users.list": 2,
    "users.lookupByEmail": 3,
    "team.info": 3,
    "views.open": 4,
    "views.push": 4,
    "views.update": 4,
    "views.publish": 4,
    "files.getUploadURLExternal": 4,
    "files.completeUploadExternal": 4,
    "files.info": 4,
    "files.upload": 2,
    "apps.connections.open": 3,
    "oauth.v2.access": 4,
}

POST_MESSAGE_PER_CHANNEL_PER_MINUTE = 60.0
POST_MESSAGE_PER_CHANNEL_BURST = 3.0


@dataclass
class _Bucket:
    rate_per_s: float
    capacity: float
    tokens: float
    updated: float

    def take(self, now: float) -> float:
        """Consume one request; return 0 if allowed, else seconds until one is available."""
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate_per_s)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate_per_s


@dataclass
class _Limit:
    per_minute: float
    burst: float | None


class RateLimiter:
    """Decides whether a call is over its limit; thread-safe."""

    def __init__(self, now: Callable[[], float], *, enabled: bool = False, scale: float = 1.0) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, ...], _Bucket] = {}
        self._overrides: dict[str, _Limit] = {}
        self.enabled = enabled
        self._scale = scale

    @property
    def scale(self) -> float:
        return self._scale

    @scale.setter
    def scale(self, value: float) -> None:
        if value <= 0:
            raise ValueError("rate_limit_scale must be positive")
        with self._lock:
            self._scale = value
            self._buckets.clear()

    def set_limit(self, method: str, per_minute: float | None, burst: float | None = None) -> None:
        """Override (or with ``None`` remove) a method's limit; applies even when tiers are off."""
        with self._lock:
            if per_minute is None:
                self._overrides.pop(method, None)
            else:
                self._overrides[method] = _Limit(per_minute, burst)
            self._buckets = {k: v for k, v in self._buckets.items() if k[1] != method}

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def check(self, method: str, team_id: str, channel: str | None = None) -> int | None:
        """Return ``None`` if the call may proceed, else the ``Retry-After`` seconds (≥1)."""
        if not self.enabled and not self._overrides:
            return None
        limits: list[tuple[tuple[str, ...], float, float]] = []
        override = self._overrides.get(method)
        if override is not None:
            burst = override.burst if override.burst is not None else max(1.0, override.per_minute)
            limits.append(((team_id, method), override.per_minute, burst))
        elif self.enabled:
            if method == "chat.postMessage":
                if channel:
                    limits.append(
                        (
                            (team_id, method, channel),
                            POST_MESSAGE_PER_CHANNEL_PER_MINUTE,
                            POST_MESSAGE_PER_CHANNEL_BURST,
                        )
                    )
            else:
                tier = METHOD_TIERS.get(method, 3)
                per_minute = TIER_PER_MINUTE[tier] if isinstance(tier, int) else float(tier)
                limits.append(((team_id, method), per_minute, max(1.0, per_minute)))
        if not limits:
            return None
        now = self._now()
        wait = 0.0
        with self._lock:
            for key, per_minute, burst in limits:
                bucket = self._buckets.get(key)
                if bucket is None:
                    capacity = max(1.0, burst * self._scale)
                    bucket = _Bucket(per_minute * self._scale / 60.0, capacity, capacity, now)
                    self._buckets[key] = bucket
                wait = max(wait, bucket.take(now))
        return None if wait <= 0 else max(1, math.ceil(wait))
