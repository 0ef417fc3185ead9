"""Sync figures (issue 8), on a real server (uvicorn on loopback) and real encrypted laptop stores:

- first sync of N demo families onto a second laptop (target <= 60 s for 10,000)
- one changed field end to end: round trips and bytes on the wire (target <= 2 KB)
- bytes per changed field, over 100 single-field edits
- server push throughput (mutations/s), on PostgreSQL with --database-url or
  EHDESK_TEST_DATABASE_URL (each run uses a throwaway schema), else on SQLite

Run from the repository root: .venv/bin/python bench/bench_sync.py [--families 10000]
Laptop stores use the argon2 floor (EHDESK_KDF_COST=minimum): unlock cost is not measured here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("EHDESK_KDF_COST", "minimum")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import keyring  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402

from ehdesk.demo import generate  # noqa: E402
from ehdesk.models import Family, OutboxEntry  # noqa: E402
from tests.conftest import MemoryKeyring  # noqa: E402
from tests.sync.harness import CuttingProxy, Laptop, ServerHarness  # noqa: E402


def one_connection_per_request() -> httpx.HTTPTransport:
    return httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))


def measured_sync(laptop: Laptop, proxy: CuttingProxy, **options) -> tuple[int, int, int]:
    """(round trips, bytes up, bytes down) of one sync, with the access token already held."""
    engine = laptop.engine(proxy.url, transport=one_connection_per_request(), **options)
    engine.client._renew()  # a running app holds a token for 15 minutes; do not count renewing it
    time.sleep(0.2)  # let the proxy finish counting the renewal before the snapshot
    before = (proxy.connections, proxy.bytes_up, proxy.bytes_down)
    engine.sync()
    engine.client.close()
    time.sleep(0.05)  # let the proxy threads finish counting
    return proxy.connections - before[0], proxy.bytes_up - before[1], proxy.bytes_down - before[2]


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/v1/health").status_code == 200:
                return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start") from None
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("EHDESK_TEST_DATABASE_URL"))
    parser.add_argument("--pull-page", type=int, default=1000)
    parser.add_argument("--push-batch", type=int, default=200)
    args = parser.parse_args()
    keyring.set_keyring(MemoryKeyring())

    root = Path(tempfile.mkdtemp(prefix="ehdesk-bench-sync-"))
    schema = None
    if args.database_url:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with create_engine(args.database_url).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        server = ServerHarness(args.database_url, schema)
        where = "PostgreSQL"
    else:
        server = ServerHarness(f"sqlite:///{root / 'server.db'}")
        where = "SQLite"
    server.seed()
    # The server in its own process, as deployed (and so it does not share the laptop's GIL).
    command = [
        sys.executable,
        "-m",
        "ehdesk.server.cli",
        "--database-url",
        server.url,
        "--port",
        str(server.port),
    ]
    env = dict(os.environ)
    if schema:
        env["PGOPTIONS"] = f"-csearch_path={schema}"
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_up(server.base_url)
    proxy = CuttingProxy(server.port)
    print(f"server database: {where}; {args.families} demo families")
    try:
        ann = Laptop(root, "ann", server.base_url)
        bob = Laptop(root, "bob", server.base_url)

        start = time.perf_counter()
        generate(ann.store, args.families, seed=8)
        with ann.store.session() as s:
            mutations = s.scalar(select(func.count()).select_from(OutboxEntry))
        print(f"demo data on laptop A: {time.perf_counter() - start:.1f} s ({mutations} outbox mutations)")

        start = time.perf_counter()
        engine = ann.engine()
        engine.push_batch = args.push_batch
        engine._push(__import__("ehdesk.sync.engine", fromlist=["SyncSummary"]).SyncSummary())
        seconds = time.perf_counter() - start
        print(
            f"server push throughput ({where}): {mutations / seconds:,.0f} mutations/s "
            f"({mutations} in {seconds:.1f} s, batches of {args.push_batch}, client time included)"
        )
        ann.sync()

        start = time.perf_counter()
        engine = bob.engine()
        engine.pull_page = args.pull_page
        summary = engine.sync()
        seconds = time.perf_counter() - start
        print(
            f"first sync of {args.families} families onto laptop B: {seconds:.1f} s "
            f"({summary.pulled} rows, {summary.blobs_received} blobs; target <= 60 s for 10,000)"
        )

        with ann.store.session() as s:
            family_ids = list(s.scalars(select(Family.id).order_by(Family.reference).limit(101)))
        ann.edit(Family, family_ids[0], town="Changed town")
        trips_a, up_a, down_a = measured_sync(ann, proxy)
        trips_b, up_b, down_b = measured_sync(bob, proxy)
        assert bob.get(Family, family_ids[0]).town == "Changed town"
        total = up_a + down_a + up_b + down_b
        print(
            f"one changed field end to end: laptop A {trips_a} round trips ({up_a} B up, {down_a} B down), "
            f"laptop B {trips_b} round trip(s) ({up_b} B up, {down_b} B down); "
            f"{total} bytes on the wire in all (target <= 2 KB)"
        )

        for i, family_id in enumerate(family_ids[1:], start=1):
            ann.edit(Family, family_id, postcode=f"AB{i} 1CD")
        trips_a, up_a, down_a = measured_sync(ann, proxy)
        trips_b, up_b, down_b = measured_sync(bob, proxy)
        edits = len(family_ids) - 1
        print(
            f"bytes per changed field ({edits} edits, one field each, synced A->server->B): "
            f"{(up_a + down_a + up_b + down_b) / edits:.0f} B ({trips_a}+{trips_b} round trips)"
        )
        ann.close()
        bob.close()
    finally:
        proxy.close()
        process.terminate()
        process.wait(10)
        server.close()
        if schema:
            with create_engine(args.database_url).begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
