"""No screen is stale (issue 14): what one tab saves shows on the others and on the caseload
without reopening anything, because every write reports what it changed and every screen
refreshes from the store's one ``changes`` signal."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from ehdesk.casework import episodes, families
from ehdesk.ui.agreement.tab import AgreementTab
from ehdesk.ui.plan.sessions_tab import SessionsTab
from ehdesk.ui.plan.tab import PlanTab
from tests.agreement.factory import make_family
from tests.conftest import PASSWORD
from tests.ui.conftest import fill, settle, sign_in

TODAY = date.today()


def tab_of(record, cls):
    return next(t for t in record.feature_tabs if isinstance(t, cls))


def open_record(qtbot, window, family_id):
    window.workspace.open_family(family_id)
    record = window.workspace.record
    qtbot.waitUntil(lambda: record.is_loaded, timeout=10_000)
    settle(window)
    return record


def caseload_next_step(window, family_id: str) -> str:
    row = next(r for r in window.workspace.page.model.rows if r.family_id == family_id)
    return row.next_due_label


def back_to_caseload(qtbot, window, family_id: str, changed_from: str) -> str:
    qtbot.mouseClick(window.workspace.record.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.workspace.caseload_loaded, timeout=5000)
    settle(window)
    return caseload_next_step(window, family_id)


def test_opening_a_case_shows_on_the_plan_tab_at_once(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    store = profiles.unlock("Amira Patel", PASSWORD)
    with store.session() as s:
        family_id = families.create_family(s, {"household_name": "Nowak"})
        child = families.add_person(
            s,
            family_id,
            {
                "given_name": "Kasia",
                "family_name": "Nowak",
                "role": "child",
                "date_of_birth": date(2015, 5, 5),
            },
        )
    store.close()
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    record = open_record(qtbot, window, family_id)
    plan = tab_of(record, PlanTab)
    assert "no case open" in plan.status.text()

    case = record.case
    fill(case.episode_form, level_of_need=2, lead_child_id=child, criteria_met=["education"])
    qtbot.mouseClick(case.episode_save, Qt.MouseButton.LeftButton)
    settle(window)
    assert case.episode_state.text().startswith("Open since")
    # The Plan tab says so without the family being reopened.
    qtbot.waitUntil(lambda: plan.status.text().startswith("Case open since"), timeout=5000)
    assert plan.add_outcome_button.isEnabled()


def allocated_family(profiles, make) -> str:
    profiles.create("Amira Patel", PASSWORD)
    store = profiles.unlock("Amira Patel", PASSWORD)
    with store.session() as s:
        family_id = make(s)
        episode = episodes.current_episode(s, family_id)
        episodes.allocate(s, episode.id, store.worker_id, "Amira Patel", episode.opened_on)
    store.close()
    return family_id


def test_signing_the_agreement_updates_the_caseload(qtbot, window, profiles):
    family_id = allocated_family(profiles, lambda s: make_family(s, TODAY - timedelta(days=50)))
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    before = caseload_next_step(window, family_id)
    assert "agreement" in before.lower()

    record = open_record(qtbot, window, family_id)
    tab = tab_of(record, AgreementTab)
    record.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.prepare_button.isEnabled(), timeout=5000)
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.prepare()
    for index in range(tab.signer.count()):
        if tab.signer.itemData(index).role in ("parent", "worker"):
            tab.signer.setCurrentIndex(index)
            with qtbot.waitSignal(tab.loaded, timeout=5000):
                tab.add_verbal_consent("Interpreter by phone")
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.sign_and_freeze(confirm=False)
    assert tab.view.status == "signed"

    after = back_to_caseload(qtbot, window, family_id, before)
    assert "agreement" not in after.lower(), after


def test_planning_a_session_updates_the_caseload(qtbot, window, profiles):
    family_id = allocated_family(profiles, lambda s: make_family(s, TODAY - timedelta(days=10)))
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    before = caseload_next_step(window, family_id)

    record = open_record(qtbot, window, family_id)
    tab = tab_of(record, SessionsTab)
    record.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.pending == 0 and tab.episode_id is not None, timeout=5000)
    tab.new_session()
    tab.status.setCurrentIndex(tab.status.findData("planned"))
    tab.session_on.setDate(tab.session_on.date().addDays(2))
    tab.headings["purpose"].setPlainText("Talk through the morning routine")
    tab.save()
    qtbot.waitUntil(lambda: tab.message.text() == "Session saved.", timeout=5000)

    after = back_to_caseload(qtbot, window, family_id, before)
    assert after != before
    assert "session" in after.lower(), after
