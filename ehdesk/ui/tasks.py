"""The one way widgets run slow work (disk, network, PDFs, big queries): on a QThreadPool, with
the result, error or progress delivered back on the UI thread through queued signals.
Modelled on Anki's taskman and Picard's run_task."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

_live: set[_Relay] = set()  # keeps relays alive until they deliver


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


class _Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], relay: _Relay, wants_progress: bool) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.wants_progress = wants_progress

    @Slot()
    def run(self) -> None:
        try:
            if self.wants_progress:
                result = self.fn(lambda done, total: self.relay.progressed.emit(done, total))
            else:
                result = self.fn()
        except BaseException as exc:  # noqa: BLE001  (delivered to the UI, never lost)
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


def run_task(
    fn: Callable[..., Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    pool: QThreadPool | None = None,
) -> None:
    """Run ``fn`` off the UI thread. With ``on_progress``, ``fn`` is called with a
    ``report(done, total)`` callable. Callbacks run on the UI thread."""
    relay = _Relay()
    _live.add(relay)

    def finish(callback, value):
        _live.discard(relay)
        if callback is not None:
            callback(value)

    relay.done.connect(lambda result: finish(on_done, result))
    relay.failed.connect(lambda exc: finish(on_error, exc))
    if on_progress is not None:
        relay.progressed.connect(on_progress)
    (pool or QThreadPool.globalInstance()).start(_Job(fn, relay, on_progress is not None))
