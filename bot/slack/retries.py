"""Which Web API calls slack_sdk may retry by itself, and when.

A 429 was not processed, so every call may wait out ``Retry-After`` and go again. A 5xx, a timeout or a reset
connection is ambiguous: Slack may have done the work. Calls that only read, or set a state (views.update,
chat.update, users.info, conversations.open…), are safe to repeat and are retried here with backoff. Calls that
create something (a message, a modal, a file share) are not: repeating them could post twice, so their
callers decide (bot/slack/sending.py looks for the message first).
"""

from __future__ import annotations

from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

# Web API methods that create something each time they succeed.
CREATING = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "chat.meMessage",
        "views.open",
        "views.push",
        "files.completeUploadExternal",
        "files.upload",
    }
)


def _method(request: HttpRequest) -> str:
    return request.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def repeatable(request: HttpRequest) -> bool:
    return _method(request) not in CREATING


class RepeatableServerErrorRetryHandler(RetryHandler):
    """5xx answers to calls that are safe to repeat."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code >= 500 and repeatable(request)


class RepeatableConnectionErrorRetryHandler(ConnectionErrorRetryHandler):
    """Resets and timeouts of calls that are safe to repeat."""

    def __init__(self, max_retry_count: int = 2) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.error_types_to_do_retries = [*self.error_types_to_do_retries, TimeoutError, ConnectionError]

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return repeatable(request) and super()._can_retry(state=state, request=request, response=response, error=error)


def retry_handlers(*, rate_limit_retries: int) -> list[RetryHandler]:
    """The handlers of every client signon builds (``rate_limit_retries`` 0: the caller paces 429s itself)."""
    handlers: list[RetryHandler] = [
        RepeatableServerErrorRetryHandler(max_retry_count=2),
        RepeatableConnectionErrorRetryHandler(),
    ]
    if rate_limit_retries:
        handlers.append(RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries))
    return handlers
