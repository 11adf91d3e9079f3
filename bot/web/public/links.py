"""Signed tokens of the public page, with the app's secret (itsdangerous): the form's CSRF token and the emailed
links (confirm, edit, withdraw). Each kind has its own salt, so a token of one kind is never valid as another."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadData, URLSafeTimedSerializer

#: How long the sign-on form may stay open before it is sent (its CSRF token's age).
FORM_MAX_AGE = timedelta(hours=6)
#: The confirmation link in the email: "within 3 days", as the email says.
CONFIRM_MAX_AGE = timedelta(days=3)
#: The edit and withdraw links: a letter's sign-on rarely runs longer.
CHANGE_MAX_AGE = timedelta(days=120)

CONFIRM, EDIT, WITHDRAW = "confirm", "edit", "withdraw"
_AGES = {CONFIRM: CONFIRM_MAX_AGE, EDIT: CHANGE_MAX_AGE, WITHDRAW: CHANGE_MAX_AGE}


@dataclass(frozen=True)
class LinkClaim:
    signatory_id: int
    nonce: str


class Signer:
    """Makes and checks the page's tokens with one secret (the app's signing secret)."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def _serializer(self, salt: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self._secret, salt=f"signon-web-{salt}")

    # -- CSRF: a random value in a cookie, the same value signed in the form (double submit) -----------

    @staticmethod
    def new_cookie_value() -> str:
        return secrets.token_urlsafe(24)

    def form_token(self, cookie_value: str, token: str) -> str:
        return str(self._serializer("form").dumps([cookie_value, token]))

    def form_token_ok(self, form_token: str, cookie_value: str | None, token: str) -> bool:
        if not cookie_value or not form_token or len(form_token) > 400:
            return False
        try:
            value = self._serializer("form").loads(form_token, max_age=int(FORM_MAX_AGE.total_seconds()))
        except BadData:
            return False
        return (
            isinstance(value, list)
            and len(value) == 2
            and secrets.compare_digest(str(value[0]), cookie_value)
            and secrets.compare_digest(str(value[1]), token)
        )

    # -- emailed links -----------------------------------------------------------------------------------

    def link_token(self, kind: str, signatory_id: int, nonce: str) -> str:
        return str(self._serializer(kind).dumps([signatory_id, nonce]))

    def read_link(self, kind: str, link_token: str) -> LinkClaim | None:
        """The sign-on a link names; None when it was not made here, is for another kind, or is too old."""
        if not link_token or len(link_token) > 400:
            return None
        try:
            value = self._serializer(kind).loads(link_token, max_age=int(_AGES[kind].total_seconds()))
        except BadData:
            return None
        if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
            return None
        return LinkClaim(value[0], str(value[1]))
