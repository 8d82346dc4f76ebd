"""Moments as people read them: in the site's time zone, with its offset from UTC named, so that a
deadline of "2027-01-31 17:00 UTC+8" is unambiguous to everyone. Stored and API times stay UTC."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC_NAME = "UTC"


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name` (e.g. Asia/Shanghai); ValueError for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name such as Asia/Shanghai or UTC"
        ) from None


def offset_name(offset: timedelta | None) -> str:
    """UTC, UTC+8, UTC-3:30: the offset as people write it."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    if minutes == 0:
        return UTC_NAME
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def shown(moment: datetime, where: ZoneInfo | timezone = timezone.utc) -> str:
    """The moment as "YYYY-MM-DD HH:MM UTC+8" in the zone `where` (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(where)
    return local.strftime("%Y-%m-%d %H:%M") + " " + offset_name(local.utcoffset())


def to_utc(local: datetime, where: ZoneInfo | timezone) -> datetime:
    """A wall-clock time entered in the zone `where` (naive) as an aware UTC moment."""
    return local.replace(tzinfo=where).astimezone(timezone.utc)


def to_local(moment: datetime, where: ZoneInfo | timezone) -> datetime:
    """An aware moment as naive wall-clock time in the zone `where` (for a form field)."""
    return moment.astimezone(where).replace(tzinfo=None)


def day_bounds(day: date, where: ZoneInfo | timezone) -> tuple[datetime, datetime]:
    """The first and the last microsecond of `day` in the zone `where`, as aware UTC moments
    (a day is 23 or 25 hours long where clocks change)."""
    start = to_utc(datetime.combine(day, time()), where)
    end = to_utc(datetime.combine(day + timedelta(days=1), time()), where) - timedelta(microseconds=1)
    return start, end
