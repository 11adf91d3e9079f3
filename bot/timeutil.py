"""Time helpers: everything is stored in UTC and shown in each reader's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow() -> datetime:
    return datetime.now(UTC)


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone ``name``, or UTC when Slack gave none or one Python does not know."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_to_utc(day: date, clock: time, tz_name: str | None) -> datetime:
    """Interpret a date and time picked in a modal in the picker's time zone, as a UTC instant."""
    return datetime.combine(day, clock, tzinfo=zone(tz_name)).astimezone(UTC)


def format_local(moment: datetime, tz_name: str | None) -> str:
    """A human date in ``tz_name`` for text that cannot use Slack's ``<!date>`` (files, fallbacks)."""
    local = moment.astimezone(zone(tz_name))
    return local.strftime("%a %b %-d, %Y at %-I:%M %p ") + (local.tzname() or "")


def humanize_remaining(delta: timedelta) -> str:
    """“2 days 3 hours”, “5 hours”, “40 minutes”, “less than a minute”."""
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return "less than a minute"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts: list[str] = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours and len(parts) < 2:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes and not days and len(parts) < 2:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
