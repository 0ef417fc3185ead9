"""Rows a bulk unit of work holds back and writes with one statement per table (the demo batch).

A casework operation records an audit event for every act, and every flush writes the outbox
entries of the rows it wrote: in a demo batch of 50 families that is thousands of ORM audit rows
and hundreds of small outbox INSERTs. In a bulk unit of work (``store.bulk``) ``audit.record``
puts the event here as a plain row (chained as always) and the flush puts its outbox entries
here; they are written together, in the order they arose, before a read of either table, before
commit and when the bulk unit of work ends. So the rows and their order are the same; only the
statements are fewer. Lives in ``models`` because both ``casework`` (audit) and ``store`` (the
flush, the writes) use it, and neither may import the other."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ehdesk.models.clock import HybridClock

KEY = "ehdesk.pending_writes"  # session.info, while a bulk unit of work is open


@dataclass
class PendingWrites:
    device_id: str
    clock: HybridClock
    # Audit events recorded since the last flush: not yet stamped, not yet in ``outbox``.
    audit_recorded: list[dict[str, Any]] = field(default_factory=list)
    # Stamped audit events whose outbox entries are in ``outbox``: waiting to be written.
    audit_captured: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    # (device id, chain_seq, chain_hash) of the last audit event linked in this unit of work.
    head: tuple[str, int, str] | None = None

    def holds_rows(self) -> bool:
        return bool(self.audit_recorded or self.audit_captured or self.outbox)

    def forget(self) -> None:
        """The transaction rolled back: nothing held was ever written, and the chain's head is
        again what the store holds."""
        self.audit_recorded.clear()
        self.audit_captured.clear()
        self.outbox.clear()
        self.head = None


def of(session: Session) -> PendingWrites | None:
    return session.info.get(KEY)
