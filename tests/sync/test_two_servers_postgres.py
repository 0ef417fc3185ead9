"""Two server processes on one PostgreSQL (the way the server scales past one machine): laptops
syncing through either, at the same time, get one consistent, gap-free change log."""

import threading
import uuid

import httpx
import pytest
from sqlalchemy import create_engine, select, text

from ehdesk.models import Family, Person, User
from ehdesk.server.models import ChangeLog, Device
from ehdesk.server.scope import Principal, team_ids_of
from ehdesk.server.snapshot import snapshot_query
from ehdesk.sync.client import Offline
from ehdesk.sync.snapshot import ROWS_KEY
from tests.sync.harness import Laptop, ServerHarness, laptop_tables, server_tables


@pytest.fixture
def two_servers_postgres(postgres_url):
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with create_engine(postgres_url).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    first = ServerHarness(postgres_url, schema)
    first.seed()
    second = ServerHarness(postgres_url, schema)
    first.start()
    second.start()
    yield first, second
    first.close()
    second.close()
    with create_engine(postgres_url).begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def test_two_server_processes_share_one_postgres(two_servers_postgres, tmp_path):
    first, second = two_servers_postgres
    ann = Laptop(tmp_path, "ann", first.base_url, backoff=0.01)
    bob = Laptop(tmp_path, "bob", second.base_url, backoff=0.01)
    try:
        families = {"ann": [ann.add_family(f"A-{i}", members=3) for i in range(15)]}
        families["bob"] = [bob.add_family(f"B-{i}", members=3) for i in range(15)]
        errors = []

        def run(laptop, url):
            try:
                engine = laptop.engine(url)
                engine.push_batch = 7  # many small batches, interleaving on the two servers
                engine.sync()
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [
            threading.Thread(target=run, args=(ann, first.base_url)),
            threading.Thread(target=run, args=(bob, second.base_url)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        ann.sync(second.base_url)
        bob.sync(first.base_url)
        for laptop in (ann, bob):
            assert len(laptop.rows(Family)) == 30
            assert len(laptop.rows(Person)) == 90
        with first.session() as s:
            revisions = list(s.scalars(select(ChangeLog.revision).order_by(ChangeLog.revision)))
        assert revisions == list(range(revisions[0], revisions[0] + len(revisions)))  # no gaps, no repeats
    finally:
        ann.close()
        bob.close()


class Alternating(httpx.BaseTransport):
    """Sends each request to the next of several servers (a load balancer with no stickiness)."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.served: list[tuple[int, str]] = []
        self._inner = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        port = self.ports[len(self.served) % len(self.ports)]
        self.served.append((port, request.url.path))
        request.url = request.url.copy_with(port=port)
        return self._inner.handle_request(request)


def test_two_servers_serve_one_snapshot_while_writes_go_on(two_servers_postgres, tmp_path):
    first, second = two_servers_postgres
    ann = Laptop(tmp_path, "ann", first.base_url, backoff=0.01)
    bob = Laptop(tmp_path, "bob", first.base_url, backoff=0.01, first_sync=False)
    try:
        families = [ann.add_family(f"A-{i}", members=3) for i in range(40)]
        ann.sync()
        stop = threading.Event()
        writes, errors = [], []

        def keep_writing():
            # Ann goes on working (bounded: at most 60 syncs), through either server.
            for i in range(60):
                if stop.is_set():
                    return
                try:
                    ann.edit(Family, families[i % len(families)], notes=f"visit {i}")
                    with ann.store.session() as s:
                        s.add(Person(family_id=families[i % 7], given_name=f"New{i}", family_name="Test"))
                    ann.sync((first, second)[i % 2].base_url)
                    writes.append(i)
                except Exception as exc:  # noqa: BLE001
                    errors.append(exc)
                    return

        writer = threading.Thread(target=keep_writing)
        writer.start()
        transport = Alternating([first.port, second.port])
        engine = bob.engine(transport=transport, sleep=lambda _s: None)
        engine.snapshot_rows = 10
        real_snapshot = engine.client.snapshot

        def dropped_every_two_frames(*args, **kwargs):
            # Each stream drops after two frames; the resume goes to the other server.
            frames = real_snapshot(*args, **kwargs)
            for n, frame in enumerate(frames):
                if n == 2:
                    frames.close()
                    raise Offline("dropped")
                yield frame

        engine.client.snapshot = dropped_every_two_frames
        try:
            summary = engine.sync()
        finally:
            stop.set()
            writer.join(120)
        assert errors == []
        snapshots = [port for port, path in transport.served if path == "/v1/sync/snapshot"]
        assert {first.port, second.port} <= set(snapshots) and len(snapshots) >= 4
        assert summary.snapshot_resumes == len(snapshots) - 1
        assert writes, "Ann's writes went on during the snapshot"
        bob.sync(second.base_url)  # the writes made during the snapshot come by the log
        assert laptop_tables(bob) == server_tables(first, [first.teams["North"]])
        # 0 lost, 0 written twice: the rows written, counted with them, are exactly the rows the
        # snapshot's revision holds in Bob's scope.
        with first.session() as s:
            device = s.get(Device, bob.store.device_id)
            user = s.get(User, device.user_id)
            principal = Principal(device.user_id, device.id, "bob", user.role, team_ids_of(s, user))
            at_revision = s.execute(snapshot_query(principal, summary.snapshot_revision, 0, 10**6)).all()
        assert int(bob.store.get_state(ROWS_KEY)) == summary.snapshot_rows == len(at_revision)
        assert summary.snapshot_revision < int(bob.store.get_state("pull_cursor"))
    finally:
        ann.close()
        bob.close()
