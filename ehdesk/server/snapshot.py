"""The snapshot first sync (DESIGN.md §4): the current rows of a worker's scope as they stood at one
revision, streamed as large compressed frames, instead of a replay of the whole change log.

The current row as of revision R is the newest change-log entry for it at or below R (every entry
holds the whole row), so a snapshot needs no lock and no state on the server: any server process
can serve any frame of it while writes go on, and a laptop cut off asks again for the same R after
the last frame it kept. Rows are read with SQLAlchemy Core and the stored JSON of each row is
spliced into the reply as text: nothing is decoded, validated or re-encoded on the way out."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import Text, any_, bindparam, cast, func, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import sessionmaker

from ehdesk.models import Blob
from ehdesk.server.authn import authenticate
from ehdesk.server.changelog import head
from ehdesk.server.db import transaction
from ehdesk.server.deps import check_version
from ehdesk.server.models import ChangeLog, Device, ServerAudit
from ehdesk.server.openapi import AUTHENTICATED
from ehdesk.server.scope import PUSH_ONLY_ENTITIES, Principal, log_scope_filter
from ehdesk.sync import framing
from ehdesk.sync import protocol as p

# A frame closes at whichever comes first: this many bytes of row JSON, or this many of blobs.
FRAME_ROW_BYTES = 4 * 1024 * 1024
FRAME_BLOB_BYTES = 8 * 1024 * 1024
FIRST_FRAME_ROWS = 500
# A frame's query reads the log a window of revisions at a time, so each costs what its window
# holds, not the whole log (an open-ended "first N after" can make PostgreSQL scan and sort every
# entry for every frame: 0.3-0.8 s a frame on a 100,000-entry log). About half the log is rows a
# laptop never receives (audit events, superseded versions), hence a window of 3 revisions a row;
# a window that finds few rows (a small team on a big server) doubles.
WINDOW_PER_ROW = 3

_quote = json.encoder.encode_basestring_ascii  # the C string encoder, for ids

router = APIRouter()


@router.post(
    "/v1/sync/snapshot",
    response_class=StreamingResponse,
    responses={
        **AUTHENTICATED,
        200: {"content": {p.SNAPSHOT_MEDIA_TYPE: {}}, "description": "Compressed frames of rows."},
    },
)
def snapshot(body: p.SnapshotRequest, request: Request) -> StreamingResponse:
    """Binary frames (``ehdesk.sync.framing``) of the worker's scope at one revision."""
    check_version(body.schema_version)
    if body.schema_version < p.SNAPSHOT_SCHEMA:
        raise HTTPException(400, "This copy of ehdesk does not know snapshots; it pulls the log instead.")
    factory: sessionmaker = request.app.state.factory
    with transaction(factory) as s:
        principal = authenticate(s, request)
        if body.device_id != principal.device_id:
            raise HTTPException(422, "The request names another device.")
        newest = head(s)
        device = s.get(Device, principal.device_id)
        wipe = device is not None and device.wipe
        if wipe:  # for IT: "has the lost laptop been wiped?" (as the pull records it)
            if device.wipe_delivered_at is None:
                s.add(ServerAudit(user_id=principal.user_id, device_id=device.id, action="wipe_delivered"))
            device.wipe_delivered_at = datetime.now(UTC)
    revision = body.revision or newest
    if revision > newest or body.after > revision:
        raise HTTPException(422, "That snapshot revision is not on this server.")
    codec = framing.choose_codec(body.codecs)
    frames = (
        _wipe_frame(codec, revision)
        if wipe
        else _frames(factory, principal, revision, body.after, body.chunk_rows, codec, body.families)
    )
    return StreamingResponse(
        frames,
        media_type=p.SNAPSHOT_MEDIA_TYPE,
        # "identity": the frames are compressed already; this keeps the gzip middleware off them.
        headers={"Content-Encoding": "identity", "X-Ehdesk-Codec": codec, "X-Ehdesk-Revision": str(revision)},
    )


def _wipe_frame(codec: str, revision: int):
    yield framing.FrameWriter(codec).frame(
        {"revision": revision, "upto": revision, "last": True, "wipe": True}, [], []
    )


def snapshot_query(
    principal: Principal, revision: int, after: int, limit: int, families=(), through: int | None = None
):
    """The rows of the scope as they stood at ``revision``, in log order after ``after`` (and, with
    ``through``, at most that far into the log)."""
    log = ChangeLog.__table__
    newer = log.alias("newer")
    query = (
        select(
            log.c.revision,
            log.c.entity,
            log.c.row_id,
            cast(log.c.fields, Text),
        )
        .where(
            log.c.revision > after,
            log.c.revision <= (revision if through is None else min(through, revision)),
            log.c.entity.not_in(PUSH_ONLY_ENTITIES),
            log_scope_filter(principal),
            # The newest entry for the row at or below the snapshot's revision: a look-up a row in
            # the (entity, row_id, revision) index. (As NOT EXISTS, PostgreSQL hashed the whole log
            # for every frame, and sorted the frame's rows again after the join.)
            log.c.revision
            == select(func.max(newer.c.revision))
            .where(
                newer.c.entity == log.c.entity,
                newer.c.row_id == log.c.row_id,
                newer.c.revision <= revision,
            )
            .scalar_subquery(),
        )
        .order_by(log.c.revision)
        .limit(limit)
    )
    # Families that came into scope: only theirs (by the family index), still within the scope.
    return query.where(log.c.family_id.in_(sorted(families))) if families else query


def _frames(
    factory: sessionmaker,
    principal: Principal,
    revision: int,
    after: int,
    chunk_rows: int,
    codec: str,
    families: list[str] = (),
):
    """The compressed frames. The next frame's rows are read (on a thread, in its own transaction)
    while this one is compressed: the queries' wait on the database and the compression overlap."""
    writer = framing.FrameWriter(codec)
    parts = _frame_parts(factory, principal, revision, after, chunk_rows, families)
    for header, sections, blob_data in framing.read_ahead(parts, depth=1):
        yield writer.frame(header, sections, blob_data)


def _walk_in_revision_order(s) -> None:
    """Keep PostgreSQL on the log's primary key for this transaction's frame queries.

    A frame must walk the log in revision order and stop at its size. Right after a large push,
    before autovacuum has analysed the log, the planner guesses a window holds one row and picks a
    bitmap scan, which loses the order: every frame's rows were then sorted again, spilling to disk
    (PostgreSQL's CPU for a 1,000-family snapshot 0.8-1.0 s, against 0.35 s on the index). The
    index scan is the right plan whatever the statistics say, so the bitmap scan is ruled out here
    (``SET LOCAL``: this transaction only)."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SET LOCAL enable_bitmapscan = off"))


def _one_of(s, column, values: list[str]):
    """``column IN values``; on PostgreSQL as ``= ANY(array)``, one statement whatever the count.
    A frame names a different number of blobs each time, and an ``IN`` list of each new length was
    a new statement for SQLAlchemy to render and psycopg to convert (a tenth of the server's
    snapshot CPU)."""
    if s.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("values", values, type_=postgresql.ARRAY(Text)))
    return column.in_(values)


def _frame_parts(
    factory: sessionmaker,
    principal: Principal,
    revision: int,
    after: int,
    chunk_rows: int,
    families: list[str] = (),
):
    """Each frame's header, sections and blobs, one round of queries each, in a short transaction
    of its own."""
    from ehdesk.server import ops_metrics

    started = time.perf_counter()
    total = 0
    # The first frames are small so the laptop starts writing at once; later ones full size.
    limit = min(chunk_rows, FIRST_FRAME_ROWS)
    window = limit * WINDOW_PER_ROW
    while True:
        with transaction(factory) as s:
            _walk_in_revision_order(s)
            while True:
                # Families that came into scope are found by the family index: no window needed.
                through = revision if families else min(revision, after + window)
                rows = s.execute(
                    snapshot_query(principal, revision, after, limit + 1, families, through)
                ).all()
                if len(rows) < limit // 2 and through < revision:
                    window *= 2  # sparse here: look further next time
                if rows or through >= revision:
                    break
                after = through  # nothing for this laptop in that stretch of the log
            # Cut at ``limit`` rows: the frame ends at its last row. Else it covers the window.
            cut = len(rows) > limit
            rows = rows[:limit]
            limit = min(chunk_rows, limit * 4)
            window = max(window, limit * WINDOW_PER_ROW)
            blob_ids = [r[2] for r in rows if r[1] == "blob"]
            sizes = (
                dict(s.execute(select(Blob.sha256, Blob.size).where(_one_of(s, Blob.sha256, blob_ids))).all())
                if blob_ids
                else {}
            )
            lines: dict[str, list[str]] = {}
            blob_heads, row_bytes, blob_bytes, upto = [], 0, 0, after
            for i, (rev, entity, row_id, fields) in enumerate(rows):
                if entity == "blob":
                    size = sizes.get(row_id)
                    if size is not None:
                        if blob_heads and blob_bytes + size > FRAME_BLOB_BYTES:
                            cut = True
                            break
                        blob_bytes += size
                        blob_heads.append(row_id)
                else:
                    # [revision, the whole row]: the row's id, family and tombstone are in it already
                    # (sending them twice costs a tenth of the bytes: ids do not compress).
                    line = f"[{rev},{fields}]"
                    lines.setdefault(entity, []).append(line)
                    row_bytes += len(line)
                upto = rev
                if row_bytes >= FRAME_ROW_BYTES and i < len(rows) - 1:
                    cut = True
                    break
            if not cut:
                upto = through  # every revision of the window is covered
            more = upto < revision
            data = {}
            if blob_heads:
                for sha256, media_type, family_id, blob in s.execute(
                    select(Blob.sha256, Blob.media_type, Blob.family_id, Blob.data).where(
                        _one_of(s, Blob.sha256, blob_heads)
                    )
                ):
                    data[sha256] = (media_type, family_id, bytes(blob))
        heads = [[h, data[h][0], data[h][1], len(data[h][2])] for h in blob_heads if h in data]
        header = {"revision": revision, "after": after, "upto": upto, "last": not more, "blobs": heads}
        # One JSON array per table: the laptop hands each to SQLite whole.
        sections = [
            (entity, ("[" + ",".join(rows) + "]").encode(), len(rows)) for entity, rows in lines.items()
        ]
        total += sum(len(rows) for rows in lines.values()) + len(heads)
        yield header, sections, [data[h[0]][2] for h in heads]
        if not more:
            ops_metrics.snapshot_built(total, time.perf_counter() - started)
            return
        after = upto
