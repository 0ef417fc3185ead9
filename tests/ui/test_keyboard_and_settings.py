"""Working from the keyboard (tabs, mnemonics, Tab out of notes, Help, Quit) and the look settings
(theme, high contrast, text size) kept for the next start."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication, QDateEdit, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from ehdesk.config.appearance import APPEARANCE_FILE, Appearance, load_appearance
from ehdesk.ui import style
from ehdesk.ui.main_window import MainWindow
from ehdesk.ui.settings_dialog import SettingsDialog, ShortcutsDialog
from tests.conftest import PASSWORD
from tests.ui.conftest import open_new_family, sign_in


@pytest.fixture
def themed(qapp):
    saved = (qapp.styleSheet(), QPalette(qapp.palette()), QFont(qapp.font()))
    yield qapp
    qapp.setStyleSheet(saved[0])
    qapp.setPalette(saved[1])
    qapp.setFont(saved[2])
    style._current.update(palette=style.LIGHT, scale=1.0)


def _record(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    window.activateWindow()
    return open_new_family(qtbot, window, "Okafor")


def test_ctrl_tab_moves_between_the_record_tabs_even_from_a_notes_box(qtbot, window, profiles):
    record = _record(qtbot, window, profiles)
    assert record.tabs.currentWidget() is record.overview  # the record opens on the overview
    record.tabs.setCurrentIndex(1)  # Household
    notes = record.household.form.fields["notes"]
    notes.setFocus()
    qtbot.keyClick(notes, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert record.tabs.currentWidget() is record.members
    qtbot.keyClick(
        QApplication.focusWidget() or record,
        Qt.Key.Key_Backtab,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert record.tabs.currentIndex() == 1
    assert notes.toPlainText() == ""  # no tab character was typed


def test_every_tab_of_the_record_has_its_own_alt_letter(qtbot, window, profiles):
    record = _record(qtbot, window, profiles)
    titles = [record.tabs.tabText(i) for i in range(record.tabs.count())]
    letters = [t[t.index("&") + 1].lower() for t in titles if "&" in t]
    assert len(letters) == len(titles) == len(set(letters))
    # Alt+B (Back), Alt+C (My caseload) and Alt+R (Reports) still do what they did.
    assert not set(letters) & set("bcr")


def test_tab_leaves_a_notes_box_instead_of_typing_a_tab(qtbot, window):
    page = QWidget()
    qtbot.addWidget(page)
    layout = QVBoxLayout(page)
    notes, after = QPlainTextEdit(), QLineEdit()
    layout.addWidget(notes)
    layout.addWidget(after)
    page.show()
    qtbot.waitExposed(page)
    # As for a worker: keys reach the box once its window is active and the box has focus.
    with qtbot.waitActive(page):
        page.activateWindow()
    notes.setFocus()
    qtbot.keyClick(notes, Qt.Key.Key_Tab)
    assert notes.toPlainText() == ""
    assert page.focusWidget() is after


def test_f1_opens_the_shortcuts_and_they_include_quit_and_lock(qtbot, window):
    shown = []

    def close_it():
        dialog = QApplication.activeModalWidget()
        shown.append(dialog)
        dialog.reject()

    QTimer.singleShot(50, close_it)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    [dialog] = shown
    assert isinstance(dialog, ShortcutsDialog)
    keys = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert "Ctrl+Q" in keys and "Ctrl+L" in keys and "F1 or Ctrl+/" in keys


def test_ctrl_q_quits_saving_what_was_typed(qtbot, window, profiles):
    from ehdesk.casework.families import get_family
    from tests.ui.conftest import fill

    record = _record(qtbot, window, profiles)
    family_id = record.family_id
    fill(record.household, town="Belford")
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert window.store is None and not window.isVisible()
    store = profiles.unlock("Amira Patel", PASSWORD)
    try:
        with store.session() as s:
            assert get_family(s, family_id, audit_view=False).town == "Belford"
    finally:
        store.close()


def test_lock_never_takes_focus_from_the_keyboard(window):
    assert window.lock_button.focusPolicy() == Qt.FocusPolicy.ClickFocus


def test_choosing_dark_high_contrast_and_larger_text_applies_at_once_and_is_kept(qtbot, data_dir, themed):
    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    window.show()
    base = themed.font().pointSizeF()
    dialog = SettingsDialog(window.appearance, window)
    dialog.themes.button(2).setChecked(True)  # Dark
    dialog.high_contrast.setChecked(True)
    dialog.text_size.setCurrentIndex(dialog.text_size.findData(1.3))
    window.set_appearance(dialog.appearance())
    assert style.current() is style.HIGH_CONTRAST_DARK
    assert themed.palette().color(QPalette.ColorRole.Window).name() == "#000000"
    assert themed.font().pointSizeF() == pytest.approx(max(base, 10.0) * 1.3, rel=0.02)
    qtbot.waitUntil(lambda: (data_dir / APPEARANCE_FILE).exists(), timeout=5000)
    assert load_appearance(data_dir) == Appearance(theme="dark", high_contrast=True, text_scale=1.3)
    assert MainWindow(data_dir).appearance.theme == "dark"


def test_a_damaged_or_out_of_range_settings_file_falls_back_to_the_defaults(data_dir, tmp_path, monkeypatch):
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / APPEARANCE_FILE).write_text("{not json", encoding="utf-8")
    assert load_appearance(data_dir) == Appearance()
    (data_dir / APPEARANCE_FILE).write_text(
        json.dumps({"theme": "purple", "text_scale": 9}), encoding="utf-8"
    )
    assert load_appearance(data_dir) == Appearance()
    # With no choice made on this laptop, the council's default from ehdesk.toml applies.
    (data_dir / APPEARANCE_FILE).unlink()
    config = tmp_path / "council.toml"
    config.write_text('[appearance]\ntheme = "dark"\ntext_scale = 1.15\n', encoding="utf-8")
    monkeypatch.setenv("EHDESK_CONFIG", str(config))
    assert load_appearance(data_dir) == Appearance(theme="dark", text_scale=1.15)


def test_the_overview_links_to_each_tab_and_offers_to_open_a_case(qtbot, window, profiles):
    record = _record(qtbot, window, profiles)
    overview = record.overview
    qtbot.waitUntil(lambda: overview.overview is not None, timeout=5000)
    assert overview.open_case_button.isVisibleTo(record)  # no case yet: the next step is offered
    qtbot.mouseClick(overview.open_case_button, Qt.MouseButton.LeftButton)
    assert record.tabs.currentWidget() is record.case
    record.tabs.setCurrentWidget(overview)
    overview.cards["family"].linkActivated.emit("tab:members")
    assert record.tabs.currentWidget() is record.members


def test_the_wrong_password_slow_down_counts_down_to_the_next_try(qtbot, window, profiles):
    import time

    profiles.create("Amira Patel", PASSWORD)
    info = profiles.find("Amira Patel")
    # Eight wrong passwords just now: the next try must wait 32 seconds.
    (info.path / "attempts.json").write_text(json.dumps({"failures": 8, "last_failure": time.time()}))
    signin = window.signin
    signin.refresh(select="Amira Patel")
    signin.password.setText(PASSWORD)
    signin.try_sign_in()
    qtbot.waitUntil(lambda: "Wait" in signin.message.text(), timeout=10_000)
    assert signin.message.text() == "Too many wrong passwords. Wait 32 seconds and try again."
    assert not signin.sign_in.isEnabled()
    signin._count_down()  # one second later
    assert "Wait 31 seconds" in signin.message.text()
    signin._retry_left = 1
    signin._count_down()
    assert signin.message.text() == "You can try your password again now." and signin.sign_in.isEnabled()
    assert window.store is None


def test_forms_with_nothing_loaded_show_no_placeholder_date(qtbot, store):
    from ehdesk.ui.agreement.tab import AgreementTab
    from ehdesk.ui.plan.meetings_tab import MeetingsTab

    with store.session() as s:
        from ehdesk.casework import families

        family_id = families.create_family(s, {"household_name": "Okafor"})
    for tab in (AgreementTab(store, family_id), MeetingsTab(store, family_id)):
        qtbot.addWidget(tab)
        for edit in tab.findChildren(QDateEdit):
            assert "2000" not in edit.text() and edit.text() == "—"


def test_times_are_shown_in_uk_local_time():
    from datetime import UTC, datetime

    from ehdesk.ui.dates import uk_time

    assert uk_time(datetime(2026, 7, 1, 9, 30, tzinfo=UTC)) == "1 July 2026 at 10:30"  # BST
    assert uk_time(datetime(2026, 12, 1, 9, 30)) == "1 December 2026 at 09:30"  # stored naive = UTC = GMT


def test_a_case_work_tab_of_a_family_without_a_case_offers_to_open_one(qtbot, window, profiles):
    record = _record(qtbot, window, profiles)
    qtbot.waitUntil(lambda: record.overview.overview is not None, timeout=5000)
    record.show_tab("plan")
    assert record.no_case.isVisibleTo(record)
    qtbot.mouseClick(record.open_case_button, Qt.MouseButton.LeftButton)
    assert record.tabs.currentWidget() is record.case and not record.no_case.isVisibleTo(record)
