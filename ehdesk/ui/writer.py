"""Saving off the UI thread, in order. Every save of a store goes through one single-thread pool,
so edits commit in the order the worker made them, and a lock can wait for the queue to empty
before it closes the store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QThreadPool

from ehdesk.ui.tasks import run_task


class Writer:
    def __init__(self) -> None:
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        run_task(fn, on_done, on_error, pool=self.pool)

    def wait(self) -> None:
        """Block until every queued save has committed and its callback has run."""
        self.pool.waitForDone()
        QCoreApplication.processEvents()
