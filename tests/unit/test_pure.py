"""Pure functions: settings parsing, text splitting, escaping, export ordering and CSV safety, quiet hours."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, time, timedelta

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.common import escape, split_text, text_sections
from bot.listeners.commands.table import parse
from bot.messages import ENGLISH
from bot.oauth import BOT_SCOPES
from bot.orgnames import org_key
from bot.services.export import ExportData, ExportRow, csv_text, neutralize, ordered_rows, sort_key, text_block
from bot.services.profiles import Profile
from bot.services.reminders import SignedSignals, quiet_hours_due, skip_reason
from bot.settings import (
    ConfigError,
    format_duration,
    load_settings,
    normalize_database_url,
    parse_durations,
    redact_url,
)
from tests.harness import REPO

BASE_ENV = {"SLACK_BOT_TOKEN": "xoxb-1-2-3", "SLACK_SIGNING_SECRET": "a" * 32}


def test_settings_defaults_and_parsing() -> None:
    settings = load_settings({**BASE_ENV, "SIGNON_REMINDERS": "2d, 24h,30m", "SIGNON_COORDINATORS": "U1AB, W2CD"})
    assert settings.reminder_offsets == (timedelta(days=2), timedelta(hours=24), timedelta(minutes=30))
    assert settings.coordinators == frozenset({"U1AB", "W2CD"})
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == "sqlite:///signon.db"
    assert settings.quiet_hours == (time(20, 0), time(9, 0))
    assert not settings.socket_mode
    assert "xoxb" not in repr(settings) and "a" * 32 not in repr(settings)


def test_settings_socket_mode_needs_no_signing_secret() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1-2"})
    assert settings.socket_mode and settings.signing_secret is None


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({"SIGNON_COORDINATORS": "alice"}, "SIGNON_COORDINATORS"),
        ({"SIGNON_QUIET_HOURS": "25:00-09:00"}, "SIGNON_QUIET_HOURS"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
        ({"SLACK_SIGNING_SECRET": "not hex!"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_CLIENT_ID": "123.456"}, "SLACK_CLIENT_SECRET"),
        ({"WEB_CONCURRENCY": "0"}, "WEB_CONCURRENCY"),
        ({"PUBLIC_URL": "signon.example.org"}, "PUBLIC_URL"),
        ({"PUBLIC_URL": "ftp://signon.example.org"}, "PUBLIC_URL"),
        ({"SMTP_URL": "smtp://mail.example.org:25"}, "PUBLIC_URL"),
        ({"PUBLIC_URL": "https://s.example.org", "SMTP_URL": "http://mail.example.org"}, "SMTP_URL"),
        ({"PUBLIC_URL": "https://s.example.org", "SMTP_URL": "smtp://m.example.org:99999"}, "SMTP_URL"),
        ({"PUBLIC_URL": "https://s.example.org", "SMTP_URL": "smtp://m.example.org", "SMTP_FROM": "me"}, "SMTP_FROM"),
    ],
)
def test_settings_errors_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({**BASE_ENV, **env})
    assert raised.value.variable == variable
    assert str(raised.value).startswith(variable)


def test_public_page_settings() -> None:
    settings = load_settings(
        {**BASE_ENV, "PUBLIC_URL": "https://signon.example.org/", "SMTP_URL": "smtp://u%40x:p%3Aw@mail.example.org"}
    )
    assert settings.public_url == "https://signon.example.org"
    assert settings.smtp is not None and (settings.smtp.host, settings.smtp.port) == ("mail.example.org", 587)
    assert (settings.smtp.username, settings.smtp.password) == ("u@x", "p:w")
    assert settings.smtp.sender == "no-reply@signon.example.org" and "p:w" not in repr(settings)
    assert load_settings(BASE_ENV).smtp is None and load_settings(BASE_ENV).public_url is None


def test_database_urls() -> None:
    assert normalize_database_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalize_database_url("postgresql://h/db") == "postgresql+psycopg://h/db"
    assert redact_url("postgresql+psycopg://u:secret@h/db") == "postgresql+psycopg://u:***@h/db"


def test_durations_round_trip() -> None:
    offsets = parse_durations("72h, 24h, 90m, 45s")
    assert [format_duration(o) for o in offsets] == ["72h", "24h", "90m", "45s"]
    with pytest.raises(ValueError, match="not a duration"):
        parse_durations("soon")


def test_command_parsing() -> None:
    def parsed(text: str) -> tuple[str, str]:
        entry, rest = parse(text)
        return entry.name, rest

    assert parsed("") == ("", "")
    assert parsed("  EXPORT   12  csv ") == ("export", "12 csv")
    assert parsed("create") == ("new", "")
    assert parsed("sign 12") == ("", "12")
    assert parsed("Due Process Letter") == ("", "Due Process Letter")
    assert parse("x" * 10_000)[1] == "x" * 500


def test_escape_neutralizes_mentions_and_links() -> None:
    assert escape("<!channel> & <https://evil|click>") == "&lt;!channel&gt; &amp; &lt;https://evil|click&gt;"


LETTER = st.lists(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), min_size=0, max_size=900),
    min_size=1,
    max_size=12,
).map("\n\n".join)


@given(LETTER)
def test_split_text_keeps_everything_within_limits(text: str) -> None:
    chunks = split_text(text, 1000)
    assert all(0 < len(chunk) <= 1000 for chunk in chunks)
    assert re.sub(r"\s+", "", "".join(chunks)) == re.sub(r"\s+", "", text)


def test_split_text_prefers_paragraphs() -> None:
    paragraphs = ["A" * 1500, "B" * 1400, "C" * 200]
    chunks = split_text("\n\n".join(paragraphs), 3000)
    assert chunks == ["A" * 1500 + "\n\n" + "B" * 1400, "C" * 200]
    assert all(len(block["text"]["text"]) <= 3000 for block in text_sections("x " * 5000))


def test_export_order_and_leads() -> None:
    rows = [
        ExportRow(name, i)
        for i, name in enumerate(
            [
                "Federación Hispana",
                "FAITH IN TEXAS",
                "Faith in Action",
                "18 Million Rising",
                "Acacia Center",
                "unidos us",
                "UnidosUS",
            ]
        )
    ]
    ordered = [row.organization for row in ordered_rows(["UNIDOSUS", "Lead Only Org"], rows)]
    assert ordered == [
        "UNIDOSUS",
        "Lead Only Org",
        "18 Million Rising",
        "Acacia Center",
        "Faith in Action",
        "FAITH IN TEXAS",
        "Federación Hispana",
        "unidos us",
    ]
    # With the keys stored at sign-on time, the same order comes out without recomputing them.
    stored = {row.signatory_id: org_key(row.organization) for row in rows if row.signatory_id is not None}
    assert [
        row.organization for row in ordered_rows(["UNIDOSUS", "Lead Only Org"], rows, stored_keys=stored)
    ] == ordered


def test_export_order_uses_the_stored_key() -> None:
    # A name whose stored key is a lead's key is that lead, listed once, spelled as the coordinator wrote it.
    rows = [ExportRow("Make the Road NY", 1), ExportRow("Acacia Center", 2)]
    ordered = ordered_rows(["Make the Road New York"], rows, stored_keys={1: org_key("Make the Road New York")})
    assert [(row.organization, row.signatory_id, row.is_lead) for row in ordered] == [
        ("Make the Road New York", 1, True),
        ("Acacia Center", 2, False),
    ]
    assert sort_key("Ángeles Unidos") < sort_key("Basta")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1 Coalition", "'+1 Coalition"),
        ("-AMOR-", "'-AMOR-"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("Alliance -AMOR-", "Alliance -AMOR-"),
        ("", ""),
    ],
)
def test_formula_cells_are_neutralized(cell: str, expected: str) -> None:
    assert neutralize(cell) == expected


def test_csv_is_rfc_4180_and_text_keeps_names_exactly() -> None:
    names = ['Quote "Org", Inc.', "=cmd|' /C calc'!A0", "Line\nbreak Org", "Ünïcödé"]
    data = ExportData(1, "T", [ExportRow(name, i + 1, email="x@y.org") for i, name in enumerate(names)])
    raw = csv_text(data, ENGLISH.csv_labels())
    assert raw.startswith("\ufeff") and raw.count("\r\n") >= len(names) + 1
    rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff"))))
    assert [row[0] for row in rows[1:]] == ['Quote "Org", Inc.', "'=cmd|' /C calc'!A0", "Line\nbreak Org", "Ünïcödé"]
    assert text_block(data) == "".join(f"{name}\n" for name in names)


def test_quiet_hours_move_night_reminders_to_morning() -> None:
    quiet = (time(20, 0), time(9, 0))
    deadline = datetime(2026, 12, 10, 22, 0, tzinfo=UTC)
    night = datetime(2026, 12, 8, 4, 0, tzinfo=UTC)  # 23:00 in New York
    moved = quiet_hours_due(night, "America/New_York", deadline, quiet)
    assert moved == datetime(2026, 12, 8, 14, 0, tzinfo=UTC)  # 09:00 in New York
    day = datetime(2026, 12, 8, 16, 0, tzinfo=UTC)
    assert quiet_hours_due(day, "America/New_York", deadline, quiet) == day
    late = datetime(2026, 12, 10, 3, 0, tzinfo=UTC)  # 22:00 the night before a 17:00 deadline... in Honolulu
    assert quiet_hours_due(late, "Pacific/Honolulu", datetime(2026, 12, 10, 8, 0, tzinfo=UTC), quiet) == late
    assert quiet_hours_due(night, "America/New_York", deadline, None) == night


def test_who_is_not_reminded() -> None:
    signals = SignedSignals({"USIGNED"}, {"TGUEST"}, {"maketheroad.org"})
    assert skip_reason(Profile("U1", is_bot=True), signals, set(), "UBOT") == "bot"
    assert skip_reason(Profile("UBOT"), signals, set(), "UBOT") == "bot"
    assert skip_reason(Profile("U2", deleted=True), signals, set(), None) == "deactivated"
    assert skip_reason(Profile("USIGNED"), signals, set(), None) == "signed"
    assert skip_reason(Profile("U3"), signals, {"U3"}, None) == "muted"
    assert skip_reason(Profile("U4", team_id="TGUEST"), signals, set(), None) == "colleague_team"
    assert skip_reason(Profile("U5", email="x@MakeTheRoad.org"), signals, set(), None) == "colleague_domain"
    assert skip_reason(Profile("U6", email="x@gmail.com"), signals, set(), None) is None


def test_oauth_scopes_match_the_manifest() -> None:
    manifest = yaml.safe_load((REPO / "manifest.yml").read_text())
    assert sorted(BOT_SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"])
    assert manifest["features"]["slash_commands"][0]["command"] == "/signon"
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
