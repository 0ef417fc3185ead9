"""A bulk unit of work (``store.bulk``) holds audit events and outbox entries back and writes
them one statement per table: the rows, their chain and their outbox entries are what the same
operations write without it, and a read of either table sees what is held back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ehdesk.casework import audit, families
from ehdesk.models import AuditEvent, Family, OutboxEntry
from ehdesk.store.bulk import bulk_writes
from tests.casework.test_audit_chain_head import _assert_unbroken, _chain


def _work(session) -> None:
    family_id = families.create_family(session, {"household_name": "Bulk"}, reference="EH-B1")
    audit.record(session, "view", "family", family_id, family_id)
    session.get(Family, family_id).town = "Leeds"
    audit.record(session, "change", "family", family_id, family_id, op="edit")


def _outbox(store) -> list[tuple[str, str]]:
    with store.session() as s:
        return [(o.entity, o.op) for o in s.scalars(select(OutboxEntry).order_by(OutboxEntry.seq))]


def test_bulk_writes_the_same_audit_chain_and_outbox_entries(store):
    with store.session() as s:
        _work(s)
    plain_outbox = _outbox(store)
    per_work = len(_chain(store))
    with store.session() as s, bulk_writes(s, store):
        _work(s)
        # A read of the outbox or the audit trail writes what is held back first.
        assert len(s.scalars(select(OutboxEntry)).all()) == 2 * len(plain_outbox)
        assert len(s.scalars(select(AuditEvent)).all()) == 2 * per_work
        _work(s)
    events = _chain(store)
    assert len(events) == 3 * per_work
    _assert_unbroken(events)
    outbox = _outbox(store)
    assert len(outbox) == 3 * len(plain_outbox)
    # Every audit event has its outbox entry, after the rows its flush wrote.
    assert sorted(outbox) == sorted(plain_outbox * 3)
    with store.session() as s:
        stamps = [e.client_changed_at for e in s.scalars(select(AuditEvent))]
    assert all(stamps)


def test_a_bulk_unit_of_work_rolled_back_leaves_nothing(store):
    with pytest.raises(RuntimeError), store.session() as s, bulk_writes(s, store):
        _work(s)
        raise RuntimeError("undo")
    assert _chain(store) == []
    assert _outbox(store) == []


def test_a_bulk_unit_of_work_takes_no_savepoints(store):
    with pytest.raises(RuntimeError, match="savepoints"), store.session() as s, bulk_writes(s, store):
        s.begin_nested()


def test_a_bulk_unit_of_work_reads_the_chain_head_again_after_a_commit(store):
    with store.session() as s, bulk_writes(s, store):
        audit.record(s, "change", "test", "a")
        s.commit()  # the store's lock is let go: another session links the next event
        with store.session() as other:
            audit.record(other, "change", "test", "b")
        audit.record(s, "change", "test", "c")
    events = _chain(store)
    assert [e.entity_id for e in events] == ["a", "b", "c"]
    _assert_unbroken(events)
