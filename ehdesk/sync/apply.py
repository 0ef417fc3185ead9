"""Applying a pulled page to the laptop's store, atomically, with the new cursor saved in the
same transaction (so a sync cut off anywhere resumes at the last whole page).

Rows with local changes still waiting in the outbox are rebased: the server's values land, except
for the fields still pending here, which keep their local value until they are pushed.
Families that left the worker's scope are purged, with anything of theirs still waiting."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from ehdesk.models import (
    Blob,
    BlobOnServer,
    Family,
    FamilyScoped,
    OutboxEntry,
    RefusedChange,
    Synced,
    SyncState,
    model_for_table,
    synced_models,
)
from ehdesk.models.types import utcnow
from ehdesk.models.wire import dict_to_columns
from ehdesk.sync.protocol import Change, PullResponse

CURSOR_KEY = "pull_cursor"
ACKED_KEY = "outbox_acked_seq"


def read_int(session: Session, key: str) -> int:
    value = session.scalar(select(SyncState.value).where(SyncState.key == key))
    return int(value) if value else 0


def write_state(session: Session, key: str, value) -> None:
    session.merge(SyncState(key=key, value=str(value)))


def pending_fields(session: Session, row_ids: list[str]) -> dict[tuple[str, str], set[str]]:
    acked = read_int(session, ACKED_KEY)
    pending: dict[tuple[str, str], set[str]] = defaultdict(set)
    for start in range(0, len(row_ids), 500):
        chunk = row_ids[start : start + 500]
        for entity, row_id, fields in session.execute(
            select(OutboxEntry.entity, OutboxEntry.row_id, OutboxEntry.fields).where(
                OutboxEntry.seq > acked, OutboxEntry.row_id.in_(chunk)
            )
        ):
            pending[(entity, row_id)].update(fields)
    return pending


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).where(OutboxEntry.seq > read_int(session, ACKED_KEY))) or 0


def apply_page(session: Session, page: PullResponse, blobs: dict[str, tuple[bytes, str, str | None]]) -> int:
    """Apply one page in ``session`` (opened with ``applying_remote=True``). Returns rows applied."""
    # Each change carries the whole row, so only the newest change of a row in the page matters.
    latest: dict[tuple[str, str], Change] = {}
    for change in page.changes:
        latest[(change.entity, change.row_id)] = change
    pending = pending_fields(session, sorted({row_id for _, row_id in latest}))
    by_entity: dict[str, list] = defaultdict(list)
    for (entity, _), change in latest.items():
        by_entity[entity].append(change)
    applied = 0
    for entity, changes in by_entity.items():
        try:
            model = model_for_table(entity)
        except KeyError:
            continue  # a table from a newer server: this version of ehdesk has nowhere to put it
        if not issubclass(model, Synced):
            continue  # a laptop-only table: nothing from the server belongs in it
        ids = sorted(c.row_id for c in changes)
        existing = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            existing.update({o.id: o for o in session.scalars(select(model).where(model.id.in_(chunk)))})
        new_rows = []
        for change in changes:
            values = dict_to_columns(model, change.fields)
            values.pop("id", None)
            values["server_revision"] = change.revision
            if not change.deleted:
                for field in pending.get((entity, change.row_id), ()):
                    values.pop(field, None)
            obj = existing.get(change.row_id)
            if obj is None:
                new_rows.append({"id": change.row_id, **values})
            else:
                for key, value in values.items():
                    setattr(obj, key, value)
            applied += 1
        # New rows in bulk (a first sync is nearly all new rows); same columns in every row.
        by_columns: dict[tuple, list] = defaultdict(list)
        for row in new_rows:
            by_columns[tuple(sorted(row))].append(row)
        for rows in by_columns.values():
            session.execute(insert(model.__table__), rows)
    if blobs:
        # The engine fetched only blobs this laptop lacked; OR IGNORE covers a race with a save.
        session.execute(
            insert(Blob.__table__).prefix_with("OR IGNORE"),
            [
                {
                    "sha256": h,
                    "family_id": f,
                    "media_type": m,
                    "size": len(d),
                    "data": d,
                    "created_at": utcnow(),
                }
                for h, (d, m, f) in blobs.items()
            ],
        )
        session.execute(
            insert(BlobOnServer.__table__).prefix_with("OR IGNORE"), [{"sha256": h} for h in blobs]
        )
    session.flush()
    for family_id in page.remove_families:
        purge_family(session, family_id)
    write_state(session, CURSOR_KEY, page.cursor)
    return applied


def purge_family(session: Session, family_id: str) -> None:
    row_ids: list[str] = [family_id]
    for model in synced_models():
        if issubclass(model, FamilyScoped):
            row_ids += list(session.scalars(select(model.id).where(model.family_id == family_id)))
            session.execute(delete(model).where(model.family_id == family_id))
    session.execute(delete(Family).where(Family.id == family_id))
    session.execute(delete(Blob).where(Blob.family_id == family_id))
    # What the server refused of it holds the family's words too: it leaves with the family.
    session.execute(delete(RefusedChange).where(RefusedChange.family_id == family_id))
    acked = read_int(session, ACKED_KEY)
    for start in range(0, len(row_ids), 500):
        session.execute(
            delete(OutboxEntry).where(
                OutboxEntry.seq > acked, OutboxEntry.row_id.in_(row_ids[start : start + 500])
            )
        )


def wipe_everything(session: Session) -> None:
    """The council asked to wipe this laptop's profile (lost or stolen): remove every record."""
    for model in synced_models():
        session.execute(delete(model))
    session.execute(delete(Blob))
    session.execute(delete(RefusedChange))
    acked = session.scalar(select(func.max(OutboxEntry.seq))) or 0
    session.execute(delete(OutboxEntry).where(OutboxEntry.seq < acked))
    write_state(session, ACKED_KEY, acked)
    write_state(session, "wiped", "1")
