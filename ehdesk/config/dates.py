"""Dates and times as people read them, in the one style the council pack chooses
(``date_style``): "long" ("5 December 2026", the default), "short" ("5 Dec 2026") or "numeric"
("05/12/2026"). Every screen, message and document shows dates through ``show_date`` and times
through ``show_time``, so a council changes its style in one place. Times are UK local time
(GMT in winter, BST in summer), worked out here so a laptop without a time zone database shows
the same time. Files for machines (CSV, XLSX, JSON) keep ISO dates; typed date boxes keep
dd/mm/yyyy, which is what people type."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

DATE_STYLES = {
    "long": "%-d %B %Y",
    "short": "%-d %b %Y",
    "numeric": "%d/%m/%Y",
}
# The same styles for Qt's date boxes (QDateEdit.setDisplayFormat).
QT_DATE_FORMATS = {"long": "d MMMM yyyy", "short": "d MMM yyyy", "numeric": "dd/MM/yyyy"}
DEFAULT_STYLE = "long"


def date_style() -> str:
    """The style of the council pack in use (the default when no pack can be read, so a broken
    pack never stops a date being shown: the pack's own error is reported where it is loaded)."""
    from ehdesk.config.pack import current_pack
    from ehdesk.errors import EhdeskError

    try:
        return current_pack().date_style
    except (EhdeskError, OSError):
        return DEFAULT_STYLE


def show_date(value: date | datetime | None, style: str | None = None) -> str:
    """A day in the pack's style; "" when there is none."""
    if value is None:
        return ""
    return value.strftime(DATE_STYLES[style or date_style()])


def qt_date_format(style: str | None = None) -> str:
    return QT_DATE_FORMATS[style or date_style()]


def _last_sunday(year: int, month: int) -> int:
    last = calendar.monthrange(year, month)[1]
    return last - (calendar.weekday(year, month, last) + 1) % 7


def uk_local(moment: datetime) -> tuple[datetime, str]:
    """The wall-clock time in the UK and its zone name ("GMT" or "BST"): BST (UTC+1) from 01:00
    UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October. A naive moment
    is UTC (as SQLite returns it)."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    starts = datetime(utc.year, 3, _last_sunday(utc.year, 3), 1, tzinfo=UTC)
    ends = datetime(utc.year, 10, _last_sunday(utc.year, 10), 1, tzinfo=UTC)
    if starts <= utc < ends:
        return (utc + timedelta(hours=1)).replace(tzinfo=None), "BST"
    return utc.replace(tzinfo=None), "GMT"


def show_clock(moment: datetime) -> str:
    """Only the UK time of day ("14:05"), for "Saved at …" on the day itself."""
    local, _zone = uk_local(moment)
    return f"{local:%H:%M}"


def show_time(moment: datetime | None, style: str | None = None, zone: bool = False) -> str:
    """A stored moment as people in England read it: "5 December 2026 at 14:05" in UK local
    time, with "GMT"/"BST" after it when ``zone`` (for what a family signs)."""
    if moment is None:
        return ""
    local, name = uk_local(moment)
    text = f"{show_date(local, style)} at {local:%H:%M}"
    return f"{text} {name}" if zone else text
