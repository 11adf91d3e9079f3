"""The driver's signer against Slack's official test vector (slack-platform.md §1.4)."""

from __future__ import annotations

import time

from slack_sdk.signature import SignatureVerifier

from tests.fakeslack import signature, signed_headers

VECTOR_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
VECTOR_TIMESTAMP = "1531420618"
VECTOR_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
VECTOR_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def test_official_vector() -> None:
    assert signature(VECTOR_SECRET, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE
    assert signature(VECTOR_SECRET, int(VECTOR_TIMESTAMP), VECTOR_BODY.encode()) == VECTOR_SIGNATURE


def test_signature_depends_on_secret_body_and_time() -> None:
    assert signature("other", VECTOR_TIMESTAMP, VECTOR_BODY) != VECTOR_SIGNATURE
    assert signature(VECTOR_SECRET, "1531420619", VECTOR_BODY) != VECTOR_SIGNATURE
    assert signature(VECTOR_SECRET, VECTOR_TIMESTAMP, VECTOR_BODY + "x") != VECTOR_SIGNATURE


def test_headers_verify_with_slack_sdk() -> None:
    body = "payload=%7B%7D"
    headers = signed_headers("s3cret", body)
    verifier = SignatureVerifier("s3cret")
    assert abs(int(headers["X-Slack-Request-Timestamp"]) - time.time()) < 5
    assert verifier.is_valid(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    stale = signed_headers("s3cret", body, timestamp=int(time.time()) - 600)
    assert not verifier.is_valid(body, stale["X-Slack-Request-Timestamp"], stale["X-Slack-Signature"])
