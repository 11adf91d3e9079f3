"""Time helpers: everything is stored in UTC and shown in each reader's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
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
