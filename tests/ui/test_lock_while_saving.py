"""Locking while saves are queued, on every tab (issues 13 and 14): each save lands, in the order
the worker made it, before the key is dropped. The store closing is what a lock does after the
screens queued their last saves; ``Store.before_close`` ends the store's runner first, so the test
closes it straight after the edits, with the saves still queued, and reads the outbox (which
records every change in commit order) from the reopened store."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from sqlalchemy import select

from ehdesk.casework import agreements, assessments, families, meetings
from ehdesk.models import OutboxEntry, Person
from ehdesk.ui.agreement.tab import AgreementTab
from ehdesk.ui.assessment.tab import AssessmentTab
from ehdesk.ui.family.case_forms import EpisodeForm
from ehdesk.ui.family.household import HouseholdForm
from ehdesk.ui.family.members import MemberEditor
from ehdesk.ui.ops import for_store
from ehdesk.ui.plan.meetings_tab import MeetingsTab
from ehdesk.ui.plan.sessions_tab import SessionsTab
from ehdesk.ui.plan.tab import PlanTab
from ehdesk.ui.tools.tab import ProgressTab
from tests.agreement.factory import make_family
from tests.conftest import PASSWORD
from tests.ui.conftest import fill

EDITS = 4


def seeded(store) -> str:
    with store.session() as s:
        return make_family(s, date.today() - timedelta(days=20))


def ready(qtbot, widget) -> None:
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: for_store(widget.store).pending == 0, timeout=5000)


def lock_and_read(store, profiles, entity: str, field: str) -> list:
    """Close the store at once (the saves still queued), reopen it, and list the values ``field``
    of ``entity`` took, in commit order."""
    assert for_store(store).pending > 0, "the saves should still be queued when the lock comes"
    store.close()
    reopened = profiles.unlock("Test Worker", PASSWORD)
    try:
        with reopened.session() as s:
            entries = s.scalars(
                select(OutboxEntry).where(OutboxEntry.entity == entity).order_by(OutboxEntry.seq)
            )
            return [e.fields[field] for e in entries if field in e.fields]
    finally:
        reopened.close()


def test_household(qtbot, store, profiles):
    family_id = seeded(store)
    form = HouseholdForm(store, family_id)
    ready(qtbot, form)
    with store.session() as s:
        form.show_family(families.get_family(s, family_id, audit_view=False), None)
    for i in range(EDITS):
        fill(form, notes=f"visit note {i}")
        form.save()
    written = lock_and_read(store, profiles, "family", "notes")
    assert written[-EDITS:] == [f"visit note {i}" for i in range(EDITS)]  # after the family was made


def test_member(qtbot, store, profiles):
    family_id = seeded(store)
    editor = MemberEditor(store, family_id)
    ready(qtbot, editor)
    with store.session() as s:
        member = families.get_family(s, family_id, audit_view=False).members[0]
    editor.show_member(member)
    for i in range(EDITS):
        fill(editor, other_names=f"Middle{i}")
        editor.save()
    written = lock_and_read(store, profiles, "person", "other_names")
    assert written[-EDITS:] == [f"Middle{i}" for i in range(EDITS)]


def test_case(qtbot, store, profiles):
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
    form = EpisodeForm(store, family_id)
    ready(qtbot, form)
    with store.session() as s:
        form.set_children(families.get_family(s, family_id, audit_view=False).members)
    form.show_episode(None, None)
    fill(form, level_of_need=2, lead_child_id=child, criteria_met=["education"])
    form.save()
    assert lock_and_read(store, profiles, "episode", "level_of_need") == [2]


def test_plan(qtbot, store, profiles):
    tab = PlanTab(store, seeded(store))
    ready(qtbot, tab)
    for i in range(EDITS):
        tab.add_outcome()
        tab.dialog.what.setPlainText(f"Outcome {i}")
        tab.dialog.for_whom.setText("Ade")
        tab.dialog.how.setPlainText("They say so")
        tab.dialog.accept()
    outcomes = lock_and_read(store, profiles, "plan_outcome", "what_will_be_different")
    assert outcomes == [f"Outcome {i}" for i in range(EDITS)]


def test_meetings(qtbot, store, profiles):
    family_id = seeded(store)
    with store.session() as s:
        episode_id = agreements.current_episode(s, family_id).id
        meeting_id = meetings.create_meeting(s, episode_id, "initial_taf", date.today())
    tab = MeetingsTab(store, family_id)
    ready(qtbot, tab)
    tab.reload(select_id=meeting_id)
    qtbot.waitUntil(lambda: tab.current is not None and tab.pending == 0, timeout=5000)
    for i in range(EDITS):
        tab.place.setText(f"Room {i}")
        tab.save(reload=False)
    written = lock_and_read(store, profiles, "taf_meeting", "place")
    assert written[-EDITS:] == [f"Room {i}" for i in range(EDITS)]


def test_sessions(qtbot, store, profiles):
    tab = SessionsTab(store, seeded(store))
    ready(qtbot, tab)
    qtbot.waitUntil(lambda: tab.episode_id is not None, timeout=5000)
    for i in range(EDITS):
        tab.new_session()
        tab.status.setCurrentIndex(tab.status.findData("planned"))
        tab.session_on.setDate(tab.session_on.date().addDays(i + 1))
        tab.headings["purpose"].setPlainText(f"Visit {i}")
        tab.save()
    notes = lock_and_read(store, profiles, "session_note", "notes")
    assert [n["purpose"] for n in notes] == [f"Visit {i}" for i in range(EDITS)]


def test_agreement(qtbot, store, profiles):
    family_id = seeded(store)
    with store.session() as s:
        agreements.start_agreement(s, family_id, "Test Worker")
    tab = AgreementTab(store, family_id)
    ready(qtbot, tab)
    qtbot.waitUntil(lambda: tab.view is not None, timeout=5000)
    codes = [tab.agencies.item(i).data(Qt.ItemDataRole.UserRole) for i in range(2)]
    choices = [codes[:1], codes, codes[1:], []]
    for chosen in choices:
        tab._queue(agencies=chosen)
        tab.flush_pending()  # what the 600 ms timer, a family switch or a lock does
    assert lock_and_read(store, profiles, "agreement", "agencies")[-len(choices) :] == choices


def test_assessment(qtbot, store, profiles):
    family_id = seeded(store)
    with store.session() as s:
        assessment_id = assessments.start_assessment(s, family_id, assessments.EHA_FORM)
    tab = AssessmentTab(store, family_id)
    ready(qtbot, tab)
    with qtbot.waitSignal(tab.opened, timeout=5000) as opened:
        tab.open_assessment(assessment_id)
    editor = opened.args[0]
    qtbot.waitUntil(lambda: for_store(store).pending == 0, timeout=5000)
    field = editor.form.blocks["family_hopes"].field.edit
    for i in range(EDITS):
        field.setPlainText(f"Hopes {i}") if hasattr(field, "setPlainText") else field.setText(f"Hopes {i}")
        editor._edited()
        editor.flush_pending()
    answers = lock_and_read(store, profiles, "assessment", "answers")
    assert [a.get("family_hopes") for a in answers][-EDITS:] == [f"Hopes {i}" for i in range(EDITS)]


def test_progress(qtbot, store, profiles):
    family_id = seeded(store)
    tab = ProgressTab(store, family_id)
    ready(qtbot, tab)
    qtbot.waitUntil(lambda: tab.progress is not None, timeout=5000)
    tab.start_reading()
    form = tab.form
    when = date.today() - timedelta(days=1)
    form.taken_on.setDate(QDate(when.year, when.month, when.day))
    next(iter(form.participants.values())).setChecked(True)
    for scale in form.scores.values():
        scale.buttons[5].click()
    form.save_button.click()
    readings = lock_and_read(store, profiles, "reading", "occasion")
    assert readings == ["baseline"]
    with profiles.unlock("Test Worker", PASSWORD).session() as s:
        assert s.scalars(select(Person)).first() is not None
