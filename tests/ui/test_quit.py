"""Unsaved work is visible, and quitting asks only when something could not be saved: the status
bar shows "Saving… (N)" or "All saved" from the store's runner, and Ctrl+Q (or closing the window)
quits at once unless a save failed or is stuck."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from ehdesk.ui import main_window
from tests.ui.conftest import sign_in

PASSWORD = "correct horse battery"


@pytest.fixture
def signed_in(qtbot, window, profiles):
    profiles.create("Amira Patel", PASSWORD)
    sign_in(qtbot, window, "Amira Patel", PASSWORD)
    window.workspace.ops.flush()
    return window


@pytest.fixture
def questions(monkeypatch):
    """Every quit question asked, answered with ``questions.answer`` (No unless a test says)."""

    class Asked(list):
        answer = QMessageBox.StandardButton.No

    asked = Asked()

    def question(_parent, _title, text, *_args, **_kwargs):
        asked.append(text)
        return asked.answer

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def _a_save_that_fails(window) -> None:
    """Stands for a save the disk refused: the runner shows the plain sentence, nothing lands."""

    def fail(_s):
        raise OSError("disk I/O error")

    window.workspace.ops.write(fail, owner=window.workspace, on_error=lambda exc: None)
    window.workspace.ops.flush()


def _quit(qtbot, window) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)


def test_the_status_bar_shows_saves_under_way_then_all_saved(qtbot, signed_in):
    window = signed_in
    assert window.saving.text() == "All saved"
    gate = threading.Event()
    for _ in range(2):
        window.workspace.ops.write(lambda _s: gate.wait(10), owner=window.workspace)
    assert window.saving.text() == "Saving… (2)"
    gate.set()
    qtbot.waitUntil(lambda: window.saving.text() == "All saved", timeout=10_000)

    _a_save_that_fails(window)
    assert window.saving.text() == "1 change not saved"
    window.lock()
    assert window.saving.text() == ""


def test_quitting_with_everything_saved_asks_nothing_and_closes(qtbot, signed_in, questions):
    window = signed_in
    window.workspace.ops.write(lambda _s: None, owner=window.workspace)  # a save just queued lands
    _quit(qtbot, window)
    assert questions == []
    assert window.store is None and not window.isVisible()


def test_quitting_after_a_failed_save_asks_and_no_keeps_the_worker_signed_in(qtbot, signed_in, questions):
    window = signed_in
    _a_save_that_fails(window)
    _quit(qtbot, window)
    assert questions == [
        "1 change could not be saved — quit anyway?\n\n"
        "Choose No to stay: the status bar says what is not saved, and saving again "
        "may work."
    ]
    assert window.store is not None and window.isVisible()

    questions.answer = QMessageBox.StandardButton.Yes
    _quit(qtbot, window)
    assert len(questions) == 2
    assert window.store is None and not window.isVisible()


def test_a_screen_that_saves_again_is_no_longer_counted(qtbot, signed_in, questions):
    window = signed_in
    _a_save_that_fails(window)
    window.workspace.ops.write(lambda _s: None, owner=window.workspace)
    window.workspace.ops.flush()
    assert window.saving.text() == "All saved"
    _quit(qtbot, window)
    assert questions == []


def test_a_save_stuck_past_a_short_wait_is_asked_about(qtbot, signed_in, questions, monkeypatch):
    window = signed_in
    monkeypatch.setattr(main_window, "QUIT_WAIT_MS", 100)
    gate = threading.Event()
    window.workspace.ops.write(lambda _s: gate.wait(10), owner=window.workspace)
    try:
        _quit(qtbot, window)
        # The stuck save, and the place queued behind it.
        assert questions and "could not be saved — quit anyway?" in questions[0]
        assert window.store is not None
    finally:
        gate.set()
    window.workspace.ops.flush()
    _quit(qtbot, window)
    assert len(questions) == 1  # it landed: the second quit asks nothing
    assert window.store is None


# The app as the `ehdesk` command starts it, on a laptop so slow that the unlock code's warm-up
# imports take 30 s.
SLOW_WARM_UP = """
import sys, time
from ehdesk.ui import main_window
main_window._warm_up = lambda: time.sleep(30)
from ehdesk.cli import main
sys.exit(main(["--data-dir", sys.argv[1]]))
"""


def test_quitting_from_sign_in_while_the_unlock_code_warms_up_is_instant(tmp_path):
    env = {**os.environ, "EHDESK_QUIT_WHEN_SHOWN": "close", "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_WARM_UP, str(tmp_path / "data")],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        for line in proc.stdout:
            if line.startswith("SHOWN"):
                shown = time.perf_counter()
                break
        else:
            pytest.fail("the sign-in screen never showed")
        proc.wait(timeout=20)
        gone = time.perf_counter() - shown
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # Ctrl+Q comes 0.1 s after the tiles show; the rest is Python and Qt ending (well under a
    # second on a quiet machine; the bound leaves room for a busy one, not for the 30 s warm-up).
    assert proc.returncode == 0
    assert gone < 5
