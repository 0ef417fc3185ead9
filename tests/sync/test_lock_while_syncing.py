"""Locking while a sync is under way (issue 13): the running sync is told to stop and the lock
waits for it before the key is dropped, so its last status update never reaches a status bar
that is gone. Before the operation runner this printed "Signal source has been deleted" on every
few locks, and under load it could crash the process."""

from __future__ import annotations

from ehdesk.ui import ops
from ehdesk.ui.main_window import MainWindow
from tests.sync.harness import PASSWORD, Laptop, drop_server, make_server
from tests.ui.conftest import sign_in

ROUNDS = 12


def test_locking_while_syncing_ends_the_sync_first(qtbot, qtlog, tmp_path):
    server = make_server("sqlite", tmp_path)
    ann = Laptop(tmp_path, "ann", server.base_url, backoff=0.01)
    for i in range(5):
        ann.add_family(f"EH-{i}", members=2)
    ann.store.close()
    window = MainWindow(ann.data_dir)
    qtbot.addWidget(window)
    window.show()
    try:
        for i in range(ROUNDS):
            sign_in(qtbot, window, "ann", PASSWORD)
            store, bridge = window.store, window.sync_bridge
            runner = ops.for_store(store)
            for _ in range(3):
                bridge.sync_now()
                bridge.refresh_counts()
            qtbot.wait(i % 5 * 4)  # lock at a different point of the sync each round
            window.lock()
            # The lock returned only after every piece of the store's work ended.
            assert not store.is_open
            assert runner.closed and runner.pending == 0
            assert not bridge.running
            qtbot.wait(1)
    finally:
        window.close()
        drop_server(server)
    deleted = [m.message for m in qtlog.records if "deleted" in m.message.lower()]
    assert deleted == []
