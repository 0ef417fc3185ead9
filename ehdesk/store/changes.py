"""What a unit of work changed: the families touched and the kinds of record (table names).

Every screen refreshes from these change sets (DESIGN.md §2), so they are collected where every
change passes, not by each casework operation remembering to say so: a flush listener on the
profile's sessions notes each new, changed or tombstoned synced row, and the sync engine notes what
each pulled page brought. Audit events are left out: reading a record writes one, and a screen that
refreshed on its own audit trail would never stop."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from ehdesk.models import Synced

NOT_A_CHANGE = frozenset({"audit_event"})
INFO_KEY = "changes"
# A worker's own change to any synced row (audit events too: they are pushed like the rest).
SYNCED_WRITE_KEY = "synced_write"


@dataclass(frozen=True)
class ChangeSet:
    families: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    # A change whose family is not known (a team or worker row, or a wipe): every screen refreshes.
    everything: bool = False

    def __bool__(self) -> bool:
        return self.everything or bool(self.families) or bool(self.kinds)

    def __or__(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet(
            self.families | other.families, self.kinds | other.kinds, self.everything or other.everything
        )

    def touches(self, family_id: str | None = None, kinds: Iterable[str] | None = None) -> bool:
        """True when this set may change what a screen about ``family_id`` showing ``kinds`` shows."""
        if not self:
            return False
        if self.everything:
            return True
        if family_id is not None and family_id not in self.families:
            return False
        return kinds is None or bool(self.kinds & frozenset(kinds))

    @classmethod
    def of(cls, rows: Iterable[tuple[str | None, str]]) -> ChangeSet:
        """From (family id, table name) pairs; a row of no family marks everything changed."""
        families: set[str] = set()
        kinds: set[str] = set()
        everything = False
        for family_id, kind in rows:
            if kind in NOT_A_CHANGE:
                continue
            kinds.add(kind)
            if family_id:
                families.add(family_id)
            else:
                everything = True
        return cls(frozenset(families), frozenset(kinds), everything)


def is_modified(obj) -> bool:
    """``Session.is_modified(obj, include_collections=False)`` for a row of columns only (the
    models have no relationships), asking only the attributes set since the row was last written:
    SQLAlchemy keeps their values as written in ``committed_state``, and any other attribute has
    no history. Every flush asks it of each changed row, and rows have thirty-odd fields."""
    state = inspect(obj)
    attrs = state.attrs
    for key in state.committed_state:
        added, _, deleted = attrs[key].history
        if added or deleted:
            return True
    return False


def row_family(obj) -> str | None:
    if obj.__tablename__ == "family":
        return obj.id
    return getattr(obj, "family_id", None)


def install(factory: sessionmaker, on_synced_commit: Callable[[], None]) -> None:
    """Note every synced row a session of ``factory`` writes, in ``session.info["changes"]``, and
    call ``on_synced_commit()`` (on the committing thread) after a commit of a worker's own change
    to a synced row (not a sync applying the server's).

    Installed once, when the store opens and before any thread uses it: SQLAlchemy keeps a
    factory's listeners in a deque that every commit iterates, so adding or removing one while
    another thread commits fails that commit ("deque mutated during iteration"). Whoever wants to
    hear of commits later subscribes to the store (``Store.on_synced_commit``) instead."""

    @event.listens_for(factory, "after_flush")
    def _note(session: Session, _flush_context) -> None:
        noted = session.info.setdefault(INFO_KEY, set())
        dirty = session.dirty
        changed = set(map(id, dirty))  # looked up per row: a demo batch flushes thousands at once
        for obj in (*session.new, *dirty):
            if isinstance(obj, Synced):
                if not session.info.get("applying_remote"):
                    session.info[SYNCED_WRITE_KEY] = True
                if obj.__tablename__ in NOT_A_CHANGE:
                    continue
                if id(obj) in changed and not is_modified(obj):
                    continue
                noted.add((row_family(obj), obj.__tablename__))

    @event.listens_for(factory, "after_commit")
    def _committed(session: Session) -> None:
        if session.info.pop(SYNCED_WRITE_KEY, False):
            on_synced_commit()

    @event.listens_for(factory, "after_rollback")
    def _forget(session: Session) -> None:
        session.info.pop(INFO_KEY, None)
        session.info.pop(SYNCED_WRITE_KEY, None)


def collected(session: Session) -> ChangeSet:
    """What ``session`` changed (read after it committed)."""
    return ChangeSet.of(session.info.get(INFO_KEY, ()))
