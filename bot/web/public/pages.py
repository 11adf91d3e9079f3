"""The public sign-on page of a letter and its emailed links, served beside /slack/events.

``GET /l/{token}`` shows the letter and the form; ``POST /l/{token}`` signs on (CSRF token, honeypot, size and
rate limits first); ``/s/confirm``, ``/s/edit`` and ``/s/withdraw`` take the signed token of an emailed link
(``?t=…``) and show a button or a form that acts on that one sign-on. Database work runs in this app's own
request threads, so a rush of visitors queues here and never ahead of Slack's requests.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.messages import words
from bot.runtime import Runtime
from bot.services import web
from bot.services.outcomes import LetterClosed, LetterMissing
from bot.services.signing.form import validate_form
from bot.services.signing.signing import AlreadySigned, AwaitingCheck
from bot.timeutil import utcnow
from bot.web.bodies import in_thread, read_body
from bot.web.public import links
from bot.web.public.emailed import LinkActions
from bot.web.public.forms import form_fields, raw_form
from bot.web.public.links import Signer
from bot.web.public.render import CSRF_COOKIE, CSRF_FIELD, HONEYPOT, Page, message, render, visitor_language, words_of
from db.engine import StorageUnavailable

log = logging.getLogger(__name__)

#: A sign-on form is about 2 KB; anything over this is not one.
MAX_FORM_BYTES = 32 * 1024
RATE_WINDOW = timedelta(minutes=1)


class PublicPages:
    def __init__(self, runtime: Runtime, threads: int) -> None:
        self.runtime = runtime
        self.signer = Signer(runtime.settings.signing_secret or "-")
        self.threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="public")
        settings = runtime.settings
        self.secure_cookie = bool(settings.public_url and settings.public_url.startswith("https://"))
        self.per_address = settings.web_rate_per_address
        self.per_letter = settings.web_rate_per_letter
        self.links = LinkActions(runtime, self.signer)

    def routes(self) -> list[Route]:
        return [
            Route("/l/{token}", self.letter_page, methods=["GET", "POST"]),
            Route("/s/{kind}", self.link_page, methods=["GET", "POST"]),
        ]

    # -- the letter's page --------------------------------------------------------------------------------

    async def letter_page(self, request: Request) -> Response:
        token = request.path_params["token"]
        if request.method == "GET":
            cookie = request.cookies.get(CSRF_COOKIE) or Signer.new_cookie_value()
            page = await in_thread(self.threads, self._show, token, visitor_language(request), cookie, {}, {}, None)
            page.set_cookie = cookie
            return render(page)
        raw = await self._read(request)
        if isinstance(raw, Response):
            return raw
        fields = form_fields(raw) or {}
        client = request.client.host if request.client else "unknown"
        sent_cookie = request.cookies.get(CSRF_COOKIE)
        page = await in_thread(
            self.threads, self._submit, token, visitor_language(request), fields, sent_cookie, client
        )
        return render(page)

    async def _read(self, request: Request) -> bytes | Response:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_FORM_BYTES:
            return self._too_large(request)
        raw = await read_body(request)
        if isinstance(raw, Response):
            return raw if raw.status_code != 413 else self._too_large(request)
        return raw if len(raw) <= MAX_FORM_BYTES else self._too_large(request)

    def _too_large(self, request: Request) -> Response:
        w = words_of(request)
        response = render(message(w, w.web_too_large(), "", 413))
        response.headers["connection"] = "close"
        return response

    def _show(
        self,
        token: str,
        language: str,
        cookie: str,
        values: dict[str, str],
        errors: dict[str, str],
        banner: str | None,
        status: int = 200,
    ) -> Page:
        w = words(language)
        with self.runtime.db.read() as session:
            letter = web.page_letter(session, token, utcnow())
        if letter is None:
            return message(w, w.web_not_found_heading(), w.web_not_found(), 404)
        shown = letter.text_for(language)
        others = [text for text in letter.texts if text.language != shown.language]
        context = {
            "letter": letter,
            "shown": shown,
            "others": others,
            "token": token,
            "form_token": self.signer.form_token(cookie, token),
            "values": values,
            "errors": errors,
            "banner": banner,
            "email_check": self.runtime.settings.smtp is not None and not letter.require_approval,
            "deadline_iso": letter.deadline_at.isoformat(),
            "deadline_utc": w.web_utc_time(letter.deadline_at),
        }
        return Page("letter.html" if letter.accepting else "closed.html", w, status, context)

    def _submit(self, token: str, language: str, fields: dict[str, str], cookie: str | None, client: str) -> Page:
        w = words(language)
        values = {key: value[:2000] for key, value in fields.items() if key not in (CSRF_FIELD, HONEYPOT)}
        fresh = cookie or Signer.new_cookie_value()

        def again(banner: str, status: int, errors: dict[str, str] | None = None) -> Page:
            page = self._show(token, language, fresh, values, errors or {}, banner, status)
            page.set_cookie = fresh
            return page

        if not self.signer.form_token_ok(fields.get(CSRF_FIELD, ""), cookie, token):
            return again(w.web_form_expired(), 403)
        now = utcnow()
        form, problems = validate_form(raw_form(fields), plain_names=True)
        email_check = self.runtime.settings.smtp is not None

        def work(session: Session) -> web.WebSignOnOutcome | None:
            """Count the request against both limits, then (under them, a good form) sign on: one write
            transaction per form. Over a limit, only the count is kept (None)."""
            address_hits = web.count_request(session, f"address:{client}", now=now, window=RATE_WINDOW)
            letter_hits = web.count_request(session, f"letter:{token}", now=now, window=RATE_WINDOW)
            if address_hits > self.per_address or letter_hits > self.per_letter:
                log.info(
                    "refused a web sign-on over the rate limit (%d from the address, %d for the letter)",
                    address_hits,
                    letter_hits,
                )
                return None
            if form is None or fields.get(HONEYPOT):
                return LetterMissing(None)  # nothing to sign: answered below
            return web.sign_on_web(session, token=token, form=form, now=now, email_check=email_check, language=language)

        try:
            outcome = self.runtime.db.transaction(work)
        except StorageUnavailable:
            return again(w.storage_down_short(), 503)
        if outcome is None:
            return again(w.web_too_many(), 429)
        if fields.get(HONEYPOT):
            # A bot filled the field people never see: it is told what a person would be, and nothing is kept.
            log.info("ignored a web sign-on that filled the honeypot field")
            return message(w, w.web_waiting_for_approval_heading(), "")
        if form is None:
            errors = {name: w.form_problem(problem) for name, problem in problems.items()}
            return again(w.web_errors_summary(len(errors)), 422, errors)
        if isinstance(outcome, web.WebSigned):
            back = f"/l/{token}?lang={language}"
            if outcome.email_id is not None:
                text = w.web_check_email(outcome.org_name, form.email)
                return message(w, w.web_check_email_heading(), text, back=back)
            text = w.web_waiting_for_approval(outcome.org_name)
            return message(w, w.web_waiting_for_approval_heading(), text, back=back)
        if isinstance(outcome, AlreadySigned):
            return again(w.web_already_signed(outcome.org_name), 409)
        if isinstance(outcome, AwaitingCheck):
            return again(w.web_awaiting_check(outcome.org_name), 409)
        if isinstance(outcome, LetterClosed):
            return self._show(token, language, fresh, {}, {}, None)
        assert isinstance(outcome, LetterMissing)
        return message(w, w.web_not_found_heading(), w.web_not_found(), 404)

    # -- the emailed links --------------------------------------------------------------------------------

    async def link_page(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        language = visitor_language(request)
        if kind not in (links.CONFIRM, links.EDIT, links.WITHDRAW):
            w = words_of(request)
            return render(message(w, w.web_not_found_heading(), w.web_not_found(), 404))
        fields: dict[str, str] = {}
        if request.method == "POST":
            raw = await self._read(request)
            if isinstance(raw, Response):
                return raw
            fields = form_fields(raw) or {}
        link_token = fields.get("t") or request.query_params.get("t", "")
        cookie = request.cookies.get(CSRF_COOKIE)
        fresh = cookie or Signer.new_cookie_value()
        page = await in_thread(
            self.threads, self.links.act, kind, link_token, language, request.method == "POST", fields, cookie, fresh
        )
        page.set_cookie = fresh
        return render(page)
