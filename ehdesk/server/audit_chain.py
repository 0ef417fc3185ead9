"""Re-checking the audit hash chains the server holds (``ehdesk-server admin verify-audit``).

Events are checked one by one as they arrive (``push._witness``); this walks what is *stored*, so
an event changed or removed in the database afterwards — by anyone with access to it — shows up
as a break too. See docs/audit.md."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.errors import NotFound
from ehdesk.models import AuditEvent
from ehdesk.models.audit import CHAINED_FIELDS, chain_link
from ehdesk.models.wire import to_json_value
from ehdesk.server.models import Device


@dataclass(frozen=True)
class Break:
    device_id: str
    chain_seq: int
    event_id: str
    problem: str


def verify(session: Session, device_id: str | None = None) -> tuple[int, list[Break]]:
    """(events checked, breaks found) over every device's chain, or one device's."""
    query = select(AuditEvent).where(AuditEvent.chain_seq > 0)
    if device_id:
        query = query.where(AuditEvent.device_id == device_id)
    query = query.order_by(AuditEvent.device_id, AuditEvent.chain_seq)
    breaks: list[Break] = []
    checked = 0
    current, expected, previous = None, 1, ""
    for event in session.scalars(query).yield_per(1000):
        if event.device_id != current:
            current, expected, previous = event.device_id, 1, ""
        checked += 1
        fields = {name: to_json_value(getattr(event, name)) for name in CHAINED_FIELDS}
        if event.chain_seq != expected:
            problem = "events missing before this one" if event.chain_seq > expected else "repeated"
            breaks.append(Break(event.device_id, event.chain_seq, event.id, problem))
        elif chain_link(previous, fields) != event.chain_hash:
            breaks.append(Break(event.device_id, event.chain_seq, event.id, "altered"))
        expected, previous = event.chain_seq + 1, event.chain_hash
    if device_id and not checked and session.get(Device, device_id) is None:
        # A mistyped id would otherwise read as "checked 0 events: no break", a clean result.
        raise NotFound(
            f'There is no device with id "{device_id}" on the server: check the id, or leave out '
            "--device to check every device's chain."
        )
    return checked, breaks
