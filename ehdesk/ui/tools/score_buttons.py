"""A row of large buttons for one item's scale (1–10, 0–4 …): easy to hit on a touch screen and
easy to read back to a family, unlike a spin box. Clicking the chosen button again clears it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ehdesk.forms.tools.schema import Scale
from ehdesk.ui.style import set_sheet

# The chosen point must stand out at a glance, in sunlight and to a family reading upside down.
CHOSEN = (
    "QPushButton { font-size: 12pt; }"
    "QPushButton:checked { background: @accent; color: @on_accent; font-weight: bold; border: 2px solid @text; }"
)


class ScoreButtons(QWidget):
    changed = Signal(object)  # int | None

    def __init__(self, scale: Scale, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scale
        self._value: int | None = None
        self.buttons: dict[int, QPushButton] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(4)
        for point in scale.points():
            button = QPushButton(str(point))
            button.setCheckable(True)
            button.setMinimumSize(44, 38)
            set_sheet(button, CHOSEN)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            label = scale.label(point)
            button.setToolTip(label or str(point))
            button.setAccessibleName(f"{name}: {point}{' — ' + label if label else ''}")
            button.clicked.connect(lambda _=False, p=point: self._clicked(p))
            row.addWidget(button)
            self.buttons[point] = button
        outer.addLayout(row)
        ends = QHBoxLayout()
        low = QLabel(scale.label(scale.min))
        high = QLabel(scale.label(scale.max))
        high.setAlignment(Qt.AlignmentFlag.AlignRight)
        for end in (low, high):
            set_sheet(end, "color: @muted; font-size: 9pt;")
            ends.addWidget(end)
        if low.text() or high.text():  # scales without words (licensed tools) need no row
            outer.addLayout(ends)
        else:
            low.deleteLater()
            high.deleteLater()
        self.meaning = QLabel("")
        set_sheet(self.meaning, "color: @text; font-size: 9pt;")
        self.meaning.hide()
        outer.addWidget(self.meaning)

    def value(self) -> int | None:
        return self._value

    def setValue(self, value: int | None) -> None:  # noqa: N802 (Qt naming)
        self._value = value if value in self.buttons else None
        for point, button in self.buttons.items():
            button.setChecked(point == self._value)
        label = self.scale.label(self._value) if self._value is not None else ""
        self.meaning.setText(f"Chosen: {self._value} — {label}" if label else "")
        self.meaning.setVisible(bool(label))

    def _clicked(self, point: int) -> None:
        self.setValue(None if self._value == point else point)
        self.changed.emit(self._value)
