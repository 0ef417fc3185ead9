"""Writing the audit trail. Callers pass ids and the kind of act; never names or free text about a
family, so the trail itself holds no personal data.

Each event is linked into this device's hash chain (``chain_seq``, ``chain_hash``; see
docs/audit.md): the store takes its write lock at BEGIN, so reading the chain's head and adding the
next link cannot interleave with another writer."""

from __future__ import annotations

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from ehdesk.models import AuditEvent, pending_writes
from ehdesk.models.audit import chain_link
from ehdesk.models.types import new_id, utcnow
from ehdesk.models.wire import to_json_value

_HEAD = "ehdesk.audit.head"  # session.info: (transaction, the last event this session linked)


def _cached_head(session: Session, device_id: str) -> AuditEvent | None:
    """The event this session linked last, while it is still the chain's head: in the same
    transaction (the store's write lock is held from BEGIN, so no other writer can have linked
    one since) and not undone by a rolled-back savepoint. Saves a query per event in a long
    transaction (a demo batch records thousands)."""
    cached = session.info.get(_HEAD)
    if cached is None:
        return None
    transaction, event = cached
    state = inspect(event)
    if (
        transaction is not session.get_transaction()
        or event.device_id != device_id
        or state.session is not session
        or not (state.pending or state.persistent)
    ):
        return None
    return event


def _head(session: Session, device_id: str) -> tuple[int, str]:
    cached = _cached_head(session, device_id)
    if cached is not None:
        return cached.chain_seq, cached.chain_hash
    pending = [
        o for o in session.new if isinstance(o, AuditEvent) and o.device_id == device_id and o.chain_seq
    ]
    if pending:
        last = max(pending, key=lambda o: o.chain_seq)
        return last.chain_seq, last.chain_hash
    with session.no_autoflush:
        row = session.execute(
            select(AuditEvent.chain_seq, AuditEvent.chain_hash)
            .where(AuditEvent.device_id == device_id, AuditEvent.chain_seq > 0)
            .order_by(AuditEvent.chain_seq.desc())
            .limit(1)
        ).first()
    return (row.chain_seq, row.chain_hash) if row else (0, "")


def chain_head(session: Session, device_id: str) -> tuple[int, str]:
    """(seq, hash) of the last event in ``device_id``'s audit chain; (0, "") before the first."""
    return _head(session, device_id)


def record(
    session: Session,
    action: str,
    entity: str = "",
    entity_id: str = "",
    family_id: str | None = None,
    **detail,
) -> None:
    device_id = session.info.get("device_id", "")
    now = utcnow()
    values = {
        "id": new_id(),
        "at": now,
        "recorded_at": now,
        "actor": session.info.get("actor", ""),
        "device_id": device_id,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "family_id": family_id,
        "detail": detail,
    }
    pending = pending_writes.of(session)
    if pending is not None:
        _record_pending(session, pending, values)
        return
    event = AuditEvent(**values)
    seq, previous = _head(session, device_id)
    event.chain_seq = seq + 1
    event.chain_hash = _link(previous, values, event.chain_seq)
    session.add(event)
    session.info[_HEAD] = (session.get_transaction(), event)


def _link(previous: str, values: dict, chain_seq: int) -> str:
    fields = {
        name: to_json_value(values[name])
        for name in ("id", "recorded_at", "action", "entity", "entity_id", "family_id", "detail")
    }
    fields["chain_seq"] = chain_seq
    return chain_link(previous, fields)


def _record_pending(session: Session, pending: pending_writes.PendingWrites, values: dict) -> None:
    """In a bulk unit of work: the same event, chained the same way, held as a plain row and
    written with the others of the batch in one statement (``models.pending_writes``)."""
    device_id = values["device_id"]
    if pending.head is not None and pending.head[0] == device_id:
        seq, previous = pending.head[1], pending.head[2]
    else:
        seq, previous = _head(session, device_id)
    chain_seq = seq + 1
    chain_hash = _link(previous, values, chain_seq)
    made = utcnow()
    pending.audit_recorded.append(
        {
            **values,
            "chain_seq": chain_seq,
            "chain_hash": chain_hash,
            # The columns every synced row has, as ``models.base`` would give an ORM row.
            "server_revision": 0,
            "client_changed_at": "",  # stamped when its outbox entry is made (change_capture)
            "deleted": False,
            "created_at": made,
            "updated_at": made,
        }
    )
    pending.head = (device_id, chain_seq, chain_hash)
    # An ORM event this session linked earlier is no longer the head.
    session.info.pop(_HEAD, None)
