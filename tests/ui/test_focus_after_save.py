"""After a save, focus stays in the family record, on the next sensible place (the first field of
the tab the worker is on, or what the tab itself chose): never on Lock, Back or the screen
buttons outside the record, where one Space would leave the family mid-visit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox

from ehdesk.ui import sweep
from ehdesk.ui.main_window import MainWindow
from tests.ui.conftest import sign_in

# Buttons that open a modal dialog or ask a question rather than save what the tab shows.
NOT_A_SAVE = ("Save as PDF", "Save a copy")


def _focus_in_record(window, record) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and focus is not window.lock_button and record.isAncestorOf(focus)


def _save_buttons(page):
    for button in page.findChildren(QAbstractButton):
        text = button.text().replace("&", "")
        if (
            text.startswith(("Save", "Add", "Record"))
            and not text.startswith(NOT_A_SAVE)
            and not text.endswith("…")
            and button.isVisibleTo(page)
            and button.isEnabled()
        ):
            yield button


def test_after_saving_on_every_tab_focus_stays_in_the_record_never_on_lock(qtbot, data_dir, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    sweep.make_sweep_profile(data_dir)
    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    sign_in(qtbot, window, sweep.SWEEP_WORKER, sweep.SWEEP_PASSWORD)
    workspace = window.workspace
    workspace.open_family(workspace.page.model.rows[0].family_id)
    qtbot.waitUntil(lambda: workspace.record is not None and workspace.record.is_loaded, timeout=10_000)
    record = workspace.record
    saved_on = []
    try:
        for i in range(record.tabs.count()):
            record.tabs.setCurrentIndex(i)
            page = record.tabs.widget(i)
            sweep._wait_loaded(page)
            for button in list(_save_buttons(page)):
                if not button.isVisible() or not button.isEnabled():
                    continue
                button.setFocus(Qt.FocusReason.TabFocusReason)
                qtbot.keyClick(button, Qt.Key.Key_Space)  # pressed from the keyboard
                workspace.ops.flush()
                workspace.ops.flush()
                qtbot.wait(30)
                where = f"{record.tabs.tabText(i).replace('&', '')}: {button.text().replace('&', '')}"
                assert _focus_in_record(window, record), (where, QApplication.focusWidget())
                saved_on.append(where)
    finally:
        window.lock()
    tabs = {w.split(":")[0] for w in saved_on}
    assert {"Members", "Case", "Agencies"} <= tabs, saved_on


def test_a_save_that_disables_the_focused_button_leaves_focus_on_the_tab_not_outside(qtbot, window, profiles):
    from tests.ui.conftest import open_new_family

    profiles.create("Amira Patel", "correct horse battery")
    sign_in(qtbot, window, "Amira Patel", "correct horse battery")
    window.activateWindow()
    record = open_new_family(qtbot, window, "Okafor")
    record.show_tab("members")
    page = record.members
    last = [b for b in page.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()][-1]
    last.setFocus(Qt.FocusReason.TabFocusReason)
    # What a save does to its button while it runs (and a reload to the row it was on).
    last.setEnabled(False)
    qtbot.waitUntil(lambda: _focus_in_record(window, record), timeout=2000)
    assert page.isAncestorOf(QApplication.focusWidget())
