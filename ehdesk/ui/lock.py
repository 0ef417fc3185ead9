"""Locking when the laptop is left alone. Idle time is measured on the wall clock, not with a
countdown timer, so time spent suspended (lid shut) counts: a laptop opened after lunch is locked."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

CHECK_EVERY_MS = 5_000


def user_events() -> frozenset:
    """The events that count as the worker using the laptop. Made when a watcher first starts
    (at sign-in): PySide builds ``QEvent``'s Python enums (2-5 ms) on first use, and the sign-in
    screen has no other need of them before its first paint."""
    from PySide6.QtCore import QEvent

    kinds = QEvent.Type
    return frozenset(
        {
            kinds.KeyPress,
            kinds.MouseButtonPress,
            kinds.MouseMove,
            kinds.Wheel,
            kinds.TouchBegin,
            kinds.InputMethod,
        }
    )


class IdleWatcher(QObject):
    """Emits ``idle`` once when no input has arrived for ``minutes`` of wall-clock time. It watches
    the application's events only while started (a worker signed in): the filter runs Python for
    every event of every widget, which the sign-in screen has no need to pay for."""

    idle = Signal()

    def __init__(self, minutes: float, clock: Callable[[], float] = time.time, parent=None) -> None:
        super().__init__(parent)
        self.limit = minutes * 60
        self.clock = clock
        self.last_input = clock()
        self.active = False
        self.user_events: frozenset = frozenset()  # filled when first started (see user_events)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.last_input = self.clock()
        if not self.user_events:
            self.user_events = user_events()
        app = QCoreApplication.instance()
        if app is not None and not self.active:
            app.installEventFilter(self)
        self.active = True
        self.timer.start()

    def stop(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and self.active:
            app.removeEventFilter(self)
        self.active = False
        self.timer.stop()

    def eventFilter(self, watched, event) -> bool:
        if event.type() in self.user_events:
            self.last_input = self.clock()
        return False

    def check(self) -> None:
        if self.active and self.clock() - self.last_input >= self.limit:
            self.stop()
            self.idle.emit()
