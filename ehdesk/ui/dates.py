"""Date boxes with no date yet show a dash, not Qt's placeholder "1 January 2000" (which reads
as a real date on a form that has not loaded or has nothing chosen)."""

from __future__ import annotations

from PySide6.QtWidgets import QDateEdit

NO_DATE = "—"


def show_no_date(edit: QDateEdit) -> None:
    edit.setSpecialValueText(NO_DATE)
    edit.setDate(edit.minimumDate())


def has_date(edit: QDateEdit) -> bool:
    return not (edit.specialValueText() and edit.date() == edit.minimumDate())
