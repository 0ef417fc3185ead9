"""The plan's "who" offers the family's professionals and household, and links the professional
chosen; closing as stepped up asks for the step-up handover in the close dialog."""

from __future__ import annotations

from datetime import timedelta

from ehdesk.casework import handovers, professionals
from ehdesk.models import Episode
from ehdesk.models.plan import PlanAction
from ehdesk.ui.plan.tab import PlanTab
from tests.ui.test_plan_dialogs import open_plan, press_save
from tests.ui.test_plan_tabs import TODAY, add_outcome, family, settle  # noqa: F401  (the fixture)


def test_who_offers_the_professionals_and_links_the_one_chosen(qtbot, store, family):  # noqa: F811
    with store.session() as s:
        school = professionals.add_professional(
            s,
            family,
            {"agency": "school", "name": "Ms Ali", "role": "Teacher", "since": TODAY - timedelta(days=90)},
        )
    tab = open_plan(qtbot, store, family)
    add_outcome(qtbot, tab, "Sam gets to school on time", "Sam")
    tab.tree.setCurrentItem(tab.tree.topLevelItem(0))
    tab.add_action()
    dialog = tab.dialog
    labels = [dialog.who.itemText(i) for i in range(dialog.who.count())]
    assert labels == ["Ms Ali (School)", "Jo Hill (mother)", "Sam Hill (son)", "The family"]
    assert dialog.who_name.text() == ""  # nothing chosen for the worker

    # Someone typed who is not on the list is allowed, and said so.
    dialog.who_name.setText("Dr Lee")
    assert "Not on the family's list" in dialog.who_note.text()
    assert dialog.values()["who_professional_id"] == ""

    # Choosing the teacher fills her agency and links her.
    dialog.who.setCurrentIndex(0)
    dialog.who.activated.emit(0)
    assert dialog.who_name.text() == "Ms Ali"
    assert dialog.who_agency.currentData() == "school"
    assert dialog.who_note.text() == "On the family's list of professionals involved."
    dialog.what.setText("Breakfast club place")
    press_save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    settle(qtbot, tab)
    assert tab.tree.topLevelItem(0).child(0).text(1) == "Ms Ali, School"
    with store.session() as s:
        assert s.query(PlanAction).one().who_professional_id == school

    # Once she stops working with the family, the plan says the action is with someone not involved.
    with store.session() as s:
        professionals.end_involvement(s, school, TODAY - timedelta(days=1))
    tab.reload()
    settle(qtbot, tab)
    assert "Breakfast club place (Ms Ali, School: no longer working with the family)" in tab.status.text()


def test_closing_as_stepped_up_records_the_handover_from_the_close_dialog(qtbot, store, family):  # noqa: F811
    store.profile = store.profile._replace(role="manager")
    tab = PlanTab(store, family)
    qtbot.addWidget(tab)
    settle(qtbot, tab)
    tab.close_case()
    settle(qtbot, tab)
    dialog = tab.dialog
    assert dialog.handover.isHidden() or not dialog.handover.isVisibleTo(dialog)
    dialog.reason.setCurrentIndex(dialog.reason.findData("stepped_up"))
    assert dialog.received_by.isVisibleTo(dialog) and dialog.information_shared.isVisibleTo(dialog)
    assert "No step-up handover is recorded" in dialog.missing.text()
    dialog.override.setPlainText("Urgent: risk escalated")
    press_save(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.error_for("handover_received_by") == "Who received it is missing."
    assert dialog.error_for("handover_information_shared") == "What was shared with social care is missing."

    dialog.handover_reason.setText("Disclosure at school")
    dialog.information_shared.setPlainText("EHA, plan and chronology")
    dialog.received_by.setText("Front door duty team")
    assert "No step-up handover is recorded" not in dialog.missing.text()
    press_save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    settle(qtbot, tab)
    assert "Stepped up to Front door duty team" in tab.status.text()
    with store.session() as s:
        [h] = handovers.list_handovers(s, family)
        assert (h.direction, h.information_shared) == ("step_up", "EHA, plan and chronology")
        assert s.query(Episode).one().status == "closed"


def test_the_case_forms_lead_role_comes_from_the_packs_practitioner_groups(qtbot, store, family):  # noqa: F811
    from ehdesk.casework import episodes
    from ehdesk.ui.family.case_forms import EpisodeForm

    form = EpisodeForm(store, family)
    qtbot.addWidget(form)
    form.show_episode(None, None)
    role = form.form.fields["lead_professional_role"]
    assert role.currentText() == "Early help family worker"
    assert [role.itemText(i) for i in range(1, 4)] == [
        "Early help family worker",
        "Children's centre worker",
        "School pastoral or inclusion lead",
    ]
    # A role typed before the list existed stays on the case until someone chooses one.
    with store.session() as s:
        s.query(Episode).one().lead_professional_role = "Family support worker"
    with store.session() as s:
        episode = episodes.current_episode(s, family)
    form.show_episode(episode, None)
    assert role.currentText() == "Family support worker (as typed before)"
    assert form.raw()["lead_professional_role"] == "Family support worker"
