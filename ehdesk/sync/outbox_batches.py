"""The outbox read as push batches, and what the server's reply to one means here.

A batch's JSON is written from the field JSON the outbox stores, spliced in as it is: a first push
reads tens of thousands of entries, and decoding each, building a model of it and encoding it
again was a quarter of the laptop's time. Only an entry whose stored JSON is not strict JSON (a
``NaN`` or an infinity, which the model turns into null) goes the long way."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ehdesk.models import OutboxEntry, model_for_table
from ehdesk.store import Store
from ehdesk.sync import protocol as p
from ehdesk.sync.apply import ACKED_KEY, CURSOR_KEY, write_state
from ehdesk.sync.refusals import keep_refused

# A push batch stops short of this much field JSON, well inside what the server takes inflated
# (long forms: fewer changes a batch, never a batch the server refuses as too large).
PUSH_BATCH_BYTES = 4 * 1024 * 1024

_READ = (
    "SELECT seq, entity, row_id, op, fields, base_revision, changed_at FROM outbox "
    "WHERE seq > ? ORDER BY seq LIMIT ?"
)
# Ids and ISO times need no escaping: written between quotes as they are (``json.dumps`` for
# each was a tenth of the laptop's push).
_PLAIN = re.compile(r"[A-Za-z0-9_.:+ -]*")


@dataclass(frozen=True)
class OutboxBatch:
    # (seq, table, row id) of each change, in order.
    entries: list[tuple[int, str, str]]
    # The mutations as JSON objects, comma-separated: the request's ``mutations`` array inside.
    mutations_json: str

    @property
    def last_seq(self) -> int:
        return self.entries[-1][0]


def read_batch(store: Store, after: int, limit: int, max_bytes: int = PUSH_BATCH_BYTES) -> OutboxBatch | None:
    """The outbox entries after sequence ``after``: at most ``limit``, and no more field JSON than
    ``max_bytes`` (always at least one entry). None when there are none."""
    with store.session() as s:
        rows = s.connection().exec_driver_sql(_READ, (after, limit)).fetchall()
    if not rows:
        return None
    device = json.dumps(store.device_id)
    entries: list[tuple[int, str, str]] = []
    parts: list[str] = []
    size = 0
    for seq, entity, row_id, op, fields, base_revision, changed_at in rows:
        size += len(fields)
        if entries and size > max_bytes:
            break
        entries.append((seq, entity, row_id))
        # Python's json module writes these, which strict JSON (and the server) refuses.
        if "NaN" in fields or "Infinity" in fields:
            parts.append(
                _through_the_model(
                    store.device_id, seq, entity, row_id, op, fields, base_revision, changed_at
                )
            )
            continue
        parts.append(
            f'{{"device_id":{device},"seq":{seq:d},"entity":{_word(entity)},"row_id":{_string(row_id)},'
            f'"op":{_word(op)},"fields":{fields},"base_revision":{base_revision:d},'
            f'"changed_at":{_string(changed_at)}}}'
        )
    return OutboxBatch(entries, ",".join(parts))


def _string(value: str) -> str:
    return f'"{value}"' if _PLAIN.fullmatch(value) else json.dumps(value)


@lru_cache(maxsize=256)
def _word(value: str) -> str:
    """A table's name or an operation: a few values, again and again."""
    return json.dumps(value)


def _through_the_model(device_id: str, seq, entity, row_id, op, fields, base_revision, changed_at) -> str:
    return p.Mutation(
        device_id=device_id,
        seq=seq,
        entity=entity,
        row_id=row_id,
        op=op,
        fields=json.loads(fields),
        base_revision=base_revision,
        changed_at=changed_at,
    ).model_dump_json()


def combine(done: list[tuple[OutboxBatch, p.PushResponse]]) -> tuple[OutboxBatch, p.PushResponse]:
    """Consecutive batches and the server's replies to them as one batch and one reply, to be
    recorded in one transaction: the last sequence, every result, and a pull cursor to write if
    any reply said nothing was waiting (the engine's cursor moves only on such replies)."""
    if len(done) == 1:
        return done[0]
    last = done[-1][1]
    batch = OutboxBatch([entry for b, _ in done for entry in b.entries], "")
    reply = p.PushResponse(
        last_seq=last.last_seq,
        results=[result for _, r in done for result in r.results],
        revision=last.revision,
        pull_needed=all(r.pull_needed for _, r in done),
    )
    return batch, reply


def acknowledge(store: Store, batch: OutboxBatch, reply: p.PushResponse, cursor: int) -> None:
    """Forget what the server now holds, in one transaction: the acknowledged sequence, the entries
    before it (the last is kept as the high-water mark), each row's revision where the laptop
    holds exactly what the server has; and the pull cursor ``cursor`` when the reply says there
    is nothing to pull. Changes the server refused, or answered as already applied (it may have
    refused them the first time), are kept first (``refusals``)."""
    refused = {r.seq: r.status == "refused" for r in reply.results if r.status in ("refused", "duplicate")}
    with store.session(applying_remote=True) as s:
        keep_refused(s, refused)
        write_state(s, ACKED_KEY, reply.last_seq)
        s.execute(delete(OutboxEntry).where(OutboxEntry.seq < reply.last_seq))
        _stamp_revisions(s, batch, reply)
        if not reply.pull_needed:
            write_state(s, CURSOR_KEY, cursor)


def _stamp_revisions(session: Session, batch: OutboxBatch, reply: p.PushResponse) -> None:
    """Rows the server took exactly as sent are not pulled back: record their revision here."""
    by_seq = {seq: (entity, row_id) for seq, entity, row_id in batch.entries}
    tables: dict[str, str | None] = {}
    by_table: dict[str, list[tuple[int, str, int]]] = {}
    for result in reply.results:
        entry = by_seq.get(result.seq)
        if entry is None or not result.revision:
            continue
        entity, row_id = entry
        if entity not in tables:
            try:
                tables[entity] = model_for_table(entity).__tablename__
            except KeyError:
                tables[entity] = None
        table = tables[entity]
        if table is not None:
            by_table.setdefault(table, []).append((result.revision, row_id, result.revision))
    # One statement a table on the driver, many rows (an ORM UPDATE a row cost more than the push,
    # and SQLAlchemy's parameter handling a row half as much as the UPDATE).
    connection = session.connection()
    for table, rows in by_table.items():
        connection.exec_driver_sql(
            f'UPDATE "{table}" SET server_revision = ? WHERE id = ? AND server_revision < ?', rows
        )
