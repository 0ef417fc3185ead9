"""The snapshot first sync: a laptop with no cursor receives its scope's current rows at one
revision, in frames, and ends identical to the server; cut off anywhere (connection dropped,
process killed, server crashed) it resumes after the last whole frame, losing nothing and writing
nothing twice. A laptop of the previous release still syncs by replaying the log."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from ehdesk.casework.blobs import put_blob
from ehdesk.models import Family, Person
from ehdesk.server import snapshot as server_snapshot
from ehdesk.server.changelog import head
from ehdesk.server.models import ChangeLog
from ehdesk.sync.snapshot import AFTER_KEY, REVISION_KEY, ROWS_KEY
from tests.sync.harness import PASSWORD, CuttingProxy, laptop_tables, server_tables


def no_keepalive():
    return httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))


def make_caseload(ann, families: int = 12, members: int = 3, blobs_every: int = 3) -> list[str]:
    """Ann's families, edited after their first sync (so the log holds several entries for some
    rows), one member deleted, and a signature for every third family."""
    ids = [ann.add_family(f"EH-{i}", members=members) for i in range(families)]
    with ann.store.session() as s:
        for i, family_id in enumerate(ids):
            if i % blobs_every == 0:
                put_blob(s, f"signature {i}".encode() * 50, "image/png", family_id)
    ann.sync()
    for family_id in ids[::2]:
        ann.edit(Family, family_id, town="Leeds", notes="Moved to a new flat")
    doomed = ann.rows(Person, Person.family_id == ids[1])[0]
    ann.edit(Person, doomed.id, deleted=True)
    ann.sync()
    return ids


def rows_in_scope(laptop) -> int:
    tables = laptop_tables(laptop)
    return sum(count for count, _ in tables.values())


def north(server) -> list[str]:
    return [server.teams["North"]]


def test_first_sync_is_a_snapshot_and_the_laptop_ends_identical_to_the_server(server, laptops, tmp_path):
    ann = laptops("ann")
    families = make_caseload(ann)
    bob = laptops("bob", first_sync=False)
    engine = bob.engine()
    engine.snapshot_rows = 10  # several frames
    summary = engine.sync()
    assert summary.snapshot_frames >= 5 and summary.snapshot_resumes == 0
    assert laptop_tables(bob) == server_tables(server, north(server))
    assert len(bob.rows(Person, Person.family_id == families[0])) == 3
    assert bob.get(Family, families[0]).town == "Leeds"
    assert laptop_tables(bob)["blob"][0] == 4  # the signatures came in the frames
    with server.session() as s:
        assert int(bob.store.get_state("pull_cursor")) == head(s)
    # Every row written once: the counter kept with the rows equals the rows there are.
    assert int(bob.store.get_state(ROWS_KEY)) == rows_in_scope(bob)
    assert bob.store.get_state(REVISION_KEY) == ""
    assert summary.pulled == rows_in_scope(bob) - 4
    # Afterwards the log carries on: one edit arrives by an incremental pull, not a snapshot.
    ann.edit(Family, families[3], postcode="LS2 7AA")
    ann.sync()
    later = bob.sync()
    assert later.snapshot_frames == 0 and later.pulled == 1
    assert bob.get(Family, families[3]).postcode == "LS2 7AA"
    # A South worker's snapshot holds no North family.
    sue = laptops("sue")
    assert sue.rows(Family) == []


def test_connection_cut_mid_snapshot_resumes_after_the_last_whole_frame(server, laptops):
    ann = laptops("ann")
    make_caseload(ann, families=30)
    bob = laptops("bob", first_sync=False)
    proxy = CuttingProxy(server.port)
    try:
        # Connection 1 renews the token; the snapshot streams on 2, 3 and 4 are cut part-way.
        proxy.arm(after_bytes=800, times=3, skip=1)
        engine = bob.engine(proxy.url, transport=no_keepalive())
        engine.snapshot_rows = 8
        summary = engine.sync()
    finally:
        proxy.close()
    assert proxy.cuts == 3
    assert summary.snapshot_resumes == 3
    assert laptop_tables(bob) == server_tables(server, north(server))
    assert int(bob.store.get_state(ROWS_KEY)) == rows_in_scope(bob)  # 0 lost, 0 written twice
    print(f"cuts={proxy.cuts} resumes={summary.snapshot_resumes} frames={summary.snapshot_frames}")


def test_server_crashing_mid_snapshot_is_resumed_against_the_restarted_server(server, laptops, monkeypatch):
    ann = laptops("ann")
    make_caseload(ann)
    bob = laptops("bob", first_sync=False)
    real_frames = server_snapshot._frames
    served = {"frames": 0}

    def crash_after_three(*args):
        for frame in real_frames(*args):
            served["frames"] += 1
            if served["frames"] == 3:
                raise SystemError("server process killed mid-snapshot")
            yield frame

    monkeypatch.setattr(server_snapshot, "_frames", crash_after_three)
    restarts = []

    def restart_instead_of_waiting(seconds):
        restarts.append(seconds)
        server.restart()

    engine = bob.engine(sleep=restart_instead_of_waiting)
    engine.snapshot_rows = 8
    summary = engine.sync()
    assert len(restarts) == 1 and summary.snapshot_resumes == 1
    assert laptop_tables(bob) == server_tables(server, north(server))
    assert int(bob.store.get_state(ROWS_KEY)) == rows_in_scope(bob)


def test_laptop_stopped_mid_snapshot_keeps_its_whole_frames(server, laptops, monkeypatch):
    from ehdesk.sync import snapshot as client_snapshot

    ann = laptops("ann")
    make_caseload(ann)
    bob = laptops("bob", first_sync=False)
    real_apply = client_snapshot.SnapshotWriter.apply
    written = []

    def apply_then_die(self, frame):
        if len(written) == 3:
            raise KeyboardInterrupt  # the process dies while writing the 4th frame
        written.append(frame.header["upto"])
        return real_apply(self, frame)

    monkeypatch.setattr(client_snapshot.SnapshotWriter, "apply", apply_then_die)
    engine = bob.engine()
    engine.snapshot_rows = 8
    engine.snapshot_commit_rows = 1  # each frame committed on its own
    with pytest.raises(KeyboardInterrupt):
        engine.sync()
    monkeypatch.undo()
    assert int(bob.store.get_state(AFTER_KEY)) == written[2]
    assert bob.store.get_state("pull_cursor", "0") == "0"
    summary = bob.sync()
    assert summary.snapshot_frames >= 1
    assert laptop_tables(bob) == server_tables(server, north(server))
    assert int(bob.store.get_state(ROWS_KEY)) == rows_in_scope(bob)


CHILD = """
import sys
import time
from pathlib import Path
from ehdesk.store import ProfileManager
from ehdesk.sync.client import SyncClient
from ehdesk.sync.engine import SyncEngine
from ehdesk.sync.snapshot import SnapshotWriter

# A slow disk: each frame's transaction stays open a while, so a kill often lands inside one.
real_write = SnapshotWriter._write
def slow_write(self, conn, frame):
    time.sleep(0.04)
    written = real_write(self, conn, frame)
    time.sleep(0.04)
    return written
SnapshotWriter._write = slow_write
real_apply = SnapshotWriter.apply
def apply_and_tell(self, frame):
    written = real_apply(self, frame)
    print("frame", flush=True)  # committed: the parent kills this process a few frames in
    return written
SnapshotWriter.apply = apply_and_tell

store = ProfileManager(Path(sys.argv[1])).unlock("bob", sys.argv[3])
client = SyncClient(sys.argv[2], device_id=store.device_id, refresh_token=store.get_state("refresh_token"))
engine = SyncEngine(store, client)
engine.snapshot_rows = 3
engine.snapshot_commit_rows = 1  # each frame committed on its own, then "frame" is printed
engine.sync()
"""


def test_sync_process_killed_mid_snapshot_loses_and_doubles_nothing(server, laptops, tmp_path):
    from ehdesk.store import ProfileManager
    from ehdesk.sync.tokens import load_refresh_token

    ann = laptops("ann")
    make_caseload(ann, families=30, members=4, blobs_every=2)
    bob = laptops("bob", first_sync=False)
    bob.store.set_state("refresh_token", load_refresh_token(bob.store))
    bob.store.close()
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {
        **os.environ,
        "PYTHONPATH": str(Path.cwd()),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    progress = []
    for frames in (2, 3, 5, 4):
        child = subprocess.Popen(
            [sys.executable, str(script), str(bob.data_dir), server.base_url, PASSWORD],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        # Killed a few committed frames in, while the next frame's transaction is open or about
        # to be: a kill wherever the disk is, mid-snapshot.
        for _ in range(frames):
            if not child.stdout.readline():
                break
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        child.stdout.close()
        store = ProfileManager(bob.data_dir).unlock("bob", PASSWORD)
        progress.append(
            (store.get_state(AFTER_KEY), store.get_state("pull_cursor"), store.get_state(ROWS_KEY))
        )
        store.close()
    print("after each kill (snapshot position, cursor, rows written):", progress)
    assert all(position and not cursor for position, cursor, _ in progress)  # each was mid-snapshot
    bob.store = ProfileManager(bob.data_dir).unlock("bob", PASSWORD)
    bob.sync()
    assert laptop_tables(bob) == server_tables(server, north(server))
    assert int(bob.store.get_state(ROWS_KEY)) == rows_in_scope(bob)


def test_a_laptop_of_the_previous_release_still_syncs_by_the_log(server, laptops):
    ann = laptops("ann")
    families = make_caseload(ann)
    old = laptops("bob", first_sync=False, schema_version=2)
    summary = old.sync()
    assert summary.snapshot_frames == 0 and summary.pulled > 0
    assert laptop_tables(old) == server_tables(server, north(server))
    # Its own edits and signatures (one PUT each, as that release does) still go up.
    old.edit(Family, families[2], town="York")
    with old.store.session() as s:
        digest = put_blob(s, b"old laptop signature" * 20, "image/png", families[2])
    assert old.sync().pushed == 1
    ann.sync()
    assert ann.get(Family, families[2]).town == "York"
    with server.session() as s:
        assert s.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.row_id == digest)) == 1
    assert laptop_tables(ann)["blob"] == laptop_tables(old)["blob"]


def test_a_laptop_the_council_wiped_before_its_first_sync_is_wiped_not_filled(server, laptops):
    from ehdesk.server import admin

    ann = laptops("ann")
    make_caseload(ann, families=3)
    bob = laptops("bob", first_sync=False)
    with server.session() as s:
        admin.wipe_profile(s, device_id=bob.store.device_id)
    summary = bob.sync()
    assert summary.wiped and summary.snapshot_frames == 0
    assert bob.rows(Family) == [] and bob.store.get_state("wiped") == "1"


def test_frames_fall_back_to_gzip_when_a_side_has_no_zstd(server, laptops, monkeypatch):
    from ehdesk.sync import framing

    ann = laptops("ann")
    make_caseload(ann, families=4)
    assert framing.choose_codec(framing.available_codecs()) == "zstd-long"
    assert framing.choose_codec(["zstd", "gzip"]) == "zstd"  # the previous release's laptop
    monkeypatch.setattr(framing, "available_codecs", lambda: ["gzip"])  # a laptop without zstandard
    assert framing.choose_codec(["gzip"]) == "gzip"
    bob = laptops("bob", first_sync=False)
    engine = bob.engine()
    engine.snapshot_rows = 10
    codecs = []
    engine.client._http.event_hooks["response"].append(
        lambda response: codecs.append(response.headers.get("x-ehdesk-codec"))
    )
    summary = engine.sync()
    assert summary.snapshot_frames >= 2
    assert [c for c in codecs if c] == ["gzip"]
    assert laptop_tables(bob) == server_tables(server, north(server))


def test_a_family_moved_into_scope_arrives_as_a_snapshot_not_through_the_log(server, laptops):
    from ehdesk.server import admin

    ann = laptops("ann")
    families = make_caseload(ann, families=4)
    sue = laptops("sue")  # South: none of North's families yet
    old = laptops("meg", schema_version=2)  # South, on the previous release
    with server.session() as s:
        admin.move_family(s, families[0], "South")

    engine = sue.engine()
    pages = []
    pull = engine.client.pull

    def watched(*args, **kwargs):
        pages.append(pull(*args, **kwargs))
        return pages[-1]

    engine.client.pull = watched
    summary = engine.sync()
    engine.client.close()
    assert [page.arrived_families for page in pages if page.arrived_families] == [[families[0]]]
    assert summary.snapshot_frames >= 1 and summary.blobs_received == 1
    # None of the family's rows or signatures came through the log.
    from_log = [c for page in pages for c in page.changes if families[0] in (c.family_id, c.row_id)]
    assert from_log == [] and [b for page in pages for b in page.blobs] == []
    south = [server.teams["South"]]
    assert laptop_tables(sue) == server_tables(server, south)
    assert sue.get(Family, families[0]).town == "Leeds"
    assert len(sue.rows(Person, Person.family_id == families[0], Person.deleted.is_(False))) == 3

    # The previous release takes it from the log, as before, and ends the same.
    old.sync()
    assert laptop_tables(old) == server_tables(server, south)
    # Later changes to the family reach the snapshot laptop by the log, as any change does.
    old.edit(Family, families[0], town="Hull")
    old.sync()
    assert sue.sync().pulled >= 1
    assert sue.get(Family, families[0]).town == "Hull"
    assert laptop_tables(sue) == server_tables(server, south)
    ann.sync()
    assert ann.get(Family, families[0]) is None


def test_connection_cut_mid_arrival_snapshot_resumes_and_loses_nothing(server, laptops):
    from ehdesk.server import admin

    ann = laptops("ann")
    families = make_caseload(ann, families=9)
    sue = laptops("sue")
    with server.session() as s:
        for family_id in families[:3]:
            admin.move_family(s, family_id, "South")
    proxy = CuttingProxy(server.port)
    try:
        # Connection 1 renews the token, 2 is the pull that names the families; the family
        # snapshot's streams on 3 and 4 are cut part-way, 5 carries on from the last whole frame.
        proxy.arm(after_bytes=400, times=2, skip=2)
        engine = sue.engine(proxy.url, transport=no_keepalive())
        engine.snapshot_rows = 4
        summary = engine.sync()
        engine.client.close()
    finally:
        proxy.close()
    assert proxy.cuts == 2
    assert summary.snapshot_resumes == 2
    assert laptop_tables(sue) == server_tables(server, [server.teams["South"]])
    assert {f.id for f in sue.rows(Family)} == set(families[:3])


def test_frames_share_a_transaction_and_a_dropping_connection_keeps_every_whole_frame(
    server, laptops, monkeypatch
):
    """A commit per frame cost 1.7x one transaction for the lot, so frames share transactions;
    a connection that drops every three frames must still move the snapshot on (the whole frames
    are committed at the drop), losing nothing and writing nothing twice."""
    from ehdesk.sync import snapshot as client_snapshot
    from ehdesk.sync.client import Offline

    ann = laptops("ann")
    make_caseload(ann, families=30)
    bob = laptops("bob", first_sync=False)
    commits = []
    real_commit = client_snapshot.SnapshotWriter._commit

    def counted(self):
        commits.append(self._open.frames)
        return real_commit(self)

    monkeypatch.setattr(client_snapshot.SnapshotWriter, "_commit", counted)
    engine = bob.engine(sleep=lambda _s: None)
    engine.snapshot_rows = 8
    real_snapshot = engine.client.snapshot

    def dropped_every_three_frames(*args, **kwargs):
        frames = real_snapshot(*args, **kwargs)
        for n, frame in enumerate(frames):
            if n == 3:
                frames.close()
                raise Offline("dropped")
            yield frame

    engine.client.snapshot = dropped_every_three_frames
    summary = engine.sync()
    assert summary.snapshot_resumes >= 3
    assert max(commits) == 3 and len(commits) < summary.snapshot_frames
    assert laptop_tables(bob) == server_tables(server, north(server))
    assert int(bob.store.get_state(ROWS_KEY)) == rows_in_scope(bob)  # 0 lost, 0 written twice


def test_a_laptop_offering_only_the_16_mb_zstd_window_is_sent_frames_it_can_read(
    server, laptops, monkeypatch
):
    """The previous release's laptop holds a 16 MB zstd window; "zstd-long" frames need 64 MB."""
    from ehdesk.sync import framing

    ann = laptops("ann")
    make_caseload(ann, families=6)
    monkeypatch.setattr(framing, "available_codecs", lambda: ["zstd", "gzip"])
    bob = laptops("bob", first_sync=False)
    engine = bob.engine()
    codecs = []
    engine.client._http.event_hooks["response"].append(
        lambda response: codecs.append(response.headers.get("x-ehdesk-codec"))
    )
    engine.sync()
    assert "zstd" in codecs and "zstd-long" not in codecs
    assert laptop_tables(bob) == server_tables(server, north(server))


def test_the_cyclic_collector_waits_for_the_last_frame_and_is_on_again_after(server, laptops, monkeypatch):
    # The frames parse into hundreds of thousands of lists and dicts, none in a cycle: collecting
    # them section by section was 0.85 s of a 10,000-family first sync's laptop CPU.
    import gc

    from ehdesk.sync.snapshot import SnapshotWriter

    ann = laptops("ann")
    make_caseload(ann)
    bob = laptops("bob", first_sync=False)
    during = []
    real_apply = SnapshotWriter.apply

    def apply(self, frame):
        during.append(gc.isenabled())
        return real_apply(self, frame)

    monkeypatch.setattr(SnapshotWriter, "apply", apply)
    was_on = gc.isenabled()  # (off where an earlier test's Qt application collects on its UI thread)
    gc.enable()
    try:
        engine = bob.engine()
        engine.snapshot_rows = 10
        assert engine.sync().snapshot_frames >= 5
        assert during and not any(during)
        assert gc.isenabled()  # on again, as it was
        gc.disable()  # a Qt application's: left off
        assert bob.sync().snapshot_frames == 0
        assert not gc.isenabled()
    finally:
        if was_on:
            gc.enable()
        else:
            gc.disable()
    assert laptop_tables(bob) == server_tables(server, north(server))
