"""What a bulk first push could not avoid (issue 20: first push <= 1.5x the first pull).

A bulk first push would send a laptop's rows as they stand and store them on the server by
``COPY`` without a change-log copy per row. Some work it could not skip: the laptop reads its
rows, they travel as JSON, the server decodes them and checks every value's kind
(``wire.dict_to_columns``) and each device's audit hash chain (``audit.chain_link``): a server
that cannot be lied to keeps those checks. This bench times each of them per item, on the rows of
a fresh demo store, against the laptop's **write floor** measured in the same run (the same rows
inserted into a fresh SQLCipher store with raw ``executemany`` in one transaction, as
``bench_sync.py`` measures it). The first pull is about 2x that floor (bench_sync.py), so the
target leaves about 3x the floor for the whole first push, the server's ``COPY`` included
(0.5-0.8x the pull, about 1-1.7x the floor, bench_sync.py's PostgreSQL write floor).

Signatures travel here inside their rows, as they are stored; the sync sends them apart as blobs.
That makes the JSON decoding dearer than a real push's; the checks are the same.

    .venv/bin/python bench/bench_push_budget.py --families 300 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import orjson
from sqlalchemy import select

from ehdesk.demo import generate
from ehdesk.models import Base, Synced, model_for_table
from ehdesk.models.audit import chain_link
from ehdesk.models.wire import dict_to_columns, row_to_dict
from ehdesk.store import ProfileManager

PASSWORD = "benchmark password"


def _synced_tables() -> list[tuple[str, type]]:
    found = []
    for table in Base.metadata.sorted_tables:
        try:
            model = model_for_table(table.name)
        except KeyError:
            continue
        if issubclass(model, Synced):
            found.append((table.name, model))
    return found


def one_run(root: Path, families: int) -> dict[str, float]:
    """Seconds per item of each step, and the write floor's, on a fresh demo store."""
    manager = ProfileManager(root)
    manager.create("Laptop", PASSWORD)
    store = manager.unlock("Laptop", PASSWORD)
    generate(store, families, seed=8)
    tables = _synced_tables()
    with store.session() as s:
        connection = s.connection()
        start = time.perf_counter()
        raw = {
            name: [tuple(r) for r in connection.exec_driver_sql(f'SELECT * FROM "{name}"')]
            for name, _ in tables
        }
        read = time.perf_counter() - start
        # The rows as they travel (JSON-ready values), made once through the ORM: not timed.
        as_sent = {name: [row_to_dict(row) for row in s.scalars(select(model))] for name, model in tables}
    store.close()
    items = sum(len(rows) for rows in raw.values())
    events = len(as_sent.get("audit_event", []))

    start = time.perf_counter()
    encoded = {name: orjson.dumps(rows) for name, rows in as_sent.items()}
    encode = time.perf_counter() - start
    start = time.perf_counter()
    decoded = {name: orjson.loads(body) for name, body in encoded.items()}
    decode = time.perf_counter() - start
    start = time.perf_counter()
    for name, model in tables:
        for row in decoded[name]:
            dict_to_columns(model, row)
    kinds = time.perf_counter() - start
    start = time.perf_counter()
    head = ""
    for row in decoded.get("audit_event", []):
        head = chain_link(head, row)
    chain = time.perf_counter() - start

    manager.create("Floor", PASSWORD)
    floor_store = manager.unlock("Floor", PASSWORD)
    with floor_store.session() as s:
        dbapi = s.connection().connection.driver_connection
        cursor = dbapi.cursor()
        for name, _ in tables:  # (the new profile's own few rows: the floor writes into empty tables)
            cursor.execute(f'DELETE FROM "{name}"')
        dbapi.commit()
        start = time.perf_counter()
        cursor.execute("BEGIN")  # one transaction (the driver commits each statement otherwise)
        for name, rows in raw.items():
            if rows:
                cursor.executemany(f'INSERT INTO "{name}" VALUES ({", ".join("?" * len(rows[0]))})', rows)
        dbapi.commit()
        floor = time.perf_counter() - start
    floor_store.close()
    return {
        "items": items,
        "events": events,
        "read": read,
        "encode": encode,
        "decode": decode,
        "kinds": kinds,
        "chain": chain,
        "floor": floor,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("EHDESK_KDF_COST", "minimum")  # unlocking is not what is measured
    runs = []
    for index in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="ehdesk-budget-") as folder:
            runs.append(one_run(Path(folder) / str(index), args.families))
    first = runs[0]
    print(
        f"{args.families} demo families: {first['items']:,} items, {first['events']:,} of them audit events"
    )
    print(f"{'per item':<52} {'min':>9} {'median':>9}")

    def line(label: str, values: list[float], unit: str = "us") -> None:
        if unit == "us":
            shown = [f"{min(values) * 1e6:7.2f}us", f"{statistics.median(values) * 1e6:7.2f}us"]
        else:
            shown = [f"{min(values):8.2f}x", f"{statistics.median(values):8.2f}x"]
        print(f"{label:<52} {shown[0]:>9} {shown[1]:>9}")

    for key, label, per in (
        ("floor", "laptop write floor (raw executemany, one transaction)", "items"),
        ("read", "laptop reads its rows", "items"),
        ("encode", "rows to JSON (orjson)", "items"),
        ("decode", "JSON to rows on the server (orjson)", "items"),
        ("kinds", "each value's kind checked (dict_to_columns)", "items"),
        ("chain", "audit hash chain checked (chain_link), per event", "events"),
    ):
        line(label, [r[key] / r[per] for r in runs])
    line("server's checks / write floor", [(r["kinds"] + r["chain"]) / r["floor"] for r in runs], "x")
    line(
        "read + encode + decode + checks / write floor",
        [(r["read"] + r["encode"] + r["decode"] + r["kinds"] + r["chain"]) / r["floor"] for r in runs],
        "x",
    )
    print("the first pull is about 2x the write floor (bench_sync.py); 1.5x the pull is about 3x the floor")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
