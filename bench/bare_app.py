"""The baseline for bench.signon_burst: a bare Bolt app served exactly the way signon is served.

One ``/signon`` command that opens a fixed modal, and one ``view_submission`` handler that only acks.
No database, no background jobs, no middleware of our own. The modal has the same input blocks
(block_id / action_id) as signon's sign-on form, so both apps receive submissions of the same shape.

Served like ``python -m bot web``: gunicorn with uvicorn workers and the same options as
``bot.web.serving`` (repeated here so the baseline does not import the app), a Starlette route that runs
Bolt's ``App.dispatch`` in at most ``WEB_THREADS`` threads, one App per worker built after the fork.

    SLACK_API_URL=... SLACK_BOT_TOKEN=xoxb-... SLACK_SIGNING_SECRET=... PORT=3000 \
    WEB_CONCURRENCY=2 WEB_THREADS=16 python -m bench.bare_app
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from uvicorn_worker import UvicornWorker

CALLBACK_ID = "bare_submit"

# The sign-on form's choices (stored code, label as members read it), copied: the baseline imports nothing of the
# app.
ORG_TYPES = (
    ("community", "Community-based organization"),
    ("advocacy", "Advocacy or policy organization"),
    ("legal", "Legal services provider"),
    ("service", "Service provider"),
    ("faith", "Faith-based organization"),
    ("labor", "Labor union"),
    ("student", "Student or youth group"),
    ("academic", "Academic institution"),
    ("business", "Business"),
    ("government", "Government or elected office"),
    ("other", "Other"),
)


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _text_input(block_id: str, action_id: str, label: str, *, optional: bool = False) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": _plain(label),
        "element": {"type": "plain_text_input", "action_id": action_id, "max_length": 200},
    }


MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": CALLBACK_ID,
    "title": _plain("Sign on"),
    "submit": _plain("Sign on"),
    "close": _plain("Cancel"),
    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*A fixed letter*\nSign on below."}},
        {"type": "divider"},
        _text_input("org", "org_name", "Organization name"),
        _text_input("name", "person_name", "Your name"),
        _text_input("title", "person_title", "Your title"),
        _text_input("email", "email", "Email"),
        _text_input("city", "city_state", "City and state", optional=True),
        {
            "type": "input",
            "block_id": "org_type",
            "optional": True,
            "label": _plain("Organization type"),
            "element": {
                "type": "static_select",
                "action_id": "org_type",
                "placeholder": _plain("Choose one"),
                "options": [{"text": _plain(label), "value": code} for code, label in ORG_TYPES],
            },
        },
        {
            "type": "input",
            "block_id": "authorized",
            "label": _plain("Authorization"),
            "element": {
                "type": "checkboxes",
                "action_id": "authorized",
                "options": [{"text": _plain("I am authorized to sign on behalf of this organization"), "value": "yes"}],
            },
        },
        {
            "type": "input",
            "block_id": "note",
            "optional": True,
            "label": _plain("Note to the coordinators"),
            "element": {"type": "plain_text_input", "action_id": "note", "multiline": True, "max_length": 1000},
        },
    ],
}


def build_app() -> App:
    client = WebClient(base_url=os.environ["SLACK_API_URL"], token=os.environ["SLACK_BOT_TOKEN"])
    # The one setting that is not Bolt's default: as many listener threads as signon gives its listeners
    # (bot/app.py), so both apps run the same number of handlers at once.
    threads = int(os.environ.get("WEB_THREADS", "16"))
    executor = ThreadPoolExecutor(max_workers=max(8, threads), thread_name_prefix="listener")
    app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"], listener_executor=executor)

    @app.command("/signon")
    def open_modal(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.view(CALLBACK_ID)
    def submitted(ack: Ack) -> None:
        ack()

    return app


class ServedInThreads:
    """The ASGI side of ``bot.web.app``, minus signon's checks: read the body on the event loop, run Bolt's
    synchronous ``App.dispatch`` in at most ``threads`` threads, answer."""

    def __init__(self, app: App, threads: int) -> None:
        self.app = app
        self.threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="request")

    def dispatch(self, body: bytes, headers: dict[str, str], query: str) -> BoltResponse:
        return self.app.dispatch(BoltRequest(body=body.decode("utf-8"), query=query, headers=headers))

    async def events(self, request: Request) -> Response:
        body = await request.body()
        loop = asyncio.get_running_loop()
        response = await loop.run_in_executor(
            self.threads, self.dispatch, body, dict(request.headers), request.url.query
        )
        return to_starlette_response(response)

    async def health(self, request: Request) -> Response:
        return JSONResponse({"ok": True})


def asgi_app() -> Starlette:
    served = ServedInThreads(build_app(), int(os.environ.get("WEB_THREADS", "16")))
    return Starlette(routes=[Route("/slack/events", served.events, methods=["POST"]), Route("/healthz", served.health)])


class Worker(UvicornWorker):  # type: ignore[misc]
    # As bot.web.serving.SignonWorker, with uvicorn's own httptools protocol (signon's adds a header timer).
    CONFIG_KWARGS: dict[str, Any] = {  # noqa: RUF012
        "loop": "asyncio",
        "http": "httptools",
        "lifespan": "off",
        "limit_concurrency": 128,
        "timeout_keep_alive": 5,
        "access_log": False,
        "server_header": False,
    }


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Starlette:
        return asgi_app()


def main() -> None:
    Server(
        {
            "bind": f"0.0.0.0:{int(os.environ.get('PORT', '3000'))}",
            "workers": int(os.environ.get("WEB_CONCURRENCY", "2")),
            "worker_class": "bench.bare_app.Worker",
            "timeout": 30,
            "graceful_timeout": 10,
            "keepalive": 5,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
            "proc_name": "bare-bolt",
            "control_socket_disable": True,
        }
    ).run()


if __name__ == "__main__":
    main()
