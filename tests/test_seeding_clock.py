"""The generator's timestamp formatters write what PostgreSQL reads and writes (checked against datetime)."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given, strategies as st

from masteryflow.seeding.clock import CALENDAR_FROM, DAY, iso, ts, ts_ms

MOMENTS = st.integers(min_value=CALENDAR_FROM, max_value=CALENDAR_FROM + 700 * DAY - 1)


def utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


@given(MOMENTS)
def test_ts_is_the_copy_literal_of_the_moment(seconds):
    assert ts(seconds) == utc(seconds).strftime("%Y-%m-%d %H:%M:%S+00")


@given(MOMENTS, st.integers(min_value=0, max_value=999))
def test_ts_ms_keeps_the_milliseconds(seconds, millis):
    assert ts_ms(seconds * 1000 + millis) == utc(seconds).strftime("%Y-%m-%d %H:%M:%S") + f".{millis:03d}+00"


@given(MOMENTS)
def test_iso_is_how_postgresql_writes_a_timestamptz_into_json(seconds):
    assert iso(seconds) == utc(seconds).isoformat()
