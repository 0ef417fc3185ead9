"""A large demo made by several processes: each batch of families is made, through the same
casework operations and rules, in a scratch store in a worker process, and its rows are copied into
the profile's store in batch order, one transaction per batch, with raw ``executemany``.

Why: the operations are pure Python, so one process uses one core; 10,000 families took about
2.6 minutes in one. A batch draws from its own random stream (``demo.batch_rng``) and reads only
what it made and the team's staff, so it tells the same story in a scratch store as in the real one
(``tests/demo/test_demo_parallel.py`` compares the two, table by table).

What the copy has to put right, because the batches are made side by side:
- the audit hash chain: each scratch links its events from its own head, so the copy links them
  again, in order, onto the store's chain (the event rows and their outbox entries);
- the outbox's sequence numbers: the store numbers the entries as they are copied in;
- the change clock: the store's clock moves past every stamp the batches made.

The scratch stores are SQLite in memory in the worker processes: nothing reaches a disk but the
profile's own encrypted store."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import create_engine, event
from sqlalchemy.pool import StaticPool

from ehdesk.casework import audit
from ehdesk.demo.page_cache import large_page_cache
from ehdesk.errors import EhdeskError
from ehdesk.models import Base, SyncState
from ehdesk.models.audit import chain_link
from ehdesk.store import Store
from ehdesk.store.bulk import bulk_writes
from ehdesk.store.profile_info import ProfileInfo

# Below this many families one process is quicker: starting a worker (a fresh interpreter that
# imports the casework code) costs about a second.
PARALLEL_FROM = 1_000
# Batches made ahead of the copy, per worker: enough to keep every worker busy, few enough that
# the rows waiting stay a few megabytes.
AHEAD = 2
# The rows a batch reads but does not make: the team's staff, copied into each scratch store.
STAFF_TABLES = ("team", "user_account")
# Kept by each store for itself, never copied.
OWN_TABLES = ("sync_state",)


def workers_for(families: int) -> int:
    """One process per core this process may use, up to 4, for a demo large enough to gain."""
    if families < PARALLEL_FROM:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 4))


@dataclass
class TableRows:
    name: str
    columns: list[str]
    rows: list[list]


# ---- in the worker process -------------------------------------------------------------------

_scratch: Store | None = None


def _memory_engine():
    engine = create_engine(
        "sqlite+pysqlite://",
        module=sqlcipher,
        poolclass=StaticPool,
        creator=lambda: sqlcipher.connect(":memory:", check_same_thread=False),
    )

    @event.listens_for(engine, "connect")
    def _setup(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # transactions begin where SQLAlchemy says (below)
        dbapi_conn.execute("PRAGMA foreign_keys = ON")
        dbapi_conn.execute("PRAGMA temp_store = MEMORY")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")

    return engine


def _end_with_the_parent() -> None:
    """A worker whose parent is gone (killed, or ended without shutting the pool) would otherwise
    finish its batch and wait forever to hand it back, holding a core."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="ehdesk-demo-parent-watch", daemon=True).start()


def _start_worker(profile: ProfileInfo, device_id: str, clock_last: str, staff: list[TableRows]) -> None:
    """A scratch store that reads as the profile's own: the same device, family worker and team."""
    global _scratch
    _end_with_the_parent()
    engine = _memory_engine()
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        for table in staff:
            _insert(conn, table)
        conn.execute(
            SyncState.__table__.insert(),
            [
                {"key": "device_id", "value": device_id},
                {"key": "profile_id", "value": profile.id},
                {"key": "hlc_last", "value": clock_last},
            ],
        )
    _scratch = Store(profile, engine)


def _make_in_scratch(seed: int, today: date, first: int, size: int) -> list[TableRows]:
    from ehdesk.config.pack import current_pack
    from ehdesk.demo import make_batch

    store = _scratch
    assert store is not None, "the worker process was not started"
    staff_before = _read(store, STAFF_TABLES)
    try:
        with store.session() as session, bulk_writes(session, store):
            make_batch(
                session, current_pack(), today, (store.worker_id, store.profile.name), seed, first, size
            )
    except Exception as exc:
        # Handed back to the process that called ``generate`` as plain text: not every exception
        # can be pickled back whole, and one that cannot would read as a broken process pool.
        raise EhdeskError(
            f"The demo could not make families {first + 1} to {first + size}: {type(exc).__name__}: {exc}"
        ) from None
    if _read(store, STAFF_TABLES) != staff_before:
        raise EhdeskError("A demo batch changed the team's staff, which every batch shares.")
    copied = [t.name for t in Base.metadata.sorted_tables if t.name not in STAFF_TABLES + OWN_TABLES]
    made = _read(store, copied)
    with store.engine.begin() as conn:  # empty again for the next batch (the staff stay)
        for name in reversed(copied):
            conn.exec_driver_sql(f"DELETE FROM {name}")
    return [t for t in made if t.rows]


def _read(store: Store, names) -> list[TableRows]:
    tables = []
    with store.engine.connect() as conn:
        for name in names:
            columns = [c.name for c in Base.metadata.tables[name].columns]
            if name == "outbox":
                columns.remove("seq")  # the store numbers its entries as they arrive
                order = " ORDER BY seq"
            elif name == "audit_event":
                order = " ORDER BY chain_seq"
            else:
                order = " ORDER BY rowid"
            rows = conn.exec_driver_sql(f"SELECT {', '.join(columns)} FROM {name}{order}").fetchall()
            tables.append(TableRows(name, columns, [list(r) for r in rows]))
    return tables


# ---- in the process that called ``generate``, which holds the profile's store --------------


def _insert(conn, table: TableRows) -> None:
    # A signature drawn in two batches is one blob: the store keeps the first.
    verb = "INSERT OR IGNORE" if table.name in ("blob", "blob_on_server") else "INSERT"
    marks = ", ".join("?" for _ in table.columns)
    sql = f"{verb} INTO {table.name} ({', '.join(table.columns)}) VALUES ({marks})"
    conn.exec_driver_sql(sql, [tuple(r) for r in table.rows])


class _Chain:
    """The store's audit chain for this device, carried on across the batches copied in."""

    def __init__(self, store: Store) -> None:
        with store.session() as session:
            self.seq, self.hash = audit.chain_head(session, store.device_id)
        self.device_id = store.device_id

    def relink(self, tables: dict[str, TableRows]) -> None:
        """Link the batch's events onto the chain, in the order they were made: each event's
        ``chain_seq`` and ``chain_hash``, in its row and in the fields its outbox entry sends."""
        events = tables.get("audit_event")
        if events is None:
            return
        outbox = tables["outbox"]
        entity, row_id, fields_at = (outbox.columns.index(c) for c in ("entity", "row_id", "fields"))
        sent = {row[row_id]: row for row in outbox.rows if row[entity] == "audit_event"}
        event_id, device, seq_at, hash_at = (
            events.columns.index(c) for c in ("id", "device_id", "chain_seq", "chain_hash")
        )
        for row in events.rows:
            if row[device] != self.device_id:
                raise EhdeskError("A demo batch recorded an audit event for another laptop.")
            entry = sent[row[event_id]]
            fields = json.loads(entry[fields_at])
            self.seq += 1
            fields["chain_seq"] = self.seq
            self.hash = fields["chain_hash"] = chain_link(self.hash, fields)
            entry[fields_at] = json.dumps(fields)
            row[seq_at], row[hash_at] = self.seq, self.hash


def _copy(store: Store, conn, made: list[TableRows], chain: _Chain) -> None:
    tables = {t.name: t for t in made}
    chain.relink(tables)
    with conn.begin():
        for table in Base.metadata.sorted_tables:
            if table.name in tables:
                _insert(conn, tables[table.name])
    outbox = tables.get("outbox")
    if outbox is not None:
        at = outbox.columns.index("changed_at")
        store.clock.observe(max(row[at] for row in outbox.rows))


def make_batches(
    store: Store,
    batches: list[tuple[int, int]],
    seed: int,
    today: date,
    workers: int,
    progress: Callable[[int], None] | None,
) -> None:
    """Make ``batches`` ((first family, how many)) in ``workers`` processes and copy each into
    ``store`` in order. A batch that fails stops the rest; the batches before it stay, as they do
    when one process makes them."""
    staff = _read(store, STAFF_TABLES)
    chain = _Chain(store)
    # A fresh interpreter, not a fork: the app may have threads (a fork copies their locks held).
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(store.profile, store.device_id, store.clock.now(), staff),
    )
    try:
        with store.engine.connect() as conn, large_page_cache(conn):
            _copy_as_made(store, conn, pool, batches, seed, today, workers, chain, progress)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _copy_as_made(store, conn, pool, batches, seed, today, workers, chain, progress) -> None:
    """Keep ``workers * AHEAD`` batches in the making; copy each into the store in order."""
    waiting: deque[tuple[int, int, Future]] = deque()
    ahead = iter(batches)
    for first, size in ahead:
        waiting.append((first, size, pool.submit(_make_in_scratch, seed, today, first, size)))
        if len(waiting) >= workers * AHEAD:
            break
    while waiting:
        first, size, future = waiting.popleft()
        made = future.result()
        following = next(ahead, None)
        if following is not None:
            waiting.append((*following, pool.submit(_make_in_scratch, seed, today, *following)))
        _copy(store, conn, made, chain)
        if progress:
            progress(first + size)
