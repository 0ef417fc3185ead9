"""Runs the sync engine in the background (never on the UI thread) and turns its plain status
callbacks into Qt signals.

Syncs happen: on demand (``sync_now``); a few seconds after the worker saves something (debounced,
so a burst of saves is one sync); and every ``sync_interval_minutes`` from the device settings.
Only one sync runs at a time; a request made while one runs is remembered and run after it.

The sync runs through the store's operation runner, which owns it: its status updates travel as
the runner's progress (the worker thread never emits on this object), it is told to stop when the
store locks and the lock waits for it to end, and what it pulled goes out as the runner's
``changes`` so open screens refresh."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from ehdesk.config.settings import device_settings
from ehdesk.store import Store
from ehdesk.sync.engine import SyncEngine, SyncSummary
from ehdesk.sync.status import SyncStatus
from ehdesk.ui.ops import for_store

DEBOUNCE_MS = 3000


class SyncCancelled(Exception):
    """Raised inside the engine, between two of its transactions, when the store is locking."""


class SyncBridge(QObject):
    status_changed = Signal(object)  # SyncStatus
    finished = Signal(object)  # SyncSummary
    failed = Signal(str)  # one plain sentence

    def __init__(
        self,
        store: Store,
        engine_factory: Callable[[Callable[[SyncStatus], None]], SyncEngine],
        parent: QObject | None = None,
        debounce_ms: int = DEBOUNCE_MS,
        interval_minutes: float | None = None,
    ) -> None:
        """``engine_factory(on_status)`` builds a ``SyncEngine`` (with its client) for one sync."""
        super().__init__(parent)
        self.store = store
        self.ops = for_store(store)
        self.engine_factory = engine_factory
        self.status = SyncStatus()
        self.running = False
        self._again = False
        self._debounce = QTimer(self, singleShot=True, interval=debounce_ms)
        self._debounce.timeout.connect(self.sync_now)
        minutes = (
            interval_minutes if interval_minutes is not None else device_settings().sync_interval_minutes
        )
        self._periodic = QTimer(self, interval=max(int(minutes * 60_000), 1000))
        self._periodic.timeout.connect(self.sync_now)
        self.status_changed.connect(self._remember)
        self._watching = False
        self._stopping = threading.Event()

    # -- triggers -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start periodic sync and sync after each save; also refresh the counts shown."""
        self._periodic.start()
        self._watch_saves()
        self.refresh_counts()

    def stop(self) -> None:
        """Before lock or sign-out: no more syncs are started, and one running stops at its next
        step (the store's runner waits for it before the key is dropped)."""
        self._stopping.set()
        self._again = False
        self._periodic.stop()
        self._debounce.stop()
        if self._watching:
            self.ops.saved.disconnect(self.notify_saved)
            self._watching = False

    def notify_saved(self) -> None:
        if not self._stopping.is_set():
            self._debounce.start()

    def sync_now(self) -> None:
        if self._stopping.is_set() or self.ops.closed:
            return
        if self.running:
            self._again = True
            return
        self.running = True
        self._again = False
        self._emit_status(self.status.with_(state="syncing", percent=0, signed_out=False))
        factory, stopping = self.engine_factory, self._stopping

        def work(report) -> SyncSummary:
            def on_status(status: SyncStatus) -> None:
                # On the worker thread: between two of the engine's transactions.
                if stopping.is_set():
                    raise SyncCancelled
                report(status)

            engine = factory(on_status)
            try:
                return engine.sync()
            finally:
                client = getattr(engine, "client", None)
                if client is not None:
                    client.close()

        started = self.ops.run(
            work,
            self._done,
            owner=self,
            on_error=self._error,
            on_progress=self._emit_status,
            cancel=stopping.set,
        )
        if not started:
            self.running = False

    def refresh_counts(self) -> None:
        factory = self.engine_factory

        def done(counted: SyncStatus) -> None:
            self._emit_status(
                self.status.with_(
                    waiting=counted.waiting, conflicts=counted.conflicts, refused=counted.refused
                )
            )

        self.ops.run(
            lambda: factory(lambda _status: None).refresh_counts(report=False),
            done,
            owner=self,
            on_error=lambda exc: None,  # the counts stay as they were; the next sync says why
        )

    # -- plumbing -----------------------------------------------------------------------------

    def _watch_saves(self) -> None:
        """Any commit of a worker's change to a synced record (not the engine's own) triggers a
        sync. The store notices the commit (its session listeners are fixed when it opens: adding
        one here, while a save commits on the runner's thread, failed that save) and the runner
        tells the UI thread."""
        if self._watching:
            return
        self.ops.saved.connect(self.notify_saved)
        self._watching = True

    def _remember(self, status: SyncStatus) -> None:
        self.status = status

    def _emit_status(self, status: SyncStatus) -> None:
        self.status = status
        self.status_changed.emit(status)

    def _done(self, summary: SyncSummary) -> None:
        self.running = False
        self.status = summary.status
        self.status_changed.emit(summary.status)
        # Said first, then announced: a record whose family this sync took off the laptop is
        # closed (main window) before its screens reload it from a store that no longer has it.
        self.finished.emit(summary)
        self.ops.announce(summary.changes)
        if self._again:
            self.sync_now()

    def _error(self, exc: BaseException) -> None:
        self.running = False
        if isinstance(exc, SyncCancelled):
            return  # stopped for a lock: nothing went wrong
        message = str(exc) if hasattr(exc, "message") else "Sync stopped unexpectedly."
        if self.status.state not in ("offline", "error"):
            self.status = self.status.with_(state="error", last_error=message)
            self.status_changed.emit(self.status)
        self.failed.emit(message)
        if self._again:
            self.sync_now()


def engine_factory_for(store: Store, server_url: str | None = None):
    """The usual factory: the profile's server, its device id and its refresh token."""
    from ehdesk.sync.client import SyncClient
    from ehdesk.sync.tokens import load_refresh_token

    def make(on_status: Callable[[SyncStatus], None]) -> SyncEngine:
        url = server_url or store.profile.server_url or device_settings().server_url or ""
        client = SyncClient(url, device_id=store.device_id, refresh_token=load_refresh_token(store))
        return SyncEngine(store, client, on_status=on_status)

    return make
