"""Two server processes on one PostgreSQL (the way the server scales past one machine): laptops
syncing through either, at the same time, get one consistent, gap-free change log."""

import threading
import uuid

import pytest
from sqlalchemy import create_engine, select, text

from ehdesk.models import Family, Person
from ehdesk.server.models import ChangeLog
from tests.sync.harness import Laptop, ServerHarness


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
