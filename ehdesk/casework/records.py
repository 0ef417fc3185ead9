"""Fetching one record a worker asked for by id, the one way: a row another laptop has removed
(a tombstone, ``deleted``) or that never reached this one is "not found" in plain English. And
editing one: ``set_fields`` says whether the edit changed anything."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from ehdesk.errors import NotFound
from ehdesk.models import Synced

Row = TypeVar("Row", bound=Synced)

# What a worker is told about a family or case that left their laptop's records.
MOVED_OR_REMOVED = "is not in this worker's records (it may have been moved or removed)"


def live(
    session: Session, model: type[Row], row_id: str, what: str, gone: str = "is no longer in the record"
) -> Row:
    """The ``model`` row ``row_id`` unless it is missing or removed; else ``NotFound`` saying
    "That {what} {gone}." (e.g. "That consent is no longer in the record.")."""
    row = session.get(model, row_id)
    if row is None or row.deleted:
        raise NotFound(f"That {what} {gone}.")
    return row


def set_fields(row: Synced, values: dict[str, Any]) -> bool:
    """Set each value on ``row``; True if any differs from what the row held before, so an edit
    that changes nothing is not audited as a change. It compares the values themselves rather than
    asking SQLAlchemy (``Session.is_modified``), which calls every field of a row not yet written
    modified: a record made and edited in one unit of work (a demo batch) would be audited as
    changed by an edit that changed nothing."""
    changed = False
    for name, value in values.items():
        if not changed and getattr(row, name) != value:
            changed = True
        setattr(row, name, value)
    return changed
