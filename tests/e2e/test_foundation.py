"""The app as a process: starts, answers signed requests over HTTP and Socket Mode, refuses forged ones,
and stops with one clear line when its configuration is wrong."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from tests.conftest import Coalition, RunningApp, check_app_health, start_app
from tests.fakeslack import FakeSlack
from tests.harness import BOT_TOKEN, SIGNING_SECRET, run_cli


def test_help_over_http(app: RunningApp, coalition: Coalition) -> None:
    response = app.driver.slash_command(coalition.members[0], "/signon", "help", channel_id=coalition.public)
    assert response.ok and response.elapsed < 3
    text = json.dumps(response.json)
    assert "/signon status" in text
    assert "/signon new" not in text  # coordinator commands are for coordinators

    response = app.driver.slash_command(coalition.coordinator, "/signon", "help", channel_id=coalition.public)
    assert "/signon new" in json.dumps(response.json)
    assert response.json.get("response_type", "ephemeral") == "ephemeral"  # only the person sees it


def test_health_endpoint_reports_the_database(app: RunningApp) -> None:
    with urllib.request.urlopen(app.process.health_url, timeout=5) as response:
        assert response.status == 200
        assert json.load(response) == {"ok": True, "database": "ok"}


def test_auth_test_called_at_start_through_slack_api_url(app: RunningApp) -> None:
    calls = app.fake.calls("auth.test")
    assert calls, "the app must check its token with auth.test when it starts"
    assert calls[0].token == BOT_TOKEN
    logs = app.process.logs()
    assert "connected to workspace Home Coalition (T0HOME)" in logs
    # A clean start: no warning an operator would have to look into.
    assert " WARNING " not in logs and "will be ignored" not in logs, logs[-2000:]


def test_forged_signature_is_refused(app: RunningApp, coalition: Coalition) -> None:
    body = f"command=%2Fsignon&text=help&user_id={coalition.members[0]}&team_id=T0HOME&trigger_id=1.2.3".encode()
    response = app.driver.send_raw(body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64)
    assert response.status == 401


def test_replayed_old_request_is_refused(app: RunningApp, coalition: Coalition) -> None:
    body = f"command=%2Fsignon&text=help&user_id={coalition.members[0]}&team_id=T0HOME&trigger_id=1.2.3".encode()
    ten_minutes_ago = str(int(time.time()) - 600)
    response = app.driver.send_raw(body, "application/x-www-form-urlencoded", timestamp=ten_minutes_ago)
    assert response.status == 401


def test_unknown_subcommand_gets_usage(app: RunningApp, coalition: Coalition) -> None:
    response = app.driver.slash_command(coalition.members[0], "/signon", "exprot", channel_id=coalition.public)
    text = json.dumps(response.json)
    assert "I don't know `exprot`" in text and "/signon list" in text


def test_help_over_socket_mode(fake: FakeSlack, coalition: Coalition, database_url: str) -> None:
    running = start_app(fake, database_url, coalition, mode="socket")
    try:
        fake.wait_for_socket_connections(1, timeout=10)
        assert fake.calls("apps.connections.open"), "Socket Mode must be opened through SLACK_API_URL"
        response = running.driver.slash_command(coalition.coordinator, "/signon", "help", channel_id=coalition.public)
        assert response.ok
        assert "/signon new" in json.dumps(response.json)
        check_app_health(running)
    finally:
        running.process.stop()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN does not look like a bot token"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_SIGNING_SECRET is not set"),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_APP_TOKEN": "xoxb-wrong"},
            "SLACK_APP_TOKEN does not look like an app-level token",
        ),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SIGNON_REMINDERS": "soon"},
            "SIGNON_REMINDERS is invalid",
        ),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "DATABASE_URL": "mysql://x/y"},
            "DATABASE_URL uses an unsupported database",
        ),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "PORT": "http"},
            "PORT is “http”, not a whole number",
        ),
    ],
)
def test_bad_configuration_stops_with_one_clear_line(env: dict[str, str], expected: str, tmp_path: object) -> None:
    result = run_cli(
        ["web"], {**env, "DATABASE_URL": env.get("DATABASE_URL", f"sqlite:///{tmp_path}/x.db")}, timeout=30
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert BOT_TOKEN not in result.stderr and SIGNING_SECRET not in result.stderr


def test_rejected_token_is_named(fake: FakeSlack, tmp_path: object) -> None:
    result = run_cli(
        ["web"],
        {
            "SLACK_BOT_TOKEN": "xoxb-not-a-real-token",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        },
        timeout=30,
    )
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN was rejected by Slack (invalid_auth)" in result.stderr
    assert "Traceback" not in result.stderr and "xoxb-not-a-real-token" not in result.stderr


def test_unreachable_slack_is_named(tmp_path: object) -> None:
    result = run_cli(
        ["web"],
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": "http://127.0.0.1:9/api/",
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        },
        timeout=60,
    )
    assert result.returncode == 2
    assert "cannot reach Slack at SLACK_API_URL" in result.stderr
    assert "Traceback" not in result.stderr
