"""Sync as the worker meets it in the main window: the status bar tells the truth, a Conflicts
screen is one keystroke away, the team's changes arrive without asking, and locking stops it."""

from __future__ import annotations

from datetime import date

import pytest

from ehdesk.casework.families import list_families
from ehdesk.models import Episode, Family
from ehdesk.ui.main_window import MainWindow
from ehdesk.ui.sync.conflicts_view import ConflictsView
from ehdesk.ui.sync.status_widget import SyncStatusWidget
from tests.sync.harness import PASSWORD, Laptop, drop_server, make_server
from tests.ui.conftest import sign_in


@pytest.fixture
def sqlite_server(tmp_path):
    harness = make_server("sqlite", tmp_path)
    yield harness
    drop_server(harness)


def _signed_in(qtbot, laptop: Laptop) -> MainWindow:
    """The laptop's worker signed in to the real app, its first background sync done."""
    laptop.store.close()
    window = MainWindow(laptop.data_dir)
    qtbot.addWidget(window)
    window.show()
    sign_in(qtbot, window, laptop.username, PASSWORD)
    qtbot.waitUntil(lambda: window.sync_status.label.text().startswith("Up to date"), timeout=20_000)
    return window


def test_a_server_profile_syncs_in_the_background_and_stops_on_lock(qtbot, sqlite_server, tmp_path):
    ann = Laptop(tmp_path, "ann", sqlite_server.base_url, backoff=0.01)
    bob = Laptop(tmp_path, "bob", sqlite_server.base_url, backoff=0.01)
    ann_worker = ann.store.worker_id
    ann.store.close()
    family_id = bob.add_family("EH-BOB1", members=2)
    with bob.store.session() as s:
        s.add(
            Episode(
                family_id=family_id,
                opened_on=date.today(),
                allocated_worker_id=ann_worker,
                allocated_on=date.today(),
                allocated_worker_name="ann",
            )
        )
    bob.sync()

    window = MainWindow(ann.data_dir)
    qtbot.addWidget(window)
    window.show()
    sign_in(qtbot, window, "ann", PASSWORD)
    assert isinstance(window.sync_status, SyncStatusWidget)
    qtbot.waitUntil(lambda: window.sync_status.label.text().startswith("Up to date"), timeout=20_000)

    # Bob's family, allocated to Ann, reached her laptop and her caseload without her asking.
    qtbot.waitUntil(lambda: "1 open case" in window.workspace.page.summary.text(), timeout=10_000)
    with window.store.session() as s:
        assert "EH-BOB1" in [f.reference for f in list_families(s)]

    window.workspace.show_screen("conflicts")
    assert isinstance(window.workspace.stack.currentWidget(), ConflictsView)

    window.lock()
    assert window.sync_bridge is None
    assert window.sync_status.text() == "Not connected to a server"
    bob.close()


def test_a_local_profile_says_it_is_not_connected(qtbot, data_dir, profiles):
    profiles.create("Amira Patel", "correct horse battery")
    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    window.show()
    sign_in(qtbot, window, "Amira Patel", "correct horse battery")
    assert window.sync_bridge is None
    assert window.sync_status.text() == "Not connected to a server"
    assert "conflicts" not in window.workspace.nav_buttons
    window.lock()


def test_made_a_manager_on_the_server_the_worker_gets_the_team_screens_at_the_next_sync(
    qtbot, sqlite_server, tmp_path
):
    from ehdesk.server import admin

    ann = Laptop(tmp_path, "ann", sqlite_server.base_url, backoff=0.01)
    window = _signed_in(qtbot, ann)
    nav = window.workspace.nav_buttons
    assert list(nav) == ["caseload", "reports", "conflicts"]

    with sqlite_server.session() as s:
        admin.set_role(s, "ann", "manager")
    window.sync_bridge.sync_now()
    qtbot.waitUntil(lambda: "team" in nav, timeout=20_000)
    assert window.statusBar().currentMessage() == "You are now a manager."
    # In their places on the bar: after Reports, before Conflicts.
    layout = window.workspace.nav
    assert [layout.indexOf(nav[key]) for key in ("caseload", "reports", "signoffs", "team", "conflicts")] == [
        0,
        1,
        2,
        3,
        4,
    ]
    nav["team"].click()
    assert window.workspace.stack.currentWidget() is window.workspace.screens["team"]

    # Moved to the South team while looking at North's: back to the caseload, told so, and the
    # team's screen is made again, for South, when next shown.
    north_screen = window.workspace.screens["team"]
    with sqlite_server.session() as s:
        admin.move_user(s, "ann", "South")
    window.sync_bridge.sync_now()
    qtbot.waitUntil(lambda: "team" not in window.workspace.screens, timeout=20_000)
    assert window.statusBar().currentMessage() == 'You are now in team "South".'
    assert window.workspace.stack.currentWidget() is window.workspace.page
    assert window.store.profile.team_id == sqlite_server.teams["South"]
    nav["team"].click()
    assert window.workspace.screens["team"] is not north_screen

    # Stepped down while looking at the team, with a supervision recorded since (the laptop still
    # said manager): back to the caseload, the manager's screens gone, and the worker told that
    # the server refused it (and the action marked done on it).
    from datetime import timedelta

    from ehdesk.casework import supervision

    with window.store.session() as s:
        family = Family(reference="EH-SUP", household_name="Hill", team_id=window.store.profile.team_id)
        s.add(family)
        s.flush()
        episode = Episode(family_id=family.id, opened_on=date.today() - timedelta(days=30))
        s.add(episode)
        s.flush()
        episode_id = episode.id
    window.sync_bridge.sync_now()
    qtbot.waitUntil(
        lambda: not window.sync_bridge.running and sqlite_server.get(Episode, episode_id) is not None,
        timeout=20_000,
    )
    with sqlite_server.session() as s:
        admin.set_role(s, "ann", "practitioner")
    with window.store.session() as s:
        supervision.record_supervision(
            s,
            episode_id,
            {"held_on": date.today(), "manager_name": "Ann", "discussion": "School"},
            actor_role=window.store.profile.role,
        )
    window.sync_bridge.sync_now()
    qtbot.waitUntil(lambda: "team" not in nav, timeout=20_000)
    assert list(nav) == ["caseload", "reports", "conflicts"]
    assert "team" not in window.workspace.screens
    assert window.workspace.stack.currentWidget() is window.workspace.page
    assert nav["caseload"].isChecked()
    said = "The server refused 1 change: see Conflicts. You are now a practitioner."
    assert window.statusBar().currentMessage() == said
    assert window.statusBar().toolTip() == said  # whole, where the bar cuts it at 150%
    # Which change, and why, on the Conflicts screen until she has dealt with it.
    conflicts = window.workspace.screens["conflicts"]
    qtbot.waitUntil(lambda: conflicts.refused_list.count() == 1, timeout=10_000)
    assert conflicts.refused.isVisibleTo(conflicts)
    shown = conflicts.refused_list.item(0).text()
    assert shown.startswith("New supervision — ")
    assert shown.endswith("\nOnly a manager can record case supervision.")
    assert "did not accept this change" in conflicts.refused_heading.text()
    conflicts.dealt_with.click()
    qtbot.waitUntil(lambda: not conflicts.refused.isVisibleTo(conflicts), timeout=10_000)
    window.lock()


def test_the_family_open_when_it_leaves_the_laptop_is_closed_and_the_worker_told(
    qtbot, sqlite_server, tmp_path
):
    """Ann has a North family's record open when IT moves her to South: the sync takes the family
    off the laptop, so its record closes (nothing left half-saved against a family that is gone)
    and the status bar says why."""
    from ehdesk.server import admin
    from ehdesk.ui.ops import for_store

    ann = Laptop(tmp_path, "ann", sqlite_server.base_url, backoff=0.01)
    family_id = ann.add_family("EH-OPEN", members=2)
    with ann.store.session() as s:
        s.add(Episode(family_id=family_id, opened_on=date.today()))
    ann.sync()
    window = _signed_in(qtbot, ann)
    window.workspace.open_family(family_id)
    qtbot.waitUntil(lambda: window.workspace.record is not None, timeout=10_000)

    with sqlite_server.session() as s:
        admin.move_user(s, "ann", "South")
    window.sync_bridge.sync_now()
    qtbot.waitUntil(lambda: window.workspace.record is None, timeout=20_000)
    assert window.workspace.stack.currentWidget() is window.workspace.page
    said = window.statusBar().currentMessage()
    assert said == 'You are now in team "South". The family you had open has left this laptop.'
    qtbot.wait(500)  # anything the closed record still had queued has run
    assert for_store(window.store).unsaved == 0
    window.lock()
