"""The emailed links of a web sign-on: confirm it, edit it, withdraw it.

Opening a link (GET) never changes anything: it shows a button or a form (mail scanners that fetch every link
confirm nothing). Pressing it posts the link's signed token back with the page's CSRF token; the service then
checks the token's sign-on and nonce, so a link acts only on its own sign-on, and only while it is current.
"""

from __future__ import annotations

from typing import Any

from bot.messages import Words, words
from bot.runtime import Runtime
from bot.services import web
from bot.services.outcomes import LetterClosed
from bot.services.signing.form import validate_form
from bot.services.signing.signing import NameTaken, Updated, Withdrawn
from bot.timeutil import utcnow
from bot.web.public import links
from bot.web.public.forms import raw_form
from bot.web.public.links import Signer
from bot.web.public.render import CSRF_FIELD, Page, message
from db.engine import StorageUnavailable
from db.enums import SignatoryStatus

#: The status of a page for a link that expired, was replaced or whose sign-on is gone.
GONE = 410


def form_values(form: Any) -> dict[str, str]:
    return {
        "org_name": form.org_name,
        "name": form.name,
        "title": form.title,
        "email": form.email,
        "city_state": form.city_state or "",
        "org_type": form.org_type or "",
        "note": form.note or "",
        "authorized": "yes",
    }


class LinkActions:
    def __init__(self, runtime: Runtime, signer: Signer) -> None:
        self.runtime = runtime
        self.signer = signer

    def act(
        self,
        kind: str,
        link_token: str,
        language: str,
        posted: bool,
        fields: dict[str, str],
        cookie: str | None,
        fresh: str,
    ) -> Page:
        w = words(language)
        claim = self.signer.read_link(kind, link_token)
        if claim is None:
            return self._stale(w)
        with self.runtime.db.read() as session:
            linked = web.linked_sign_on(session, signatory_id=claim.signatory_id, nonce=claim.nonce)
            title = web.web_letter_title(session, linked.letter_id, language) if linked else None
        if linked is None or title is None:
            return self._stale(w)
        context: dict[str, Any] = {
            "kind": kind,
            "link_token": link_token,
            "form_token": self.signer.form_token(fresh, link_token),
            "org_name": linked.form.org_name,
            "title": title,
            "page_token": linked.token,
        }
        if posted and not self.signer.form_token_ok(fields.get(CSRF_FIELD, ""), cookie, link_token):
            context["banner"] = w.web_form_expired()
            posted = False
        if kind == links.EDIT:
            return self._edit(w, claim, linked, context, posted, fields)
        if not posted:
            if kind == links.CONFIRM and linked.status == SignatoryStatus.ACTIVE:
                return message(w, w.web_confirmed_heading(), w.web_already_confirmed(linked.form.org_name))
            return Page("action.html", w, 403 if context.get("banner") else 200, context)
        now = utcnow()
        try:
            if kind == links.CONFIRM:
                names = self.runtime.names
                outcome: Any = self.runtime.db.transaction(
                    lambda session: web.confirm_by_email(
                        session, signatory_id=claim.signatory_id, nonce=claim.nonce, now=now, names=names
                    )
                )
            else:
                outcome = self.runtime.db.transaction(
                    lambda session: web.withdraw_by_link(
                        session, signatory_id=claim.signatory_id, nonce=claim.nonce, now=now
                    )
                )
        except StorageUnavailable:
            return message(w, w.storage_down_short(), "", 503)
        if isinstance(outcome, web.LetThrough):
            if outcome.already:
                return message(w, w.web_confirmed_heading(), w.web_already_confirmed(outcome.org_name))
            back = f"/l/{linked.token}?lang={language}" if linked.token else None
            return message(w, w.web_confirmed_heading(), w.web_confirmed(outcome.org_name, title), back=back)
        if isinstance(outcome, Withdrawn):
            return message(w, w.web_withdraw_heading(), w.web_withdrawn(outcome.org_name, title))
        if isinstance(outcome, LetterClosed):
            return message(w, w.web_closed_heading(), w.web_closed_cannot_change(), 409)
        return self._stale(w)

    def _edit(
        self,
        w: Words,
        claim: links.LinkClaim,
        linked: web.LinkedSignOn,
        context: dict[str, Any],
        posted: bool,
        fields: dict[str, str],
    ) -> Page:
        if linked.status != SignatoryStatus.ACTIVE:
            return message(w, w.edit_signon_title(), w.web_edit_pending(), 409)
        context.update(values=form_values(linked.form), errors={})
        if not posted:
            return Page("edit.html", w, 403 if context.get("banner") else 200, context)
        form, problems = validate_form(raw_form(fields))
        context["values"] = {key: value[:2000] for key, value in fields.items() if key not in ("t", CSRF_FIELD)}
        if form is None:
            context["errors"] = {name: w.form_problem(problem) for name, problem in problems.items()}
            context["banner"] = w.web_errors_summary(len(context["errors"]))
            return Page("edit.html", w, 422, context)
        now = utcnow()
        try:
            outcome = self.runtime.db.transaction(
                lambda session: web.edit_by_link(
                    session, signatory_id=claim.signatory_id, nonce=claim.nonce, form=form, now=now
                )
            )
        except StorageUnavailable:
            return message(w, w.storage_down_short(), "", 503)
        if isinstance(outcome, Updated):
            return message(w, w.edit_saved_title(), w.web_saved(outcome.org_name))
        if isinstance(outcome, NameTaken):
            context["errors"] = {"org_name": w.web_name_taken(outcome.org_name)}
            context["banner"] = w.web_errors_summary(1)
            return Page("edit.html", w, 409, context)
        if isinstance(outcome, LetterClosed):
            return message(w, w.web_closed_heading(), w.web_closed_cannot_change(), 409)
        return self._stale(w)

    @staticmethod
    def _stale(w: Words) -> Page:
        return message(w, w.web_link_stale_heading(), w.web_link_stale(), GONE)
