"""Connections cut mid-push and mid-pull, the laptop stopped mid-sync, the server restarted
mid-batch: afterwards every mutation is on the server exactly once and both sides agree."""

import httpx
import pytest
from sqlalchemy import func, select

from ehdesk.models import Family, Person
from ehdesk.server import push as server_push
from ehdesk.server.models import ChangeLog, Device
from ehdesk.sync import engine as engine_module
from ehdesk.sync import outbox_batches
from ehdesk.sync.client import Offline
from tests.sync.harness import CuttingProxy


def no_keepalive():
    # One connection per request, so the proxy can cut exactly the request we aim at.
    return httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))


@pytest.fixture
def proxy(server):
    cutting = CuttingProxy(server.port)
    yield cutting
    cutting.close()


def assert_applied_exactly_once(server, laptop, families):
    """Every local row is on the server once (one insert in the change log), nothing extra."""
    persons = [p for f in families for p in laptop.rows(Person, Person.family_id == f)]
    with server.session() as s:
        device = s.get(Device, laptop.store.device_id)
        assert device.last_seq == laptop.max_seq()
        inserts = dict(
            s.execute(
                select(ChangeLog.row_id, func.count())
                .where(ChangeLog.device_id == device.id, ChangeLog.entity.in_(["family", "person"]))
                .group_by(ChangeLog.row_id)
            ).all()
        )
        assert s.scalar(
            select(func.count()).select_from(Person).where(Person.family_id.in_(families))
        ) == len(persons)
    assert set(inserts) == {p.id for p in persons} | set(families)
    assert set(inserts.values()) == {1}


def test_connection_cut_mid_push_after_the_server_applied_it(server, laptops, proxy):
    ann = laptops("ann")
    families = [ann.add_family(f"EH-{i}", members=3) for i in range(4)]
    # Connection 1 renews the token; connection 2 (the push) reaches the server, its reply is lost.
    proxy.arm(after_bytes=0, times=1, skip=1)
    engine = ann.engine(proxy.url, transport=no_keepalive())
    summary = engine.sync()
    assert proxy.cuts == 1
    assert summary.pushed == 0  # the resent batch came back "already applied"
    assert engine.counts() == (0, 0)
    assert_applied_exactly_once(server, ann, families)


def test_connection_cut_mid_push_request_before_the_server_saw_it(server, laptops, proxy):
    ann = laptops("ann")
    families = [ann.add_family(f"EH-{i}", members=2) for i in range(3)]
    proxy.arm(after_bytes=300, times=2, skip=1, direction="request")
    summary = ann.engine(proxy.url, transport=no_keepalive()).sync()
    assert proxy.cuts == 2
    assert summary.pushed == 9
    assert_applied_exactly_once(server, ann, families)


def test_connection_cut_mid_pull_resumes_and_lands_everything_once(server, laptops, proxy):
    ann, bob = laptops("ann"), laptops("bob")
    families = [ann.add_family(f"EH-{i}", members=3) for i in range(6)]
    ann.sync()
    # Bob pulls 5 rows a page; the 3rd and 4th pages are cut part-way through the reply.
    proxy.arm(after_bytes=400, times=2, skip=3)
    engine = bob.engine(proxy.url, transport=no_keepalive())
    engine.pull_page = 5
    engine.sync()
    assert proxy.cuts == 2
    for f in families:
        assert len(bob.rows(Person, Person.family_id == f)) == 3
        assert bob.get(Family, f).reference == ann.get(Family, f).reference


def test_offline_for_longer_than_the_retries_reports_honestly_and_loses_nothing(server, laptops, proxy):
    ann = laptops("ann")
    families = [ann.add_family("EH-1", members=2)]
    proxy.arm(after_bytes=0, times=50, direction="request")
    engine = ann.engine(proxy.url, transport=no_keepalive(), retries=2)
    with pytest.raises(Offline):
        engine.sync()
    last = ann.statuses[-1]
    assert last.state == "offline" and last.waiting == 3
    assert last.text().startswith("Offline · 3 changes waiting — The council server cannot be reached")
    proxy.arm(times=0)
    ann.sync(proxy.url)
    assert ann.statuses[-1].state == "up_to_date" and ann.statuses[-1].waiting == 0
    assert_applied_exactly_once(server, ann, families)


def test_laptop_stopped_after_the_push_landed_but_before_it_was_acknowledged(server, laptops, monkeypatch):
    ann = laptops("ann")
    families = [ann.add_family("EH-1", members=4)]

    def killed(session, key, value):
        raise KeyboardInterrupt  # the process dies here

    monkeypatch.setattr(outbox_batches, "write_state", killed)
    with pytest.raises(KeyboardInterrupt):
        ann.sync()
    monkeypatch.undo()
    assert ann.engine().counts()[0] == 5  # still waiting here, though the server has them
    summary = ann.sync()
    assert summary.pushed == 0
    assert_applied_exactly_once(server, ann, families)
    # New changes after the restart get new sequence numbers and are applied.
    ann.edit(Family, families[0], town="Bradford")
    assert ann.sync().pushed == 1
    assert server.get(Family, families[0]).town == "Bradford"


def dies_at_the_second_recording(monkeypatch) -> list:
    """The laptop's process dies as it records the second lot of batches the server answered
    (the next batch already on its way). Returns the lots it was asked to record."""
    real = outbox_batches.acknowledge
    recorded: list = []

    def stopped_at_the_second(store, batch, reply, cursor):
        recorded.append(batch)
        if len(recorded) == 2:
            raise KeyboardInterrupt
        return real(store, batch, reply, cursor)

    monkeypatch.setattr(engine_module, "acknowledge", stopped_at_the_second)
    return recorded


def test_laptop_stopped_while_its_next_batch_was_on_the_way_loses_and_doubles_nothing(
    server, laptops, monkeypatch
):
    """The next batch goes to the server while the laptop records the one before: stopped at
    that moment, the server holds a batch the laptop has not recorded, and sends it back as
    already applied."""
    ann = laptops("ann")
    families = [ann.add_family(f"EH-{i}", members=2) for i in range(4)]  # 12 changes
    recorded = dies_at_the_second_recording(monkeypatch)  # the third batch already sent
    engine = ann.engine()
    engine.push_batch = 3
    engine.ack_every = 1  # each batch recorded as it is answered
    with pytest.raises(KeyboardInterrupt):
        engine.sync()
    monkeypatch.undo()
    with server.session() as s:
        assert s.get(Device, ann.store.device_id).last_seq >= recorded[1].last_seq + 3  # the third landed
    assert ann.engine().counts()[0] == 12 - 3  # only the first batch was recorded here
    summary = ann.sync()
    assert summary.pushed == 12 - 9  # the second and third came back as already applied
    assert ann.engine().counts() == (0, 0)
    assert_applied_exactly_once(server, ann, families)


def test_laptop_stopped_with_answered_batches_not_yet_recorded_sends_them_again_once(
    server, laptops, monkeypatch
):
    """The laptop records what the server took a few batches at a time: stopped before it
    recorded them, it sends those batches again and the server acknowledges them as already
    applied."""
    ann = laptops("ann")
    families = [ann.add_family(f"EH-{i}", members=2) for i in range(4)]  # 12 changes
    recorded = dies_at_the_second_recording(monkeypatch)  # the fifth batch already sent
    engine = ann.engine()
    engine.push_batch = 2
    engine.ack_every = 4  # two batches recorded at a time
    with pytest.raises(KeyboardInterrupt):
        engine.sync()
    monkeypatch.undo()
    assert [len(batch.entries) for batch in recorded] == [4, 4]
    with server.session() as s:
        assert s.get(Device, ann.store.device_id).last_seq >= 10  # five batches landed
    assert ann.engine().counts()[0] == 12 - 4  # only the first two batches were recorded here
    summary = ann.sync()
    assert summary.pushed == 12 - 10  # the third to fifth came back as already applied
    assert ann.engine().counts() == (0, 0)
    assert_applied_exactly_once(server, ann, families)


def test_push_cut_off_part_way_records_the_batches_the_server_took(server, laptops, proxy):
    ann = laptops("ann")
    families = [ann.add_family(f"EH-{i}", members=2) for i in range(4)]  # 12 changes, 6 batches
    # Connection 1 renews the token, 2-4 carry three batches; then the server cannot be reached.
    proxy.arm(after_bytes=0, times=50, skip=4, direction="request")
    engine = ann.engine(proxy.url, transport=no_keepalive(), retries=2)
    engine.push_batch = 2
    with pytest.raises(Offline):
        engine.sync()
    assert engine.counts()[0] == 12 - 6  # the three batches answered are recorded, not resent
    proxy.arm(times=0)
    summary = ann.sync(proxy.url)
    assert summary.pushed == 6
    assert ann.engine().counts() == (0, 0)
    assert_applied_exactly_once(server, ann, families)


def test_connection_cut_mid_push_of_many_batches_lands_each_change_once(server, laptops, proxy):
    ann = laptops("ann")
    families = [ann.add_family(f"EH-{i}", members=3) for i in range(5)]  # 20 changes, 5 batches
    # Connection 1 renews the token; the reply to the third batch is lost after the server applied it.
    proxy.arm(after_bytes=0, times=1, skip=3)
    engine = ann.engine(proxy.url, transport=no_keepalive())
    engine.push_batch = 4
    summary = engine.sync()
    assert proxy.cuts == 1
    assert summary.pushed == 20 - 4  # the third batch, sent again, came back as already applied
    assert engine.counts() == (0, 0)
    assert_applied_exactly_once(server, ann, families)


def test_laptop_stopped_mid_pull_carries_on_from_the_last_whole_page(server, laptops, monkeypatch):
    ann, bob = laptops("ann"), laptops("bob")
    families = [ann.add_family(f"EH-{i}", members=2) for i in range(5)]
    ann.sync()
    real_apply = engine_module.apply_page
    pages = []

    def apply_then_die(session, page, blobs):
        pages.append(page.cursor)
        if len(pages) == 3:
            raise KeyboardInterrupt
        return real_apply(session, page, blobs)

    monkeypatch.setattr(engine_module, "apply_page", apply_then_die)
    engine = bob.engine()
    engine.pull_page = 4
    with pytest.raises(KeyboardInterrupt):
        engine.sync()
    monkeypatch.undo()
    assert int(bob.store.get_state("pull_cursor")) == pages[1]
    bob.sync()
    for f in families:
        assert len(bob.rows(Person, Person.family_id == f)) == 2


def test_server_restarted_mid_batch_applies_the_batch_once(server, laptops, monkeypatch):
    ann = laptops("ann")
    families = [ann.add_family(f"EH-{i}", members=3) for i in range(3)]
    real_apply = server_push._apply
    calls = {"n": 0}

    def crash_on_fifth(batch, m):
        calls["n"] += 1
        if calls["n"] == 5:
            raise SystemError("server process killed mid-batch")
        return real_apply(batch, m)

    monkeypatch.setattr(server_push, "_apply", crash_on_fifth)
    restarts = []

    def restart_instead_of_waiting(seconds):
        restarts.append(seconds)
        server.restart()

    engine = ann.engine(sleep=restart_instead_of_waiting)
    engine.sync()
    assert restarts, "the client should have retried after the crash"
    assert calls["n"] > 12  # the first four were rolled back and applied again
    assert_applied_exactly_once(server, ann, families)


def test_sync_process_killed_at_any_moment_loses_and_doubles_nothing(server, laptops, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from ehdesk.sync.tokens import load_refresh_token
    from tests.sync.harness import PASSWORD

    ann = laptops("ann")
    families = [ann.add_family(f"EH-{i}", members=4) for i in range(40)]
    # The child process has no access to this process's test keyring: the token goes in the store.
    ann.store.set_state("refresh_token", load_refresh_token(ann.store))
    ann.store.close()
    env = {
        **os.environ,
        "EHDESK_PASSWORD": PASSWORD,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    command = [
        sys.executable,
        "-m",
        "ehdesk.cli",
        "--data-dir",
        str(ann.data_dir),
        "sync",
        "--profile",
        "ann",
    ]
    progress = []
    for delay in (1.2, 1.6, 2.0, 2.6):
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        with server.session() as s:
            progress.append(s.get(Device, ann.store.device_id).last_seq)
    print("server's last_seq after each kill:", progress)
    from ehdesk.store import ProfileManager

    ann.store = ProfileManager(ann.data_dir).unlock("ann", PASSWORD)
    ann.sync()
    assert ann.engine().counts()[0] == 0
    assert_applied_exactly_once(server, ann, families)
