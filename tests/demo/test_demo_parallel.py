"""A large demo is made by several processes (``demo.parallel``): it must tell the same story as
one process would, with an audit chain that verifies, an outbox a first push can send, and a clock
that stays ahead of every change it stamped."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from ehdesk.demo import generate
from ehdesk.models import Base, Family
from ehdesk.models.clock import Stamp
from ehdesk.server.audit_chain import verify
from ehdesk.store import ProfileManager
from tests.conftest import PASSWORD

TODAY = date(2026, 11, 23)
FAMILIES = 150  # three batches
# What differs between two runs of the same story: fresh ids, the wall clock at which rows were
# written, and what is worked out from those (the change stamps, the audit chain's links).
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_WALL_CLOCK = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)?")
_LINK = re.compile(r'"chain_hash": "[0-9a-f]{64}"|"chain_seq": \d+')
_DEVICE = re.compile(r"\([0-9a-f]{8}\)")  # the laptop a signature was taken on, by its device id
_STAMPS = {"client_changed_at", "changed_at", "chain_hash", "chain_seq", "seq"}


def _story(store) -> dict[str, Counter]:
    tables = {}
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name == "sync_state":
                continue
            columns = [c.name for c in table.columns if c.name not in _STAMPS]
            rows = Counter()
            for row in conn.exec_driver_sql(f"SELECT {', '.join(columns)} FROM {table.name}"):
                rows[tuple(_masked(v) for v in row)] += 1
            tables[table.name] = rows
    return tables


def _masked(value):
    if not isinstance(value, str):
        return value
    return _DEVICE.sub("(<device>)", _LINK.sub("<link>", _WALL_CLOCK.sub("<time>", _ID.sub("<id>", value))))


def test_two_processes_tell_the_story_one_process_tells(tmp_path):
    """The same seed made by one process and by two, for workers of the same name on two laptops:
    every table holds the same rows (ids and wall-clock times aside), family by family, signature
    by signature, outbox entry by entry."""
    laptops = [ProfileManager(tmp_path / name) for name in ("one", "two")]
    for laptop in laptops:
        laptop.create("Test Worker", PASSWORD)
    one, two = (laptop.unlock("Test Worker", PASSWORD) for laptop in laptops)
    try:
        generate(one, FAMILIES, seed=3, today=TODAY, workers=1)
        reported: list[int] = []
        generate(two, FAMILIES, seed=3, today=TODAY, workers=2, progress=reported.append)
        assert reported == [50, 100, 150]
        story_one, story_two = _story(one), _story(two)
        assert {t: sum(c.values()) for t, c in story_two.items()} == {
            t: sum(c.values()) for t, c in story_one.items()
        }
        for table in story_one:
            assert story_two[table] == story_one[table], f"{table} differs"
        with two.session() as s:
            assert len(s.scalars(select(Family)).all()) == FAMILIES
    finally:
        one.close()
        two.close()


def test_the_copied_batches_keep_the_audit_chain_and_the_clock(store):
    """Each batch was linked in its own scratch store; in the worker's store the events form one
    unbroken chain (as the server's verifier checks it), the outbox sends each event with its new
    link, and a change made next is stamped after every change the batches made."""
    generate(store, 100, seed=5, today=TODAY, workers=2)
    with store.session() as s:
        checked, breaks = verify(s, store.device_id)
        assert checked > 1000 and breaks == []
        conn = s.connection()
        sent = dict(
            conn.exec_driver_sql(
                "SELECT row_id, json_extract(fields, '$.chain_hash') FROM outbox WHERE entity = 'audit_event'"
            ).all()
        )
        links = dict(conn.exec_driver_sql("SELECT id, chain_hash FROM audit_event").all())
        assert sent == links
        latest = conn.exec_driver_sql("SELECT max(changed_at) FROM outbox").scalar()
        seqs = [r[0] for r in conn.exec_driver_sql("SELECT seq FROM outbox ORDER BY seq")]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    after = Stamp.decode(store.clock.now())
    last = Stamp.decode(latest)
    assert (after.wall_ms, after.counter) > (last.wall_ms, last.counter)


def test_a_batch_that_fails_in_a_worker_stops_the_demo_in_plain_words(store, tmp_path, monkeypatch):
    """A batch that cannot be made in a worker process (here the council pack those processes
    read has gone) stops the demo with one plain sentence naming the families, not a broken process
    pool, and leaves nothing of the batch in the store."""
    from ehdesk.config import settings as settings_module
    from ehdesk.errors import EhdeskError

    settings_module.device_settings()  # this process keeps the pack it has read
    config = tmp_path / "gone.toml"
    config.write_text(f'council_pack = "{tmp_path / "gone" / "pack.json"}"\n', encoding="utf-8")
    monkeypatch.setenv("EHDESK_CONFIG", str(config))  # what the worker processes read
    with pytest.raises(EhdeskError, match=r"The demo could not make families 1 to 50: .*cannot be read"):
        generate(store, 100, seed=5, today=TODAY, workers=2)
    with store.session() as s:
        assert s.scalars(select(Family)).all() == []
