"""What authentication needs to know about a device (its token version, whether it is revoked or to
be wiped, its worker's role and teams), remembered per server process, so that a request is
authenticated with the token's signature and no query.

A remembered device stays right because every change that could refuse it or change its scope
raises a shared counter, the **auth epoch** (a row of ``server_counter``), in the same transaction:
a device revoked, wiped or signed out (its token version raised), an account disabled, a worker's
role or team changed, a team membership added or removed. The ORM does it (``watch``, on every
server session factory, the admin commands' included), so no caller has to remember to.

Each process reads the epoch at most once a second (``CHECK_EVERY``), on the back of a request,
and forgets every device when it moved. So a laptop revoked through any server process or the
admin command is refused by every process within about a second, and at once by the process that
revoked it. A change made behind ehdesk's back (SQL typed into the database) is seen when the
entry expires (``KEEP_FOR``) or the process restarts."""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, event, insert, inspect, select, update
from sqlalchemy.orm import Session, sessionmaker

from ehdesk.models import User
from ehdesk.server.models import Account, Counter, Device, TeamMember
from ehdesk.server.scope import Principal

EPOCH = "auth"
CHECK_EVERY = 1.0  # seconds between two reads of the epoch by one process
KEEP_FOR = 300.0  # seconds a device is remembered at most, epoch or not

# The columns whose change can refuse a device or change what its worker may see.
WATCHED = {
    Device: frozenset({"revoked", "wipe", "token_version", "user_id"}),
    Account: frozenset({"disabled", "user_id", "username"}),
    User: frozenset({"role", "team_id", "deleted", "username"}),
}


@dataclass(frozen=True)
class Known:
    """A device as the database last said, with the principal its valid tokens stand for."""

    principal: Principal
    token_version: int
    refused: bool  # revoked (and not waiting for a wipe), or its account disabled
    loaded_at: float  # time.monotonic()
    seen_at: float  # time.time() of the device's last_seen_at as written


class AuthCache:
    def __init__(self) -> None:
        self._known: dict[str, Known] = {}
        self._lock = threading.Lock()
        self.epoch: int | None = None
        self.checked_at = float("-inf")
        # Raised whenever everything is forgotten: a device read before that is not remembered.
        self.generation = 0

    def epoch_due(self, now: float) -> bool:
        return now - self.checked_at >= CHECK_EVERY

    def get(self, device_id: str, now: float) -> Known | None:
        known = self._known.get(device_id)
        if known is None or now - known.loaded_at >= KEEP_FOR:
            return None
        return known

    def put(self, device_id: str, known: Known, generation: int) -> None:
        with self._lock:
            if generation == self.generation:
                self._known[device_id] = known

    def forget_all(self) -> None:
        with self._lock:
            self._known.clear()
            self.generation += 1

    def check_epoch(self, session: Session) -> None:
        """Read the epoch (one small query); forget everything if another process moved it."""
        now = time.monotonic()
        epoch = read_epoch(session)
        if epoch != self.epoch:
            self.forget_all()
            self.epoch = epoch
        self.checked_at = now

    def __len__(self) -> int:
        return len(self._known)


_caches: weakref.WeakKeyDictionary[Engine, AuthCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def cache_for(engine: Engine) -> AuthCache:
    cache = _caches.get(engine)
    if cache is None:
        with _caches_lock:
            cache = _caches.setdefault(engine, AuthCache())
    return cache


_READ_EPOCH = select(Counter.value).where(Counter.name == EPOCH)


def read_epoch(session: Session) -> int:
    return session.execute(_READ_EPOCH).scalar() or 0


def ensure_epoch(conn) -> None:
    """Make the epoch's row (at migration time, under the migration lock)."""
    table = Counter.__table__
    if conn.execute(select(table.c.value).where(table.c.name == EPOCH)).first() is None:
        conn.execute(insert(table).values(name=EPOCH, value=0))


def raise_epoch(conn) -> None:
    table = Counter.__table__
    done = conn.execute(update(table).where(table.c.name == EPOCH).values(value=table.c.value + 1))
    if done.rowcount == 0:  # a database migrated before the epoch existed
        conn.execute(insert(table).values(name=EPOCH, value=1))


def _changes_access(session: Session) -> bool:
    if any(isinstance(obj, TeamMember) for obj in session.new):
        return True
    if any(isinstance(obj, TeamMember | Device | Account | User) for obj in session.deleted):
        return True
    for obj in session.dirty:
        names = WATCHED.get(type(obj))
        if names:
            attrs = inspect(obj).attrs
            if any(attrs[name].history.has_changes() for name in names):
                return True
    return False


def watch(factory: sessionmaker) -> None:
    """Raise the epoch in any transaction of ``factory``'s sessions that changes who may do what;
    the process that committed it forgets at once."""

    @event.listens_for(factory, "before_flush")
    def _before_flush(session, _context, _instances):
        if not session.info.get("auth_epoch_raised") and _changes_access(session):
            # On the connection, not through the ORM: no autoflush inside this flush.
            raise_epoch(session.connection())
            session.info["auth_epoch_raised"] = True

    @event.listens_for(factory, "after_commit")
    def _after_commit(session):
        if session.info.pop("auth_epoch_raised", False):
            bind = session.get_bind()
            cache_for(bind if isinstance(bind, Engine) else bind.engine).forget_all()

    @event.listens_for(factory, "after_rollback")
    def _after_rollback(session):
        session.info.pop("auth_epoch_raised", None)


def seen_at(value: datetime | None) -> float:
    if value is None:
        return 0.0
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
