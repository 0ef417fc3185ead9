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
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import sessionmaker

from ehdesk.server import snapshot_by_table
from ehdesk.server.authn import authenticate
from ehdesk.server.changelog import head
from ehdesk.server.db import transaction
from ehdesk.server.deps import check_version
from ehdesk.server.models import ChangeLog, Device, ServerAudit
from ehdesk.server.openapi import AUTHENTICATED
from ehdesk.server.scope import PUSH_ONLY_ENTITIES, Principal, log_scope_filter
from ehdesk.server.snapshot_frames import FIRST_FRAME_ROWS, newest_at, pack, walk_by_index
from ehdesk.sync import framing
from ehdesk.sync import protocol as p

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
    # A first sync from a schema-4 laptop comes table by table; a schema-3 laptop's (or a snapshot
    # it began in log order before it was updated), and families that arrive, in log order.
    by_table = body.schema_version >= p.TABLE_ORDER_SCHEMA and not body.families and not body.after
    if wipe:
        frames = _wipe_frame(codec, revision)
    elif by_table:
        frames = _frames(
            codec, snapshot_by_table.frame_parts(factory, principal, revision, body.position, body.chunk_rows)
        )
    else:
        frames = _frames(
            codec, _frame_parts(factory, principal, revision, body.after, body.chunk_rows, body.families)
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
            newest_at(log, revision),
        )
        .order_by(log.c.revision)
        .limit(limit)
    )
    # Families that came into scope: only theirs (by the family index), still within the scope.
    return query.where(log.c.family_id.in_(sorted(families))) if families else query


def _frames(codec: str, parts):
    """The compressed frames. The next frame's rows are read (on a thread, in its own transaction)
    while this one is compressed: the queries' wait on the database and the compression overlap."""
    writer = framing.FrameWriter(codec)
    for header, sections, blob_data in framing.read_ahead(parts, depth=1):
        yield writer.frame(header, sections, blob_data)


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
    limit = min(chunk_rows, FIRST_FRAME_ROWS)
    window = limit * WINDOW_PER_ROW
    while True:
        with transaction(factory) as s:
            walk_by_index(s)
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
            packed = pack(s, rows)
        cut = cut or packed.taken < len(rows)
        upto = rows[packed.taken - 1][0] if cut else through  # else every revision of the window
        more = upto < revision
        header = {
            "revision": revision,
            "after": after,
            "upto": upto,
            "last": not more,
            "blobs": packed.heads(),
        }
        total += packed.count()
        yield header, packed.sections(), packed.blobs()
        if not more:
            ops_metrics.snapshot_built(total, time.perf_counter() - started)
            return
        after = upto
