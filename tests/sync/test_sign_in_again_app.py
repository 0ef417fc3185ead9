"""Signing in again as the worker meets it in the app: the status bar says the server no longer
accepts this laptop's sign-in and offers "Sign in again…"; the dialog takes the council password,
signs in off the UI thread, says what went wrong in plain words, and once signed in the waiting
changes are sent and the status bar says so."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from ehdesk.models import Family, User
from ehdesk.server import admin
from ehdesk.server.models import Device
from ehdesk.ui.main_window import MainWindow
from tests.sync.harness import PASSWORD, Laptop, drop_server, make_server
from tests.ui.conftest import sign_in

NEW_PASSWORD = "a-new-password-from-IT"


@pytest.fixture
def sqlite_server(tmp_path):
    harness = make_server("sqlite", tmp_path)
    yield harness
    drop_server(harness)


def _signed_in_and_offered(qtbot, laptop: Laptop):
    """The app open on ``laptop``'s profile, its first sync refused: the status bar's offer shown."""
    window = MainWindow(laptop.data_dir)
    qtbot.addWidget(window)
    window.show()
    sign_in(qtbot, window, "ann", PASSWORD)
    status = window.sync_status
    qtbot.waitUntil(lambda: status.sign_in_again.isVisible(), timeout=20_000)
    return window, status


def test_the_status_bar_offers_sign_in_again_and_the_dialog_signs_the_laptop_in(
    qtbot, sqlite_server, tmp_path, monkeypatch
):
    ann = Laptop(tmp_path, "ann", sqlite_server.base_url, backoff=0.01)
    device_id = ann.store.device_id
    ann.add_family("EH-UI", members=0)
    ann.store.close()
    with sqlite_server.session() as s:
        admin.reset_password(s, "ann", NEW_PASSWORD)

    from ehdesk.sync import provision

    on_ui_thread = []
    real = provision.sign_in_again

    def watched(*args, **kwargs):
        on_ui_thread.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(provision, "sign_in_again", watched)

    window, status = _signed_in_and_offered(qtbot, ann)
    assert status.label.text().startswith("Sync failed · ")
    assert "The council server no longer accepts this laptop's sign-in." in status.label.text()

    status.sign_in_again.click()
    dialog = status.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.username.text() == "ann"
    assert dialog.which.text().startswith("If IT has reset your password, type the new one they gave you.")
    dialog.ok.click()
    assert dialog.message.text() == "Type your council password."

    dialog.password.setText(PASSWORD)  # the laptop's own password: no longer the server's
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "The user name or password is wrong.", timeout=15_000)
    assert dialog.isVisible() and dialog.ok.isEnabled()

    dialog.password.setText(NEW_PASSWORD)
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Signed in again."), timeout=15_000)
    assert on_ui_thread == [False, False]
    assert dialog.ok.text() == "Close"
    qtbot.waitUntil(lambda: status.label.text().startswith("Up to date at "), timeout=20_000)
    assert not status.sign_in_again.isVisible()
    assert "waiting" not in status.label.text()
    assert sqlite_server.count(Family, Family.reference == "EH-UI") == 1
    with sqlite_server.session() as s:
        ann_id = s.scalars(select(User.id).where(User.username == "ann")).one()
        assert list(s.scalars(select(Device.id).where(Device.user_id == ann_id))) == [device_id]

    dialog.ok.click()
    qtbot.waitUntil(lambda: status.dialog is None, timeout=5_000)
    window.lock()


def test_a_refusal_is_shown_in_the_dialog_and_the_offer_stays(qtbot, sqlite_server, tmp_path):
    from ehdesk.server.routes.auth import REVOKED

    ann = Laptop(tmp_path, "ann", sqlite_server.base_url, backoff=0.01)
    ann.store.close()
    with sqlite_server.session() as s:
        admin.revoke_device(s, username="ann")

    window, status = _signed_in_and_offered(qtbot, ann)
    status.sign_in_again.click()
    dialog = status.dialog
    dialog.password.setText(PASSWORD)
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.message.text() == REVOKED, timeout=15_000)
    assert status.sign_in_again.isVisible()
    # Locking closes the dialog with the rest.
    window.lock()
    assert not dialog.isVisible()


def test_an_expired_profile_that_cannot_sync_signs_in_again_from_the_sign_in_screen(
    qtbot, sqlite_server, tmp_path
):
    """Signed out and offline past the expiry: the records would never open again in the app. The
    sign-in screen says why and offers "Sign in again…"; once signed in and synced, they open."""
    from datetime import UTC, datetime, timedelta

    from PySide6.QtCore import Qt

    from ehdesk.store import ProfileManager

    ann = Laptop(tmp_path, "ann", sqlite_server.base_url, backoff=0.01)
    device_id = ann.store.device_id
    ann.add_family("EH-EXPIRED", members=0)
    ann.store.close()
    manager = ProfileManager(ann.data_dir)
    long_ago = (datetime.now(UTC) - timedelta(days=45)).isoformat()
    manager.update_profile(manager.find("ann"), last_online_at=long_ago)
    with sqlite_server.session() as s:
        admin.reset_password(s, "ann", NEW_PASSWORD)

    window = MainWindow(ann.data_dir)
    qtbot.addWidget(window)
    window.show()
    screen = window.signin
    screen.refresh(select="ann")
    screen.password.setText(PASSWORD)
    qtbot.mouseClick(screen.sign_in, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.sign_in_again.isVisible(), timeout=20_000)
    assert "will not open offline" in screen.message.text()
    assert "no longer accepts this laptop's sign-in" in screen.message.text()
    assert window.store is None

    screen.sign_in_again.click()
    dialog = screen.again_dialog
    assert dialog is not None and dialog.username.text() == "ann"
    dialog.password.setText(PASSWORD)  # no longer the server's password
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "The user name or password is wrong.", timeout=15_000)
    assert window.store is None
    dialog.password.setText(NEW_PASSWORD)
    dialog.ok.click()
    qtbot.waitUntil(lambda: window.workspace is not None and window.workspace.caseload_loaded, timeout=30_000)
    qtbot.waitUntil(lambda: screen.again_dialog is None, timeout=5_000)
    assert window.store.device_id == device_id
    assert sqlite_server.count(Family, Family.reference == "EH-EXPIRED") == 1
    assert manager.find("ann").last_online_at > long_ago  # no longer expired
    window.lock()
