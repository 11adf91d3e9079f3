"""Issue 12: start-up tells the truth: which mode runs and what the Slack app must be set to; every setting
the code reads is documented in the README and .env.example; a start that fails the Slack check leaves no
database file behind."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import RunningApp
from tests.fakeslack import FakeSlack
from tests.harness import SIGNING_SECRET, run_cli

ROOT = Path(__file__).resolve().parents[2]


def test_the_log_says_which_mode_runs_and_how_the_slack_app_must_be_set(app: RunningApp) -> None:
    logs = app.process.logs()
    assert "HTTP mode" in logs and "Socket Mode must be off" in logs, logs[-2000:]
    assert "/slack/events" in logs


def test_every_setting_is_documented() -> None:
    read = set(re.findall(r'get\("([A-Z][A-Z0-9_]+)"\)', (ROOT / "bot/settings.py").read_text()))
    read |= set(re.findall(r'_setting\(get, "([A-Z][A-Z0-9_]+)"', (ROOT / "bot/settings.py").read_text()))
    assert {"SLACK_BOT_TOKEN", "LOG_FORMAT", "HEALTH_PORT", "SIGNON_POLL_SECONDS", "SIGNON_STATE_SECRET"} <= read
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()
    assert sorted(name for name in read if f"`{name}`" not in readme) == []
    assert sorted(name for name in read if not re.search(rf"^#? ?{name}=", example, re.MULTILINE)) == []


def test_a_start_that_fails_the_slack_check_leaves_no_database(fake: FakeSlack, tmp_path: Path) -> None:
    database = tmp_path / "signon.db"
    result = run_cli(
        ["web"],
        {
            "SLACK_BOT_TOKEN": "xoxb-not-a-real-token",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": f"sqlite:///{database}",
        },
        timeout=30,
    )
    assert result.returncode == 2 and "rejected by Slack" in result.stderr
    assert not database.exists() and not list(tmp_path.glob("signon.db*"))
