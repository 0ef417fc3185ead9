"""Dates and times as people read them, in the one style the council pack chooses
(``date_style``): "long" ("5 December 2026", the default), "short" ("5 Dec 2026") or "numeric"
("05/12/2026"). Every screen, message and document shows dates through ``show_date`` and times
through ``show_time``, so a council changes its style in one place. Times are UK local time
(GMT in winter, BST in summer), worked out here so a laptop without a time zone database shows
the same time. Files for machines (CSV, XLSX, JSON) keep ISO dates; typed date boxes keep
dd/mm/yyyy, which is what people type, and every typed date is read by ``read_typed_date`` (one
box) or ``read_typed_dates`` (a form's boxes), whose message says what is wrong."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

from ehdesk.errors import EhdeskError, TypedDateError, ValidationError

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


# Day, month and year, each pair parted by "/", "-" or "." (spaces around them allowed).
_TYPED_DATE = re.compile(r"([0-9]{1,2})\s*[/.-]\s*([0-9]{1,2})\s*[/.-]\s*([0-9]+)", re.ASCII)
TYPED_EXAMPLE = "07/03/2015"


def read_typed_date(text: str | None, label: str = "the date") -> date | None:
    """The day a person typed in a date box; None when the box is empty. ``label`` names the date
    in the message ("the date of birth").

    Read as day/month/year, the British order: "07/03/2015", "7/3/2015", "07-03-2015" and
    "07.03.2015" are all 7 March 2015; spaces around the date or its "/", "-" or "." are ignored.
    Anything else raises TypedDateError with one plain sentence saying what to put right:

    - a year of two digits ("07/03/15") is refused, never guessed: a date of birth typed "15"
      could be 1915 or 2015. "Type the date of birth with the year in full, for example 07/03/2015."
    - a day that does not exist names why: "31/02/2020 is not a real date: February 2020 has 29
      days." or "13/13/2020 is not a real date: there is no month 13."
    - a month over 12 with a day that could be a month ("03/15/2015") is most likely month/day/
      year, and, like year-first ("2015-03-07") or words, gets the hint "Type the date as
      day/month/year, for example 07/03/2015."
    """
    text = (text or "").strip()
    if not text:
        return None
    found = _TYPED_DATE.fullmatch(text)
    if found is None or len(found[3]) not in (2, 4):
        raise TypedDateError(f"Type {label} as day/month/year, for example {TYPED_EXAMPLE}.")
    if len(found[3]) == 2:
        raise TypedDateError(f"Type {label} with the year in full, for example {TYPED_EXAMPLE}.")
    day, month, year = int(found[1]), int(found[2]), int(found[3])
    not_real = f"{text} is not a real date:"
    if not 1 <= month <= 12:
        if 1 <= day <= 12:
            raise TypedDateError(f"Type {label} as day/month/year, for example {TYPED_EXAMPLE}.")
        raise TypedDateError(f"{not_real} there is no month {month}.")
    if year == 0:
        raise TypedDateError(f"{not_real} there is no year 0.")
    if day == 0:
        raise TypedDateError(f"{not_real} there is no day 0.")
    days = calendar.monthrange(year, month)[1]
    if day > days:
        raise TypedDateError(f"{not_real} {calendar.month_name[month]} {year} has {days} days.")
    return date(year, month, day)


def read_typed_dates(texts: Mapping[str, str | None], labels: Mapping[str, str]) -> dict[str, date | None]:
    """The dates typed in a form's boxes: ``labels`` maps each box's field name to how its message
    names it. Raises ValidationError naming every box that cannot be read, so all are shown at once."""
    values: dict[str, date | None] = {}
    errors: dict[str, str] = {}
    for name, label in labels.items():
        try:
            values[name] = read_typed_date(texts.get(name), label)
        except TypedDateError as exc:
            errors[name] = exc.message
    if errors:
        raise ValidationError(errors)
    return values
