"""Seeing and resolving sync conflicts on the laptop. Resolving writes the chosen (or merged)
value onto the record and marks the conflict resolved, both as ordinary changes, so the
resolution reaches the server and every other laptop at the next sync."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Session

from ehdesk.errors import EhdeskError, NotFound
from ehdesk.models import SyncConflict, model_for_table
from ehdesk.models.wire import from_json_value, to_json_value
from ehdesk.sync.refusals import entity_label


@dataclass(frozen=True)
class ConflictView:
    id: str
    family_id: str
    entity: str
    entity_label: str
    row_id: str
    field: str
    field_label: str
    server_value: Any
    client_value: Any
    client_actor: str
    is_text: bool
    # The two sides in words ("Deleted" / "Kept") where the raw value would say true/false.
    server_label: str = ""
    client_label: str = ""


# A conflict on the tombstone itself: one laptop deleted the record, another edited it.
DELETE_EDIT_LABEL = "Deleted on one laptop, edited on another"


def _side(field: str, value: Any) -> str:
    if field == "deleted":
        return "Deleted" if value else "Kept (with the other laptop's edit)"
    return "" if value is None else str(value)


def _view(c: SyncConflict) -> ConflictView:
    return ConflictView(
        id=c.id,
        family_id=c.family_id,
        entity=c.entity,
        entity_label=entity_label(c.entity),
        row_id=c.row_id,
        field=c.field,
        field_label=DELETE_EDIT_LABEL if c.field == "deleted" else c.field.replace("_", " ").capitalize(),
        server_value=c.server_value,
        client_value=c.client_value,
        client_actor=c.client_actor,
        is_text=_is_text_field(c.entity, c.field),
        server_label=_side(c.field, c.server_value),
        client_label=_side(c.field, c.client_value),
    )


def _is_text_field(entity: str, field: str) -> bool:
    """Only free text can be merged by editing; codes, dates and flags are chosen, not merged."""
    try:
        column = model_for_table(entity).__mapper__.columns[field]
    except KeyError:
        return False
    return isinstance(column.type, Text) or (
        isinstance(column.type, String) and (column.type.length or 0) >= 200
    )


def open_conflicts(session: Session, family_id: str | None = None) -> list[ConflictView]:
    query = select(SyncConflict).where(SyncConflict.status == "open", SyncConflict.deleted.is_(False))
    if family_id is not None:
        query = query.where(SyncConflict.family_id == family_id)
    return [_view(c) for c in session.scalars(query.order_by(SyncConflict.created_at))]


def resolve(session: Session, conflict_id: str, value: Any, resolved_by: str) -> None:
    """Put ``value`` (one of the two, or a merge of text) on the record and close the conflict."""
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None or conflict.deleted:
        raise NotFound("That conflict is no longer on this laptop.")
    if conflict.status != "open":
        raise EhdeskError("That conflict has already been resolved.")
    try:
        model = model_for_table(conflict.entity)
    except KeyError:
        raise EhdeskError("This version of ehdesk cannot show that record; update it first.") from None
    row = session.get(model, conflict.row_id)
    if row is None:
        raise NotFound("The record in conflict has not reached this laptop.")
    column = model.__mapper__.columns[conflict.field]
    try:
        decoded = from_json_value(column, value)
    except (TypeError, ValueError):
        raise EhdeskError("That value does not fit the field.") from None
    setattr(row, conflict.field, decoded)
    conflict.status = "resolved"
    conflict.resolved_value = to_json_value(decoded)
    conflict.resolved_by = resolved_by
    session.flush()
