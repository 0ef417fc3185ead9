"""The desktop app driven through its real widgets: signing in, families and members, search,
lock with unsaved typing, and two workers sharing one laptop."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from ehdesk.casework import drafts, families
from ehdesk.errors import WrongPassword
from ehdesk.ui.caseload.model import FAMILY_ID_ROLE
from tests.conftest import PASSWORD
from tests.ui.conftest import fill, open_new_family, settle, sign_in


def shown_families(win) -> list[str]:
    proxy = win.workspace.page.model
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def test_sign_in_shows_the_workers_caseload(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    window.signin.refresh()
    assert [b.accessibleName() for b in window.signin.tiles.buttons()] == ["Sign in as Amira Patel"]
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    assert window.who.text() == "Signed in as Amira Patel"
    assert window.sync_status.text() == "Not connected to a server"
    assert "0 open cases" in window.workspace.page.summary.text()


def test_wrong_password_is_said_plainly_then_slowed_down(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    window.signin.refresh(select="Amira Patel")
    for _ in range(4):
        window.signin.password.setText("not the password")
        window.signin.try_sign_in()
        qtbot.waitUntil(lambda: not window.signin.busy and bool(window.signin.message.text()), timeout=5000)
        message = window.signin.message.text()
        window.signin.message.setText("")
    assert window.store is None
    assert message.startswith("Too many wrong passwords. Wait")
    window.signin.password.setText("not the password")
    window.signin.try_sign_in()
    qtbot.waitUntil(lambda: window.signin.message.text() != "", timeout=5000)
    assert "Wait" in window.signin.message.text()


def test_first_wrong_password_message(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    window.signin.refresh(select="Amira Patel")
    window.signin.password.setText("nope nope nope")
    window.signin.try_sign_in()
    qtbot.waitUntil(lambda: window.signin.message.text() != "", timeout=5000)
    assert window.signin.message.text() == "That password is not right for this worker."


def test_add_a_worker_from_the_sign_in_screen(qtbot, window):
    assert window.signin.empty.isVisibleTo(window)
    window.signin.add_profile("Jo Bloggs", "a long enough password")
    qtbot.waitUntil(lambda: len(window.signin.tiles.buttons()) == 1, timeout=5000)
    assert window.signin.chosen().name == "Jo Bloggs"
    sign_in(qtbot, window, "Jo Bloggs", "a long enough password")
    assert window.who.text() == "Signed in as Jo Bloggs"


def add_member(qtbot, win, record, **values):
    tab = record.members
    tab.add_member()
    fill(tab.editor, **values)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    settle(win)
    return tab.editor


def test_add_family_with_two_children_and_a_parent_then_edit_and_search(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    record = open_new_family(qtbot, window, "Okafor")
    record.tabs.setCurrentWidget(record.members)
    add_member(
        qtbot,
        window,
        record,
        given_name="Ngozi",
        family_name="Okafor",
        role="adult",
        relationship="mother",
        gender="female",
        date_of_birth="02/04/1988",
        parental_responsibility=True,
    )
    add_member(
        qtbot,
        window,
        record,
        given_name="Chidi",
        family_name="Okafor",
        role="child",
        relationship="son",
        gender="male",
        date_of_birth="12/03/2016",
        school_or_setting="Hill Primary",
    )

    # A mistake is shown beside the field it is about, saying what is wrong (the date is
    # day/month/year, just not a real day); nothing is added and what was typed is kept as a draft.
    editor = add_member(
        qtbot,
        window,
        record,
        given_name="Ada",
        family_name="Okafor",
        gender="female",
        relationship="daughter",
        date_of_birth="31/02/2020",
        nhs_number="1234567890",
    )
    assert (
        editor.form.error_text("date_of_birth") == "31/02/2020 is not a real date: February 2020 has 29 days."
    )
    assert editor.form.errors["date_of_birth"].isVisibleTo(window)
    assert len(record.members.members) == 2
    assert "kept as a draft" in editor.status.text()
    # Not saved: said in the warning colour, as the field's own message is.
    assert editor.status.property("role") == "error"
    with window.store.session() as s:
        assert drafts.load_draft(s, editor.draft_key())["date_of_birth"] == "31/02/2020"
    fill(editor, date_of_birth="01/02/2019")
    qtbot.mouseClick(record.members.save_button, Qt.MouseButton.LeftButton)
    settle(window)
    assert "not a valid NHS number" in editor.form.error_text("nhs_number")
    fill(editor, nhs_number="")
    qtbot.mouseClick(record.members.save_button, Qt.MouseButton.LeftButton)
    settle(window)
    assert editor.form.error_text("nhs_number") == ""
    assert sorted(m.given_name for m in record.members.members) == ["Ada", "Chidi", "Ngozi"]
    assert editor.status.text().startswith("Saved at") and editor.status.property("role") == "note"

    # Edit: Chidi moves school.
    chidi = next(m for m in record.members.members if m.given_name == "Chidi")
    record.members._select(chidi.id)
    fill(record.members.editor, school_or_setting="Valley Academy")
    qtbot.mouseClick(record.members.save_button, Qt.MouseButton.LeftButton)
    settle(window)
    with window.store.session() as s:
        view = families.get_family(s, record.family_id, audit_view=False)
    assert {m.given_name: m.school_or_setting for m in view.members}["Chidi"] == "Valley Academy"
    # Every edit is audited and queued for sync.
    from sqlalchemy import select

    from ehdesk.models import AuditEvent, OutboxEntry

    with window.store.session() as s:
        queued = s.scalars(select(OutboxEntry.row_id).where(OutboxEntry.entity == "person")).all()
        audited = s.scalars(select(AuditEvent.entity_id).where(AuditEvent.entity == "person")).all()
    assert chidi.id in queued and queued.count(chidi.id) >= 2  # made, then moved school
    assert audited.count(chidi.id) >= 2
    assert {m.given_name: m.parental_responsibility for m in view.members}["Ngozi"] is True

    # Household details save as the worker goes.
    fill(record.household, postcode="bf4 1fr")
    record.household.save()
    settle(window)
    with window.store.session() as s:
        assert families.get_family(s, record.family_id, audit_view=False).postcode == "BF4 1FR"

    # Search finds the family by a child's name, a date of birth or the reference.
    qtbot.mouseClick(record.back_button, Qt.MouseButton.LeftButton)
    settle(window)
    page = window.workspace.page
    qtbot.keyClicks(page.search, "chid")
    assert shown_families(window) == ["Okafor"]
    page.search.clear()
    qtbot.keyClicks(page.search, "12/03/2016")
    assert shown_families(window) == ["Okafor"]
    page.search.clear()
    qtbot.keyClicks(page.search, "nobody-like-this")
    assert shown_families(window) == []


def test_unborn_member_needs_a_due_date(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    record = open_new_family(qtbot, window, "Evans")
    editor = add_member(
        qtbot, window, record, given_name="Baby", gender="unborn", relationship="unborn_child"
    )
    assert not editor.form.fields["date_of_birth"].isEnabled()
    assert editor.form.error_text("due_date") == "An unborn baby needs an expected due date."
    fill(editor, due_date=f"{date.today() + timedelta(days=60):%d/%m/%Y}")
    qtbot.mouseClick(record.members.save_button, Qt.MouseButton.LeftButton)
    settle(window)
    assert [m.gender for m in record.members.members] == ["unborn"]


def test_open_a_case_and_it_joins_the_caseload(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    record = open_new_family(qtbot, window, "Nowak")
    add_member(
        qtbot,
        window,
        record,
        given_name="Kasia",
        family_name="Nowak",
        gender="female",
        relationship="daughter",
        date_of_birth="05/05/2015",
    )
    case = record.case
    fill(
        case.episode_form,
        level_of_need=2,
        lead_child_id=record.members.members[0].id,
        criteria_met=["education"],
        presenting_factors=["domestic_abuse"],
    )
    qtbot.mouseClick(case.episode_save, Qt.MouseButton.LeftButton)
    settle(window)
    assert case.episode_state.text().startswith("Open since")
    # Consent: recorded, then withdrawn.
    fill(case.consent_form, person_id=record.members.members[0].id, scope="assessment")
    qtbot.mouseClick(case.consent_save, Qt.MouseButton.LeftButton)
    settle(window)
    assert case.consents.count() == 1 and "in force" in case.consents.item(0).text()
    case.consents.setCurrentRow(0)
    # Consent in force: it can be withdrawn; there is no exception to record a share under yet.
    assert case.withdraw_button.isEnabled() and not case.share_button.isEnabled()
    qtbot.mouseClick(case.withdraw_button, Qt.MouseButton.LeftButton)
    settle(window)
    assert "withdrawn" in case.consents.item(0).text()
    # Still chosen after the list is shown again: a share can be recorded against it next.
    assert case.consents.currentRow() == 0
    assert case.share_button.isEnabled() and not case.withdraw_button.isEnabled()
    # Withdrawal says what it changed, and a share for safeguarding afterwards is recorded.
    assert "Nothing else is due on this case" in case.withdraw_message.text()
    case.consents.setCurrentRow(0)
    case.record_safeguarding_share("social_care", "Bruising seen at school; MASH informed")
    settle(window)
    assert "under the safeguarding exception" in case.withdraw_message.text()
    qtbot.waitUntil(lambda: "Close: consent withdrawn" in record.flags.text.text(), timeout=5000)
    # A request for support and its outcome.
    fill(case.referral_form, source="school", outcome="family_service", outcome_on=f"{date.today():%d/%m/%Y}")
    qtbot.mouseClick(case.referral_save, Qt.MouseButton.LeftButton)
    settle(window)
    assert case.referrals.count() == 1 and "Passed to the family service" in case.referrals.item(0).text()

    qtbot.mouseClick(record.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown_families(window) == ["Nowak"], timeout=5000)
    page = window.workspace.page
    assert page.model.index(0, 2).data() == "Kasia Nowak"
    # Keyboard: Enter in the search box opens the first match.
    qtbot.keyClicks(page.search, "kasia")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace.record is not None and window.workspace.record.is_loaded)
    assert window.workspace.record.title.text() == "Nowak"


def test_lock_keeps_unsaved_typing_and_gives_it_back(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    record = open_new_family(qtbot, window, "Khan")
    family_id = record.family_id
    store = window.store
    # Typed but not saved: a new member with a wrong NHS number, and household notes mid-sentence.
    record.members.add_member()
    fill(record.members.editor, given_name="Bilal", nhs_number="123")
    fill(record.household, household_name="", notes="Mum said the boiler is broken and")

    engine = weakref.ref(store.engine)
    window.lock_action.trigger()
    assert window.store is None and not store.is_open
    gc.collect()
    assert engine() is None  # the engine, and the key its connect function held, are gone
    assert window.stack.currentWidget() is window.signin
    assert window.signin.chosen().name == "Amira Patel"

    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    qtbot.waitUntil(
        lambda: window.workspace.record is not None and window.workspace.record.is_loaded, timeout=5000
    )
    record = window.workspace.record
    assert record.family_id == family_id
    editor = record.members.editor
    assert editor.form.fields["given_name"].text() == "Bilal"
    assert editor.form.fields["nhs_number"].text() == "123"
    assert "Restored" in editor.status.text()
    assert record.household.form.fields["notes"].toPlainText() == "Mum said the boiler is broken and"
    assert record.household.form.fields["household_name"].text() == ""


def test_idle_time_on_the_wall_clock_locks(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    now = [1000.0]
    window.idle.clock = lambda: now[0]
    window.idle.start()
    now[0] += 4 * 60
    window.idle.check()
    assert window.store is not None
    now[0] += 2 * 60  # e.g. the lid was shut: no timer ran, but the wall clock moved on
    window.idle.check()
    assert window.store is None


def test_two_workers_on_one_laptop_cannot_see_each_other(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    profiles.create("Ben Jones", "another long password")
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    open_new_family(qtbot, window, "Zielinski")
    record = window.workspace.record
    record.members.add_member()
    fill(record.members.editor, given_name="Unsaved", nhs_number="1")
    window.lock()

    sign_in(qtbot, window, "Ben Jones", "another long password")
    assert window.workspace.record is None  # Amira's open family is not reopened for Ben
    qtbot.keyClicks(window.workspace.page.search, "zielinski")
    assert shown_families(window) == []
    assert len(window.workspace.index) == 0
    window.lock()
    with pytest.raises(WrongPassword):
        profiles.unlock("Amira Patel", "another long password")

    # Amira's unsaved draft is untouched by Ben's session.
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    qtbot.waitUntil(
        lambda: window.workspace.record is not None and window.workspace.record.is_loaded, timeout=5000
    )
    assert window.workspace.record.members.editor.form.fields["given_name"].text() == "Unsaved"


def test_caseload_filter_and_overdue_marked_in_words(qtbot, window, profiles):
    from ehdesk.casework import episodes

    profiles.create("Amira Patel", PASSWORD)
    store = profiles.unlock("Amira Patel", PASSWORD)
    with store.session() as s:
        for name, days in (("Late", 100), ("Fresh", 1)):
            fid = families.create_family(s, {"household_name": name})
            eid = episodes.open_episode(s, fid, {"opened_on": date.today() - timedelta(days=days)})
            episodes.allocate(s, eid, store.worker_id, "Amira Patel", date.today() - timedelta(days=days))
    store.close()
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    page = window.workspace.page
    assert shown_families(window) == ["Late", "Fresh"]
    assert page.model.index(0, 6).data().startswith("⚠ Overdue since")
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # as a click on the Family header does
    assert shown_families(window) == ["Late", "Fresh"]
    page.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert shown_families(window) == ["Fresh", "Late"]
    page.filter.setCurrentIndex(page.filter.findData("overdue"))
    assert shown_families(window) == ["Late"]
    assert page.model.index(0, 0).data(FAMILY_ID_ROLE)


def test_a_plan_action_overdue_counts_as_overdue_on_the_caseload(qtbot, window, profiles):
    # A case whose next thing due is not late, but whose plan has an action past its date: its
    # row says "1 plan action overdue", so the headline counts it and "Overdue only" shows it.
    from ehdesk.casework import episodes
    from tests.casework.rules_helpers import add_plan

    profiles.create("Amira Patel", PASSWORD)
    store = profiles.unlock("Amira Patel", PASSWORD)
    with store.session() as s:
        for name, days, late_action in (("Late", 100, False), ("Behind", 1, True), ("Fresh", 1, False)):
            fid = families.create_family(s, {"household_name": name})
            eid = episodes.open_episode(s, fid, {"opened_on": date.today() - timedelta(days=days)})
            episodes.allocate(s, eid, store.worker_id, "Amira Patel", date.today() - timedelta(days=days))
            if late_action:
                add_plan(s, eid, by_when=date.today() - timedelta(days=3))
    store.close()
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    page = window.workspace.page
    assert page.summary.text() == "3 open cases · 2 with something overdue"
    # Marked as late the way the "Late" row is, where it says so: "Next due" in the warning
    # colour and bold; its "When" (the next timescale, not late) stays plain.
    marked = {}
    for row in range(page.model.rowCount()):
        name = page.model.index(row, 0).data().split("\n")[0]
        marked[name] = [
            page.model.index(row, column).data(Qt.ItemDataRole.ForegroundRole) is not None
            for column in (5, 6)
        ]
    assert marked == {"Late": [True, True], "Behind": [True, False], "Fresh": [False, False]}
    # ... and says first what is late, which a cell cut to one line would otherwise cut.
    next_due = {
        page.model.index(row, 0).data().split("\n")[0]: page.model.index(row, 5).data()
        for row in range(page.model.rowCount())
    }
    assert next_due["Behind"].startswith("1 plan action overdue · ")
    assert not next_due["Late"].startswith("1 plan action") and not next_due["Fresh"].startswith("1 plan")
    page.filter.setCurrentIndex(page.filter.findData("overdue"))
    assert sorted(shown_families(window)) == ["Behind", "Late"]


def test_screenshot_command_writes_a_png(tmp_path):
    target = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "EHDESK_KDF_COST": "minimum"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ehdesk.cli",
            "--data-dir",
            str(tmp_path / "d"),
            "--demo",
            "--screenshot",
            str(target),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 10_000
    assert (tmp_path / "shot-family.png").stat().st_size > 10_000


def test_switching_family_keeps_what_was_typed(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    first = open_new_family(qtbot, window, "Ahmed").family_id
    fill(window.workspace.record.household, notes="Dad works nights")
    open_new_family(qtbot, window, "Brown")  # straight away, before the autosave timer fires
    settle(window)
    window.workspace.open_family(first)
    qtbot.waitUntil(lambda: window.workspace.record.is_loaded, timeout=5000)
    assert window.workspace.record.household.form.fields["notes"].toPlainText() == "Dad works nights"
    with window.store.session() as s:
        assert families.get_family(s, first, audit_view=False).notes == "Dad works nights"


def test_every_field_has_an_accessible_name(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    record = open_new_family(qtbot, window, "Ahmed")
    forms = [record.household, record.members.editor, record.case.episode_form, record.case.referral_form]
    for form in forms:
        for name, widget in form.form.fields.items():
            assert widget.accessibleName(), name
    assert window.workspace.page.search.accessibleName()


def test_sync_state_widget_can_be_replaced(qtbot, window):
    from PySide6.QtWidgets import QLabel

    live = QLabel("Up to date at 10:42")
    window.set_sync_status_widget(live)
    assert window.sync_status is live
    assert live.isVisibleTo(window)
    assert live.parent() is window.statusBar() or live.parentWidget().parentWidget() is window.statusBar()


def test_lock_closes_an_open_question_without_acting_on_it(qtbot, window, profiles):
    from PySide6.QtCore import QTimer

    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    record = open_new_family(qtbot, window, "Reid")
    add_member(qtbot, window, record, given_name="Isla", gender="female", relationship="daughter")
    QTimer.singleShot(50, window.lock)  # the laptop locks while "Remove Isla?" is on screen
    record.members.remove_member()
    family_id = record.family_id
    assert window.store is None
    store = profiles.unlock("Amira Patel", PASSWORD)
    try:
        with store.session() as s:
            names = [m.given_name for m in families.get_family(s, family_id, audit_view=False).members]
    finally:
        store.close()
    assert names == ["Isla"]


def test_discarding_changes_forgets_the_draft(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    record = open_new_family(qtbot, window, "Reid")
    record.members.add_member()
    fill(record.members.editor, given_name="Typo", nhs_number="99")
    record.members.editor.flush_pending()
    settle(window)
    assert "draft" in record.members.editor.status.text()
    qtbot.mouseClick(record.members.discard_button, Qt.MouseButton.LeftButton)
    settle(window)
    assert record.members.editor.form.fields["given_name"].text() == ""
    window.lock()
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    qtbot.waitUntil(
        lambda: window.workspace.record is not None and window.workspace.record.is_loaded, timeout=5000
    )
    assert window.workspace.record.members.editor.form.fields["given_name"].text() == ""


class RecordingTab:
    """Stands in for a feature tab (assessment, plan ...) plugged in through FEATURE_TABS."""

    flushed: list[str] = []

    def __new__(cls, store, family_id, parent=None):
        from PySide6.QtWidgets import QLabel

        widget = QLabel("feature")
        widget.flush_pending = lambda: cls.flushed.append(family_id)
        return widget


def test_registered_feature_tabs_are_shown_and_flushed_on_lock(qtbot, window, profiles, monkeypatch):
    from ehdesk.ui.family import tabs

    monkeypatch.setattr(tabs, "FEATURE_TABS", [("Plan", "tests.ui.test_desktop:RecordingTab")])
    RecordingTab.flushed.clear()
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    record = open_new_family(qtbot, window, "Reid")
    titles = [record.tabs.tabText(i) for i in range(record.tabs.count())]
    assert titles == ["&Overview", "&Household", "&Members", "Cas&e", "&Plan"]
    window.lock()
    assert RecordingTab.flushed == [record.family_id]


def test_keyboard_only_find_and_open(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    store = profiles.unlock("Amira Patel", PASSWORD)
    with store.session() as s:
        fid = families.create_family(s, {"household_name": "Ó Briain"})
        families.add_person(s, fid, {"given_name": "Siobhán", "family_name": "Ó Briain"})
    store.close()
    window.signin.refresh()
    qtbot.keyClicks(window.signin.password, PASSWORD)
    qtbot.keyClick(window.signin.password, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: window.workspace is not None and window.workspace.index is not None, timeout=10_000
    )
    page = window.workspace.page
    qtbot.keyClicks(page.search, "siobhan o bri")
    assert shown_families(window) == ["Ó Briain"]
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.table.hasFocus() or page.table.currentIndex().isValid()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: window.workspace.record is not None and window.workspace.record.is_loaded, timeout=5000
    )
    assert window.workspace.record.title.text() == "Ó Briain"
    qtbot.keyClick(window.workspace.record, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.workspace.record is None, timeout=5000)


def test_unsaved_change_to_an_existing_request_survives_a_lock(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    record = open_new_family(qtbot, window, "Reid")
    case = record.case
    fill(case.referral_form, source="school")
    qtbot.mouseClick(case.referral_save, Qt.MouseButton.LeftButton)
    settle(window)
    case.referrals.setCurrentRow(0)
    fill(case.referral_form, outcome="family_service", outcome_on="not a date")
    window.lock()
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    qtbot.waitUntil(
        lambda: window.workspace.record is not None and window.workspace.record.is_loaded, timeout=5000
    )
    form = window.workspace.record.case.referral_form
    assert form.referral_id is not None
    assert form.form.fields["outcome_on"].text() == "not a date"
    assert form.form.fields["outcome"].currentData() == "family_service"


def test_idle_minutes_come_from_the_device_settings(qtbot, window, profiles, tmp_path):
    from ehdesk.config import settings

    (tmp_path / "ehdesk.toml").write_text("idle_lock_minutes = 2\n", encoding="utf-8")
    settings.device_settings.cache_clear()
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    assert window.idle.limit == 120
    now = [5000.0]
    window.idle.clock = lambda: now[0]
    window.idle.start()
    now[0] += 119
    window.idle.check()
    assert window.store is not None
    now[0] += 2
    window.idle.check()
    assert window.store is None
