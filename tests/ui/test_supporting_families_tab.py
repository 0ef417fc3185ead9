"""The Supporting Families tab: a worker records needs against the headline outcomes and the
dated evidence of progress, and sees where the family stands."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate

from ehdesk.models import Episode, Family, FamilyOutcome
from ehdesk.ui.plan.supporting_families_tab import SupportingFamiliesTab

TODAY = date.today()


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def test_needs_and_sustained_progress_make_a_family_achieved(qtbot, store):
    with store.session() as s:
        f = Family(reference="EH-SF-1")
        s.add(f)
        s.flush()
        s.add(Episode(family_id=f.id, opened_on=TODAY - timedelta(days=400)))
        family_id = f.id
    tab = SupportingFamiliesTab(store, family_id)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.pending == 0 and tab.screen is not None, timeout=5000)
    assert tab.status.text() == "<b>Not eligible</b>"

    for code in ("education", "housing", "finance"):
        tab.outcome.setCurrentIndex(tab.outcome.findData(code))
        tab.identified_on.setDate(qdate(TODAY - timedelta(days=390)))
        tab.add_button.click()
        qtbot.waitUntil(lambda: tab.pending == 0, timeout=5000)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 3, timeout=5000)
    assert "in progress" in tab.status.text()

    for row in range(3):
        tab.table.selectRow(row)
        tab.progress_from.setDate(qdate(TODAY - timedelta(days=300)))
        tab.sustained_to.setDate(qdate(TODAY - timedelta(days=20)))
        tab.evidence.setPlainText("Checked with the school and the landlord")
        tab.progress_button.click()
        qtbot.waitUntil(lambda: tab.pending == 0, timeout=5000)
    qtbot.waitUntil(lambda: tab.status.text() == "<b>Achieved</b>", timeout=5000)
    assert [tab.table.item(r, 4).text() for r in range(3)] == ["Yes", "Yes", "Yes"]

    # A mistake is explained and changes nothing: the same need twice.
    tab.outcome.setCurrentIndex(tab.outcome.findData("housing"))
    tab.add_button.click()
    qtbot.waitUntil(lambda: "already recorded" in tab.message.text(), timeout=5000)
    with store.session() as s:
        assert s.query(FamilyOutcome).count() == 3
