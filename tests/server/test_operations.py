"""What council IT sees of a running server: Prometheus metrics, JSON logs with nothing personal in
them, a readiness check that tells a reachable, migrated database from one that is not, and a
backup restored with pg_restore that serves the same pulls as the original."""

import json
import logging
import shutil
import subprocess
import uuid

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, text

from ehdesk.models import Family
from ehdesk.server.app import build
from ehdesk.server.changelog import head
from ehdesk.server.db import make_engine
from ehdesk.server.ops_metrics import JsonFormatter
from ehdesk.sync.client import SyncClient, SyncRefused
from ehdesk.sync.tokens import load_refresh_token, save_refresh_token
from tests.sync.harness import ServerHarness


def scrape(server) -> dict[tuple[str, tuple], float]:
    body = httpx.get(f"{server.base_url}/metrics").text
    out = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def delta(before, after, name, **labels) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def test_metrics_count_requests_syncs_snapshots_conflicts_and_refusals(server, laptops):
    from ehdesk.casework.blobs import put_blob

    ann, sue = laptops("ann"), laptops("sue")
    family_id = ann.add_family("EH-1", members=2)
    with ann.store.session() as s:
        secret = put_blob(s, b"ann's signature" * 30, "image/png", family_id)
    before = scrape(server)
    ann.sync()
    bob = laptops("bob")  # a first sync: one snapshot
    ann.edit(Family, family_id, notes="Mum prefers mornings")
    bob.edit(Family, family_id, notes="Dad works nights")
    ann.sync()
    bob.sync()  # one conflict
    client = SyncClient(
        server.base_url, device_id=sue.store.device_id, refresh_token=load_refresh_token(sue.store)
    )
    with pytest.raises(SyncRefused):
        client.get_blob(secret)  # another team's signature: refused and counted
    client.close()
    after = scrape(server)
    assert (
        delta(before, after, "ehdesk_requests_total", endpoint="/v1/sync/push", method="POST", status="200")
        >= 3
    )
    assert delta(before, after, "ehdesk_request_seconds_count", endpoint="/v1/sync/snapshot") == 1
    assert delta(before, after, "ehdesk_snapshot_builds_total") == 1
    assert delta(before, after, "ehdesk_push_mutations_total", status="applied") >= 4
    assert delta(before, after, "ehdesk_conflicts_total") == 1
    assert delta(before, after, "ehdesk_refusals_total", action="refused_read") == 1
    assert delta(before, after, "ehdesk_blobs_stored_total") == 1
    assert (
        delta(
            before, after, "ehdesk_requests_total", endpoint="/v1/blobs/{sha256}", method="GET", status="404"
        )
        == 1
    )
    # Labels name endpoints, never a record or a document.
    assert not any(secret in str(key) or family_id in str(key) for key in after)


def test_request_logs_are_json_and_carry_nothing_personal(server, laptops):
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("ehdesk.server.access")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        ann = laptops("ann")
        family_id = ann.add_family("EH-PRIVATE-7", members=1)
        ann.edit(Family, family_id, household_name="Smithson", postcode="LS6 2AB")
        ann.sync()
        laptops("bob")
    finally:
        logger.removeHandler(handler)
    assert len(lines) >= 5
    records = [json.loads(line) for line in lines]
    assert {r["endpoint"] for r in records} >= {"/v1/sync/push", "/v1/sync/snapshot", "/v1/auth/sign-in"}
    assert all(
        set(r) == {"at", "level", "logger", "event", "endpoint", "method", "status", "ms"} for r in records
    )
    text_of_logs = "\n".join(lines)
    for personal in ("EH-PRIVATE-7", "Smithson", "LS6 2AB", family_id, ann.store.device_id, "ann"):
        assert personal not in text_of_logs


def test_readiness_says_reachable_and_migrated_or_why_not(server):
    reply = httpx.get(f"{server.base_url}/v1/health/ready")
    assert reply.status_code == 200
    assert reply.json() == {
        "ok": True,
        "database": "reachable",
        "store_migrated": True,
        "server_migrated": True,
    }
    with server.session() as s:
        s.execute(text("DELETE FROM alembic_version_server"))
    reply = httpx.get(f"{server.base_url}/v1/health/ready")
    assert reply.status_code == 503
    # The migration that is missing is named (docs/operations.md said so; the reply did not).
    assert reply.json() == {
        "ok": False,
        "database": "reachable",
        "store_migrated": True,
        "server_migrated": False,
        "missing": ["s0002_trust"],
    }
    # A version this release has no script for: a newer release migrated the database.
    with server.session() as s:
        s.execute(text("INSERT INTO alembic_version_server (version_num) VALUES ('s9999_newer')"))
    reply = httpx.get(f"{server.base_url}/v1/health/ready")
    assert reply.status_code == 503
    assert reply.json()["missing"] == ["s0002_trust"] and reply.json()["unknown"] == ["s9999_newer"]


def test_readiness_says_unreachable_when_the_database_is_down():
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    with TestClient(build(engine)) as client:
        reply = client.get("/v1/health/ready")
    assert reply.status_code == 503
    assert reply.json()["database"] == "unreachable"


@pytest.mark.postgres
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is part of PostgreSQL's client tools")
def test_backup_restored_with_pg_restore_serves_the_same_pulls(postgres_url, tmp_path):
    """The procedure in docs/operations.md: pg_dump -Fc, pg_restore into a fresh database."""
    from tests.sync.harness import Laptop, drop_server, make_server

    original = make_server("postgres", tmp_path, postgres_url)
    restored_db = f"ehdesk_restore_{uuid.uuid4().hex[:8]}"
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    restored = None
    ann = bob = None
    try:
        ann = Laptop(tmp_path, "ann", original.base_url, backoff=0.01)
        families = [ann.add_family(f"EH-{i}", members=2) for i in range(5)]
        ann.sync()
        ann.edit(Family, families[0], town="Leeds")
        ann.sync()
        bob = Laptop(tmp_path, "bob", original.base_url, backoff=0.01)

        def pulls(url):
            client = SyncClient(
                url,
                device_id=bob.store.device_id,
                refresh_token=load_refresh_token(bob.store),
                on_refresh_token=lambda token: save_refresh_token(bob.store, token),
            )
            try:
                page = client.pull(0, 2000)
                frames = list(client.snapshot(0, 0))
            finally:
                client.close()
            rows = sorted(json.dumps(r, sort_keys=True) for f in frames for r in f.rows())
            return page.model_dump(), rows

        dump = tmp_path / "ehdesk.dump"
        token_in_dump = load_refresh_token(bob.store)
        subprocess.run(
            ["pg_dump", "-Fc", "-n", original.schema, "-f", str(dump), plain], check=True, timeout=120
        )
        at_backup = pulls(original.base_url)
        # Work goes on after the backup: Bob's laptop sees revisions the backup will not have.
        ann.edit(Family, families[2], town="Whitby")
        ann.sync()
        bob.sync()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{restored_db}"'))
        restored_url = plain.rsplit("/", 1)[0] + f"/{restored_db}"
        subprocess.run(["pg_restore", "--no-owner", "-d", restored_url, str(dump)], check=True, timeout=120)
        restored = ServerHarness(postgres_url.rsplit("/", 1)[0] + f"/{restored_db}", original.schema)
        restored.start()
        # Refresh tokens are used once (issue 18): every sync after the dump gave Bob's laptop a
        # token the restored database never issued, so in real life it is signed out and its
        # worker signs in online again (docs/operations.md). Here it holds the token the dump
        # knows, to test what the restored server serves and the cursor that is ahead of it.
        save_refresh_token(bob.store, token_in_dump)
        at_restore = pulls(restored.base_url)
        assert at_restore == at_backup

        # Bob's cursor is ahead of the restored database: he takes a fresh snapshot of it.
        summary = bob.sync(restored.base_url)
        assert summary.snapshot_frames >= 1
        with restored.session() as s:
            assert int(bob.store.get_state("pull_cursor")) == head(s)
        assert bob.get(Family, families[0]).town == "Leeds"
        # And syncing carries on through the restored server.
        with restored.session() as s:
            s.get(Family, families[1]).town = "York"  # as an edit that reached the server would
            from ehdesk.server.changelog import Revisions, log_row

            log_row(s, Revisions(s), s.get(Family, families[1]), ["town"])
        bob.sync(restored.base_url)
        assert bob.get(Family, families[1]).town == "York"
    finally:
        for laptop in (ann, bob):
            if laptop is not None:
                laptop.close()
        if restored is not None:
            restored.close()
        drop_server(original)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)'))
        admin.dispose()
