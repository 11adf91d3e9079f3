"""The sign-on form's pass: given after the visibility check, it holds for that person, that letter and
15 minutes, and nothing else passes for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.settings import load_settings
from bot.slack.passes import PASS_TTL, holds_pass, seen_pass

SECRET = "5e" * 16
SETTINGS = load_settings({"SLACK_BOT_TOKEN": "xoxb-1-2-3", "SLACK_SIGNING_SECRET": SECRET})
NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def test_a_pass_holds_for_its_person_and_letter_only() -> None:
    token = seen_pass(SETTINGS, "U1", 7, NOW)
    assert token is not None and SECRET not in token
    assert holds_pass(SETTINGS, "U1", 7, token, NOW + timedelta(minutes=3))
    assert not holds_pass(SETTINGS, "U2", 7, token, NOW)
    assert not holds_pass(SETTINGS, "U1", 8, token, NOW)


def test_a_pass_runs_out_and_cannot_be_forged() -> None:
    token = seen_pass(SETTINGS, "U1", 7, NOW)
    assert token is not None
    assert not holds_pass(SETTINGS, "U1", 7, token, NOW + PASS_TTL + timedelta(minutes=1))
    assert not holds_pass(SETTINGS, "U1", 7, token, NOW - timedelta(minutes=2))  # from the future
    minute, _, mac = token.partition(".")
    forged = [f"{int(minute) + 1}.{mac}", f"{minute}.{'0' * len(mac)}", "", "x.y", f"{minute}", "9" * 40 + ".a"]
    assert not any(holds_pass(SETTINGS, "U1", 7, fake, NOW) for fake in forged)
    other = load_settings({"SLACK_BOT_TOKEN": "xoxb-1-2-3", "SLACK_SIGNING_SECRET": "ab" * 16})
    assert not holds_pass(other, "U1", 7, token, NOW)
