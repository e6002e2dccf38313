"""Time in the generated history: integer seconds (or milliseconds) since the Unix epoch, UTC.

The history is fixed in time (it ends at AS_OF), so the same seed gives the same files on any day.
Formatting goes through precomputed day strings: strftime per value would dominate the run time.
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from datetime import datetime, timezone

DAY = 86_400
HOUR = 3_600
MINUTE = 60
DAY_MS, MINUTE_MS = DAY * 1000, MINUTE * 1000


def epoch(year: int, month: int, day: int = 1, hour: int = 0) -> int:
    return calendar.timegm((year, month, day, hour, 0, 0))


AS_OF = epoch(2026, 12, 1)            # the moment the snapshot is taken; everything happens before it
SIGNUPS_FROM = epoch(2026, 5, 1)      # first sign-up
RUNS_FROM = epoch(2026, 9, 1)         # executions cover the three months before AS_OF
CALENDAR_FROM = epoch(2026, 1, 1)

_DAYS = [datetime.fromtimestamp(CALENDAR_FROM + i * DAY, timezone.utc).strftime("%Y-%m-%d") for i in range(800)]
_CLOCK = [f" {h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
_SECONDS = [f"{s:02d}+00" for s in range(60)]
_MILLIS = [f".{ms:03d}+00" for ms in range(1000)]
_SECONDS_MS = [second + millis for second in [f"{s:02d}" for s in range(60)]
               for millis in _MILLIS]                                   # '00.000+00' ... '59.999+00'
_CALENDAR_FROM_MS = CALENDAR_FROM * 1000
_MONTH_STARTS = [epoch(2026 + (m // 12), m % 12 + 1) for m in range(24)]


def ts(seconds: int) -> str:
    """timestamptz literal for COPY, e.g. '2026-10-05 13:45:12+00'."""
    day, rest = divmod(seconds - CALENDAR_FROM, DAY)
    minute, second = divmod(rest, 60)
    return _DAYS[day] + _CLOCK[minute] + _SECONDS[second]


def ts_ms(millis: int) -> str:
    """timestamptz literal with milliseconds, e.g. '2026-10-05 13:45:12.345+00' (the hottest formatter)."""
    day, rest = divmod(millis - _CALENDAR_FROM_MS, DAY_MS)
    minute, millis_of_minute = divmod(rest, MINUTE_MS)
    return _DAYS[day] + _CLOCK[minute] + _SECONDS_MS[millis_of_minute]


def iso(seconds: int) -> str:
    """A moment as PostgreSQL writes a timestamptz into JSON (activity details), e.g. '2026-10-05T13:45:12+00:00'."""
    day, rest = divmod(seconds - CALENDAR_FROM, DAY)
    minute, second = divmod(rest, 60)
    return _DAYS[day] + "T" + _CLOCK[minute][1:] + _SECONDS[second][:2] + "+00:00"


def date(seconds: int) -> str:
    return _DAYS[(seconds - CALENDAR_FROM) // DAY]


def month_start(seconds: int) -> int:
    """First moment of the calendar month (UTC) containing the moment."""
    return _MONTH_STARTS[bisect_right(_MONTH_STARTS, seconds) - 1]


def add_month(seconds: int) -> int:
    """seconds + 1 month with PostgreSQL's rule: the day is clamped to the target month's length."""
    moment = datetime.fromtimestamp(seconds, timezone.utc)
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return calendar.timegm((year, month, day, moment.hour, moment.minute, moment.second))


# Share of a day's runs per hour (UTC): quiet nights, a morning ramp, an afternoon peak.
HOURLY_LOAD = (2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 10, 11, 12, 12, 11, 9, 7, 6, 5, 4, 3, 2)
