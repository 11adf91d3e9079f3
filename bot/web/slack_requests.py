"""What the server checks in a request to /slack/events before Bolt sees it: the signature, then the body.

The order matters. The signature is checked over the raw bytes first, so an unsigned body never reaches a
parser; a signed body is then parsed by a function that cannot raise, and its envelope is checked, because
Bolt indexes the envelope without checks (``view["type"]``, ``actions[0]["action_id"]``…) and a malformed body
would otherwise be a 500 and a stack trace (slack-platform.md §2.1, §2.5–§2.7).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from bot.slack.envelope import slack_shaped

# Slack's timestamps are Unix seconds; anything longer is not one (and int() refuses over 4,300 digits).
_MAX_TIMESTAMP_DIGITS = 12


class RawBodySignatureVerifier(SignatureVerifier):
    """slack_sdk's verifier (5-minute window, constant-time compare) over the raw bytes as received.

    slack_sdk decodes a bytes body as UTF-8 before signing it, so a body that is not UTF-8 raises instead of
    failing verification; Slack signs bytes, and so does this.
    """

    def generate_signature(self, *, timestamp: str, body: str | bytes) -> str | None:
        if timestamp is None:
            return None
        raw = body.encode("utf-8") if isinstance(body, str) else body
        message = b"v0:" + timestamp.encode("ascii") + b":" + raw
        digest = hmac.new(self.signing_secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
        return f"v0={digest}"


def is_signed(verifier: SignatureVerifier, raw: bytes, headers: Mapping[str, str]) -> bool:
    """Whether ``raw`` carries a valid, fresh Slack signature; never raises, whatever the headers hold."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= _MAX_TIMESTAMP_DIGITS):
        return False
    if not (signature.isascii() and signature.startswith("v0=")):  # compare_digest refuses non-ASCII str
        return False
    return verifier.is_valid(raw, timestamp, signature)


def parse_signed_body(raw: bytes, content_type: str | None) -> tuple[str, dict[str, Any]] | None:
    """(the body as text, the body as Bolt parses it), if it has the envelope every request from Slack has.

    Never raises: a body that is not UTF-8, not JSON, nested past :data:`MAX_NESTING` or shaped unlike any
    request Slack sends gives None (answered 400).
    """
    try:
        text = raw.decode("utf-8")
        body = parse_body(text, content_type)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None
    if not slack_shaped(body):
        return None
    return text, body
