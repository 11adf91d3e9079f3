"""The checks bot.web makes before Bolt sees a request, in-process: they never raise, whatever arrives."""

from __future__ import annotations

import json
import time
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.signature import SignatureVerifier

from bot.slack.envelope import MAX_NESTING
from bot.web.slack_requests import RawBodySignatureVerifier, is_signed, parse_signed_body
from tests.fakeslack import signature

SECRET = "8f742231b10e8888abcd99bbbccc85a5"
VERIFIER = RawBodySignatureVerifier(SECRET)
CONTENT_TYPES = st.sampled_from([None, "application/json", "application/x-www-form-urlencoded", "text/plain"])


def signed(body: bytes, at: int | None = None) -> dict[str, str]:
    timestamp = str(at if at is not None else int(time.time()))
    return {"x-slack-request-timestamp": timestamp, "x-slack-signature": signature(SECRET, timestamp, body)}


def test_signatures_agree_with_slack_sdk_on_utf8_bodies() -> None:
    body = b"command=%2Fsignon&text=caf\xc3\xa9"
    headers = signed(body)
    assert is_signed(VERIFIER, body, headers)
    reference = SignatureVerifier(SECRET)
    assert reference.is_valid(body, headers["x-slack-request-timestamp"], headers["x-slack-signature"])


def test_bodies_that_are_not_utf8_are_verified_over_their_bytes() -> None:
    body = b"text=\xff\xfe"
    assert is_signed(VERIFIER, body, signed(body))
    assert not is_signed(VERIFIER, body + b"x", signed(body))
    assert parse_signed_body(body, None) is None  # signed, but not a body Slack sends: answered 400


def test_stale_and_malformed_headers_are_unsigned() -> None:
    body = b"text=hi"
    now = int(time.time())
    assert not is_signed(VERIFIER, body, signed(body, now - 330))
    assert not is_signed(VERIFIER, body, signed(body, now + 330))  # a 30 s margin for a loaded machine
    good = signed(body)
    for header, value in (
        ("x-slack-request-timestamp", "\u00b9\u00b2\u00b3"),
        ("x-slack-request-timestamp", "9" * 5000),
        ("x-slack-signature", "v0=\u00ff" + "0" * 63),
        ("x-slack-signature", good["x-slack-signature"].replace("v0=", "v1=")),
    ):
        assert not is_signed(VERIFIER, body, {**good, header: value}), (header, value[:20])
    assert not is_signed(VERIFIER, body, {})


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    body=st.binary(max_size=400),
    timestamp=st.text(max_size=20),
    signature_value=st.text(max_size=80),
)
def test_is_signed_never_raises(body: bytes, timestamp: str, signature_value: str) -> None:
    headers = {"x-slack-request-timestamp": timestamp, "x-slack-signature": signature_value}
    assert is_signed(VERIFIER, body, headers) is False


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(body=st.binary(max_size=400), content_type=CONTENT_TYPES)
def test_parsing_never_raises_on_bytes(body: bytes, content_type: str | None) -> None:
    parse_signed_body(body, content_type)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(value=json_values, as_form=st.booleans())
def test_parsing_never_raises_on_json(value: object, as_form: bool) -> None:
    text = json.dumps(value)
    body = ("payload=" + quote(text)) if as_form else text
    parse_signed_body(body.encode(), "application/x-www-form-urlencoded" if as_form else "application/json")


def test_nesting_past_the_limit_is_refused_however_deep() -> None:
    envelope = {"type": "event_callback", "event": {"type": "app_home_opened"}}
    assert parse_signed_body(json.dumps(envelope).encode(), "application/json") is not None
    for depth in (MAX_NESTING + 1, 900, 100_000):
        nested = "[" * depth + "]" * depth
        assert parse_signed_body(nested.encode(), "application/json") is None
        deep: object = "x"
        for _ in range(min(depth, 5000)):
            deep = {"d": deep}
        try:
            text = json.dumps({**envelope, "event": {"type": "x", "deep": deep}})
        except RecursionError:
            continue  # deeper than json.dumps itself goes
        assert parse_signed_body(text.encode(), "application/json") is None
