"""Dates and times as people read them. Date boxes with no date yet show a dash, not Qt's placeholder "1 January 2000" (which reads
as a real date on a form that has not loaded or has nothing chosen)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QDateEdit

from ehdesk.casework.uk_time import uk_local

NO_DATE = "—"


def show_no_date(edit: QDateEdit) -> None:
    edit.setSpecialValueText(NO_DATE)
    edit.setDate(edit.minimumDate())


def has_date(edit: QDateEdit) -> bool:
    return not (edit.specialValueText() and edit.date() == edit.minimumDate())


def uk_time(moment: datetime) -> str:
    """A stored moment (UTC; naive means UTC, as SQLite returns it) as people in England read it:
    UK local time, with BST in summer (one rule for screens and PDFs: ``casework.uk_time``)."""
    local, _zone = uk_local(moment)
    return f"{local:%-d %b %Y at %H:%M}"
