"""Every local change to a synced row lands in the outbox in the same transaction (DESIGN.md §4).

Installed on a profile's sessionmaker. ``before_flush`` stamps the change time (hybrid logical
clock) on each new or changed row; ``after_flush`` records which fields changed, while attribute
history is still available, and writes the outbox rows on the flush's own connection, so the
change and its outbox entry commit or roll back together.

A session whose ``info["applying_remote"]`` is true (the sync engine applying pulled changes)
is not captured: those changes came from the server and must not echo back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Mapper, Session, sessionmaker

from ehdesk.models import AuditEvent, OutboxEntry, Synced, pending_writes
from ehdesk.models.clock import HybridClock
from ehdesk.models.types import new_id
from ehdesk.models.wire import to_json_value
from ehdesk.store.changes import SYNCED_WRITE_KEY, is_modified


class TombstonesOnly(RuntimeError):
    """Synced rows are never deleted; set ``deleted = True`` so the deletion can sync."""


_FIELDS: dict[type, tuple[str, ...]] = {}
# Built once: its cache key is worked out once, not at every flush.
_OUTBOX_INSERT = insert(OutboxEntry.__table__)
_AUDIT_INSERT = insert(AuditEvent.__table__)


def _fields(cls: type) -> tuple[str, ...]:
    """The attributes of ``cls`` that travel (every column but the sync metadata), worked out
    once per class: a demo batch captures thousands of rows."""
    try:
        return _FIELDS[cls]
    except KeyError:
        skip = Synced.SYNC_META_FIELDS
        mapper: Mapper[Any] = inspect(cls)
        keys = _FIELDS[cls] = tuple(a.key for a in mapper.column_attrs if a.key not in skip)
        return keys


def _changed_fields(obj) -> dict:
    state = inspect(obj)
    # Only an attribute set since the row was last written can have changed: SQLAlchemy keeps its
    # value as written in ``committed_state``. Asking every field for its history was a tenth of
    # a demo batch's flush (rows have thirty-odd fields; a change touches one or two).
    written = state.committed_state
    attrs = state.attrs
    changed = {}
    for key in _fields(type(obj)):
        if key not in written:
            continue
        history = attrs[key].history
        if history.added:
            changed[key] = to_json_value(history.added[0])
    return changed


def _all_fields(obj) -> dict:
    # Read from the row's own values, not through the attribute machinery (a demo batch writes
    # tens of thousands of rows); a value not held there (never set) is read the usual way.
    held = obj.__dict__
    return {key: to_json_value(held[key] if key in held else getattr(obj, key)) for key in _fields(type(obj))}


def install(factory: sessionmaker, device_id: str, clock: HybridClock) -> None:
    @event.listens_for(factory, "before_flush")
    def _stamp(session: Session, flush_context, instances) -> None:
        if session.info.get("applying_remote"):
            return
        for obj in session.deleted:
            if isinstance(obj, Synced):
                raise TombstonesOnly(f"{type(obj).__name__} rows are tombstoned, never deleted")
        for obj in session.new:
            if isinstance(obj, Synced):
                if obj.id is None:
                    obj.id = new_id()
                obj.client_changed_at = clock.now()
        for obj in session.dirty:
            if isinstance(obj, Synced) and is_modified(obj):
                obj.client_changed_at = clock.now()

    @event.listens_for(factory, "after_flush")
    def _record(session: Session, flush_context) -> None:
        if session.info.get("applying_remote"):
            return
        rows = []
        for obj in session.new:
            if isinstance(obj, Synced):
                rows.append(_entry(obj, "insert", _all_fields(obj), 0))
        for obj in session.dirty:
            if not isinstance(obj, Synced):
                continue
            fields = _changed_fields(obj)
            if not fields:
                continue
            op = "delete" if fields.get("deleted") is True else "update"
            rows.append(_entry(obj, op, fields, obj.server_revision or 0))
        pending = pending_writes.of(session)
        if pending is not None:  # a bulk unit of work: written later, in one statement
            pending.outbox.extend(rows)
            _capture_audit(pending)
        elif rows:
            session.connection().execute(_OUTBOX_INSERT, rows)

    @event.listens_for(factory, "before_commit")
    def _write_before_commit(session: Session) -> None:
        pending = pending_writes.of(session)
        if pending is not None:
            write_pending(session, pending)
            # Past this commit another session may link the next event: read the head again.
            pending.head = None

    @event.listens_for(factory, "after_transaction_create")
    def _no_savepoints_in_bulk(session: Session, transaction) -> None:
        # What a rolled-back savepoint undid could not be told apart from what it did not.
        if transaction.nested and pending_writes.of(session) is not None:
            raise RuntimeError("a bulk unit of work takes no savepoints")

    @event.listens_for(factory, "after_soft_rollback")
    def _forget_pending(session: Session, _previous_transaction) -> None:
        pending = pending_writes.of(session)
        if pending is not None:
            pending.forget()

    def _entry(obj, op: str, fields: dict, base_revision: int) -> dict:
        return _outbox_entry(
            device_id, obj.__tablename__, obj.id, op, fields, base_revision, obj.client_changed_at
        )


def _outbox_entry(
    device_id: str, entity: str, row_id: str, op: str, fields: dict, base_revision: int, changed_at: str
) -> dict:
    return {
        "device_id": device_id,
        "entity": entity,
        "row_id": row_id,
        "op": op,
        "fields": fields,
        "base_revision": base_revision,
        "changed_at": changed_at,
    }


def _capture_audit(pending: pending_writes.PendingWrites) -> None:
    """Stamp the audit events recorded since the last flush and queue their outbox entries after
    the flush's own rows, as a flush of ORM audit rows would have (stamped in the flush, captured
    with it)."""
    keys = _fields(AuditEvent)
    for row in pending.audit_recorded:
        row["client_changed_at"] = pending.clock.now()
        fields = {key: to_json_value(row[key]) for key in keys}
        pending.outbox.append(
            _outbox_entry(
                pending.device_id, "audit_event", row["id"], "insert", fields, 0, row["client_changed_at"]
            )
        )
    pending.audit_captured.extend(pending.audit_recorded)
    pending.audit_recorded.clear()


def write_pending(session: Session, pending: pending_writes.PendingWrites) -> None:
    """Write what the bulk unit of work holds: the rows waiting in the session first (their flush
    queues their outbox entries), then the audit events and every queued outbox entry, one
    statement each, in the order they arose."""
    session.flush()
    _capture_audit(pending)
    if not (pending.audit_captured or pending.outbox):
        return
    connection = session.connection()
    if pending.audit_captured:
        connection.execute(_AUDIT_INSERT, pending.audit_captured)
        # Audit events are synced rows: the commit is a worker's own change (``store.changes``).
        session.info[SYNCED_WRITE_KEY] = True
    if pending.outbox:
        connection.execute(_OUTBOX_INSERT, pending.outbox)
    pending.audit_captured.clear()
    pending.outbox.clear()
