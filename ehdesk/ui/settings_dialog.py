"""Settings for this laptop's look: follow the system's light or dark theme or choose one, high
contrast, and a larger text size. Applied at once; kept beside the profiles (no personal data)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ehdesk.config.appearance import Appearance
from ehdesk.ui.inputs import ChoiceBox
from ehdesk.ui.screen_size import within_screen

THEME_CHOICES = (
    ("system", "&Follow this computer's setting"),
    ("light", "&Light"),
    ("dark", "&Dark"),
)
TEXT_SIZES = ((1.0, "Standard"), (1.15, "Larger"), (1.3, "Larger still"), (1.5, "Largest"))


class SettingsDialog(QDialog):
    def __init__(self, appearance: Appearance, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.themes = QButtonGroup(self)
        theme_box = QVBoxLayout()
        for i, (code, text) in enumerate(THEME_CHOICES):
            button = QRadioButton(text)
            button.setAccessibleName(f"Theme: {text.replace('&', '')}")
            button.setChecked(appearance.theme == code)
            self.themes.addButton(button, i)
            theme_box.addWidget(button)
        self.high_contrast = QCheckBox("&High contrast (black and white, stronger borders)")
        self.high_contrast.setChecked(appearance.high_contrast)
        self.text_size = ChoiceBox()
        self.text_size.setAccessibleName("Text size")
        for scale, label in TEXT_SIZES:
            self.text_size.addItem(f"{label} ({round(scale * 100)}%)", scale)
        nearest = min(range(len(TEXT_SIZES)), key=lambda i: abs(TEXT_SIZES[i][0] - appearance.text_scale))
        self.text_size.setCurrentIndex(nearest)
        note = QLabel("These apply to everyone who uses this laptop, and take effect at once.")
        note.setProperty("role", "note")
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Theme", theme_box)
        form.addRow("", self.high_contrast)
        size_label = QLabel("&Text size")
        size_label.setBuddy(self.text_size)
        form.addRow(size_label, self.text_size)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def appearance(self) -> Appearance:
        theme = THEME_CHOICES[max(self.themes.checkedId(), 0)][0]
        return Appearance(
            theme=theme, high_contrast=self.high_contrast.isChecked(), text_scale=self.text_size.currentData()
        )


class ShortcutsDialog(QDialog):
    """Help: the keyboard shortcuts, as a plain table a screen reader reads row by row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

        from ehdesk.ui.keyboard import SHORTCUTS

        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(SHORTCUTS), 2)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "Does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for row, (keys, does) in enumerate(SHORTCUTS):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(does))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        m = self.fontMetrics()
        self.resize(
            within_screen(self, m.horizontalAdvance("M") * 46, m.height() * (len(SHORTCUTS) + 6) + 40)
        )
