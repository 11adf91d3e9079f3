"""The health report behind ``GET /healthz``, for load balancers and platforms (HTTP and Socket Mode)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from bot.runtime import Runtime

log = logging.getLogger(__name__)


def database_ok(runtime: Runtime) -> bool:
    """Whether the database answers a trivial query (logged with the reason when it does not)."""
    try:
        with runtime.db.read() as session:
            session.execute(text("SELECT 1"))
        return True
    except Exception:
        log.warning("health check: database unreachable", exc_info=True)
        return False


def health_report(runtime: Runtime, socket_connected: Callable[[], bool] | None = None) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON body): 200 when the database answers (and the Socket Mode connection is up), else 503.

    Blocking (a database round trip): call it from a thread, never from the event loop.
    """
    checks: dict[str, Any] = {"database": "ok" if database_ok(runtime) else "unreachable"}
    if socket_connected is not None:
        checks["socket_mode"] = "connected" if socket_connected() else "disconnected"
    healthy = checks["database"] == "ok" and checks.get("socket_mode", "connected") == "connected"
    return (200 if healthy else 503), {"ok": healthy, **checks}
