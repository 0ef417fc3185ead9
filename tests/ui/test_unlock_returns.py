"""Unlock returns the worker to where they were (issue 14): the family, the tab, and what was open
in it (the member chosen, the assessment and its section), or the screen they were on."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from ehdesk.casework import assessments, families
from ehdesk.ui.assessment.tab import AssessmentTab
from ehdesk.ui.ops import for_store
from tests.agreement.factory import make_family
from tests.conftest import PASSWORD
from tests.ui.conftest import settle, sign_in


def seed(profiles) -> str:
    profiles.create("Amira Patel", PASSWORD)
    store = profiles.unlock("Amira Patel", PASSWORD)
    with store.session() as s:
        family_id = make_family(s, date.today())
    store.close()
    return family_id


def relock(qtbot, window):
    window.lock()
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    qtbot.waitUntil(
        lambda: window.workspace.record is not None and window.workspace.record.is_loaded, timeout=10_000
    )
    return window.workspace.record


def test_unlock_returns_to_the_member_chosen(qtbot, window, profiles):
    family_id = seed(profiles)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    window.workspace.open_family(family_id)
    record = window.workspace.record
    qtbot.waitUntil(lambda: record.is_loaded, timeout=10_000)
    record.tabs.setCurrentWidget(record.members)
    third = record.members.members[2]
    record.members._select(third.id)
    assert record.members.editor.member_id == third.id

    record = relock(qtbot, window)
    assert record.tabs.currentWidget() is record.members
    assert record.members.editor.member_id == third.id
    assert record.members.editor.form.fields["given_name"].text() == third.given_name


def test_unlock_returns_to_the_assessment_section(qtbot, window, profiles):
    family_id = seed(profiles)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    with window.store.session() as s:
        assessment_id = assessments.start_assessment(s, family_id, assessments.EHA_FORM)
    window.workspace.open_family(family_id)
    record = window.workspace.record
    qtbot.waitUntil(lambda: record.is_loaded, timeout=10_000)
    tab = next(t for t in record.feature_tabs if isinstance(t, AssessmentTab))
    record.tabs.setCurrentWidget(tab)
    with qtbot.waitSignal(tab.opened, timeout=5000):
        tab.open_assessment(assessment_id)
    section = tab.editor.form.sections[2]
    tab.editor.form.go_to_section(section.id)
    settle(window)

    record = relock(qtbot, window)
    tab = next(t for t in record.feature_tabs if isinstance(t, AssessmentTab))
    assert record.tabs.currentWidget() is tab
    qtbot.waitUntil(lambda: tab.editor is not None, timeout=5000)
    assert tab.editor.view.id == assessment_id
    assert tab.editor.form.nav.currentRow() == 2


def test_unlock_returns_to_the_screen(qtbot, window, profiles):
    seed(profiles)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    window.workspace.show_screen("reports")
    window.lock()
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    qtbot.waitUntil(lambda: "reports" in window.workspace.screens, timeout=5000)
    assert window.workspace.stack.currentWidget() is window.workspace.screens["reports"]
    with window.store.session() as s:
        assert families.list_families(s)


def test_a_half_typed_outcome_dialog_comes_back_after_unlock(qtbot, window, profiles):
    from ehdesk.ui.plan.dialogs import OutcomeDialog
    from ehdesk.ui.plan.tab import PlanTab

    family_id = seed(profiles)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    window.workspace.open_family(family_id)
    record = window.workspace.record
    qtbot.waitUntil(lambda: record.is_loaded, timeout=10_000)
    plan = next(t for t in record.feature_tabs if isinstance(t, PlanTab))
    record.tabs.setCurrentWidget(plan)
    qtbot.waitUntil(lambda: plan.episode_id is not None, timeout=5000)
    plan.add_outcome()
    plan.dialog.for_whom.setText("Ade")
    plan.dialog.how.setPlainText("Ade says mornings are calmer")  # "what will be different" not yet typed

    record = relock(qtbot, window)
    plan = next(t for t in record.feature_tabs if isinstance(t, PlanTab))
    assert record.tabs.currentWidget() is plan
    qtbot.waitUntil(lambda: isinstance(plan.dialog, OutcomeDialog) and plan.dialog.isVisible(), timeout=5000)
    assert plan.dialog.for_whom.text() == "Ade"
    assert plan.dialog.how.toPlainText() == "Ade says mornings are calmer"
    plan.dialog.reject()


def _open_tab(qtbot, window, family_id, cls, ready=lambda tab: tab.screen is not None):
    """Sign in, open the family and its tab of kind ``cls``, once ``ready(tab)`` and idle."""
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    window.workspace.open_family(family_id)
    record = window.workspace.record
    qtbot.waitUntil(lambda: record.is_loaded, timeout=10_000)
    tab = next(t for t in record.feature_tabs if isinstance(t, cls))
    record.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: ready(tab) and for_store(window.store).pending_for(tab) == 0, timeout=5000)
    return tab


def _back_on(qtbot, window, cls):
    """Lock, sign in again, and the tab of kind ``cls`` the record came back on."""
    record = relock(qtbot, window)
    tab = next(t for t in record.feature_tabs if isinstance(t, cls))
    assert record.tabs.currentWidget() is tab
    return tab


def test_unlock_returns_to_the_meeting_chosen(qtbot, window, profiles):
    from datetime import timedelta

    from ehdesk.casework import meetings
    from ehdesk.ui.plan.base import episode_of
    from ehdesk.ui.plan.meetings_tab import MeetingsTab

    family_id = seed(profiles)
    store = profiles.unlock("Amira Patel", PASSWORD)
    with store.session() as s:
        episode_id, _ = episode_of(s, family_id)
        meetings.create_meeting(s, episode_id, "initial_taf", date.today() - timedelta(days=7))
        chosen = meetings.create_meeting(s, episode_id, "family_group_conference", date.today())
    store.close()
    tab = _open_tab(qtbot, window, family_id, MeetingsTab)
    assert tab.list.count() == 2
    row = next(i for i in range(2) if tab.list.item(i).data(Qt.ItemDataRole.UserRole).id == chosen)
    tab.list.setCurrentRow(row)
    assert tab.current.id == chosen

    tab = _back_on(qtbot, window, MeetingsTab)
    qtbot.waitUntil(lambda: tab.current is not None, timeout=5000)
    assert tab.current.id == chosen
    assert tab.list.currentItem().data(Qt.ItemDataRole.UserRole).id == chosen


def test_unlock_returns_to_the_session_chosen(qtbot, window, profiles):
    from datetime import timedelta

    from ehdesk.casework import sessions
    from ehdesk.ui.plan.base import episode_of
    from ehdesk.ui.plan.sessions_tab import SessionsTab

    family_id = seed(profiles)
    store = profiles.unlock("Amira Patel", PASSWORD)
    with store.session() as s:
        episode_id, _ = episode_of(s, family_id)
        ids = [
            sessions.save_session(
                s, episode_id, {"session_on": date.today() + timedelta(days=d), "session_type": "home_visit"}
            )
            for d in (1, 2, 3)
        ]
    chosen = ids[1]
    store.close()
    tab = _open_tab(qtbot, window, family_id, SessionsTab)
    assert tab.list.count() == 3
    row = next(i for i in range(3) if tab.list.item(i).data(Qt.ItemDataRole.UserRole).id == chosen)
    tab.list.setCurrentRow(row)
    assert tab.current_id == chosen

    tab = _back_on(qtbot, window, SessionsTab)
    qtbot.waitUntil(lambda: tab.current_id is not None, timeout=5000)
    assert tab.current_id == chosen
    assert tab.list.currentItem().data(Qt.ItemDataRole.UserRole).id == chosen


def _has_rows(tab) -> bool:
    return tab.table.rowCount() > 0


def test_unlock_returns_to_the_professional_chosen(qtbot, window, profiles):
    from ehdesk.casework import professionals
    from ehdesk.ui.team.agencies_tab import AgenciesTab

    family_id = seed(profiles)
    store = profiles.unlock("Amira Patel", PASSWORD)
    with store.session() as s:
        ids = [
            professionals.add_professional(s, family_id, {"agency": "school", "name": "Mrs Patel"}),
            professionals.add_professional(s, family_id, {"agency": "health_visitor", "name": "Dee Lowe"}),
        ]
    store.close()
    tab = _open_tab(qtbot, window, family_id, AgenciesTab, ready=_has_rows)
    tab.choose_row(tab.table, ids[1])
    assert tab.editing == ids[1]

    tab = _back_on(qtbot, window, AgenciesTab)
    qtbot.waitUntil(lambda: tab.editing is not None, timeout=5000)
    assert tab.editing == ids[1]
    assert tab.form.fields["name"].text() == "Dee Lowe"


def _handovers_chosen(tab) -> list[str]:
    return [tab.items[r.row()].id for r in tab.table.selectionModel().selectedRows()]


def test_unlock_returns_to_the_handover_chosen(qtbot, window, profiles):
    from ehdesk.casework import handovers
    from ehdesk.ui.plan.base import episode_of
    from ehdesk.ui.team.handovers_tab import HandoversTab

    family_id = seed(profiles)
    store = profiles.unlock("Amira Patel", PASSWORD)
    step_up = {
        "handed_over_on": date.today(),
        "reason": "Disclosure at school.",
        "information_shared": "EHA and chronology",
        "received_by": "MASH duty social worker",
        "early_help_continues": True,
    }
    with store.session() as s:
        episode_id, _ = episode_of(s, family_id)
        ids = [handovers.record_handover(s, episode_id, "step_up", step_up) for _ in range(2)]
    store.close()
    tab = _open_tab(qtbot, window, family_id, HandoversTab, ready=_has_rows)
    tab.choose_row(tab.table, ids[1])
    assert _handovers_chosen(tab) == [ids[1]]

    tab = _back_on(qtbot, window, HandoversTab)
    qtbot.waitUntil(lambda: bool(tab.table.selectionModel().selectedRows()), timeout=5000)
    assert _handovers_chosen(tab) == [ids[1]]
    assert tab.decision_button.isEnabled()


SPIDER = "health feelings safety relationships parenting learning home money work support".split()
CHILD = "happy sleep worry talk school safe cross myself".split()


def _seed_readings(profiles) -> tuple[str, list[str]]:
    """The family with two readings on the family spider graph and three on the son's child
    wellbeing scale (the second series shown); returns the family and the son's readings."""
    from datetime import timedelta

    from ehdesk.casework import readings
    from ehdesk.ui.plan.base import episode_of

    family_id = seed(profiles)
    store = profiles.unlock("Amira Patel", PASSWORD)
    with store.session() as s:
        episode_id, _ = episode_of(s, family_id)
        members = readings.family_progress(s, family_id).members
        mother = next(m.id for m in members if m.role == "adult")
        son = next(m.id for m in members if m.role == "child")  # 14: old enough for the child tool

        def take(tool_id, occasion, days_ago, people, answers, **more):
            when = date.today() - timedelta(days=days_ago)
            data = {"occasion": occasion, "taken_on": when, "participant_ids": people, "answers": answers}
            return readings.take_reading(s, episode_id, tool_id, data | more)

        for occasion, days_ago in (("baseline", 8), ("review", 2)):
            take("family_spider", occasion, days_ago, [mother], dict.fromkeys(SPIDER, 5))
        ids = [
            take("child_wellbeing", occasion, days_ago, [son], dict.fromkeys(CHILD, 2), subject_person_id=son)
            for occasion, days_ago in (("baseline", 7), ("review", 3), ("review", 1))
        ]
    store.close()
    return family_id, ids


def _open_second_series(qtbot, window, family_id):
    from ehdesk.ui.tools.tab import ProgressTab

    tab = _open_tab(qtbot, window, family_id, ProgressTab, ready=lambda tab: tab.progress is not None)
    assert tab.series_box.count() == 2 and tab.series_box.currentIndex() == 0  # the family's tool first
    tab.series_box.setCurrentIndex(1)
    assert tab.series_box.currentData().startswith("child_wellbeing|")
    return tab


def _readings_listed(tab) -> list[str]:
    return [tab.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(tab.table.rowCount())]


def test_unlock_returns_to_the_series_and_reading_chosen(qtbot, window, profiles):
    from ehdesk.ui.tools.tab import ProgressTab

    family_id, ids = _seed_readings(profiles)
    chosen = ids[1]
    tab = _open_second_series(qtbot, window, family_id)
    series = tab.series_box.currentData()
    assert sorted(_readings_listed(tab)) == sorted(ids) and _readings_listed(tab).index(chosen) > 0
    tab.table.selectRow(_readings_listed(tab).index(chosen))
    assert tab._selected_reading().id == chosen

    tab = _back_on(qtbot, window, ProgressTab)
    qtbot.waitUntil(lambda: tab._selected_reading() is not None, timeout=5000)
    assert tab.series_box.currentData() == series
    assert tab._selected_reading().id == chosen
    assert tab.edit_button.isEnabled() and tab.remove_button.isEnabled()
    tab.edit_selected()  # Correct opens the reading chosen
    assert tab.form is not None and tab.form.existing.id == chosen
    tab.cancel_reading()


def test_unlock_returns_to_the_series_with_no_reading_chosen(qtbot, window, profiles):
    from ehdesk.ui.tools.tab import ProgressTab

    family_id, _ids = _seed_readings(profiles)
    tab = _open_second_series(qtbot, window, family_id)
    series = tab.series_box.currentData()
    assert tab._selected_reading() is None

    tab = _back_on(qtbot, window, ProgressTab)
    qtbot.waitUntil(lambda: tab.series_box.currentData() == series, timeout=5000)
    qtbot.waitUntil(lambda: for_store(window.store).pending_for(tab) == 0, timeout=5000)
    assert tab.series_box.currentData() == series
    assert tab._selected_reading() is None
    assert not tab.edit_button.isEnabled() and not tab.remove_button.isEnabled()
