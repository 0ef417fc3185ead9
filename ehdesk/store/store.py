"""An unlocked worker store: the engine, sessions that capture changes, and the identity of the
device and worker that every change and audit event is stamped with. Closing it (lock, sign out,
switching worker) disposes the engine and forgets the key."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from ehdesk.errors import StoreLocked
from ehdesk.models import SyncState
from ehdesk.models.clock import HybridClock
from ehdesk.store import change_capture, changes, unflushed
from ehdesk.store.engine import checkpoint
from ehdesk.store.profile_info import ProfileInfo  # noqa: F401  (re-exported)

log = logging.getLogger(__name__)


class Store:
    def __init__(self, profile: ProfileInfo, engine: Engine) -> None:
        self.profile = profile
        self._engine: Engine | None = engine
        self.device_id = self._read_state("device_id")
        self.clock = HybridClock(self.device_id)
        last = self._read_state("hlc_last", "")
        if last:
            self.clock.observe(last)
        self._factory = sessionmaker(engine, class_=unflushed.StoreSession, expire_on_commit=False)
        # Who hears of a worker's committed change (the desktop's sync trigger). A tuple replaced
        # whole on subscribe, so a thread that is committing iterates a list nobody changes.
        self._synced_commit_callbacks: tuple[Callable[[], None], ...] = ()
        # Every session listener is installed here, once, before any other thread has the store.
        change_capture.install(self._factory, self.device_id, self.clock)
        changes.install(self._factory, self._synced_committed)
        unflushed.install(self._factory)
        # Run first when the store closes: whatever works on the store in the background (the
        # desktop's operation runner) ends there, so no write is cut off and no key outlives it.
        self._before_close: list[Callable[[], None]] = []

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise StoreLocked("This worker's store is locked. Sign in again to carry on.")
        return self._engine

    @property
    def is_open(self) -> bool:
        return self._engine is not None

    @property
    def worker_id(self) -> str:
        return self.profile.worker_id

    @property
    def actor(self) -> str:
        return self.profile.username or self.profile.name

    def _read_state(self, key: str, default: str | None = None) -> str:
        with Session(self.engine) as s:
            value = s.scalar(select(SyncState.value).where(SyncState.key == key))
        if value is None:
            if default is None:
                raise KeyError(key)
            return default
        return value

    def new_session(self, *, applying_remote: bool = False) -> Session:
        self.engine  # noqa: B018  (raises StoreLocked when closed)
        session = self._factory()
        session.info.update(
            actor=self.actor,
            device_id=self.device_id,
            profile_id=self.profile.id,
            worker_id=self.profile.worker_id,
            worker_name=self.profile.name,
            applying_remote=applying_remote,
        )
        return session

    @contextmanager
    def session(self, *, applying_remote: bool = False) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back everything on any error."""
        session = self.new_session(applying_remote=applying_remote)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def get_state(self, key: str, default: str = "") -> str:
        return self._read_state(key, default)

    def set_state(self, key: str, value: str) -> None:
        with self.session() as s:
            s.merge(SyncState(key=key, value=value))

    def on_synced_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` after each commit of a worker's own change to a synced record, on
        whatever thread committed: it must be quick, thread-safe and touch no Qt object."""
        self._synced_commit_callbacks = (*self._synced_commit_callbacks, callback)

    def _synced_committed(self) -> None:
        for callback in self._synced_commit_callbacks:
            callback()

    def before_close(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` at the start of ``close`` (lock, sign-out), while the key is still held."""
        self._before_close.append(callback)

    def close(self) -> None:
        if self._engine is None:
            return
        callbacks, self._before_close = self._before_close, []
        self._synced_commit_callbacks = ()
        for callback in callbacks:
            try:
                callback()
            except Exception as exc:  # noqa: BLE001  (closing must never fail a lock)
                log.error("ending background work before close failed (%s)", type(exc).__name__)
        try:
            # Remember the clock so stamps keep increasing even if the laptop clock is set back.
            self.set_state("hlc_last", self.clock.now())
        except Exception:  # noqa: BLE001  (closing must never fail a lock)
            pass
        try:
            checkpoint(self._engine)
        except Exception:  # noqa: BLE001  (closing must never fail a lock)
            pass
        self._engine.dispose()
        self._engine = None
        # The session factory is bound to the engine, whose connect function holds the key: unbind
        # it so the key goes with the engine even if something still refers to this Store.
        self._factory.configure(bind=None)
