"""``python -m bot web``: gunicorn manages the worker processes, each serving the ASGI app with uvicorn.

gunicorn forks ``WEB_CONCURRENCY`` workers, restarts one that dies or hangs, and shuts them down gracefully;
each worker runs one asyncio event loop (uvicorn) that reads every connection's request without holding a
thread, and hands complete requests to at most ``WEB_THREADS`` threads (``bot.web.app``), which check the
signature and run Bolt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication
from uvicorn_worker import UvicornWorker

from bot.web.protocol import BoundedHeadersProtocol

#: Seconds an idle kept-alive connection stays open after a response (uvicorn's ``timeout_keep_alive``).
KEEP_ALIVE = 5
#: Connections plus requests in progress per worker; past it uvicorn answers 503 at once. With bodies of at
#: most 1 MiB this bounds what a worker can be made to buffer (about 128 MiB), and it leaves room for the
#: 50 or so concurrent requests of a rush of sign-ons.
MAX_CONNECTIONS = 128


class SignonWorker(UvicornWorker):  # type: ignore[misc]
    """uvicorn's gunicorn worker with signon's protocol and limits."""

    CONFIG_KWARGS: dict[str, Any] = {  # noqa: RUF012 (uvicorn_worker's documented extension point)
        "loop": "asyncio",
        "http": BoundedHeadersProtocol,
        "lifespan": "off",  # the app is built when the worker boots, not in a lifespan handler
        "limit_concurrency": MAX_CONNECTIONS,
        "timeout_keep_alive": KEEP_ALIVE,
        "access_log": False,
        "server_header": False,
    }


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn configured from code, so ``python -m bot`` is the production server too.

    Each worker builds its own app (``load``) after the fork: database connections and scheduler
    threads must not cross a fork.
    """

    def __init__(self, load_app: Callable[[], Any], options: dict[str, Any]) -> None:
        self._load_app = load_app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self._load_app()


def gunicorn_options(port: int, workers: int, log_level: str) -> dict[str, Any]:
    """gunicorn's settings for ``python -m bot web``: ``workers`` uvicorn workers on 0.0.0.0:``port``."""
    return {
        "bind": f"0.0.0.0:{port}",
        "workers": workers,
        "worker_class": f"{SignonWorker.__module__}.{SignonWorker.__qualname__}",
        # Slack gives up after 3 s; a worker whose event loop is stuck far longer than that is restarted.
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": KEEP_ALIVE,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": log_level.lower(),
        "proc_name": "signon",
        # gunicorn's control socket lives at one fixed path per user: several instances on a host would fight.
        "control_socket_disable": True,
    }
