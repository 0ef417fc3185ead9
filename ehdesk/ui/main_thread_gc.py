"""Python's cycle collector runs only on the UI thread.

Why: the collector starts on whichever thread happens to allocate when a generation's count
passes its threshold. When that is a background job (a save, a query, a sync on a pool thread)
and the garbage holds a Qt object — a widget caught in a cycle with a lambda or a bound method —
the widget's C++ destructor runs on the pool thread, which Qt does not allow: a native crash
later, often inside unrelated widget creation. It is timing-dependent, so it showed up as rare
segmentation faults under load (issue 13).

So the automatic collector is switched off while a Qt application runs, and this object runs the
same generational checks from a timer on the UI thread (the recipe Anki, Spyder and OpenCue use).
Reference counting still frees everything that is not in a cycle, immediately, on any thread.
"""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500

_collector: MainThreadCollector | None = None


class MainThreadCollector(QObject):
    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self.threshold = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        gc.disable()
        self._timer.start()
        app.aboutToQuit.connect(self.collect_due)
        self.destroyed.connect(_forget)

    def collect_due(self) -> int:
        """Collect each generation whose count passed its threshold, as the automatic collector
        would have: cheap when nothing is due."""
        return collect_due(self.threshold)


def collect_due(threshold: tuple[int, ...] | None = None) -> int:
    if threading.current_thread() is not threading.main_thread():
        return 0  # never from a pool thread: that is the crash this module exists to prevent
    t0, t1, t2 = threshold or gc.get_threshold()
    c0, c1, c2 = gc.get_count()
    if c0 <= t0:
        return 0
    if c1 <= t1:
        return gc.collect(0)
    if c2 <= t2:
        return gc.collect(1)
    return gc.collect(2)


def _forget() -> None:
    global _collector
    _collector = None
    gc.enable()


def ensure_installed() -> None:
    """Idempotent: called by whatever starts background work (the runner) and by the app."""
    global _collector
    app = QCoreApplication.instance()
    # The Qt application lives on the main thread (it is created there, in the app and in tests).
    if _collector is not None or app is None or threading.current_thread() is not threading.main_thread():
        return
    _collector = MainThreadCollector(app)
