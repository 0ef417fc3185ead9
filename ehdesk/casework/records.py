"""Fetching one record a worker asked for by id, the one way: a row another laptop has removed
(a tombstone, ``deleted``) or that never reached this one is "not found" in plain English."""

from __future__ import annotations

from typing import TypeVar

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
