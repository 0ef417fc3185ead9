"""Moving between the caseload and the other screens: reports for everyone, sign-offs for managers."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ehdesk.ui.plan.signoff_list import SignoffList
from ehdesk.ui.reports.screen import ReportsScreen
from tests.conftest import PASSWORD
from tests.ui.conftest import open_new_family, sign_in


def test_a_practitioner_reaches_reports_but_not_sign_offs(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    workspace = window.workspace
    assert set(workspace.nav_buttons) == {"caseload", "reports"}
    qtbot.mouseClick(workspace.nav_buttons["reports"], Qt.MouseButton.LeftButton)
    assert isinstance(workspace.stack.currentWidget(), ReportsScreen)
    # Ctrl+1 (the caseload button) brings the caseload back.
    qtbot.mouseClick(workspace.nav_buttons["caseload"], Qt.MouseButton.LeftButton)
    assert workspace.stack.currentWidget() is workspace.page


def test_a_manager_sees_cases_needing_sign_off(qtbot, window, profiles):
    profiles.create("Helen Ward", PASSWORD, role="manager")
    sign_in(qtbot, window, "Helen Ward", PASSWORD)
    workspace = window.workspace
    qtbot.mouseClick(workspace.nav_buttons["signoffs"], Qt.MouseButton.LeftButton)
    assert isinstance(workspace.stack.currentWidget(), SignoffList)


def test_every_screen_starts_its_heading_where_the_caseload_does(qtbot, window, profiles):
    """Switching screens never moves the heading sideways: Reports (and Sign-offs) had Qt's
    default 9 px margin, 7 px left of the caseload's and the family record's 16."""
    from ehdesk.ui import style

    profiles.create("Helen Ward", PASSWORD, role="manager")
    sign_in(qtbot, window, "Helen Ward", PASSWORD)
    workspace = window.workspace
    lefts = {}
    for key, button in workspace.nav_buttons.items():
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        screen = workspace.stack.currentWidget()
        screen.layout().activate()
        lefts[key] = screen.layout().itemAt(0).geometry().x()
    lefts["family"] = open_new_family(qtbot, window, "Ward").layout().itemAt(0).geometry().x()
    assert {"caseload", "reports", "signoffs"} <= set(lefts)
    assert set(lefts.values()) == {style.PAGE_MARGINS[0]}, lefts


def test_leaving_a_family_for_reports_saves_the_household_typed_so_far(qtbot, window, profiles):
    from ehdesk.casework.families import get_family
    from tests.ui.conftest import fill, settle

    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    record = open_new_family(qtbot, window, "Okafor")
    family_id = record.family_id
    fill(record.household, town="Belford")
    qtbot.mouseClick(window.workspace.nav_buttons["reports"], Qt.MouseButton.LeftButton)
    assert window.workspace.record is None  # the record was closed, and flushed, before switching
    settle(window)
    with window.store.session() as s:
        assert get_family(s, family_id, audit_view=False).town == "Belford"


def test_an_expired_server_profile_says_why_it_will_not_open(qtbot, window, profiles):
    from datetime import UTC, datetime, timedelta

    profiles.create("Ravi Chauhan", PASSWORD, server_url="http://127.0.0.1:9")  # nothing listens there
    info = profiles.find("Ravi Chauhan")
    profiles.update_profile(info, last_online_at=(datetime.now(UTC) - timedelta(days=90)).isoformat())
    window.signin.refresh(select="Ravi Chauhan")
    window.signin.password.setText(PASSWORD)
    qtbot.mouseClick(window.signin.sign_in, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "will not open offline" in window.signin.message.text(), timeout=60_000)
    assert window.store is None
