"""Adding a worker profile on this laptop (local; the online first sign-in comes with sync)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

from ehdesk.ui.style import heading
from ehdesk.ui.widgets import FieldForm


class AddWorkerDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a worker")
        self.form = FieldForm()
        self.name = self.form.add("name", "Your name", QLineEdit())
        self.password = self.form.add("password", "Password", QLineEdit())
        self.confirm = self.form.add("confirm", "Password again", QLineEdit())
        for field in (self.password, self.confirm):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        note = QLabel(
            "Your records on this laptop are encrypted with this password. At least 8 characters; "
            "a short sentence is easy to remember and hard to guess."
        )
        note.setWordWrap(True)
        note.setProperty("role", "note")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add worker")
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Add a worker on this laptop", "section"))
        layout.addWidget(self.form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 32)

    def _check(self) -> None:
        errors = {}
        if not self.name.text().strip():
            errors["name"] = "Type the name to show on the sign-in screen."
        if len(self.password.text()) < 8:
            errors["password"] = "Choose a password of at least 8 characters."
        elif self.password.text() != self.confirm.text():
            errors["confirm"] = "The two passwords are not the same."
        self.form.show_errors(errors)
        if not errors:
            self.accept()

    def values(self) -> tuple[str, str]:
        return self.name.text().strip(), self.password.text()
