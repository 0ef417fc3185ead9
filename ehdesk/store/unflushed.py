"""Sessions that flush only when a read needs it, so a long unit of work writes in few flushes.

A plain session flushes every pending row before each query (autoflush) and before a ``get`` of a
row it has added but not written. A casework operation adds a row and its audit event, then the
next operation reads something; over a demo batch of 50 families that was thousands of small
flushes, each with its own INSERTs and outbox write. This session keeps the same answers with
fewer flushes:

- ``get`` finds a row added in this unit of work and not yet flushed by its id (rows have their
  id from the moment they are built, ``models.base``): the same object ``get`` would have
  returned after flushing. A ``get`` of any other id does not flush at all: no unwritten row
  has that id.
- A query flushes first only if it reads a table that has unwritten changes (rows added, changed
  or deleted in the session), or the outbox while any row is unwritten (the flush writes the
  outbox, ``change_capture``). A query whose tables cannot be told for certain (text SQL, loader
  options, anything but a plain SELECT) flushes as before.

Rows are written in the same order and with the same values; only the flushes are fewer and
larger. A worker's single entry ends in one flush at commit, as before."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapper, Session, sessionmaker
from sqlalchemy.sql import Select, visitors

from ehdesk.models import pending_writes
from ehdesk.store import born_reads
from ehdesk.store.change_capture import write_pending

_UNFLUSHED = "ehdesk.unflushed"  # session.info: {(class, primary key): row added, not yet flushed}
_ADDED_TO = "ehdesk.added_to"  # session.info: names of the tables rows were added to since a flush
OUTBOX = "outbox"  # written by the flush itself (change_capture) whenever a synced row is written
# Held back in a bulk unit of work (``models.pending_writes``) until read, committed or done.
_HELD_BACK = frozenset({"audit_event", OUTBOX})


class StoreSession(Session):
    _reading: Any = None  # the statement being executed, while it is

    def get(self, entity: Any, ident: Any, **kw: Any) -> Any:
        if not kw and isinstance(ident, str):
            row = self.info.get(_UNFLUSHED, {}).get((entity, ident))
            if row is not None:
                return row
            # A row this session holds, found as SQLAlchemy's ``get`` would find it in the
            # identity map (its key: the class, the primary key, no identity token), without the
            # work of building that key (a demo makes about 90 look-ups a family: a quarter of
            # their time); an expired row, or a class mapped with inheritance, goes the long way.
            row = self.identity_map.get((entity, (ident,), None))
            if row is not None and type(row) is entity and not row._sa_instance_state.expired:
                return row
            if isinstance(entity, type) and entity.__table__.name not in _HELD_BACK:
                # Not added in this unit of work, so no unwritten row has this key: flushing the
                # others first could not change what the database says of it (a changed or
                # deleted row is found in the identity map, without a query).
                with self.no_autoflush:
                    return super().get(entity, ident, **kw)
        return super().get(entity, ident, **kw)

    def _execute_internal(self, statement, params=None, *args, **kw):
        answered = born_reads.result(self, statement, params, kw.get("_scalar_result", False))
        if answered is not born_reads.NOT_ANSWERED:
            return answered
        before, self._reading = self._reading, statement
        try:
            return super()._execute_internal(statement, params, *args, **kw)
        finally:
            self._reading = before

    def _autoflush(self) -> None:
        if not self.autoflush or self._flushing:
            return
        pending = pending_writes.of(self)
        held_back = pending is not None and pending.holds_rows()
        clean = self._is_clean()
        if clean and not held_back:
            return
        read = _tables_read(self._reading)  # worked out once: it costs a cache key
        if held_back and (read is None or not read.isdisjoint(_HELD_BACK)):
            write_pending(self, pending)  # flushes first
            return
        if clean or (read is not None and read.isdisjoint(self._unwritten_tables())):
            return
        super()._autoflush()

    def _unwritten_tables(self) -> set[str]:
        tables = set(self.info.get(_ADDED_TO, ()))
        for state in (*self.identity_map._modified, *self._deleted):
            tables.add(_table(state.mapper))
        if self._new and self.info.get(_ADDED_TO) is None:  # added before install: be safe
            tables.update(_table(s.mapper) for s in self._new)
        tables.add(OUTBOX)
        return tables


def _tables_read(statement) -> frozenset[str] | None:
    """The names of the tables a plain SELECT reads, or None when that cannot be told for sure.
    Kept per statement shape: SQLAlchemy's cache key (worked out here once, and used again to
    find the statement's compiled form) is the same for every query of one shape."""
    if type(statement) is not Select or statement._with_options or statement._compile_state_funcs:
        return None
    cache_key = statement._generate_cache_key()
    if cache_key is None:
        return _traverse(statement)
    try:
        return _READS[cache_key.key]
    except KeyError:
        if len(_READS) > 10_000:  # shapes are few; never let a pathological caller grow it
            _READS.clear()
        tables = _READS[cache_key.key] = _traverse(statement)
        return tables


_READS: dict[tuple, frozenset[str] | None] = {}


def _traverse(statement) -> frozenset[str] | None:
    tables: set[str] = set()
    opaque: list[object] = []
    visitors.traverse(
        statement,
        {},
        {
            "table": lambda t: tables.add(t.name),
            "textclause": opaque.append,
            "textual_select": opaque.append,
        },
    )
    return None if opaque or not tables else frozenset(tables)


def _table(mapper: Mapper[Any]) -> str:
    return mapper.class_.__table__.name


def _key(obj) -> tuple[type, Any] | None:
    mapper = inspect(obj).mapper
    if len(mapper.primary_key) != 1:
        return None
    value = getattr(obj, mapper.get_property_by_column(mapper.primary_key[0]).key)
    return (type(obj), value) if isinstance(value, str) else None


def install(factory: sessionmaker) -> None:
    @event.listens_for(factory, "transient_to_pending")
    def _added(session: Session, obj) -> None:
        session.info.setdefault(_ADDED_TO, set()).add(_table(inspect(obj).mapper))
        born_reads.added(session, obj)
        key = _key(obj)
        if key is not None:
            session.info.setdefault(_UNFLUSHED, {})[key] = obj

    @event.listens_for(factory, "pending_to_persistent")
    @event.listens_for(factory, "pending_to_transient")
    def _flushed_or_dropped(session: Session, obj) -> None:
        unflushed = session.info.get(_UNFLUSHED)
        if unflushed:
            key = _key(obj)
            if key is not None and unflushed.get(key) is obj:
                del unflushed[key]

    @event.listens_for(factory, "after_commit")
    def _committed(session: Session) -> None:
        born_reads.transaction_ended(session, committed=True)

    @event.listens_for(factory, "after_rollback")
    def _rolled_back(session: Session) -> None:
        born_reads.transaction_ended(session, committed=False)

    @event.listens_for(factory, "after_flush_postexec")
    def _written(session: Session, _flush_context) -> None:
        if not session.new:
            session.info[_ADDED_TO] = set()
