"""What visitors of the public sign-on page do, as steps: open it, fill the form, read their email, follow links.

Visitors talk to the app over HTTP only (a cookie jar, as a browser keeps one); emails are caught by a local
SMTP server (aiosmtpd) that the tests start.
"""

from __future__ import annotations

import email
import email.policy
import html
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.cookiejar import CookieJar
from typing import Any

from aiosmtpd.controller import Controller

from db.models import Letter
from tests.conftest import RunningApp
from tests.e2e.steps import db_session
from tests.harness import free_port


def enable_page(database_url: str, letter_id: int, **columns: Any) -> str:
    """Turn a letter's public page on directly in the database (the modal's path has its own test)."""
    with db_session(database_url) as session:
        letter = session.get(Letter, letter_id)
        assert letter is not None
        letter.web_enabled = True
        letter.web_token = letter.web_token or f"page{letter_id}-" + "x" * 30
        for name, value in columns.items():
            setattr(letter, name, value)
        session.commit()
        return letter.web_token


@dataclass
class Answer:
    status: int
    text: str
    headers: dict[str, str]

    def csrf(self) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.text)
        assert found, self.text[:2000]
        return html.unescape(found.group(1))


@dataclass
class Visitor:
    """One browser: its own cookies, its language."""

    base: str
    language: str = "en-US,en;q=0.8"
    jar: CookieJar = field(default_factory=CookieJar)

    def _open(self, request: urllib.request.Request) -> Answer:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        request.add_header("Accept-Language", self.language)
        try:
            with opener.open(request, timeout=30) as response:
                return Answer(
                    response.status, response.read().decode(), {k.lower(): v for k, v in response.headers.items()}
                )
        except urllib.error.HTTPError as error:
            return Answer(
                error.code, error.read().decode(errors="replace"), {k.lower(): v for k, v in error.headers.items()}
            )

    def get(self, path: str) -> Answer:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: dict[str, str] | bytes, content_type: str | None = None) -> Answer:
        body = fields if isinstance(fields, bytes) else urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")
        request.add_header("Content-Type", content_type or "application/x-www-form-urlencoded")
        return self._open(request)


def visitor(app: RunningApp, **kwargs: Any) -> Visitor:
    return Visitor(f"http://127.0.0.1:{app.process.port}", **kwargs)


def form_fields(org: str, **changes: str) -> dict[str, str]:
    fields = {
        "org_name": org,
        "name": "Rosa Díaz",
        "title": "Executive Director",
        "email": "rosa@allies.org",
        "city_state": "Tucson, AZ",
        "org_type": "advocacy",
        "note": "",
        "authorized": "yes",
        "website": "",
    }
    fields.update(changes)
    return fields


def sign_on_web(person: Visitor, token: str, org: str, **changes: str) -> Answer:
    """Open the page, then send the form as a browser would (with the page's CSRF token)."""
    page = person.get(f"/l/{token}")
    assert page.status == 200, page.text[:500]
    return person.post(f"/l/{token}", {**form_fields(org, **changes), "csrf": page.csrf()})


class Mailbox:
    """A local SMTP server that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.port = free_port()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd calls it by this name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def links(self, message: EmailMessage) -> dict[str, str]:
        body = message.get_body(("plain",))
        assert body is not None
        found = re.findall(r"https?://\S+/s/(confirm|edit|withdraw)\?(\S+)", body.get_content())
        return {kind: f"/s/{kind}?{query}" for kind, query in found}


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def smtp_env(mailbox: Mailbox) -> dict[str, str]:
    return {
        "PUBLIC_URL": "http://signon.test",
        "SMTP_URL": f"smtp://127.0.0.1:{mailbox.port}",
        "SMTP_FROM": "Coalition sign-ons <signon@coalition.test>",
    }


def link_token(path: str) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["t"][0]


def press(person: Visitor, path: str) -> Answer:
    """Open an emailed link and press its button (confirm or withdraw)."""
    page = person.get(path)
    assert page.status == 200, page.text[:800]
    kind = urllib.parse.urlsplit(path).path
    return person.post(kind, {"t": link_token(path), "csrf": page.csrf()})
