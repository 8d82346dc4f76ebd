"""Moments shown in the site's time zone and entered in it."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, strategies as st

from govwiki.core import moments

SHANGHAI = moments.zone("Asia/Shanghai")
NOON_UTC = datetime(2027, 1, 31, 12, 0, tzinfo=timezone.utc)


def test_utc_is_shown_as_utc():
    assert moments.shown(NOON_UTC) == "2027-01-31 12:00 UTC"


def test_a_moment_is_shown_in_the_sites_zone_with_its_offset():
    assert moments.shown(NOON_UTC, SHANGHAI) == "2027-01-31 20:00 UTC+8"
    assert (
        moments.shown(datetime(2027, 1, 31, 20, 0, tzinfo=timezone.utc), SHANGHAI) == "2027-02-01 04:00 UTC+8"
    )


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Asia/Kolkata", "2027-01-31 17:30 UTC+5:30"),
        ("America/St_Johns", "2027-01-31 08:30 UTC-3:30"),
        ("Europe/Berlin", "2027-01-31 13:00 UTC+1"),
    ],
)
def test_offsets_are_written_as_people_write_them(name, expected):
    assert moments.shown(NOON_UTC, moments.zone(name)) == expected


def test_summer_time_changes_the_offset():
    assert (
        moments.shown(datetime(2027, 7, 1, 12, 0, tzinfo=timezone.utc), moments.zone("Europe/Berlin"))
        == "2027-07-01 14:00 UTC+2"
    )


def test_a_deadline_entered_in_shanghai_is_stored_in_utc():
    assert moments.to_utc(datetime(2027, 1, 31, 17, 0), SHANGHAI) == datetime(
        2027, 1, 31, 9, 0, tzinfo=timezone.utc
    )


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "Asia/"])
def test_unknown_zones_are_refused(name):
    with pytest.raises(ValueError):
        moments.zone(name)


@given(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1)).map(
        lambda d: d.replace(second=0, microsecond=0)
    )
)
def test_entering_what_was_shown_gives_the_same_moment(naive_utc):
    moment = naive_utc.replace(tzinfo=timezone.utc)
    assert moments.to_utc(moments.to_local(moment, SHANGHAI), SHANGHAI) == moment


@pytest.mark.parametrize(
    "where, day, hours",
    [
        (ZoneInfo("Asia/Shanghai"), date(2026, 6, 2), 24),
        (ZoneInfo("Europe/Berlin"), date(2026, 3, 29), 23),  # clocks go forward
        (ZoneInfo("Europe/Berlin"), date(2026, 10, 25), 25),  # and back
    ],
)
def test_a_day_runs_from_its_first_to_its_last_moment_in_its_zone(where, day, hours):
    start, end = moments.day_bounds(day, where)
    assert start.astimezone(where).replace(tzinfo=None) == datetime(day.year, day.month, day.day)
    assert end - start == timedelta(hours=hours, microseconds=-1)
    assert start.utcoffset() == timedelta(0)
