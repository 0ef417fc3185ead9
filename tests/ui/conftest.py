"""Helpers for driving the real desktop window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ehdesk.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, data_dir):
    win = MainWindow(data_dir)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    yield win
    if win.store is not None:
        win.lock()


def sign_in(qtbot, win, name: str, password: str) -> None:
    win.signin.refresh(select=name)
    win.signin.password.setText(password)
    qtbot.mouseClick(win.signin.sign_in, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            win.workspace is not None and win.workspace.caseload_loaded and win.workspace.index is not None
        ),
        timeout=30_000,  # unlocking is argon2 and first imports: seconds on a busy 2-core machine
    )


def settle(win) -> None:
    """Wait for every queued read and save and their callbacks (and what those queued)."""
    win.workspace.ops.flush()
    win.workspace.ops.flush()


def open_new_family(qtbot, win, name: str):
    win.workspace.create_family(name)
    qtbot.waitUntil(lambda: win.workspace.record is not None and win.workspace.record.is_loaded, timeout=5000)
    return win.workspace.record


def fill(form, **values) -> None:
    """Type into a record form's fields the way a worker would (text edited, choices picked)."""
    from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit

    for name, value in values.items():
        widget = form.form.fields[name]
        if isinstance(widget, QLineEdit):
            widget.setFocus()
            widget.clear()
            widget.insert(value)
            widget.textEdited.emit(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(value)
        elif isinstance(widget, QComboBox):
            index = widget.findData(value)
            assert index >= 0, f"{value!r} is not a choice of {name}"
            widget.setCurrentIndex(index)
        else:
            widget.set_values(value)
