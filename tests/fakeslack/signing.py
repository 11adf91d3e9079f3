"""Request signing exactly as Slack does it (slack-platform.md §1.4, §2.5).

``X-Slack-Signature: v0=<hex HMAC-SHA256(signing_secret, "v0:" + timestamp + ":" + raw_body)>`` and
``X-Slack-Request-Timestamp: <unix seconds>``. The self-test checks :func:`signature` against the
official vector from https://docs.slack.dev/authentication/verifying-requests-from-slack/.
"""

from __future__ import annotations

import hashlib
import hmac
import time


def signature(signing_secret: str, timestamp: str | int, body: bytes | str) -> str:
    """Return the ``v0=...`` signature for ``body`` sent at ``timestamp``."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    base = b"v0:" + str(timestamp).encode("ascii") + b":" + raw
    digest = hmac.new(signing_secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(
    signing_secret: str,
    body: bytes | str,
    *,
    timestamp: str | int | None = None,
    signature_value: str | None = None,
) -> dict[str, str]:
    """Headers Slack adds to every request it sends to an app's Request URL.

    ``timestamp`` defaults to the real wall clock (the app verifies against its own clock).
    ``signature_value`` overrides the computed signature (forgery tests).
    """
    ts = str(int(time.time())) if timestamp is None else str(timestamp)
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature_value if signature_value is not None else signature(signing_secret, ts, body),
    }
