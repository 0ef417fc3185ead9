"""Household details: saved as the worker types (a moment after they stop, and on leaving a field)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit, QPlainTextEdit

from ehdesk.casework import families
from ehdesk.casework.families import FamilyView
from ehdesk.ui.family.form import RecordForm

TEXT_FIELDS = (
    ("household_name", "Household name"),
    ("address_line1", "Address"),
    ("address_line2", "Address line 2"),
    ("town", "Town"),
    ("postcode", "Postcode"),
    ("main_language", "Main language"),
)


class HouseholdForm(RecordForm):
    def __init__(self, store, family_id, parent=None) -> None:
        super().__init__(store, family_id, autosave=True, parent=parent)
        for name, label in TEXT_FIELDS:
            self.add_field(name, label, QLineEdit())
        self.add_field("interpreter_needed", "Interpreter", QCheckBox("An interpreter is needed"))
        notes = self.add_field("notes", "Notes", QPlainTextEdit())
        notes.setTabChangesFocus(True)
        notes.setMinimumHeight(notes.fontMetrics().lineSpacing() * 5)
        self.form.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 52)
        self.form.fields["postcode"].setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 9)

    def draft_key(self) -> str:
        return f"family:{self.family_id}:household"

    def show_family(self, family: FamilyView, draft: dict | None) -> None:
        self.load_raw({name: getattr(family, name) for name in self.form.fields})
        if draft:
            self.load_raw(draft, dirty=True)

    def build_save(self, raw: dict):
        family_id = self.family_id
        changes = dict(raw)
        return lambda s: families.update_family(s, family_id, changes)

    def focusOutEvent(self, event) -> None:
        self._save_if_dirty()
        super().focusOutEvent(event)
