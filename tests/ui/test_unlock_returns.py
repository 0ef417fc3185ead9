"""Unlock returns the worker to where they were (issue 14): the family, the tab, and what was open
in it (the member chosen, the assessment and its section), or the screen they were on."""

from __future__ import annotations

from datetime import date

from ehdesk.casework import assessments, families
from ehdesk.ui.assessment.tab import AssessmentTab
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
