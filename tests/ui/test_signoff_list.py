"""A manager sees their team's cases past 12 months and signs one off."""

from datetime import date, timedelta

from ehdesk.models import Episode, Family
from ehdesk.ui.plan.signoff_list import SignoffList


def test_manager_signs_off_a_case_past_twelve_months(qtbot, store):
    store.profile = store.profile._replace(role="manager")
    with store.session() as s:
        for name, team, days in (
            ("Long household", "t1", 400),
            ("New household", "t1", 30),
            ("Other team", "t2", 500),
        ):
            f = Family(reference=f"EH-{name[:3]}", household_name=name, team_id=team)
            s.add(f)
            s.flush()
            s.add(
                Episode(
                    family_id=f.id, opened_on=date.today() - timedelta(days=days), allocated_worker_name="Pat"
                )
            )
    widget = SignoffList(store, "t1")
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.pending == 0)
    assert widget.table.rowCount() == 1 and widget.table.item(0, 0).text() == "Long household"
    widget._sign_off_row(0)
    widget.dialog.reason.setPlainText("Waiting for the school move in January")
    widget.dialog.accept()
    qtbot.waitUntil(lambda: widget.pending == 0 and widget.message.text() == "Signed off.")
    qtbot.waitUntil(lambda: widget.pending == 0)
    assert widget.table.rowCount() == 0 and widget.title.text() == "No case needs sign-off."
