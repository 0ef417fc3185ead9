"""Small widgets the screens share: a date field typed as dd/mm/yyyy, a form that shows each
validation message beside its field, lists of choices. (A heading is ``style.heading``.)"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class DateField(QLineEdit):
    """A date typed the British way. Empty means no date; anything unreadable is reported."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("dd/mm/yyyy")
        self.setMaxLength(10)

    def value(self) -> date | None:
        text = self.text().strip()
        if not text:
            return None
        return datetime.strptime(text, "%d/%m/%Y").date()

    def is_readable(self) -> bool:
        try:
            self.value()
        except ValueError:
            return False
        return True

    def set_value(self, value: date | None) -> None:
        self.setText(f"{value:%d/%m/%Y}" if value else "")


def combo(choices: list[tuple[object, str]], name: str, blank: str | None = None) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    if blank is not None:
        box.addItem(blank, None)
    for code, label in choices:
        box.addItem(label, code)
    return box


def set_combo(box: QComboBox, code) -> None:
    index = box.findData(code)
    box.setCurrentIndex(max(index, 0))


class CheckList(QListWidget):
    """A short multi-choice list from the pack (presenting factors, criteria, agencies)."""

    def __init__(self, choices: list[tuple[str, str]], name: str, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        for code, label in choices:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        rows = min(self.count(), 6)
        self.setMaximumHeight(self.sizeHintForRow(0) * rows + 12 if self.count() else 40)

    def values(self) -> list[str]:
        return [
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_values(self, codes: list[str]) -> None:
        wanted = set(codes or [])
        for i in range(self.count()):
            item = self.item(i)
            state = (
                Qt.CheckState.Checked
                if item.data(Qt.ItemDataRole.UserRole) in wanted
                else Qt.CheckState.Unchecked
            )
            item.setCheckState(state)

    def keyPressEvent(self, event) -> None:  # space toggles the focused item, for keyboard users
        item = self.currentItem()
        if event.key() == Qt.Key.Key_Space and item is not None:
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            return
        super().keyPressEvent(event)


class FieldForm(QWidget):
    """A QFormLayout whose rows each carry an error label under the field."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.layout_.setVerticalSpacing(4)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

    def add(self, name: str, label: str, widget: QWidget) -> QWidget:
        widget.setAccessibleName(label.rstrip(":"))
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        error = QLabel()
        error.setProperty("role", "error")
        error.setWordWrap(True)
        error.hide()
        box.addWidget(error)
        text = QLabel(label)
        text.setBuddy(widget)
        self.layout_.addRow(text, holder)
        self.fields[name] = widget
        self.errors[name] = error
        return widget

    def show_errors(self, errors: dict[str, str]) -> None:
        for name, label in self.errors.items():
            message = errors.get(name, "")
            label.setText(message)
            label.setVisible(bool(message))
            widget = self.fields[name]
            widget.setProperty("invalid", bool(message))
            widget.style().unpolish(widget)
            widget.style().polish(widget)
            widget.setAccessibleDescription(message)

    def error_text(self, name: str) -> str:
        label = self.errors[name]
        return label.text() if not label.isHidden() else ""


def read_widget(widget: QWidget):
    if isinstance(widget, DateField):
        return widget.text()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, CheckList):
        return widget.values()
    raise TypeError(type(widget).__name__)


def write_widget(widget: QWidget, value) -> None:
    if isinstance(widget, DateField):
        widget.setText(value or "")
    elif isinstance(widget, QLineEdit):
        widget.setText(value or "")
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(value or "")
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QComboBox):
        set_combo(widget, value)
    elif isinstance(widget, CheckList):
        widget.set_values(value or [])


def headings_fit(table) -> None:
    """Every column at least as wide as its heading, so a header never cuts off the words that
    matter ("Social care decision", "Past 12 months"). Stretched columns take the rest anyway."""
    from PySide6.QtWidgets import QHeaderView

    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    # A header drawn in bold (the app's style) is wider than its font says: leave room.
    bold = header.font()
    bold.setBold(True)
    metrics = QFontMetrics(bold) if bold != header.font() else metrics
    for section in range(header.count()):
        if header.sectionResizeMode(section) == QHeaderView.ResizeMode.Stretch:
            continue
        text = str(table.model().headerData(section, Qt.Orientation.Horizontal) or "")
        need = metrics.horizontalAdvance(text) + 24
        if header.sectionSize(section) < need:
            if header.sectionResizeMode(section) == QHeaderView.ResizeMode.ResizeToContents:
                header.setSectionResizeMode(section, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(section, need)


SHOWS_ROWS = "ehdesk_shows_rows"  # the property the screenshot sweep checks (ui/sweep.py)


def show_rows(table, rows: int) -> None:
    """A table that is never squeezed below ``rows`` rows by the form beside it (the Agencies
    tab's professionals at 1,280x720): its minimum height holds the header and that many rows."""
    rows_height = rows * table.verticalHeader().defaultSectionSize()
    frame = 2 * table.frameWidth()
    bar = table.horizontalScrollBar().sizeHint().height()
    table.setMinimumHeight(table.horizontalHeader().sizeHint().height() + rows_height + frame + bar)
    table.setProperty(SHOWS_ROWS, rows)
