"""Exceptions used inside the fake.

``ApiError`` is how Web API handlers answer ``{"ok": false, "error": ...}`` (slack-platform.md §7.1);
``DriverError`` means the *test* asked the driver for something Slack's client would never send
(an unknown action_id, a value for a block that is not an input, ...). It is not an app failure.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Slack Web API error answer.

    Args:
        error: The ``error`` code, e.g. ``"channel_not_found"``.
        status: HTTP status; Slack answers API errors with 200 except rate limits (429).
        extra: Additional top-level fields (``needed``/``provided``, ``response_metadata``...).
        headers: Extra response headers (``Retry-After``...).
    """

    def __init__(
        self,
        error: str,
        *,
        status: int = 200,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, **self.extra}


def invalid_arguments(*messages: str) -> ApiError:
    """``invalid_arguments`` with ``response_metadata.messages`` (slack-platform.md §2.3, §3)."""
    return ApiError("invalid_arguments", extra={"response_metadata": {"messages": list(messages)}})


def missing_field(name: str, pointer: str | None = None) -> ApiError:
    return invalid_arguments(f"[ERROR] missing required field: {name} [json-pointer:{pointer or '/' + name}]")


class DriverError(ValueError):
    """The test asked the driver to do something a Slack client cannot do."""
