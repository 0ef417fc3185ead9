"""The Qt side of sync: the bridge runs the engine off the UI thread, the status widget tells the
truth, saves trigger a (debounced) sync, and the Conflicts view resolves a clash."""

import threading
from datetime import date

import pytest
from sqlalchemy import event

from ehdesk.models import Family, Person
from ehdesk.sync.client import SyncClient
from ehdesk.sync.engine import SyncEngine
from ehdesk.sync.tokens import load_refresh_token
from ehdesk.ui.sync.bridge import SyncBridge, engine_factory_for
from ehdesk.ui.sync.conflicts_view import ConflictsView
from ehdesk.ui.sync.status_widget import SyncStatusWidget
from tests.sync.harness import Laptop, drop_server, free_port, make_server


@pytest.fixture
def sqlite_server(tmp_path):
    harness = make_server("sqlite", tmp_path)
    yield harness
    drop_server(harness)


@pytest.fixture
def laptop_pair(sqlite_server, tmp_path):
    ann = Laptop(tmp_path, "ann", sqlite_server.base_url, backoff=0.01)
    bob = Laptop(tmp_path, "bob", sqlite_server.base_url, backoff=0.01)
    yield ann, bob
    ann.close()
    bob.close()


def _bridge(qtbot, laptop, **options):
    bridge = SyncBridge(laptop.store, engine_factory_for(laptop.store), **options)
    return bridge


def test_status_widget_shows_waiting_changes_then_up_to_date(qtbot, laptop_pair, sqlite_server):
    ann, _ = laptop_pair
    ann.add_family("EH-1", members=1)
    bridge = _bridge(qtbot, ann)
    widget = SyncStatusWidget(bridge)
    qtbot.addWidget(widget)
    seen = []
    bridge.status_changed.connect(lambda s: seen.append(s.state))
    bridge.refresh_counts()
    qtbot.waitUntil(lambda: widget.label.text() == "Not synced yet · 2 changes waiting", timeout=5000)
    with qtbot.waitSignal(bridge.finished, timeout=15000):
        widget.button.click()
    assert "syncing" in seen
    assert widget.label.text().startswith("Up to date at ")
    assert "waiting" not in widget.label.text()
    assert widget.button.isEnabled()
    assert sqlite_server.count(Family) == 1


def test_offline_is_shown_in_plain_words_and_nothing_is_lost(qtbot, laptop_pair):
    ann, _ = laptop_pair
    ann.add_family("EH-1", members=0)

    def unreachable(on_status):
        client = SyncClient(
            f"http://127.0.0.1:{free_port()}",
            device_id=ann.store.device_id,
            refresh_token=load_refresh_token(ann.store),
            retries=1,
            backoff=0.01,
        )
        return SyncEngine(ann.store, client, on_status=on_status)

    bridge = SyncBridge(ann.store, unreachable)
    widget = SyncStatusWidget(bridge)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(bridge.failed, timeout=15000) as failed:
        bridge.sync_now()
    assert "cannot be reached" in failed.args[0]
    qtbot.waitUntil(lambda: widget.label.text().startswith("Offline · 1 change waiting — "), timeout=5000)


def test_saves_trigger_one_debounced_background_sync(qtbot, laptop_pair, sqlite_server):
    ann, _ = laptop_pair
    bridge = _bridge(qtbot, ann, debounce_ms=100)
    bridge.start()
    finished = []
    bridge.finished.connect(finished.append)
    family_id = ann.add_family("EH-1", members=0)
    for town in ("A", "B", "C"):
        ann.edit(Family, family_id, town=town)
    qtbot.waitUntil(lambda: len(finished) == 1, timeout=15000)
    qtbot.wait(300)
    assert len(finished) == 1  # a burst of saves is one sync, and the sync itself does not re-trigger
    assert sqlite_server.get(Family, family_id).town == "C"
    bridge.stop()


def test_a_save_committing_while_the_sync_starts_and_stops_still_lands(qtbot, laptop_pair):
    """Signing in starts the sync and locking stops it, while the runner's thread may be
    committing a save. That once failed the save ("RuntimeError: deque mutated during
    iteration"): the sync subscribed to commits by adding a SQLAlchemy listener to every session,
    in the list of listeners the committing thread was walking."""
    ann, _ = laptop_pair
    family_id = ann.add_family("EH-1", members=0)
    committing, carry_on = threading.Event(), threading.Event()

    def hold_the_commit(_session) -> None:
        # Stands in for the other listeners a commit calls: the save is part-way through them.
        if threading.current_thread() is not threading.main_thread():
            committing.set()
            carry_on.wait(10)

    event.listen(ann.store._factory, "after_commit", hold_the_commit)
    failures: list[BaseException] = []

    def save() -> None:
        try:
            ann.edit(Family, family_id, town="Wigan")
        except BaseException as exc:  # noqa: BLE001  (reported by the assertion below)
            failures.append(exc)

    saver = threading.Thread(target=save)
    saver.start()
    try:
        assert committing.wait(10)
        bridge = _bridge(qtbot, ann)
        bridge.start()  # sign-in
        bridge.stop()  # lock
    finally:
        carry_on.set()
        saver.join(10)
        event.remove(ann.store._factory, "after_commit", hold_the_commit)
    assert failures == [], [repr(exc.__context__) for exc in failures]
    assert ann.get(Family, family_id).town == "Wigan"


def test_periodic_sync_runs_on_its_own(qtbot, laptop_pair, sqlite_server):
    ann, _ = laptop_pair
    ann.add_family("EH-1", members=0)
    bridge = _bridge(qtbot, ann, interval_minutes=1 / 60)
    bridge.start()
    with qtbot.waitSignal(bridge.finished, timeout=15000):
        pass
    bridge.stop()
    assert sqlite_server.count(Family) == 1


def test_conflicts_view_shows_both_values_and_the_merge_syncs(qtbot, laptop_pair, sqlite_server):
    ann, bob = laptop_pair
    family_id = ann.add_family("EH-1", members=0)
    ann.sync()
    bob.sync()
    ann.edit(Family, family_id, notes="Mum prefers mornings")
    bob.edit(Family, family_id, notes="Dad works nights")
    ann.sync()
    bob.sync()

    bridge = _bridge(qtbot, bob)
    view = ConflictsView(bob.store, bridge)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.list.count() == 1, timeout=5000)
    assert view.server_side.toPlainText() == "Mum prefers mornings"
    assert view.client_side.toPlainText() == "Dad works nights"
    assert "bob" in view.client_label.text()
    assert view.use_merge.isEnabled()
    view.merge.setPlainText("Mum prefers mornings; dad works nights")
    with qtbot.waitSignal(view.resolved, timeout=5000):
        view.use_merge.click()
    qtbot.waitUntil(lambda: view.list.count() == 0, timeout=5000)
    assert view.empty.isVisible() or not view.detail.isVisible()
    with qtbot.waitSignal(bridge.finished, timeout=15000):
        bridge.sync_now()
    ann.sync()
    assert ann.get(Family, family_id).notes == "Mum prefers mornings; dad works nights"


def test_keep_one_value_of_a_non_text_field(qtbot, laptop_pair):
    ann, bob = laptop_pair
    family_id = ann.add_family("EH-1", members=1)
    ann.sync()
    bob.sync()
    (child,) = ann.rows(Person, Person.family_id == family_id)
    ann.edit(Person, child.id, date_of_birth=date(2015, 1, 1))
    bob.edit(Person, child.id, date_of_birth=date(2016, 2, 2), school_or_setting="Oak Primary")
    ann.sync()
    bob.sync()
    view = ConflictsView(bob.store)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.list.count() == 1, timeout=5000)
    assert view.list.item(0).text() == "Family member: Date of birth"
    assert (view.server_side.toPlainText(), view.client_side.toPlainText()) == ("2015-01-01", "2016-02-02")
    assert not view.use_merge.isEnabled()
    with qtbot.waitSignal(view.resolved, timeout=5000):
        view.keep_client.click()
    bob.sync()
    ann.sync()
    assert ann.get(Person, child.id).date_of_birth == date(2016, 2, 2)
    assert ann.get(Person, child.id).school_or_setting == "Oak Primary"
