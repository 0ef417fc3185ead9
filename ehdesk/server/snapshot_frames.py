"""What both orders of a snapshot share (``snapshot.py`` walks the log in revision order,
``snapshot_by_table.py`` table by table): which log entry is a row's current one at a revision,
how a frame's rows become its sections and blobs, and how large a frame grows."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Text, any_, bindparam, func, select, text
from sqlalchemy.dialects import postgresql

from ehdesk.models import Blob

# A frame closes at whichever comes first: this many bytes of row JSON, or this many of blobs.
FRAME_ROW_BYTES = 4 * 1024 * 1024
FRAME_BLOB_BYTES = 8 * 1024 * 1024
# The first frames are small so the laptop starts writing at once; later ones full size.
FIRST_FRAME_ROWS = 500


def newest_at(log, revision: int):
    """The entry of ``log`` is its row's newest at or below ``revision``: a look-up a row in the
    (entity, row_id, revision) index. (As NOT EXISTS, PostgreSQL hashed the whole log for every
    frame, and sorted the frame's rows again after the join.)"""
    newer = log.alias("newer")
    return (
        log.c.revision
        == select(func.max(newer.c.revision))
        .where(
            newer.c.entity == log.c.entity,
            newer.c.row_id == log.c.row_id,
            newer.c.revision <= revision,
        )
        .scalar_subquery()
    )


def walk_by_index(s) -> None:
    """Keep PostgreSQL on an index that gives the frame's order, for this transaction's frame
    queries.

    A frame must walk its index in order and stop at its size. Right after a large push, before
    autovacuum has analysed the log, the planner guesses a stretch of it holds a row or two and
    picks a bitmap scan, which loses the order: every frame's rows were then sorted again,
    spilling to disk (PostgreSQL's CPU for a 1,000-family snapshot 0.8-1.0 s, against 0.35 s on
    the index). The index scan is the right plan whatever the statistics say, so the bitmap scan
    is ruled out here (``SET LOCAL``: this transaction only)."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SET LOCAL enable_bitmapscan = off"))


def one_of(s, column, values: list[str]):
    """``column IN values``; on PostgreSQL as ``= ANY(array)``, one statement whatever the count.
    A frame names a different number of blobs each time, and an ``IN`` list of each new length was
    a new statement for SQLAlchemy to render and psycopg to convert (a tenth of the server's
    snapshot CPU)."""
    if s.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("values", values, type_=postgresql.ARRAY(Text)))
    return column.in_(values)


@dataclass
class Packed:
    """A frame's contents: ``taken`` of the rows offered fitted in it."""

    taken: int = 0
    lines: dict[str, list[str]] = field(default_factory=dict)
    blob_heads: list[str] = field(default_factory=list)
    blob_data: dict[str, tuple[str, str | None, bytes]] = field(default_factory=dict)

    def sections(self) -> list[tuple[str, bytes, int]]:
        # One JSON array per table: the laptop hands each to SQLite whole.
        return [
            (entity, ("[" + ",".join(rows) + "]").encode(), len(rows)) for entity, rows in self.lines.items()
        ]

    def heads(self) -> list[list]:
        return [
            [h, *self.blob_data[h][:2], len(self.blob_data[h][2])]
            for h in self.blob_heads
            if h in self.blob_data
        ]

    def blobs(self) -> list[bytes]:
        return [self.blob_data[h][2] for h in self.blob_heads if h in self.blob_data]

    def count(self) -> int:
        return sum(len(rows) for rows in self.lines.values()) + len(self.heads())


def pack(s, rows) -> Packed:
    """Fit rows ``(revision, entity, row_id, fields)`` into one frame, in the order given, until
    its row bytes or blob bytes are full (a frame always takes its first row)."""
    blob_ids = [r[2] for r in rows if r[1] == "blob"]
    sizes = (
        dict(s.execute(select(Blob.sha256, Blob.size).where(one_of(s, Blob.sha256, blob_ids))).all())
        if blob_ids
        else {}
    )
    packed = Packed()
    row_bytes = blob_bytes = 0
    for i, (revision, entity, row_id, fields) in enumerate(rows):
        if entity == "blob":
            size = sizes.get(row_id)
            if size is not None:
                if packed.blob_heads and blob_bytes + size > FRAME_BLOB_BYTES:
                    break
                blob_bytes += size
                packed.blob_heads.append(row_id)
        else:
            # [revision, the whole row]: the row's id, family and tombstone are in it already
            # (sending them twice costs a tenth of the bytes: ids do not compress).
            line = f"[{revision},{fields}]"
            packed.lines.setdefault(entity, []).append(line)
            row_bytes += len(line)
        packed.taken = i + 1
        if row_bytes >= FRAME_ROW_BYTES:
            break
    if packed.blob_heads:
        for sha256, media_type, family_id, blob in s.execute(
            select(Blob.sha256, Blob.media_type, Blob.family_id, Blob.data).where(
                one_of(s, Blob.sha256, packed.blob_heads)
            )
        ):
            packed.blob_data[sha256] = (media_type, family_id, bytes(blob))
    return packed
