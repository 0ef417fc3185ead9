"""The plan's outcome and action dialogs keep what was typed (issue 14): a missing field is said
beside that field, inside the dialog, which stays open with everything typed; it closes only
when the save landed."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from ehdesk.ui.plan.tab import PlanTab
from tests.ui.test_plan_tabs import family  # noqa: F401  (the fixture)


def open_plan(qtbot, store, family_id) -> PlanTab:
    tab = PlanTab(store, family_id)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.screen is not None and tab.pending == 0, timeout=5000)
    return tab


def press_save(qtbot, dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not dialog.saving, timeout=5000)


def test_an_outcome_missing_a_field_stays_open_with_the_message_beside_it(qtbot, store, family):  # noqa: F811
    tab = open_plan(qtbot, store, family)
    tab.add_outcome()
    dialog = tab.dialog
    dialog.for_whom.setText("Sam")
    dialog.how.setPlainText("Sam is in school every day for a month")
    press_save(qtbot, dialog)

    assert dialog.isVisible()
    assert dialog.error_for("what_will_be_different") == "Say what will be different for the family."
    assert dialog.error_for("for_whom") == ""
    assert dialog.for_whom.text() == "Sam"
    assert dialog.how.toPlainText() == "Sam is in school every day for a month"
    assert tab.message.text() == ""  # said in the dialog, not at the foot of the tab
    assert tab.tree.topLevelItemCount() == 0

    dialog.what.setPlainText("Sam goes to school every day")
    press_save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: tab.tree.topLevelItemCount() == 1, timeout=5000)
    assert tab.tree.topLevelItem(0).text(0) == "Sam goes to school every day"


def test_an_action_missing_what_and_who_keeps_the_date_and_status(qtbot, store, family):  # noqa: F811
    tab = open_plan(qtbot, store, family)
    tab.add_outcome()
    tab.dialog.what.setPlainText("Calmer mornings")
    tab.dialog.for_whom.setText("Jo")
    tab.dialog.how.setPlainText("Jo says so")
    press_save(qtbot, tab.dialog)
    qtbot.waitUntil(lambda: tab.tree.topLevelItemCount() == 1, timeout=5000)

    tab.tree.setCurrentItem(tab.tree.topLevelItem(0))
    tab.add_action()
    dialog = tab.dialog
    dialog.status.setCurrentIndex(dialog.status.findData("in_progress"))
    press_save(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.error_for("what") == "Say what will be done."
    assert dialog.error_for("who_name") == "Say who will do it: a person, an agency, or both."
    assert dialog.status.currentData() == "in_progress"

    dialog.what.setText("Morning routine chart")
    dialog.who_name.setText("Jo")
    press_save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: tab.tree.topLevelItem(0).childCount() == 1, timeout=5000)
    assert tab.tree.topLevelItem(0).child(0).text(0) == "Morning routine chart"
