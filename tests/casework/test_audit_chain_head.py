"""Each audit event links to the one before it on this device; the head a session keeps to save a
query per event must never link two events to the same predecessor."""

from __future__ import annotations

from sqlalchemy import select

from ehdesk.casework import audit
from ehdesk.models import AuditEvent
from ehdesk.models.audit import chain_link
from ehdesk.models.wire import to_json_value


def _chain(store) -> list[AuditEvent]:
    with store.session() as s:
        return s.scalars(
            select(AuditEvent).where(AuditEvent.chain_seq > 0).order_by(AuditEvent.chain_seq)
        ).all()


def _assert_unbroken(events: list[AuditEvent]) -> None:
    previous = ""
    for number, event in enumerate(events, start=1):
        assert event.chain_seq == number
        fields = {
            name: to_json_value(getattr(event, name))
            for name in ("id", "recorded_at", "action", "entity", "entity_id", "family_id", "detail")
        }
        fields["chain_seq"] = event.chain_seq
        assert event.chain_hash == chain_link(previous, fields)
        previous = event.chain_hash


def test_a_savepoint_rolled_back_does_not_leave_a_gap_or_a_fork(store):
    with store.session() as s:
        audit.record(s, "change", "test", "a")
        s.flush()
        with s.begin_nested() as nested:
            audit.record(s, "change", "test", "b")
            s.flush()
            nested.rollback()
        audit.record(s, "change", "test", "c")
        s.commit()
    events = _chain(store)
    assert [e.entity_id for e in events] == ["a", "c"]
    _assert_unbroken(events)


def test_another_session_writing_between_two_transactions_is_linked_after(store):
    with store.session() as first:
        audit.record(first, "change", "test", "1")
        first.commit()
        with store.session() as second:
            audit.record(second, "change", "test", "2")
            second.commit()
        audit.record(first, "change", "test", "3")
        first.commit()
    events = _chain(store)
    assert [e.entity_id for e in events] == ["1", "2", "3"]
    _assert_unbroken(events)
