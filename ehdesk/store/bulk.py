"""A bulk unit of work: audit events and outbox entries held back and written one statement per
table (``models.pending_writes``), and reads of the rows it makes answered from memory
(``born_reads``). For long runs of casework operations in one transaction (the
demo's batches of families); a worker's single entry does not need it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from ehdesk.models import pending_writes
from ehdesk.store import born_reads
from ehdesk.store.change_capture import write_pending


@contextmanager
def bulk_writes(session: Session, store) -> Iterator[None]:
    """Within ``store``'s unit of work ``session``: everything held back is written when the
    block ends (and before any read of those tables, and before commit), in the same transaction."""
    if session.info.get("applying_remote"):
        raise RuntimeError("a sync applying the server's changes writes no outbox")
    pending = pending_writes.PendingWrites(store.device_id, store.clock)
    session.info[pending_writes.KEY] = pending
    # Reads of the rows this unit of work makes are answered from memory (``born_reads``).
    born_reads.begin(session)
    completed = False
    try:
        yield
        write_pending(session, pending)
        completed = True
    finally:
        born_reads.end(session, completed=completed)
        session.info.pop(pending_writes.KEY, None)
