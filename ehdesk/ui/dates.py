"""Dates and times as people read them. Date boxes with no date yet show a dash, not Qt's placeholder "1 January 2000" (which reads
as a real date on a form that has not loaded or has nothing chosen)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtWidgets import QDateEdit

NO_DATE = "—"


def show_no_date(edit: QDateEdit) -> None:
    edit.setSpecialValueText(NO_DATE)
    edit.setDate(edit.minimumDate())


def has_date(edit: QDateEdit) -> bool:
    return not (edit.specialValueText() and edit.date() == edit.minimumDate())


def uk_time(moment: datetime) -> str:
    """A stored moment (UTC; naive means UTC, as SQLite returns it) as people in England read it:
    UK local time, with BST in summer."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        local = moment.astimezone(ZoneInfo("Europe/London"))
    except ZoneInfoNotFoundError:  # no time zone database (Windows without tzdata): the laptop's own
        local = moment.astimezone()
    return f"{local:%-d %b %Y at %H:%M}"
