"""After a save, focus stays in the family record. A save disables its button (and a reload can
hide or rebuild the control that had focus); Qt then hands focus to the next control in the
window's chain, which is outside the record (Back, the screen buttons) — one Space there would
leave the family mid-visit. This guard notices focus pushed out of the record that way (the
control that had it is now disabled, hidden or gone) and puts it on the first control of the tab
the worker is on, ready for the next thing; Tab or a click that leaves the record is left alone."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QTabWidget, QWidget
from shiboken6 import isValid


def _pushed_out(old: QWidget | None) -> bool:
    """Focus moved because the control that had it can no longer hold it, not by the worker."""
    if old is None or not isValid(old):
        return True
    return not old.isEnabled() or not old.isVisible()


def first_control(page: QWidget) -> QWidget | None:
    """The first control of ``page`` in Tab order that can take the keyboard: a field before a
    button (a reloaded form's first field, or a tab's list of records)."""
    candidates: list[QWidget] = []
    widget = page.nextInFocusChain()
    seen = 0
    while widget is not None and widget is not page and seen < 2000:
        seen += 1
        if (
            page.isAncestorOf(widget)
            and widget.isEnabled()
            and widget.isVisible()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            candidates.append(widget)
        widget = widget.nextInFocusChain()
    fields = [w for w in candidates if not isinstance(w, QAbstractButton)]
    return (fields or candidates or [None])[0]


class FocusGuard(QObject):
    def __init__(self, record: QWidget, tabs: QTabWidget) -> None:
        super().__init__(record)
        self.record, self.tabs = record, tabs
        self.had_focus = False  # focus was last inside the record
        QApplication.instance().focusChanged.connect(self._moved)

    def _moved(self, old: QWidget | None, new: QWidget | None) -> None:
        record = self.record
        if not isValid(record):
            return
        was_here, self.had_focus = self.had_focus, new is not None and record.isAncestorOf(new)
        if new is None or self.had_focus or not record.isVisible() or new.window() is not record.window():
            return  # still in the record, or in a dialog: nothing to put right
        if not was_here and not (old is not None and isValid(old) and record.isAncestorOf(old)):
            return  # it was not in the record to begin with
        if not _pushed_out(old):
            return  # the worker tabbed or clicked out of the record
        # After this event (a reload may still be swapping the page's widgets).
        QTimer.singleShot(0, self._refocus)

    def _refocus(self) -> None:
        if not isValid(self.record) or not self.record.isVisible():
            return
        focus = QApplication.focusWidget()
        if focus is not None and self.record.isAncestorOf(focus):
            return
        page = self.tabs.currentWidget()
        target = first_control(page) if page is not None else None
        (target or self.tabs.tabBar()).setFocus(Qt.FocusReason.OtherFocusReason)
