"""One input widget per question type, all with the same small interface (value, set_value,
set_read_only, a ``changed`` signal) so the form view never needs to know which is which."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ehdesk.config.dates import qt_date_format
from ehdesk.forms.definition import Option, Question
from ehdesk.ui.inputs import ChoiceBox, DateBox

# A date field cannot be empty in Qt; its minimum date shown as blank stands for "no answer".
_NO_DATE = QDate(1900, 1, 1)
_RADIO_LIMIT = 6  # more options than this read better as a drop-down


def _freeze(widget: QWidget, read_only: bool) -> None:
    """Read-only without greying out: a completed form must stay easy to read."""
    widget.setAttribute(Qt.WA_TransparentForMouseEvents, read_only)
    widget.setFocusPolicy(Qt.NoFocus if read_only else Qt.StrongFocus)


class Field(QWidget):
    changed = Signal()

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)

    def focus_widget(self) -> QWidget:
        return self


def _row(parent: QWidget, vertical: bool = False):
    layout = QVBoxLayout(parent) if vertical else QHBoxLayout(parent)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6 if vertical else 14)
    return layout


class TextField(Field):
    def __init__(self, question: Question, parent=None):
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(question.label)
        _row(self).addWidget(self.edit)
        self.edit.textEdited.connect(lambda _: self.changed.emit())

    def value(self):
        return self.edit.text()

    def set_value(self, value):
        self.edit.setText("" if value is None else str(value))

    def set_read_only(self, read_only):
        self.edit.setReadOnly(read_only)

    def focus_widget(self):
        return self.edit


class LongTextField(Field):
    def __init__(self, question: Question, parent=None):
        super().__init__(parent)
        self.edit = QPlainTextEdit()
        self.edit.setAccessibleName(question.label)
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(96)
        self.edit.setMaximumHeight(140)
        _row(self).addWidget(self.edit)
        self.edit.textChanged.connect(self.changed.emit)

    def value(self):
        return self.edit.toPlainText()

    def set_value(self, value):
        self.edit.blockSignals(True)
        self.edit.setPlainText("" if value is None else str(value))
        self.edit.blockSignals(False)

    def set_read_only(self, read_only):
        self.edit.setReadOnly(read_only)

    def focus_widget(self):
        return self.edit


class DateInput(DateBox):
    """A date edit that can be empty (shown blank) and starts its calendar at today."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(qt_date_format())
        self.setMinimumDate(_NO_DATE)
        self.setSpecialValueText(" ")
        self.setDate(_NO_DATE)
        self.setMinimumWidth(150)
        self.calendarWidget().setSelectedDate(QDate.currentDate())

    def iso(self) -> str | None:
        return None if self.date() == _NO_DATE else self.date().toString(Qt.ISODate)

    def set_iso(self, value) -> None:
        self.blockSignals(True)
        try:
            self.setDate(QDate(date.fromisoformat(value)) if value else _NO_DATE)
        except (TypeError, ValueError):
            self.setDate(_NO_DATE)
        self.blockSignals(False)


class DateField(Field):
    def __init__(self, question: Question, parent=None):
        super().__init__(parent)
        self.edit = DateInput()
        self.edit.setAccessibleName(question.label)
        self.today = QPushButton("Today")
        self.today.setFlat(True)
        self.today.clicked.connect(lambda: self.edit.setDate(QDate.currentDate()))
        self.clear = QPushButton("Clear")
        self.clear.setFlat(True)
        self.clear.clicked.connect(lambda: self.edit.setDate(_NO_DATE))
        row = _row(self)
        row.addWidget(self.edit)
        row.addWidget(self.today)
        row.addWidget(self.clear)
        row.addStretch(1)
        self.edit.dateChanged.connect(lambda _: self.changed.emit())

    def value(self):
        return self.edit.iso()

    def set_value(self, value):
        self.edit.set_iso(value)

    def set_read_only(self, read_only):
        self.edit.setReadOnly(read_only)
        self.today.setVisible(not read_only)
        self.clear.setVisible(not read_only)

    def focus_widget(self):
        return self.edit


class _ButtonsField(Field):
    """Exclusive choice among buttons, with the values each button stands for."""

    def _setup(self, buttons: list[tuple[QAbstractButton, Any]], layout) -> None:
        self.group = QButtonGroup(self)
        self.values = []
        for index, (button, value) in enumerate(buttons):
            self.group.addButton(button, index)
            self.values.append(value)
            layout.addWidget(button)
        self.group.idClicked.connect(lambda _: self.changed.emit())

    def value(self):
        index = self.group.checkedId()
        return None if index < 0 else self.values[index]

    def set_value(self, value):
        # An exclusive group cannot uncheck its last button, so drop exclusivity to clear it.
        self.group.setExclusive(False)
        for index, button in enumerate(self.group.buttons()):
            button.setChecked(value is not None and self.values[index] == value)
        self.group.setExclusive(True)

    def set_read_only(self, read_only):
        for button in self.group.buttons():
            _freeze(button, read_only)

    def focus_widget(self):
        return self.group.buttons()[0]


class YesNoField(_ButtonsField):
    def __init__(self, question: Question, parent=None):
        super().__init__(parent)
        row = _row(self)
        self._setup([(QRadioButton("Yes"), True), (QRadioButton("No"), False)], row)
        row.addStretch(1)


class RadioChoiceField(_ButtonsField):
    def __init__(self, question: Question, options: list[Option], parent=None):
        super().__init__(parent)
        column = _row(self, vertical=True)
        self._setup([(QRadioButton(o.label), o.code) for o in options], column)


class ComboChoiceField(Field):
    def __init__(self, question: Question, options: list[Option], parent=None):
        super().__init__(parent)
        self.combo = ChoiceBox()
        self.combo.setAccessibleName(question.label)
        self.combo.addItem("Choose…", None)
        for option in options:
            self.combo.addItem(option.label, option.code)
        self.combo.setMinimumWidth(280)
        row = _row(self)
        row.addWidget(self.combo)
        row.addStretch(1)
        self.combo.activated.connect(lambda _: self.changed.emit())

    def value(self):
        return self.combo.currentData()

    def set_read_only(self, read_only):
        _freeze(self.combo, read_only)

    def set_value(self, value):
        index = self.combo.findData(None if value is None else str(value))
        self.combo.setCurrentIndex(max(index, 0))

    def focus_widget(self):
        return self.combo


class MultiChoiceField(Field):
    def __init__(self, question: Question, options: list[Option], parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(24)
        self.boxes: list[tuple[QCheckBox, str]] = []
        columns = 2 if len(options) > 4 else 1
        rows = (len(options) + columns - 1) // columns
        for index, option in enumerate(options):
            box = QCheckBox(option.label)
            box.toggled.connect(lambda _: self.changed.emit())
            grid.addWidget(box, index % rows, index // rows)
            self.boxes.append((box, option.code))

    def value(self):
        return [code for box, code in self.boxes if box.isChecked()]

    def set_value(self, value):
        chosen = {str(v) for v in value or []}
        for box, code in self.boxes:
            box.blockSignals(True)
            box.setChecked(code in chosen)
            box.blockSignals(False)

    def set_read_only(self, read_only):
        for box, _code in self.boxes:
            _freeze(box, read_only)

    def focus_widget(self):
        return self.boxes[0][0]


class ScaleField(_ButtonsField):
    def __init__(self, question: Question, parent=None):
        super().__init__(parent)
        scale = question.scale
        row = _row(self)
        row.setSpacing(4)
        if scale.low_label:
            low = QLabel(scale.low_label)
            low.setProperty("role", "muted")
            row.addWidget(low)
        buttons = []
        for point in range(scale.min, scale.max + 1):
            button = QPushButton(str(point))
            button.setCheckable(True)
            button.setFixedSize(36, 32)
            button.setProperty("role", "scale")
            buttons.append((button, point))
        self._setup(buttons, row)
        if scale.high_label:
            high = QLabel(scale.high_label)
            high.setProperty("role", "muted")
            row.addWidget(high)
        row.addStretch(1)


class SignatureField(Field):
    """Consent recorded on screen: agreed, by whom, how (signed or verbal), and when."""

    def __init__(self, question: Question, parent=None):
        super().__init__(parent)
        column = _row(self, vertical=True)
        self.agreed = QCheckBox("Consent given")
        self.name = QLineEdit()
        self.name.setPlaceholderText("Name of the person agreeing")
        self.name.setAccessibleName("Name of the person agreeing")
        self.method = ChoiceBox()
        self.method.addItem("Signed", "signed")
        self.method.addItem("Given verbally", "verbal")
        self.when = DateInput()
        self.when.setAccessibleName("Date consent was given")
        details = QHBoxLayout()
        details.setSpacing(10)
        details.addWidget(self.name, 2)
        details.addWidget(self.method)
        details.addWidget(self.when)
        column.addWidget(self.agreed)
        column.addLayout(details)
        self.agreed.toggled.connect(self._agreed_toggled)
        self.name.textEdited.connect(lambda _: self.changed.emit())
        self.method.activated.connect(lambda _: self.changed.emit())
        self.when.dateChanged.connect(lambda _: self.changed.emit())

    def _agreed_toggled(self, on: bool) -> None:
        if on and self.when.iso() is None:
            self.when.setDate(QDate.currentDate())
        self.changed.emit()

    def value(self):
        if not self.agreed.isChecked() and not self.name.text().strip():
            return None
        return {
            "agreed": self.agreed.isChecked(),
            "name": self.name.text().strip(),
            "method": self.method.currentData(),
            "date": self.when.iso() or "",
        }

    def set_value(self, value):
        value = value if isinstance(value, dict) else {}
        for widget in (self.agreed, self.name, self.method, self.when):
            widget.blockSignals(True)
        self.agreed.setChecked(bool(value.get("agreed")))
        self.name.setText(str(value.get("name", "")))
        self.method.setCurrentIndex(max(self.method.findData(value.get("method", "signed")), 0))
        self.when.set_iso(value.get("date"))
        for widget in (self.agreed, self.name, self.method, self.when):
            widget.blockSignals(False)

    def set_read_only(self, read_only):
        _freeze(self.agreed, read_only)
        _freeze(self.method, read_only)
        self.name.setReadOnly(read_only)
        self.when.setReadOnly(read_only)

    def focus_widget(self):
        return self.agreed


def make_field(question: Question, options: list[Option]) -> Field | None:
    """The input for a question; None for guidance, which has no answer."""
    t = question.type
    if t == "text":
        return TextField(question)
    if t == "long_text":
        return LongTextField(question)
    if t == "date":
        return DateField(question)
    if t == "yes_no":
        return YesNoField(question)
    if t == "single_choice":
        if len(options) <= _RADIO_LIMIT:
            return RadioChoiceField(question, options)
        return ComboChoiceField(question, options)
    if t == "multi_choice":
        return MultiChoiceField(question, options)
    if t == "scale":
        return ScaleField(question)
    if t == "signature":
        return SignatureField(question)
    return None
