"""UK local time for what a family reads (signature times): GMT in winter, BST (UTC+1) from 01:00
UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October. Worked out here, so
a Windows laptop without a time zone database prints the same time."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta


def _last_sunday(year: int, month: int) -> int:
    last = calendar.monthrange(year, month)[1]
    return last - (calendar.weekday(year, month, last) + 1) % 7


def uk_local(moment: datetime) -> tuple[datetime, str]:
    """The wall-clock time in the UK and its zone name ("GMT" or "BST")."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    starts = datetime(utc.year, 3, _last_sunday(utc.year, 3), 1, tzinfo=UTC)
    ends = datetime(utc.year, 10, _last_sunday(utc.year, 10), 1, tzinfo=UTC)
    if starts <= utc < ends:
        return (utc + timedelta(hours=1)).replace(tzinfo=None), "BST"
    return utc.replace(tzinfo=None), "GMT"


def uk_time_words(moment: datetime) -> str:
    local, zone = uk_local(moment)
    return f"{local:%-d %B %Y, %H:%M} {zone}"
