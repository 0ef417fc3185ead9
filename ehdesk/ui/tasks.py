"""The old entry point for background work, kept so code written against it (in branches merged
later) still runs safely: it hands the work to ``ops.background()``, guarded by the object whose
method receives the result. New code uses ``ehdesk.ui.ops`` (``for_store(store)`` for anything
that touches a store, so it is queued in order and ended before the store locks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from ehdesk.ui.ops import background


def run_task(
    fn: Callable[..., Any],
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> None:
    owner = next(
        (
            getattr(callback, "__self__", None)
            for callback in (on_done, on_error, on_progress)
            if isinstance(getattr(callback, "__self__", None), QObject)
        ),
        None,
    )
    background().run(
        fn, on_done, owner=owner, on_error=on_error or (lambda exc: None), on_progress=on_progress
    )
