"""Beside a TAF meeting's attendee list: "Add everyone involved" fills it from the family's
professionals (as they stood on the meeting's date), and a line names who is involved but
neither came nor sent apologies, so "who attended" is checked against "who is involved"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ehdesk.casework import professionals
from ehdesk.ui.flow import FlowLayout
from ehdesk.ui.ops import for_store


class InvolvedPicker(QWidget):
    def __init__(
        self,
        store,
        family_id: str,
        attendees: Callable[[], list[dict]],
        add_attendee: Callable[[dict], None],
        held_on: Callable[[], date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.family_id = store, family_id
        self.attendees, self.add_attendee, self.held_on = attendees, add_attendee, held_on
        self.pending = 0
        self.button = QPushButton("Add everyone involved")
        self.button.setToolTip("Add the professionals working with the family on the meeting's date")
        self.button.clicked.connect(self.add_involved)
        self.check_button = QPushButton("Check against who is involved")
        self.check_button.clicked.connect(self.refresh)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setProperty("role", "note")
        # The buttons wrap onto two lines in a narrow editor (853 px at 150% on a 1,280x720 screen).
        buttons = QWidget()
        buttons.setLayout(FlowLayout().add_widgets(self.button, self.check_button))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(buttons)
        layout.addWidget(self.note, 1)

    def _run(self, work, then) -> None:
        self.pending += 1

        def done(result):
            self.pending -= 1
            then(result)

        def failed(_exc):
            self.pending -= 1
            self.note.setText("Who is involved could not be read just now.")

        if not for_store(self.store).query(work, done, owner=self, on_error=failed):
            self.pending -= 1

    def add_involved(self) -> None:
        on = self.held_on()

        def add(choices: list[dict]) -> None:
            listed = {str(a.get("name") or "").strip().casefold() for a in self.attendees()}
            added = 0
            for c in choices:
                if c["name"].casefold() in listed:
                    continue
                self.add_attendee(
                    {
                        "name": c["name"],
                        "role": c["role"],
                        "agency": c["agency_label"],
                        "attendance": "attended",
                    }
                )
                added += 1
            self.note.setText(
                f"Added {added} people involved." if added else "Everyone involved is already listed."
            )

        self._run(lambda s: professionals.attendee_choices(s, self.family_id, on), add)

    def refresh(self) -> None:
        attendees, on = self.attendees(), self.held_on()

        def show(check: professionals.AttendanceCheck) -> None:
            if check.absent:
                names = ", ".join(p.display for p in check.absent)
                self.note.setText(f"Involved but not listed as attending or sending apologies: {names}.")
            elif check.attended or check.apologies:
                self.note.setText("Everyone involved came or sent apologies.")
            else:
                self.note.setText("")

        self._run(lambda s: professionals.attendance_against(s, self.family_id, attendees, on), show)
