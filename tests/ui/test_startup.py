"""The sign-in screen as `ehdesk` starts it: the Qt style's check box and radio outlines are added
after the first paint (ui/app.py). That must change nothing on the sign-in screen, and must happen."""

from __future__ import annotations

import subprocess
import sys

PROBE = r"""
import sys, time
from pathlib import Path
from PySide6.QtWidgets import QCheckBox, QRadioButton, QVBoxLayout, QWidget
from ehdesk import cli
from ehdesk.store import ProfileManager
import ehdesk.ui.app as app_module
from ehdesk.ui.style import apply_style

data, mode = Path(sys.argv[1]), sys.argv[2]
ProfileManager(data).create("Sam Worker", "a long test password 1")  # argon2 at its cheapest
if mode == "held":  # the outlines are not added on their own: the test adds them
    app_module.OUTLINES_AFTER_MS = 10**7
app, window = app_module.build(cli._app_arguments(["--data-dir", str(data)]))
app.setCursorFlashTime(0)  # a steady text cursor: two grabs differ by the style alone
window.resize(1280, 720)
window.show()

def settle(seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)

def boxes():
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.addWidget(QCheckBox("Consent given"))
    lay.addWidget(QRadioButton("Yes"))
    w.resize(200, 80)
    return w.grab().toImage()  # not shown: the sign-in window stays the active one

settle(app_module.OUTLINES_AFTER_MS / 1000 + 0.3 if mode == "timer" else 0.3)
# Qt lays a focused field out again for its thicker :focus border only at the next style change
# (any re-styling does it, Settings too); done here so that the comparison sees the style alone.
app.focusWidget().updateGeometry()
settle(0.05)
screen, checks = window.grab().toImage(), boxes()
apply_style(app, window.appearance)  # the app's whole style (what the start-up does after 50 ms)
settle(0.1)
print("same-screen" if window.grab().toImage() == screen else "screen-changed")
print("same-checks" if boxes() == checks else "checks-changed")
"""


def _probe(tmp_path, mode: str) -> list[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / mode), mode],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()


def test_the_sign_in_screen_looks_the_same_before_the_outlines_are_added(tmp_path):
    # ... and check boxes do not: the outlines are really missing until then.
    assert _probe(tmp_path, "held") == ["same-screen", "checks-changed"]


def test_the_outlines_are_added_once_the_app_has_started(tmp_path):
    assert _probe(tmp_path, "timer") == ["same-screen", "same-checks"]
