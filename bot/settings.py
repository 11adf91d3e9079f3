"""Every environment variable signon reads, in one place, validated with clear errors.

`load_settings()` never prints a secret: error messages name the variable and say how to fix it,
and `Settings.__repr__` masks tokens and secrets.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///signon.db"
DEFAULT_REMINDERS = "72h,24h,2h"
DEFAULT_QUIET_HOURS = "20:00-09:00"

_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$", re.IGNORECASE)
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A setting is missing or wrong. `str()` is one line: the variable, what is wrong, how to fix it."""

    def __init__(self, variable: str, problem: str, fix: str) -> None:
        self.variable = variable
        super().__init__(f"{variable} {problem}. {fix}")


@dataclass(frozen=True)
class OAuthConfig:
    """Settings for distributing the app to several workspaces (Bolt's OAuth flow)."""

    client_id: str
    client_secret: str = field(repr=False)
    state_secret: str = field(repr=False)
    install_url: str = "/slack/install"
    redirect_url: str = "/slack/oauth_redirect"
    authorize_url: str = "https://slack.com/oauth/v2/authorize"


@dataclass(frozen=True)
class SmtpConfig:
    """Where the public page's confirmation emails go out (``SMTP_URL``), and who they are from."""

    host: str
    port: int
    username: str | None
    password: str | None = field(repr=False)
    sender: str
    implicit_tls: bool = False


@dataclass(frozen=True)
class Settings:
    """Validated configuration. Build it with `load_settings()`."""

    bot_token: str | None = field(repr=False)
    signing_secret: str | None = field(repr=False)
    app_token: str | None = field(repr=False)
    slack_api_url: str
    database_url: str = field(repr=False)
    coordinators: frozenset[str]
    reminder_offsets: tuple[timedelta, ...]
    quiet_hours: tuple[time, time] | None
    port: int
    log_level: str
    web_concurrency: int
    web_threads: int
    sqlite_synchronous: str
    poll_seconds: float
    digest_interval: timedelta
    receipt_rate: float = 10.0
    thanks_rate: float = 1.5
    slack_timeout: int = 10
    log_json: bool = False
    health_port: int | None = None
    oauth: OAuthConfig | None = None
    # The public sign-on page: the app's public base URL (links to pages) and the email it sends.
    public_url: str | None = None
    smtp: SmtpConfig | None = None
    web_rate_per_address: int = 10  # sign-ons a minute from one client address
    web_rate_per_letter: int = 300  # and to one letter, from everywhere

    @property
    def socket_mode(self) -> bool:
        """Socket Mode is used whenever an app-level token is configured."""
        return self.app_token is not None

    @property
    def database_label(self) -> str:
        """The database URL without its password, safe to log."""
        return redact_url(self.database_url)


class DurationError(ValueError):
    """A duration that is not one. ``zero`` tells "not a duration" from "not more than zero"."""

    def __init__(self, text: str, *, zero: bool = False) -> None:
        self.text = text.strip()
        self.zero = zero
        problem = "must be more than zero" if zero else "is not a duration like 72h, 24h, 30m or 2d"
        super().__init__(f"“{self.text}” {problem}")


def parse_duration(text: str) -> timedelta:
    """Parse one reminder offset such as ``72h``, ``30m``, ``2d`` or ``45s``.

    Raises:
        DurationError: naming the text that is not a duration.
    """
    match = _DURATION.match(text)
    if not match:
        raise DurationError(text)
    amount, unit = int(match.group(1)), match.group(2).lower()
    if amount <= 0:
        raise DurationError(text, zero=True)
    return timedelta(seconds=amount * _DURATION_UNITS[unit])


def parse_durations(text: str) -> tuple[timedelta, ...]:
    """Parse a comma-separated reminder schedule into distinct offsets, longest first."""
    parts = [part for part in re.split(r"[,\s]+", text.strip()) if part]
    offsets = {parse_duration(part) for part in parts}
    return tuple(sorted(offsets, reverse=True))


def format_duration(offset: timedelta) -> str:
    """Render an offset in the largest whole unit: 259200 s -> ``72h``, 2 days exactly -> ``48h``."""
    seconds = int(offset.total_seconds())
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def normalize_database_url(url: str) -> str:
    """Accept Heroku-style ``postgres://`` URLs and pick the psycopg 3 driver for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def redact_url(url: str) -> str:
    """Hide the password in a database URL so it can be logged."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def _parse_clock(text: str, variable: str) -> time:
    match = re.match(r"^(\d{1,2}):(\d{2})$", text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ConfigError(variable, f"has “{text}”, which is not a time like 20:00", "Use HH:MM-HH:MM or off.")
    return time(int(match.group(1)), int(match.group(2)))


def load_settings(env: Mapping[str, str] | None = None, *, require_signing_secret: bool = True) -> Settings:
    """Read and validate the configuration from ``env`` (default ``os.environ``).

    Args:
        env: the variables to read; `.env` has already been merged in by the caller.
        require_signing_secret: HTTP mode verifies every request and needs the signing secret;
            commands that only touch the database (export, backup) do not.

    Raises:
        ConfigError: naming the first variable that is missing or wrong.
    """
    env = os.environ if env is None else env

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    oauth = _load_oauth(get)
    bot_token = get("SLACK_BOT_TOKEN")
    if bot_token is None and oauth is None:
        raise ConfigError(
            "SLACK_BOT_TOKEN",
            "is not set",
            "Copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page into .env.",
        )
    if bot_token is not None and not bot_token.startswith("xoxb-"):
        raise ConfigError(
            "SLACK_BOT_TOKEN",
            "does not look like a bot token",
            "It must start with xoxb-; copy the Bot User OAuth Token from OAuth & Permissions.",
        )

    app_token = get("SLACK_APP_TOKEN")
    if app_token is not None and not app_token.startswith("xapp-"):
        raise ConfigError(
            "SLACK_APP_TOKEN",
            "does not look like an app-level token",
            "It must start with xapp-; create one with the connections:write scope under Basic Information,"
            " or remove it to serve HTTP instead of Socket Mode.",
        )

    signing_secret = get("SLACK_SIGNING_SECRET")
    if signing_secret is None and require_signing_secret and (app_token is None or oauth is not None):
        raise ConfigError(
            "SLACK_SIGNING_SECRET",
            "is not set",
            "Copy the Signing Secret from your app's Basic Information page into .env.",
        )
    if signing_secret is not None and not re.fullmatch(r"[0-9a-fA-F]{16,128}", signing_secret):
        raise ConfigError(
            "SLACK_SIGNING_SECRET",
            "does not look like a Slack signing secret",
            "It is the hexadecimal Signing Secret from Basic Information (not the client secret or a token).",
        )

    api_url = get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
    parts = urlsplit(api_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            "SLACK_API_URL",
            f"is “{api_url}”, which is not an http(s) URL",
            f"Leave it unset for {DEFAULT_SLACK_API_URL} or give a full base URL ending in /api/.",
        )
    if not api_url.endswith("/"):
        api_url += "/"

    database_url = normalize_database_url(get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    if not re.match(r"^(sqlite|postgresql\+psycopg)://", database_url):
        raise ConfigError(
            "DATABASE_URL",
            f"uses an unsupported database ({redact_url(database_url).split(':', 1)[0]})",
            "Use sqlite:///path/to/signon.db or postgresql://user:password@host/dbname.",
        )

    coordinators = frozenset(c.strip() for c in (get("SIGNON_COORDINATORS") or "").split(",") if c.strip())
    for user_id in coordinators:
        if not _USER_ID.match(user_id):
            raise ConfigError(
                "SIGNON_COORDINATORS",
                f"contains “{user_id}”, which is not a Slack user ID",
                "List member IDs such as U012AB3CD, separated by commas (Slack profile → ⋮ → Copy member ID).",
            )

    try:
        reminder_offsets = parse_durations(get("SIGNON_REMINDERS") or DEFAULT_REMINDERS)
    except ValueError as error:
        raise ConfigError("SIGNON_REMINDERS", f"is invalid: {error}", "Use a list like 72h,24h,2h.") from None

    quiet_text = get("SIGNON_QUIET_HOURS") or DEFAULT_QUIET_HOURS
    quiet_hours: tuple[time, time] | None = None
    if quiet_text.lower() not in ("off", "none", "0"):
        start, _, end = quiet_text.partition("-")
        quiet_hours = (_parse_clock(start, "SIGNON_QUIET_HOURS"), _parse_clock(end, "SIGNON_QUIET_HOURS"))

    port = _int_setting(get, "PORT", 3000, 1, 65535)
    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in _LOG_LEVELS:
        raise ConfigError("LOG_LEVEL", f"is “{log_level}”", f"Use one of {', '.join(_LOG_LEVELS)}.")

    try:
        digest_interval = parse_duration(get("SIGNON_DIGEST_INTERVAL") or "1h")
    except ValueError as error:
        raise ConfigError("SIGNON_DIGEST_INTERVAL", f"is invalid: {error}", "Use a duration like 1h or 30m.") from None

    receipt_rate = _float_setting(
        get, "SIGNON_RECEIPT_RATE", 10.0, 0.1, 100, "Use receipts per second per process, from 0.1 to 100."
    )
    # Each thanks uploads the PDF, and files.getUploadURLExternal is Tier 4 (about 100 a minute per workspace).
    thanks_rate = _float_setting(
        get, "SIGNON_THANKS_RATE", 1.5, 0.1, 100, "Use thanks DMs per second per process, from 0.1 to 100."
    )

    log_format = (get("LOG_FORMAT") or "text").lower()
    if log_format not in ("text", "json"):
        raise ConfigError("LOG_FORMAT", f"is “{log_format}”", "Use text (the default) or json.")

    synchronous = (get("SQLITE_SYNCHRONOUS") or "FULL").upper()
    if synchronous not in ("FULL", "NORMAL"):
        raise ConfigError(
            "SQLITE_SYNCHRONOUS",
            f"is “{synchronous}”",
            "Use FULL (survives power loss) or NORMAL (survives process crashes only).",
        )

    poll_seconds = _float_setting(get, "SIGNON_POLL_SECONDS", 2.0, 0.1, 60, "Use a number of seconds from 0.1 to 60.")
    slack_timeout = _int_setting(get, "SLACK_HTTP_TIMEOUT", 10, 1, 60)

    return Settings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        slack_api_url=api_url,
        database_url=database_url,
        coordinators=coordinators,
        reminder_offsets=reminder_offsets,
        quiet_hours=quiet_hours,
        port=port,
        log_level=log_level,
        web_concurrency=_int_setting(get, "WEB_CONCURRENCY", 2, 1, 64),
        web_threads=_int_setting(get, "WEB_THREADS", 16, 1, 256),
        sqlite_synchronous=synchronous,
        poll_seconds=poll_seconds,
        digest_interval=digest_interval,
        receipt_rate=receipt_rate,
        thanks_rate=thanks_rate,
        slack_timeout=slack_timeout,
        log_json=log_format == "json",
        health_port=_int_setting(get, "HEALTH_PORT", 0, 0, 65535) or None,
        oauth=oauth,
        public_url=(public_url := _load_public_url(get)),
        smtp=_load_smtp(get, public_url),
        web_rate_per_address=_int_setting(get, "SIGNON_WEB_RATE_PER_ADDRESS", 10, 1, 100000),
        web_rate_per_letter=_int_setting(get, "SIGNON_WEB_RATE_PER_LETTER", 300, 1, 1000000),
    )


def _int_setting(get: object, name: str, default: int, low: int, high: int) -> int:
    raw = get(name) if callable(get) else None
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"is “{raw}”, not a whole number", f"Use a number from {low} to {high}.") from None
    if not low <= value <= high:
        raise ConfigError(name, f"is {value}", f"Use a number from {low} to {high}.")
    return value


def _float_setting(get: object, name: str, default: float, low: float, high: float, fix: str) -> float:
    raw = get(name) if callable(get) else None
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(name, f"is “{raw}”", fix) from None
    if not low <= value <= high:  # also refuses nan
        raise ConfigError(name, f"is “{raw}”", fix)
    return value


def _load_oauth(get: object) -> OAuthConfig | None:
    assert callable(get)
    client_id = get("SLACK_CLIENT_ID")
    if client_id is None:
        return None
    client_secret = get("SLACK_CLIENT_SECRET")
    if client_secret is None:
        raise ConfigError(
            "SLACK_CLIENT_SECRET",
            "is not set but SLACK_CLIENT_ID is",
            "Copy the Client Secret from Basic Information, or unset SLACK_CLIENT_ID for a single workspace.",
        )
    state_secret = get("SIGNON_STATE_SECRET") or client_secret
    return OAuthConfig(
        client_id=client_id,
        client_secret=client_secret,
        state_secret=state_secret,
        authorize_url=get("SLACK_OAUTH_AUTHORIZE_URL") or "https://slack.com/oauth/v2/authorize",
    )


def _load_public_url(get: Any) -> str | None:
    raw = get("PUBLIC_URL")
    if raw is None:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(
            "PUBLIC_URL", f"is “{raw}”, which is not an http(s) base URL", "Give it like https://signon.example.org."
        )
    return str(raw).rstrip("/")


def _load_smtp(get: Any, public_url: str | None) -> SmtpConfig | None:
    raw = get("SMTP_URL")
    if raw is None:
        return None
    fix = "Give it like smtp://user:password@smtp.example.org:587 (smtps:// for TLS from the start)."
    try:
        parts = urlsplit(raw)
        port = parts.port or (465 if parts.scheme == "smtps" else 587)
    except ValueError:
        raise ConfigError("SMTP_URL", "is not an SMTP URL", fix) from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError("SMTP_URL", "is not an SMTP URL", fix)
    if public_url is None:
        raise ConfigError("PUBLIC_URL", "is not set but SMTP_URL is", "Emails carry links: set the app's public URL.")
    sender = get("SMTP_FROM") or f"no-reply@{urlsplit(public_url).hostname}"
    if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+|[^<>]*<[^@\s<>]+@[^@\s<>]+>", sender):
        raise ConfigError("SMTP_FROM", f"is “{sender}”, not an email address", "Give it like signon@example.org.")
    user, password = (unquote(part) if part else None for part in (parts.username, parts.password))
    return SmtpConfig(parts.hostname, port, user, password, sender, implicit_tls=parts.scheme == "smtps")
