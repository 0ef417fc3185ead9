"""Writing a snapshot's frames into the laptop's store at the speed of the disk.

Frames are written on the raw SQLCipher connection with one ``executemany`` per table (no ORM
objects, no per-row SQL compiling), each together with the snapshot's progress: the revision it is
taken at and the last log position written. Several frames share a transaction, committed every
``commit_rows`` rows (or after ``COMMIT_SECONDS``, so a worker saving meanwhile never waits long):
a commit rewrites every index page the frames touched, and a commit per frame cost 1.7x the time of
one transaction for the lot. A sync cut off anywhere - connection dropped, laptop switched off,
process killed - resumes after the last committed frame, and no frame is ever written twice (the
progress and the rows commit together). The last frame sets the pull cursor to the snapshot's
revision, and the change log carries on from there.

Rows still waiting in the outbox keep their pending fields (the same rebase as a log page)."""

from __future__ import annotations

import gc
import json
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date
from sqlalchemy.dialects import sqlite

from ehdesk.models import model_for_table
from ehdesk.models.types import UTCDateTime, utcnow
from ehdesk.store import Store
from ehdesk.sync.apply import ACKED_KEY, CURSOR_KEY
from ehdesk.sync.framing import Frame, parse_section
from ehdesk.sync.section_rows import SectionShape, newest_stamp, section_rows, section_shape

REVISION_KEY = "snapshot_revision"
AFTER_KEY = "snapshot_after"
# Rows written by snapshots on this laptop, counted in the same transactions as the rows: a frame
# written twice would show here as more rows than the server sent.
ROWS_KEY = "snapshot_rows_written"
# The newest change time among the rows written so far, so the clock can move past them at the end
# without reading every table again (a scan of every table cost a tenth of the first sync).
NEWEST_KEY = "snapshot_newest_change"

# A transaction is committed once it holds this many rows and blobs, or has been open this long.
COMMIT_ROWS = 50_000
COMMIT_SECONDS = 2.0

_DIALECT = sqlite.dialect()
_MISSING = object()


@dataclass
class Committed:
    """What one commit made durable: the frames since the last, and where the snapshot stands."""

    revision: int = 0
    upto: int = 0
    frames: int = 0
    rows: int = 0
    blobs: int = 0


@dataclass
class _Plan:
    """One table's columns and statement, worked out once per table: for rows with fields still
    waiting to be pushed (converted one by one, the ORM's way) and for the table's section shape
    (``section_rows``)."""

    sql: str
    names: list[str]
    converters: list  # per column: None (as is) or a function of the JSON value
    defaults: dict[str, object]  # column -> callable or value, for keys a row does not carry
    update_names: list[str]
    table: str
    id_at: int
    revision_at: int
    deleted_at: int
    changed_at: int  # client_changed_at
    # per column: "time" (ISO text to the stored form), "json" (a value to JSON text), or ""
    kinds: tuple[str, ...] = ()


def _converter(column):
    kind = column.type
    bind = kind.dialect_impl(_DIALECT).bind_processor(_DIALECT)
    if isinstance(kind, UTCDateTime):
        return lambda v: None if v is None else bind(datetime.fromisoformat(v))
    if isinstance(kind, Date):
        return lambda v: None if v is None else bind(date.fromisoformat(v))
    if isinstance(kind, JSON):
        return bind  # as the ORM would store it
    if bind is None:
        return None
    return lambda v: None if v is None else bind(v)


def _plan(model) -> _Plan:
    table = model.__table__
    columns = list(table.columns)
    names = [c.name for c in columns]
    defaults = {}
    for c in columns:
        if c.default is not None:
            defaults[c.name] = c.default.arg if c.default.is_scalar else (lambda fn=c.default.arg: fn(None))
        else:
            defaults[c.name] = None
    update_names = [n for n in names if n not in ("id", "created_at")]
    quoted = ", ".join(f'"{n}"' for n in names)
    sets = ", ".join(f'"{n}" = excluded."{n}"' for n in update_names)
    sql = (
        f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" for _ in names)}) '
        f'ON CONFLICT("id") DO UPDATE SET {sets}'
    )
    return _Plan(
        sql,
        names,
        [_converter(c) for c in columns],
        defaults,
        update_names,
        table.name,
        names.index("id"),
        names.index("server_revision"),
        names.index("deleted"),
        names.index("client_changed_at"),
        tuple(
            "time" if isinstance(c.type, UTCDateTime) else "json" if isinstance(c.type, JSON) else ""
            for c in columns
        ),
    )


class SnapshotWriter:
    """``arrival``: the snapshot of families that came into the worker's scope, taken during an
    incremental pull. Its frames carry rows only: the pull cursor and the first sync's progress
    are not touched (cut off part-way, the next pull names the same families again, and the
    rows written so far are written again, in place).

    ``apply`` writes a frame into the open transaction (beginning one if none is) and commits when
    it holds ``commit_rows`` rows and blobs, has been open ``COMMIT_SECONDS``, or the frame is the
    last; ``take_committed`` then says what became durable. ``flush`` commits the whole frames
    written so far (the stream stopped early); ``abandon`` rolls them back."""

    def __init__(self, store: Store, arrival: bool = False, commit_rows: int = COMMIT_ROWS) -> None:
        self.store = store
        self.arrival = arrival
        self.commit_rows = commit_rows
        self._plans: dict[str, _Plan | None] = {}
        self._shapes: dict[str, SectionShape] = {}
        # Rows the server does not send created_at and updated_at for take this writer's start:
        # the row shapes hold it as their default, made once.
        self._now = utcnow()
        self._raw: Any = None  # the pool's connection, held from the first frame to the last
        self._cache = 0
        self._began = 0.0
        self._open = Committed()
        self._committed: Committed | None = None
        # The newest change time written by this writer (and, for a first sync, by the frames
        # committed before a cut); the clock observes it after the last frame.
        self._newest = ""
        self._scan = False  # resumed from progress that did not record it: read the tables

    def _plan_for(self, entity: str) -> _Plan | None:
        if entity not in self._plans:
            try:
                self._plans[entity] = _plan(model_for_table(entity))
            except KeyError:
                self._plans[entity] = None  # a table from a newer server: nowhere to put it
        return self._plans[entity]

    def _shape_for(self, plan: _Plan) -> SectionShape:
        shape = self._shapes.get(plan.table)
        if shape is None:
            missing = _bound_defaults(plan, self._now)
            shape = section_shape(plan.table, plan.names, plan.kinds, plan.update_names, missing)
            self._shapes[plan.table] = shape
        return shape

    def apply(self, frame: Frame) -> int:
        """Write one frame (its rows and the snapshot's progress) into the open transaction, and
        commit when it is time. Returns the frame's rows written."""
        conn = self._begin()
        try:
            written = self._write(conn, frame)
        except BaseException:
            self.abandon()
            raise
        group = self._open
        group.frames += 1
        group.rows += written
        group.blobs += len(frame.blobs)
        group.revision, group.upto = frame.header["revision"], frame.header["upto"]
        due = group.rows + group.blobs >= self.commit_rows or time.monotonic() - self._began >= COMMIT_SECONDS
        if frame.last or due:
            self._commit()
            if frame.last:
                self._end()
                self.observe_clock()
        return written

    def take_committed(self) -> Committed | None:
        """What the last commit made durable, once (None when nothing was committed since)."""
        committed, self._committed = self._committed, None
        return committed

    def flush(self) -> None:
        """Commit the frames written so far (each is whole: a frame that failed part-way was
        rolled back by ``apply``), and give the connection back. Called when the stream stops
        early, so a connection that drops every few frames still moves the snapshot on, and when
        it ends."""
        if self._raw is not None:
            if self._raw.driver_connection.in_transaction:
                self._commit()
            self._end()

    def abandon(self) -> None:
        """Roll back the frames not yet committed; nothing of them stays."""
        if self._raw is not None:
            try:
                conn = self._raw.driver_connection
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            finally:
                self._end()

    def _begin(self):
        if self._raw is None:
            raw = self.store.engine.raw_connection()
            conn = raw.driver_connection
            # A frame can always be fetched again, so its commit need not wait for the disk to
            # confirm (WAL keeps it all-or-nothing either way); the worker's own edits keep FULL.
            conn.execute("PRAGMA synchronous = NORMAL")
            # A frame touches thousands of pages (rows and their indexes): a cache that holds them
            # all spares SQLCipher writing and re-reading pages before the commit.
            (self._cache,) = conn.execute("PRAGMA cache_size").fetchone()
            conn.execute("PRAGMA cache_size = -65536")
            self._raw = raw
        conn = self._raw.driver_connection
        if not conn.in_transaction:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except BaseException:
                self._end()
                raise
            self._began, self._open = time.monotonic(), Committed()
        return conn

    def _commit(self) -> None:
        """Commit the open transaction, keeping the connection (and the index pages in its cache)
        for the next frames: given back to the pool between commits, it came back emptied or not
        at all (the pool hands out its connections in turn), and every commit group read and
        decrypted the same index pages again. Given back by ``flush``, ``abandon`` or the last
        frame."""
        try:
            self._raw.driver_connection.execute("COMMIT")
        except BaseException:
            self.abandon()
            raise
        self._committed = self._open

    def _end(self) -> None:
        raw, self._raw = self._raw, None
        try:
            conn = raw.driver_connection
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute(f"PRAGMA cache_size = {int(self._cache)}")
        finally:
            raw.close()

    def observe_clock(self) -> None:
        """Move this laptop's clock past every change time it received (once, at the end)."""
        if not self._scan:
            if self._newest:
                self.store.clock.observe(self._newest)
            return
        # A first sync begun by the previous release: one scan a table.
        raw = self.store.engine.raw_connection()
        try:
            conn = raw.driver_connection
            for plan in self._plans_by_table().values():
                (newest,) = conn.execute(f'SELECT max(client_changed_at) FROM "{plan.table}"').fetchone()
                if newest:
                    self.store.clock.observe(newest)
        finally:
            raw.close()

    def _pending_fields(self, conn) -> dict[tuple[str, str], set[str]]:
        """Read inside each frame's transaction: the worker may be typing while the sync runs."""
        acked = conn.execute("SELECT value FROM sync_state WHERE key = ?", (ACKED_KEY,)).fetchone()
        pending: dict[tuple[str, str], set[str]] = defaultdict(set)
        for entity, row_id, fields in conn.execute(
            "SELECT entity, row_id, fields FROM outbox WHERE seq > ?", (int(acked[0]) if acked else 0,)
        ):
            pending[(entity, row_id)].update(json.loads(fields))
        return pending

    def _write(self, conn, frame: Frame) -> int:
        pending = self._pending_fields(conn)
        pending_tables = {entity for entity, _ in pending}
        now = utcnow()
        written = 0
        newest = ""
        for table, text, count in frame.sections:
            plan = self._plan_for(table)
            if plan is None:
                continue
            if table in pending_tables:
                # Some rows here have fields waiting to be pushed: the careful, per-row way.
                count, stamp = self._write_rows(conn, plan, parse_section(text), pending, now)
                written += count
                newest = max(newest, stamp)
                continue
            shape = self._shape_for(plan)
            prepared = frame.prepared.get(table) if frame.prepared else None
            if prepared is None:
                prepared = section_rows(shape, text)
            # Ready-made tuples, one prepared statement for the table's whole section.
            conn.executemany(shape.sql, prepared)
            written += count
            newest = max(newest, newest_stamp(prepared, shape.changed_at))
        if frame.blobs:
            created = _bind_now(now)
            conn.executemany(
                "INSERT OR IGNORE INTO blob (sha256, family_id, media_type, size, data, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(h, f, m, len(d), d, created) for h, (d, m, f) in frame.blobs.items()],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO blob_on_server (sha256) VALUES (?)", [(h,) for h in frame.blobs]
            )
        self._newest = max(self._newest, newest)
        if self.arrival:
            return written
        header = frame.header
        state = {ROWS_KEY: str(_read_int(conn, ROWS_KEY) + written + len(frame.blobs))}
        progress = dict(
            conn.execute("SELECT key, value FROM sync_state WHERE key IN (?, ?)", (REVISION_KEY, NEWEST_KEY))
        )
        if NEWEST_KEY in progress:
            self._newest = max(self._newest, progress[NEWEST_KEY])
        elif REVISION_KEY in progress:
            self._scan = True  # frames written before a cut, by a release that did not record this
        if frame.last:
            state[CURSOR_KEY] = str(header["revision"])
            conn.execute(
                "DELETE FROM sync_state WHERE key IN (?, ?, ?)", (REVISION_KEY, AFTER_KEY, NEWEST_KEY)
            )
        else:
            state[REVISION_KEY] = str(header["revision"])
            state[AFTER_KEY] = str(header["upto"])
            state[NEWEST_KEY] = self._newest
        conn.executemany(
            "INSERT INTO sync_state (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            list(state.items()),
        )
        return written

    def _write_rows(self, conn, plan: _Plan, rows: list, pending, now: datetime) -> tuple[int, str]:
        missing = _bound_defaults(plan, now)
        plain, rebased = [], []
        for revision, fields in rows:
            row_id, deleted = fields["id"], bool(fields.get("deleted"))
            values = []
            for name, convert in zip(plan.names, plan.converters, strict=True):
                value = fields.get(name, _MISSING)
                if value is _MISSING:
                    value = missing.get(name)
                elif convert is not None:
                    value = convert(value)
                values.append(value)
            values[plan.revision_at] = revision  # the log entry's, not the row's field
            keep = None if deleted else pending.get((plan.table, row_id))
            if keep:
                rebased.append((tuple(values), keep))
            else:
                plain.append(tuple(values))
        conn.executemany(plan.sql, plain)
        for row, keep in rebased:
            _upsert_keeping(conn, plan, row, keep)
        return len(rows), newest_stamp([*plain, *(row for row, _ in rebased)], plan.changed_at)

    def prepare(self, frame: Frame) -> Frame:
        """Turn a frame's sections into parameter tuples, ahead of writing it (on the thread that
        reads the frames, so this overlaps the previous frame's writes)."""
        prepared = {}
        with collector_paused():
            for table, text, _ in frame.sections:
                plan = self._plan_for(table)
                if plan is not None:
                    prepared[table] = section_rows(self._shape_for(plan), text)
        frame.prepared = prepared
        return frame

    def _plans_by_table(self) -> dict[str, _Plan]:
        return {plan.table: plan for plan in self._plans.values() if plan is not None}


@contextmanager
def collector_paused():
    """A section turns into tens of thousands of parameter tuples (and, for rows with fields waiting
    to be pushed, dicts); the cyclic collector would run every 700 of them, now and then over the
    whole heap, to find nothing (they hold no cycles): a third of the time of turning a frame into
    tuples. Paused meanwhile (the sync engine pauses it for a whole snapshot; nested, this
    leaves it as it found it)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _bound_defaults(plan: _Plan, now: datetime) -> dict[str, object]:
    """Column defaults for keys a row does not carry (the server never sends created_at and
    updated_at), bound the ORM's way: one "now" for the whole frame."""
    out = {}
    for name, default in plan.defaults.items():
        if name == "id":
            continue  # always carried (and its default would draw a random id for nothing)
        value = default() if callable(default) else default
        if isinstance(value, datetime):
            value = _bind_now(now)
        elif isinstance(value, dict | list):
            value = json.dumps(value)
        elif isinstance(value, bool):
            value = int(value)
        out[name] = value
    return out


_DATETIME_BIND = UTCDateTime().dialect_impl(_DIALECT).bind_processor(_DIALECT)


def _bind_now(value: datetime):
    assert _DATETIME_BIND is not None  # UTCDateTime converts every datetime it binds
    return _DATETIME_BIND(value)


def _read_int(conn, key: str) -> int:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row and row[0] else 0


def _upsert_keeping(conn, plan: _Plan, row: tuple, keep: set[str]) -> None:
    """A row with fields still waiting to be pushed: the server's values land, except those."""
    names = [n for n in plan.update_names if n not in keep]
    quoted = ", ".join(f'"{n}"' for n in plan.names)
    sets = ", ".join(f'"{n}" = excluded."{n}"' for n in names)
    conn.execute(
        f'INSERT INTO "{plan.table}" ({quoted}) VALUES ({", ".join("?" for _ in plan.names)}) '
        f'ON CONFLICT("id") DO UPDATE SET {sets}',
        row,
    )


def snapshot_progress(store: Store) -> tuple[int, int]:
    """(revision, after) of a snapshot cut off part-way, or (0, 0)."""
    return int(store.get_state(REVISION_KEY, "0") or 0), int(store.get_state(AFTER_KEY, "0") or 0)
