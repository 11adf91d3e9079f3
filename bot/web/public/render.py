"""Rendering the public pages: Jinja2 templates (autoescaped), the visitor's language, and the security headers
every page carries."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.messages import Words, words
from bot.services.signing.form import ORG_TYPES
from db.enums import Language
from db.models import CITY_STATE_MAX, EMAIL_MAX, NOTE_MAX, ORG_NAME_MAX, PERSON_NAME_MAX, TITLE_MAX

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

#: The form's fields: (name, maxlength) in the order the page shows them. The names are what the Slack modal's
#: values become in bot/services/signing/form.py.
TEXT_FIELDS = (
    ("org_name", ORG_NAME_MAX),
    ("name", PERSON_NAME_MAX),
    ("title", TITLE_MAX),
    ("email", EMAIL_MAX),
    ("city_state", CITY_STATE_MAX),
)
NOTE_FIELD_MAX = NOTE_MAX
HONEYPOT = "website"
CSRF_FIELD = "csrf"
CSRF_COOKIE = "signon_form"


def visitor_language(request: Request) -> str:
    """``?lang=es`` or ``?lang=en`` when given, else the first language of Accept-Language signon speaks."""
    chosen = request.query_params.get("lang", "")
    if chosen in tuple(Language):
        return chosen
    ranked = []
    for index, part in enumerate(request.headers.get("accept-language", "")[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag.split("-")[0].lower()))
    for _, _, code in sorted(ranked):
        if code in tuple(Language):
            return code
    return Language.EN


@dataclass
class Page:
    """One page to render: its template, words, and the values the template reads."""

    template: str
    w: Words
    status: int = 200
    values: dict[str, Any] = field(default_factory=dict)
    set_cookie: str | None = None
    secure_cookie: bool = False


def render(page: Page) -> HTMLResponse:
    nonce = secrets.token_urlsafe(12)
    body = TEMPLATES.get_template(page.template).render(
        w=page.w,
        lang=page.w.language,
        nonce=nonce,
        org_types=[(code, page.w.org_type(code)) for code in ORG_TYPES],
        text_fields=TEXT_FIELDS,
        note_max=NOTE_FIELD_MAX,
        honeypot=HONEYPOT,
        csrf_field=CSRF_FIELD,
        **page.values,
    )
    response = HTMLResponse(body, status_code=page.status)
    response.headers.update(
        {
            # Only this page's own style and script run; forms post only here; nobody may frame it.
            "content-security-policy": (
                f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
            ),
            "x-content-type-options": "nosniff",
            # The page's address is its secret: never sent on to another site.
            "referrer-policy": "no-referrer",
            "cache-control": "no-store",
        }
    )
    if page.set_cookie:
        response.set_cookie(
            CSRF_COOKIE,
            page.set_cookie,
            max_age=6 * 3600,
            httponly=True,
            samesite="lax",
            secure=page.secure_cookie,
            path="/",
        )
    return response


def words_of(request: Request) -> Words:
    return words(visitor_language(request))


def message(w: Words, heading: str, text: str, status: int = 200, back: str | None = None) -> Page:
    """A page that only says something (thanks, a refusal, a link that no longer works); ``back``: the letter's
    page, linked under it."""
    return Page("message.html", w, status, {"heading": heading, "text": text, "back": back})
