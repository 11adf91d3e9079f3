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

# Deeper than any payload Slack sends (Block Kit nests a handful of levels), far shallower than the
# interpreter's recursion limit, which Bolt's own re-parse of a lazy listener's copy must stay under.
MAX_NESTING = 64
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
    if _nested_deeper_than(body, MAX_NESTING) or not _envelope_ok(body):
        return None
    return text, body


def _nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and dicts nest more than ``limit`` levels (iteratively: no recursion to run out of)."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


# Interaction payloads that always name the person and carry a trigger (slack-platform.md §2.7).
_TRIGGERED = {"block_actions", "view_submission", "shortcut", "message_action"}
_INTERACTIVE = _TRIGGERED | {"view_closed", "block_suggestion", "interactive_message", "dialog_submission"}


def _slack_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 32


def _envelope_ok(body: Any) -> bool:
    if not isinstance(body, dict):
        return False
    if "command" in body:  # a slash command: form fields, always strings
        return _slack_id(body.get("user_id")) and "trigger_id" in body
    kind = body.get("type")
    for key in ("team", "enterprise"):
        value = body.get(key)
        if not (value is None or isinstance(value, str) or (isinstance(value, dict) and _str_or_none(value, "id"))):
            return False
    for key in ("container", "channel", "message", "state"):
        if body.get(key) is not None and not isinstance(body[key], dict):
            return False
    for key in ("type", "team_id", "user_id", "enterprise_id", "api_app_id", "trigger_id"):
        if not _str_or_none(body, key):
            return False
    user = body.get("user")
    if (user is not None or kind in _INTERACTIVE) and not (isinstance(user, dict) and _slack_id(user.get("id"))):
        return False
    if kind in _TRIGGERED and not isinstance(body.get("trigger_id"), str):
        return False
    url = body.get("response_url")
    if url is not None and not (isinstance(url, str) and url.startswith(("https://", "http://"))):
        return False
    view = body.get("view")
    if "view" in body or kind in ("view_submission", "view_closed"):
        if not (isinstance(view, dict) and isinstance(view.get("id"), str) and _str_or_none(view, "callback_id")):
            return False
        if view.get("type") not in ("modal", "home"):  # the only views signon opens
            return False
        if not (_str_or_none(view, "private_metadata") and isinstance(view.get("state") or {}, dict)):
            return False
        if len(view.get("private_metadata") or "") > 3000:  # Slack's limit (§2.9): not a view signon opened
            return False
    actions = body.get("actions")
    if "actions" in body or kind == "block_actions":
        if not (isinstance(actions, list) and actions):
            return False
        if not all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions):
            return False
    event = body.get("event")
    if event is not None and not (isinstance(event, dict) and isinstance(event.get("type"), str)):
        return False
    authorizations = body.get("authorizations")
    return authorizations is None or (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    )


def _str_or_none(mapping: dict[str, Any], key: str) -> bool:
    return mapping.get(key) is None or isinstance(mapping[key], str)
