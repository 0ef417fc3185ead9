"""Dates and times as people read them. Date boxes with no date yet show a dash, not Qt's placeholder "1 January 2000" (which reads
as a real date on a form that has not loaded or has nothing chosen)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QDateEdit

from ehdesk.config.dates import qt_date_format, show_date, show_time

__all__ = [
    "NO_DATE",
    "has_date",
    "show_date",
    "show_no_date",
    "show_time",
    "style_date_edit",
    "uk_time",
    "widest_date",
]

NO_DATE = "—"


def show_no_date(edit: QDateEdit) -> None:
    edit.setSpecialValueText(NO_DATE)
    edit.setDate(edit.minimumDate())


def has_date(edit: QDateEdit) -> bool:
    return not (edit.specialValueText() and edit.date() == edit.minimumDate())


def uk_time(moment: datetime) -> str:
    """A stored moment (UTC; naive means UTC, as SQLite returns it) as people in England read it:
    UK local time, with BST in summer, in the pack's date style (``config.dates``)."""
    return show_time(moment)


def style_date_edit(edit: QDateEdit) -> QDateEdit:
    """A date box that shows its date in the pack's style, like every other date on screen."""
    edit.setDisplayFormat(qt_date_format())
    return edit


def widest_date() -> str:
    """The longest a date can be in the pack's style ("28 September 2026"), to size a column."""
    from datetime import date

    return show_date(date(2026, 9, 28))
