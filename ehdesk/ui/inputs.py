"""The app's drop-downs, date boxes and number boxes: Qt's own, except that a mouse wheel turned
over one the worker has not clicked into scrolls the page instead of changing its value.

Qt gives such a box the wheel whenever the pointer is over it. Scrolling a long form (the family's
Case tab at 150%) with the pointer passing over "Their role" changed it, silently, and the form
saves as it goes. These boxes take focus by click or Tab only (not by the wheel), and while they
do not have it they leave the wheel to the page: the event is ignored, so Qt hands it to the
scroll area behind. Once clicked into, the wheel steps them as in any Qt app.

Every drop-down, date box and number box in ``ehdesk/ui`` is made from these (a test holds it),
not with an application-wide event filter: that would run Python for every event of every widget
(``ui/keyboard.py`` measured about 20 ms of the first paint and part of every keystroke), where
these run only for a wheel turned over them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QDateEdit, QSpinBox, QWidget


def _leaves_wheel_to_page(box: QWidget) -> None:
    box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


def _wheel(box: QComboBox | QAbstractSpinBox, base: type, event: QWheelEvent) -> None:
    if box.hasFocus():
        base.wheelEvent(box, event)
    else:
        event.ignore()


class ChoiceBox(QComboBox):
    """A drop-down that changes with the wheel only once clicked into."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _leaves_wheel_to_page(self)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt's name)
        _wheel(self, QComboBox, event)


class DateBox(QDateEdit):
    """A date box that steps with the wheel only once clicked into."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _leaves_wheel_to_page(self)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt's name)
        _wheel(self, QDateEdit, event)


class NumberBox(QSpinBox):
    """A number box that steps with the wheel only once clicked into."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _leaves_wheel_to_page(self)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt's name)
        _wheel(self, QSpinBox, event)
