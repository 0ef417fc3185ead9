"""The desktop's one way to do work off the UI thread (DESIGN.md §2), after Anki's CollectionOp
and QueryOp.

Every read and write of a store from a screen goes through that store's ``StoreOps``
(``for_store(store)``): one serial queue per store, so saves commit in the order the worker made
them and a read queued after a save sees it; the receiving widget's guard; the pending count; the
one plain-English error; and the change set of every write, re-emitted as ``changes`` so every
screen refreshes from it. Work that needs no store (unlocking, warming imports) goes through
``background()``.

Ownership, which is what keeps the app from crashing (issue 13). A background thread never touches
a Qt object that may be gone: it runs its function, drops its own reference to it, files the outcome
under the task's number and emits on the module's dispatcher, which lives as long as the process
and is only ever left once every pool is empty (``shutdown_all`` at exit). Everything else happens
on the UI thread: the task (function, callbacks, owner) stays in the runner until its outcome is
delivered, so the last reference to anything a closure holds is dropped on the UI thread; and the
owner is checked there, on the thread that deletes widgets, so a result for a closed record is
dropped, by construction. A store's runner ends before the store closes (``Store.before_close``):
queued reads are skipped, queued and running writes finish, cancellable work (a sync) is told to
stop and waited for, and only then is the key dropped."""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import count
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from ehdesk.errors import EhdeskError, StoreLocked, ValidationError
from ehdesk.ui.main_thread_gc import ensure_installed

if TYPE_CHECKING:  # the sign-in tiles load this module: SQLAlchemy waits until a store is open
    from ehdesk.store.changes import ChangeSet

log = logging.getLogger(__name__)

GENERIC_ERROR = "Something went wrong and nothing was saved. Please try again."


def error_text(exc: BaseException) -> str:
    """The one plain-English sentence a worker is shown for a failed operation."""
    if isinstance(exc, EhdeskError):
        return exc.message
    # The class name only: a message or traceback could quote a family's details.
    log.error("a background operation failed (%s)", type(exc).__name__)
    return GENERIC_ERROR


# -- the worker side: touches no Qt object but the process-long dispatcher -----------------------

_DONE, _FAILED, _SKIPPED = "done", "failed", "skipped"
_outcomes: dict[int, tuple[str, Any]] = {}
_progress: dict[int, tuple[Any, ...]] = {}
_outcomes_lock = threading.Lock()
_numbers = count(1)


class _Dispatcher(QObject):
    """Lives on the UI thread for the life of the process; the only object workers emit on."""

    ready = Signal(int)
    progressed = Signal(int)
    committed = Signal(int)  # a store's number: a worker's synced change was committed

    def __init__(self) -> None:
        super().__init__()
        self.ready.connect(self._deliver)
        self.progressed.connect(self._progress)
        # Queued even from the UI thread: never run a screen's slot in the middle of a commit. (Qt
        # named here, not at the top: importing this module must not build PySide's Qt namespace
        # before the sign-in screen's first paint, see ui/enum_props.py.)
        from PySide6.QtCore import Qt

        self.committed.connect(self._committed, Qt.ConnectionType.QueuedConnection)

    @Slot(int)
    def _deliver(self, number: int) -> None:
        task = _tasks.get(number)
        if task is not None:
            task.runner._deliver(task)

    @Slot(int)
    def _progress(self, number: int) -> None:
        task = _tasks.get(number)
        with _outcomes_lock:
            step = _progress.pop(number, None)
        if task is not None and step is not None and task.on_progress is not None and task.owner_alive():
            task.on_progress(*step)

    @Slot(int)
    def _committed(self, number: int) -> None:
        ops = _by_number.get(number)
        if ops is not None and not ops.closed:
            ops.saved.emit()


_dispatcher: _Dispatcher | None = None
_tasks: dict[int, _Task] = {}  # UI thread only


def _the_dispatcher() -> _Dispatcher:
    global _dispatcher
    if _dispatcher is None:
        _dispatcher = _Dispatcher()
    return _dispatcher


class _Job(QRunnable):
    def __init__(self, number: int, fn: Callable[..., Any], wants_progress: bool, task: _Task) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.number = number
        self.fn: Callable[..., Any] | None = fn
        self.wants_progress = wants_progress
        self.task: _Task | None = task  # read for ``skip`` only (a plain bool)
        self.dispatcher = _the_dispatcher()

    def report(self, *step: Any) -> None:
        # Only the latest step is kept: the screen shows where the work is, not every step.
        with _outcomes_lock:
            _progress[self.number] = step
        self.dispatcher.progressed.emit(self.number)

    def run(self) -> None:
        fn, self.fn = self.fn, None
        task, self.task = self.task, None
        try:
            if task is not None and task.skip:
                outcome: tuple[str, Any] = (_SKIPPED, None)
            elif self.wants_progress:
                outcome = (_DONE, fn(self.report))
            else:
                outcome = (_DONE, fn())
        except BaseException as exc:  # noqa: BLE001  (delivered to the UI, never lost)
            # No tracebacks (of the error or any it was raised from): their frames hold the
            # closure's locals, which must die on the UI thread.
            link: BaseException | None = exc
            seen: set[int] = set()
            while link is not None and id(link) not in seen:
                seen.add(id(link))
                link.__traceback__ = None
                link = link.__cause__ or link.__context__
            outcome = (_FAILED, exc)
        # The task on the UI side still holds the function: dropping ours is never the last reference.
        del fn, task
        with _outcomes_lock:
            _outcomes[self.number] = outcome
        del outcome
        self.dispatcher.ready.emit(self.number)


# -- the UI side ---------------------------------------------------------------------------------


@dataclass(eq=False)
class _Task:
    number: int
    runner: Runner
    fn: Callable[..., Any] | None
    owner: QObject | None
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[..., None] | None
    write: bool
    cancel: Callable[[], None] | None = None
    in_session: bool = False  # the outcome is (value, change set)
    skip: bool = False  # set when the runner closes before a queued read started
    # Set when what the task saves into has left the laptop (``forget_unsaved``): a failure is
    # not a save the worker lost.
    moot: bool = False

    def owner_alive(self) -> bool:
        return self.owner is None or shiboken6.isValid(self.owner)


class Runner(QObject):
    """Background work and its results, owned: nothing outlives ``close``."""

    pending_changed = Signal(int)
    # The saves waiting or running, or those that failed, changed (``writes_pending``, ``unsaved``).
    saving_changed = Signal()
    error = Signal(str)  # a failure no caller handled, as the sentence to show

    def __init__(self, threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        ensure_installed()  # background work is coming: keep the cycle collector on this thread
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._mine: dict[int, _Task] = {}
        # The owner (None for a save nobody watches) of each save that failed and has not been
        # saved again since: what quitting now would lose.
        self._unsaved: list[QObject | None] = []
        self.closed = False
        _runners.append(self)

    # -- submitting -------------------------------------------------------------------------

    def run(
        self,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None] | None = None,
        *,
        owner: QObject | None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[..., None] | None = None,
        cancel: Callable[[], None] | None = None,
    ) -> bool:
        """Run ``fn()`` off the UI thread (with ``on_progress``: ``fn(report)``, and each
        ``report(*step)`` reaches ``on_progress(*step)`` on the UI thread); then, on the UI
        thread and only while ``owner`` exists, ``on_done(result)`` or ``on_error(exc)``.
        ``cancel`` is called from the UI thread if the runner closes while ``fn`` runs; it must make
        ``fn`` end soon. Returns False (and runs nothing) once the runner is closed."""
        return self._submit(self._pool, fn, on_done, owner, on_error, on_progress, False, cancel)

    def _submit(
        self, pool, fn, on_done, owner, on_error, on_progress, write, cancel=None, in_session=False
    ) -> bool:
        if self.closed:
            # A refresh asked for while the store locks: nobody is left to see it.
            log.debug("background work refused: its runner is closed")
            return False
        number = next(_numbers)
        task = _Task(number, self, fn, owner, on_done, on_error, on_progress, write, cancel, in_session)
        _tasks[number] = task
        self._mine[number] = task
        pool.start(_Job(number, fn, on_progress is not None, task))
        self.pending_changed.emit(len(self._mine))
        if write:
            self.saving_changed.emit()
        return True

    # -- counts -----------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        return len(self._mine)

    @property
    def writes_pending(self) -> int:
        """Saves queued or running (what the status bar shows as "Saving… (N)")."""
        return sum(1 for task in self._mine.values() if task.write)

    @property
    def unsaved(self) -> int:
        """Saves that failed and were not made again since by the same screen. A field the worker
        got wrong is not counted: its text stays on screen, and lock keeps it as a draft."""
        return len(self._unsaved)

    def _note_write(self, task: _Task, kind: str, value: Any) -> None:
        owner = task.owner if task.owner_alive() else None
        if kind == _DONE:
            # The screen saved again: what it failed to save before is in this save.
            self._unsaved = [each for each in self._unsaved if each is not owner]
        elif kind == _FAILED and not isinstance(value, ValidationError) and not task.moot:
            self._unsaved.append(owner)

    def forget_unsaved(self, within: QObject) -> None:
        """Saves of a screen closed because what it saved into has left the laptop, failed or
        still to run (its first loads, queued while a sync took the family away): there is
        nothing to save them into any more, so they are not what quitting would lose."""
        for task in self._mine.values():
            if task.write and task.owner is not None and task.owner_alive() and _within(task.owner, within):
                task.moot = True
        kept = [each for each in self._unsaved if each is None or not _within(each, within)]
        if len(kept) != len(self._unsaved):
            self._unsaved = kept
            self.saving_changed.emit()

    def pending_for(self, owner: QObject) -> int:
        """Tasks for ``owner`` or anything inside it (a tab's dialogs)."""
        return sum(1 for task in self._mine.values() if task.owner_alive() and _within(task.owner, owner))

    # -- delivery (UI thread) ---------------------------------------------------------------

    def _deliver(self, task: _Task) -> None:
        with _outcomes_lock:
            outcome = _outcomes.pop(task.number, None)
        if outcome is None:
            return  # still running (a direct delivery got here first)
        _tasks.pop(task.number, None)
        self._mine.pop(task.number, None)
        kind, value = outcome
        if task.write:
            self._note_write(task, kind, value)
        try:
            if kind == _DONE:
                self._done(task, value)
            elif kind == _FAILED:
                self._failed(task, value)
        finally:
            # Drop the closures here, on the UI thread.
            task.fn = task.on_done = task.on_error = task.on_progress = task.cancel = None
            task.owner = None
            self.pending_changed.emit(len(self._mine))
            if task.write:
                self.saving_changed.emit()

    def _done(self, task: _Task, value: Any) -> None:
        # While closing, only a save hears that it landed; a read's screen is going away.
        if task.on_done is not None and task.owner_alive() and (task.write or not self.closed):
            task.on_done(value)

    def _failed(self, task: _Task, exc: BaseException) -> None:
        if not task.owner_alive():
            return
        if task.on_error is not None and not self.closed:
            task.on_error(exc)
        else:
            # While closing (a lock) a handler could ask a question and hold the lock up until
            # someone answers: the sentence goes to the status bar instead.
            self.error.emit(error_text(exc))

    def deliver_finished(self) -> None:
        """Deliver every outcome already filed, now, instead of when the event loop gets to it."""
        for task in list(self._mine.values()):
            self._deliver(task)

    # -- ending -----------------------------------------------------------------------------

    def _pools(self) -> list[QThreadPool]:
        return [self._pool]

    def wait(self) -> None:
        """Block until every task submitted so far has ended, then deliver their outcomes."""
        for pool in self._pools():
            pool.waitForDone()
        self.deliver_finished()

    def close(self, deliver: bool = True) -> None:
        """End all work in a defined order: refuse new work, skip queued reads, ask running
        cancellable work to stop, wait for the rest (writes land), deliver what finished (not at
        exit, when the screens are being torn down)."""
        if self.closed and not self._mine:
            return
        self.closed = True
        for task in list(self._mine.values()):
            if not task.write:
                task.skip = True  # a read that has not started is no longer wanted
            if task.cancel is not None:
                task.cancel()
        for pool in self._pools():
            pool.waitForDone()
        if deliver:
            self.deliver_finished()
        else:
            for number in list(self._mine):
                with _outcomes_lock:
                    _outcomes.pop(number, None)
                _tasks.pop(number, None)
            self._mine.clear()
        if self in _runners:
            _runners.remove(self)


class StoreOps(Runner):
    """One store's runner: its reads and writes on one serial queue, in order."""

    # (ChangeSet, origin): what a write or a sync changed, and the object whose write it was (None
    # for a sync), so a screen that refreshes after its own saves does not refresh twice.
    changes = Signal(object, object)
    # A worker's change to a synced record was committed, through this runner or any session of
    # the store (what the sync waits for to push soon).
    saved = Signal()

    def __init__(self, store, parent: QObject | None = None) -> None:
        super().__init__(threads=2, parent=parent)
        self.store = store
        self._queue = QThreadPool(self)
        self._queue.setMaxThreadCount(1)
        self._number = next(_numbers)
        if not store.is_open:
            self.closed = True
        else:
            store.before_close(self.close)
            _by_number[self._number] = self
            # Called on whichever thread committed: it emits only on the process-long dispatcher,
            # by number, never on this runner (which a lock may be deleting).
            dispatcher, number = _the_dispatcher(), self._number
            store.on_synced_commit(lambda: dispatcher.committed.emit(number))

    def query(
        self,
        work: Callable[[Any], Any],
        on_done: Callable[[Any], None] | None = None,
        *,
        owner: QObject | None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> bool:
        """Read: ``work(session)`` in one transaction on the store's queue. Skipped at lock if it
        has not started (nobody is left to see it)."""
        return self._submit(
            self._queue, self._in_session(work), on_done, owner, on_error, None, False, in_session=True
        )

    def write(
        self,
        work: Callable[[Any], Any],
        on_done: Callable[[Any], None] | None = None,
        *,
        owner: QObject | None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> bool:
        """Change: ``work(session)`` in one transaction on the store's queue, after every earlier
        read and write. Always lands before the store locks; its change set goes out as ``changes``
        whether or not ``owner`` still exists (other screens show what it changed)."""
        if self.closed:
            # After lock nothing can be saved: say so rather than drop it quietly.
            if on_error is not None and (owner is None or shiboken6.isValid(owner)):
                on_error(StoreLocked("This worker's store is locked. Sign in again to carry on."))
            log.warning("a save was refused: the store is locked")
            return False
        return self._submit(
            self._queue, self._in_session(work), on_done, owner, on_error, None, True, in_session=True
        )

    def _in_session(self, work: Callable[[Any], Any]) -> Callable[[], tuple[Any, ChangeSet]]:
        from ehdesk.store.changes import collected

        store = self.store

        def in_session() -> tuple[Any, ChangeSet]:
            with store.session() as s:
                value = work(s)
            return value, collected(s)

        return in_session

    def _done(self, task: _Task, value: Any) -> None:
        if task.in_session:
            value, changed = value
            if changed:
                self.changes.emit(changed, task.owner if task.owner_alive() else None)
        super()._done(task, value)

    def announce(self, changed: ChangeSet) -> None:
        """Tell every screen about changes made outside the queue (what a sync pulled)."""
        if changed:
            self.changes.emit(changed, None)

    def settle(self, timeout_ms: int) -> bool:
        """Wait at most ``timeout_ms`` for the saves queued so far (a running sync is not waited
        for), then deliver what finished. True when no save is left waiting or running."""
        self._queue.waitForDone(timeout_ms)
        self.deliver_finished()
        return self.writes_pending == 0

    def flush(self) -> None:
        """Block until every queued read and write has ended and been delivered (lock does this
        before it drops the key; tests do it to settle)."""
        self.wait()

    def _pools(self) -> list[QThreadPool]:
        return [self._queue, self._pool]

    def close(self, deliver: bool = True) -> None:
        super().close(deliver)
        _by_number.pop(self._number, None)
        if _by_store.get(id(self.store)) is self:
            del _by_store[id(self.store)]


# -- refreshing from change sets -------------------------------------------------------------------


class _Refresh(QObject):
    """A screen's subscription to its store's ``changes``: a child of the screen, so it (and its
    connection) goes when the screen does. A burst of change sets is one refresh."""

    def __init__(self, owner: QObject, ops: StoreOps, reload, family_id, kinds, ready, delay_ms: int):
        super().__init__(owner)
        self.reload, self.family_id, self.ready = reload, family_id, ready
        self.kinds = frozenset(kinds) if kinds is not None else None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self._fire)
        ops.changes.connect(self._changed)

    @Slot(object, object)
    def _changed(self, changed: ChangeSet, origin: QObject | None) -> None:
        if origin is not None and _within(origin, self.parent()):
            return  # the screen's own save: it refreshes itself when the save lands
        family_id = self.family_id() if callable(self.family_id) else self.family_id
        if changed.touches(family_id, self.kinds):
            self.timer.start()

    def _fire(self) -> None:
        # A screen with typing not yet saved is left as it is: its own save refreshes it.
        if self.ready():
            self.reload()


def _within(obj: QObject, ancestor: QObject | None) -> bool:
    while obj is not None:
        if obj is ancestor:
            return True
        obj = obj.parent()
    return False


def refresh_on_changes(
    owner: QObject,
    store,
    reload: Callable[[], None],
    *,
    family_id: str | Callable[[], str | None] | None = None,
    kinds: Iterable[str] | None = None,
    ready: Callable[[], bool] = lambda: True,
    delay_ms: int = 30,
) -> None:
    """Call ``reload()`` whenever a change set touches ``family_id`` (every family when None) and
    one of ``kinds`` (any kind when None), while ``ready()`` (e.g. nothing half-typed). Changes
    written by ``owner`` or a widget inside it are left to the code that wrote them."""
    _Refresh(owner, for_store(store), reload, family_id, kinds, ready, delay_ms)


# -- registries ----------------------------------------------------------------------------------

_runners: list[Runner] = []
_by_store: dict[int, StoreOps] = {}
_by_number: dict[int, StoreOps] = {}  # open runners, for the dispatcher (UI thread only)
_background: Runner | None = None


def for_store(store) -> StoreOps:
    """The store's runner (one per unlocked store, made on first use on the UI thread)."""
    ops = _by_store.get(id(store))
    if ops is None or ops.store is not store:
        ops = StoreOps(store)
        if not ops.closed:
            _by_store[id(store)] = ops
    return ops


def background() -> Runner:
    """The runner for work that needs no store (unlocking, warming imports, making the demo)."""
    global _background
    if _background is None:
        _background = Runner(threads=2)
    return _background


def shutdown_all() -> None:
    """At exit: every runner ends its work before Python and Qt are torn down."""
    global _background
    for runner in list(_runners):
        try:
            runner.close(deliver=False)
        except RuntimeError:  # its Qt side is already gone, so is its pool
            pass
    _background = None


atexit.register(shutdown_all)
