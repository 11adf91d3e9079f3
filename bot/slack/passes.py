"""A pass in a sign-on form's private_metadata: proof, signed with a key only signon's processes hold, that
the form was shown to this person for this letter after the check that they may see it.

The submission then skips that check (a few database reads before the acknowledgement, on every sign-on of a
burst). A form without a valid pass (crafted, replayed from another person, or open longer than
``PASS_TTL``) is checked in full as before. So someone taken out of the letter's channels while their form was
open can still submit it for up to ``PASS_TTL``: they were shown the letter, and the channel list is itself
cached for minutes.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from bot.settings import Settings

PASS_TTL = timedelta(minutes=15)


def _key(settings: Settings) -> bytes | None:
    secret = settings.signing_secret or settings.bot_token
    if not secret:
        return None
    # Derived, so the secret itself never signs anything a person can read back.
    return hashlib.sha256(b"signon seen-letter pass\0" + secret.encode()).digest()


def _mac(key: bytes, user_id: str, letter_id: int, minute: int) -> str:
    return hmac.new(key, f"{user_id}:{letter_id}:{minute}".encode(), hashlib.sha256).hexdigest()[:40]


def seen_pass(settings: Settings, user_id: str, letter_id: int, now: datetime) -> str | None:
    """The pass for a form shown now to ``user_id`` for ``letter_id`` (None without a key)."""
    key = _key(settings)
    if key is None:
        return None
    minute = int(now.timestamp() // 60)
    return f"{minute}.{_mac(key, user_id, letter_id, minute)}"


def holds_pass(settings: Settings, user_id: str, letter_id: int, token: str | None, now: datetime) -> bool:
    """Whether ``token`` is a pass signon gave ``user_id`` for ``letter_id`` within ``PASS_TTL``."""
    key = _key(settings)
    if key is None or not token:
        return False
    minute_text, _, mac = token.partition(".")
    if not (minute_text.isascii() and minute_text.isdigit() and len(minute_text) <= 12):
        return False
    minute = int(minute_text)
    age = int(now.timestamp() // 60) - minute
    if not 0 <= age <= PASS_TTL.total_seconds() // 60:
        return False
    return hmac.compare_digest(mac, _mac(key, user_id, letter_id, minute))
