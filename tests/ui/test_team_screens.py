"""The Agencies and Chronology tabs and the manager's Team screen, driven as a worker would."""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from ehdesk.casework import allocation, professionals
from ehdesk.models import Episode
from ehdesk.ui.team.agencies_tab import AgenciesTab
from ehdesk.ui.team.chronology_tab import ChronologyTab
from ehdesk.ui.team.screen import TeamScreen
from ehdesk.ui.widgets import set_combo
from tests.casework.team.conftest import world  # noqa: F401  (the team and the Hill family)


def _wait(qtbot, widget):
    qtbot.waitUntil(lambda: widget.pending == 0, timeout=10_000)


def test_agencies_tab_adds_a_lead_professional_and_draws_them_on_the_ecomap(qtbot, world):  # noqa: F811
    tab = AgenciesTab(world.store, world.family_id)
    qtbot.addWidget(tab)
    _wait(qtbot, tab)
    assert tab.table.rowCount() == 0
    # Saving with no agency: the message sits beside the field and nothing is saved.
    tab.form.fields["name"].setText("Mrs Patel")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    _wait(qtbot, tab)
    assert tab.form.error_text("agency") == "Choose the agency from the list."
    assert tab.table.rowCount() == 0

    f = tab.form.fields
    set_combo(f["agency"], "school")
    f["role"].setText("Head of year")
    f["since"].setText("01/09/2025")
    set_combo(f["consent_id"], world.consent_id)
    f["is_lead"].setChecked(True)
    set_combo(f["lead_role"], "school_pastoral_lead")
    set_combo(f["strength"], "strong")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    _wait(qtbot, tab)
    assert tab.form.error_text("agency") == ""
    cells = [tab.table.item(0, c).text() for c in range(tab.table.columnCount())]
    assert cells == [
        "School",
        "Mrs Patel",
        "Head of year",
        "1 September 2025",  # typed 01/09/2025, shown in the pack's style
        "",
        "School pastoral or inclusion lead",
        "Yes",
    ]
    assert "Agency or professional: School (lead) — Strong tie" in tab.ecomap.node_labels
    with world.session() as s:
        assert s.get(Episode, world.episode_id).lead_professional_name == "Mrs Patel"

    t = tab.tie_form.fields
    set_combo(t["kind"], "wider_family")
    t["name"].setText("Nan Rose")
    set_combo(t["strength"], "stressful")
    qtbot.mouseClick(tab.add_tie_button, Qt.MouseButton.LeftButton)
    _wait(qtbot, tab)
    assert "Wider family: Nan Rose — Stressful tie" in tab.ecomap.node_labels


def test_chronology_tab_filters_by_child_adds_an_event_and_exports(qtbot, world, tmp_path):  # noqa: F811
    tab = ChronologyTab(world.store, world.family_id)
    qtbot.addWidget(tab)
    _wait(qtbot, tab)
    titles = [tab.table.item(r, 1).text() for r in range(tab.table.rowCount())]
    assert titles[:2] == ["Request for support received", "Case opened: Early help (family service)"]
    f = tab.form.fields
    f["occurred_on"].setText("14/02/2026")
    f["title"].setText("Lily taken to A&E after a fall")
    f["child_ids"].set_values([world.lily])
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    _wait(qtbot, tab)
    assert tab.message.text() == "Added to the chronology."
    whole = tab.table.rowCount()
    tab.child.setCurrentIndex(tab.child.findData(world.kai))
    _wait(qtbot, tab)
    assert tab.table.rowCount() == whole - 1
    assert tab.count.text() == f"{whole - 1} entries for kai hill"
    tab.child.setCurrentIndex(tab.child.findData(world.lily))
    _wait(qtbot, tab)
    assert tab.table.rowCount() == whole
    out = tmp_path / "c.csv"
    tab.export_to(out)
    _wait(qtbot, tab)
    assert "Lily taken to A&E after a fall" in out.read_text(encoding="utf-8-sig")


def test_team_screen_shows_the_figures_and_reallocates_a_case(qtbot, world):  # noqa: F811
    world.store.profile = world.store.profile._replace(role="manager", team_id=world.north)
    with world.session() as s:
        professionals.add_professional(s, world.family_id, {"agency": "school", "name": "Mrs Patel"})
    screen = TeamScreen(world.store)
    qtbot.addWidget(screen)
    _wait(qtbot, screen)
    rows = [
        [screen.workers.item(r, c).text() for c in range(screen.workers.columnCount())]
        for r in range(screen.workers.rowCount())
    ]
    today = date.today()
    past = "1" if today >= date(2027, 1, 5) else "0"
    assert rows[0][:2] == ["Ann Worker", "1"] and rows[0][3:5] == [past, "1"]
    assert [r[0] for r in rows] == ["Ann Worker", "Bob Worker", "Mo Manager", "Team total"]
    assert screen.tabs.tabText(1) == "Unallocated requests (1)"
    assert screen.cases.rowCount() == 1

    screen.cases.selectRow(0)
    qtbot.mouseClick(screen.reallocate_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    set_combo(dialog.form.fields["worker_id"], world.bob)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)  # no handover note yet
    _wait(qtbot, screen)
    assert dialog.form.error_text("handover_note") == "Write a handover note for the new worker."
    assert dialog.isVisible()
    dialog.form.fields["handover_note"].setPlainText("Mum prefers afternoons.")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    _wait(qtbot, screen)
    assert not dialog.isVisible()
    assert screen.message.text() == "Hill reallocated."
    qtbot.waitUntil(lambda: screen.workers.item(1, 1).text() == "1")
    with world.session() as s:
        assert allocation.latest_handover_note(s, world.episode_id) == "Mum prefers afternoons."


def test_the_taf_attendee_list_is_filled_from_and_checked_against_who_is_involved(qtbot, world):  # noqa: F811
    from ehdesk.ui.plan.meetings_tab import MeetingsTab

    with world.session() as s:
        professionals.add_professional(s, world.family_id, {"agency": "school", "name": "Mrs Patel"})
        professionals.add_professional(s, world.family_id, {"agency": "health_visitor", "name": "Dee Lowe"})
    tab = MeetingsTab(world.store, world.family_id)
    qtbot.addWidget(tab)
    _wait(qtbot, tab)
    # No meeting chosen yet: nothing to fill or check.
    assert not tab.involved.button.isEnabled() and not tab.involved.check_button.isEnabled()
    tab.new_kind.setCurrentIndex(tab.new_kind.findData("initial_taf"))
    tab.new_button.click()
    qtbot.waitUntil(lambda: tab.pending == 0 and tab.current is not None, timeout=10_000)
    picker = tab.involved
    qtbot.waitUntil(lambda: picker.pending == 0)
    qtbot.mouseClick(picker.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: picker.pending == 0 and tab.attendees.rowCount() == 2)
    names = [tab.attendees.item(r, 0).text() for r in range(2)]
    assert names == ["Dee Lowe", "Mrs Patel"]
    assert tab.attendees.item(1, 2).text() == "School"
    assert picker.note.text() == "Added 2 people involved."
    tab.attendees.removeRow(0)  # Dee did not come and sent nothing
    qtbot.mouseClick(picker.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: picker.pending == 0)
    assert (
        picker.note.text()
        == "Involved but not listed as attending or sending apologies: Dee Lowe (Health visiting)."
    )


def test_a_manager_opens_the_team_screen_from_the_navigation_and_a_worker_has_none(qtbot, window, profiles):
    from tests.conftest import PASSWORD
    from tests.ui.conftest import sign_in

    profiles.create("Helen Ward", PASSWORD, role="manager")
    sign_in(qtbot, window, "Helen Ward", PASSWORD)
    workspace = window.workspace
    qtbot.mouseClick(workspace.nav_buttons["team"], Qt.MouseButton.LeftButton)
    screen = workspace.stack.currentWidget()
    assert isinstance(screen, TeamScreen)
    qtbot.waitUntil(lambda: screen.pending == 0 and screen.data is not None, timeout=10_000)
    assert screen.workers.item(screen.workers.rowCount() - 1, 0).text() == "Team total"
    window.lock()
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    assert "team" not in window.workspace.nav_buttons


def _ok(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_a_manager_triages_supervises_and_audits_from_the_team_screen(qtbot, world):  # noqa: F811
    from ehdesk.casework import case_audit, supervision, triage
    from ehdesk.config.pack import current_pack
    from ehdesk.ui.team.dialogs import fill_actions

    world.store.profile = world.store.profile._replace(role="manager", team_id=world.north)
    screen = TeamScreen(world.store)
    qtbot.addWidget(screen)
    _wait(qtbot, screen)

    # Triage the waiting request: allocate it to Bob.
    screen.unallocated.selectRow(0)
    screen.triage_button.click()
    dialog = screen.dialog
    f = dialog.form.fields
    set_combo(f["forum"], "weekly_triage")
    set_combo(f["decision"], "allocate")
    f["rationale"].setPlainText("Needs a family worker.")
    set_combo(f["allocated_to_id"], world.bob)
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    _wait(qtbot, screen)
    assert not dialog.isVisible()
    assert screen.tabs.tabText(1) == "Unallocated requests (0)"
    with world.session() as s:
        (decision,) = triage.list_triage(s, world.family_id)
    assert (decision.decided_by, decision.allocated_to_name) == ("Test Worker", "Bob Worker")

    # Supervision with an action; a bad date stays in the dialog.
    screen.cases.selectRow(0)
    screen.supervise_button.click()
    dialog = screen.dialog
    dialog.form.fields["discussion"].setPlainText("Attendance still low.")
    fill_actions(dialog.form.fields["actions"], [("Chase the GP letter", "31/02/2026")])
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.form.error_text("actions") == "31/02/2026 is not a real date: February 2026 has 28 days."
    fill_actions(dialog.form.fields["actions"], [("Chase the GP letter", "2026-02-28")])
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.form.error_text("actions") == (
        "Type the due date “2026-02-28” as day/month/year, for example 07/03/2015."
    )
    fill_actions(dialog.form.fields["actions"], [("Chase the GP letter", "28/02/2026")])
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    _wait(qtbot, screen)
    assert not dialog.isVisible() and screen.message.text() == "Supervision recorded for Hill."
    with world.session() as s:
        (sup,) = supervision.list_supervisions(s, world.episode_id)
    assert sup.actions == [{"what": "Chase the GP letter", "due_on": "2026-02-28", "done_on": ""}]

    # An audit: every question graded, below good needs an action.
    screen.cases.selectRow(0)
    screen.audit_button.click()
    _wait(qtbot, screen)
    dialog = screen.dialog
    for grade, _comment in dialog.question_boxes.values():
        set_combo(grade, "requires_improvement")
    set_combo(dialog.form.fields["grade"], "requires_improvement")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    _wait(qtbot, screen)
    assert (
        dialog.form.error_text("actions")
        == "A case graded below good needs at least one action with a due date."
    )
    fill_actions(dialog.form.fields["actions"], [("Rewrite the outcomes", "01/03/2026")])
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    _wait(qtbot, screen)
    assert not dialog.isVisible()
    with world.session() as s:
        (audit,) = case_audit.list_audits(s, world.episode_id)
    assert audit.grade_label == "Requires improvement"
    assert len(audit.answers) == len(current_pack().codes("audit_questions"))


def test_handovers_tab_records_a_step_up_and_social_cares_decision_later(qtbot, world):  # noqa: F811
    from ehdesk.ui.team.handovers_tab import HandoversTab

    tab = HandoversTab(world.store, world.family_id)
    qtbot.addWidget(tab)
    _wait(qtbot, tab)
    f = tab.up.fields
    f["handed_over_on"].setText("03/03/2026")
    f["reason"].setPlainText("Disclosure at school.")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    _wait(qtbot, tab)
    assert tab.up.error_text("received_by") == "Who received it is missing."
    assert tab.table.rowCount() == 0
    f["information_shared"].setPlainText("EHA and chronology")
    f["received_by"].setText("MASH duty social worker")
    f["early_help_continues"].setChecked(True)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    _wait(qtbot, tab)
    assert [tab.table.item(0, c).text() for c in (0, 1, 3, 4)] == [
        "3 March 2026",
        "Stepped up to children's social care",
        "MASH duty social worker",
        "Not known yet",
    ]
    tab.table.selectRow(0)
    set_combo(tab.decision, "child_in_need")
    tab.decision_on.setText("10/03/2026")
    qtbot.mouseClick(tab.decision_button, Qt.MouseButton.LeftButton)
    _wait(qtbot, tab)
    qtbot.waitUntil(lambda: tab.table.item(0, 4).text() == "Child in need plan")


def test_a_manager_asks_for_a_family_to_move_team(qtbot, world):  # noqa: F811
    from ehdesk.casework import team_moves

    world.store.profile = world.store.profile._replace(role="manager", team_id=world.north)
    screen = TeamScreen(world.store)
    qtbot.addWidget(screen)
    _wait(qtbot, screen)
    screen.cases.selectRow(0)
    screen.move_button.click()
    _wait(qtbot, screen)
    dialog = screen.dialog
    set_combo(dialog.form.fields["to_team_id"], world.south)
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    _wait(qtbot, screen)
    assert dialog.form.error_text("reason") == "The reason for the move is missing."
    dialog.form.fields["reason"].setPlainText("Family moved to Southtown.")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    _wait(qtbot, screen)
    assert not dialog.isVisible()
    with world.session() as s:
        (request,) = team_moves.move_requests(s, world.family_id)
    assert (request.to_team_name, request.status) == ("South", "open")


def test_the_team_screen_opens_on_the_first_worker_with_cases(qtbot, world):  # noqa: F811
    from ehdesk.models import Episode

    world.store.profile = world.store.profile._replace(role="manager", team_id=world.north)
    with world.session() as s:  # Hill's case is Bob's: Ann, listed first, has none
        episode = s.get(Episode, world.episode_id)
        episode.allocated_worker_id, episode.allocated_worker_name = world.bob, "Bob Worker"
    screen = TeamScreen(world.store)
    qtbot.addWidget(screen)
    _wait(qtbot, screen)
    assert screen.workers.item(0, 0).text() == "Ann Worker"
    assert screen.tabs.tabText(0) == "Cases of Bob Worker (1)"
    assert screen.cases.rowCount() == 1


def test_chronology_rows_are_as_tall_as_their_text_once_the_tab_is_shown(qtbot, world):  # noqa: F811
    with world.session() as s:
        from ehdesk.casework import chronology

        chronology.add_event(
            s,
            world.family_id,
            {"occurred_on": date(2026, 2, 1), "title": "Police called", "detail": "Neighbour rang. " * 6},
        )
    tab = ChronologyTab(world.store, world.family_id)  # filled while hidden, as behind a tab
    qtbot.addWidget(tab)
    _wait(qtbot, tab)
    tab.resize(1240, 600)
    tab.show()
    qtbot.waitExposed(tab)
    one_line = tab.table.fontMetrics().height()
    heights = [tab.table.rowHeight(r) for r in range(tab.table.rowCount())]
    assert max(heights) <= 3 * one_line + 12, heights  # no row kept its narrow-column height
