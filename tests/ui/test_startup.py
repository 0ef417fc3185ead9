"""The sign-in screen as `ehdesk` starts it: the Qt style's check box and radio outlines are added
after the first paint (ui/app.py). That must change nothing on the sign-in screen, and must happen;
so must offering Qt the shipped fonts for names in Chinese and Arabic script (ui/script_fonts.py).
On a desktop that says it is dark only once the app has started (GNOME), the first paint is dark."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
if mode == "timer":  # the fonts for names in Chinese and Arabic script, read in the background
    from PySide6.QtGui import QFontDatabase
    deadline = time.monotonic() + 10
    while "Droid Sans Fallback" not in QFontDatabase.families() and time.monotonic() < deadline:
        settle(0.05)
    print("fallback-font" if "Droid Sans Fallback" in QFontDatabase.families() else "no-fallback-font")
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


def test_the_outlines_and_the_script_fonts_are_added_once_the_app_has_started(tmp_path):
    assert _probe(tmp_path, "timer") == ["same-screen", "same-checks", "fallback-font"]


# -- PySide's Qt namespace is built after the first paint (ui/enum_props.py) ---------------------

NAMESPACE_PROBE = r"""
import sys, time
from pathlib import Path
import PySide6.QtCore as QtCore
from ehdesk import cli
from ehdesk.store import ProfileManager
import ehdesk.ui.app as app_module

data = Path(sys.argv[1])
ProfileManager(data).create("Sam Worker", "a long test password 1")
app, window = app_module.build(cli._app_arguments(["--data-dir", str(data)]))
window.show()
app.processEvents()  # the first paint
print("built-at-first-paint" if "Qt" in QtCore.__dict__ else "not-built-at-first-paint")
deadline = time.monotonic() + app_module.OUTLINES_AFTER_MS / 1000 + 0.3
while time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
print("built-after" if "Qt" in QtCore.__dict__ else "not-built-after")
"""


def test_the_sign_in_screen_paints_before_pyside_builds_the_qt_namespace(tmp_path):
    # Building it (93 enums) was a tenth of the start; it is built on the UI thread just after.
    out = subprocess.run(
        [sys.executable, "-c", NAMESPACE_PROBE, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    assert out == ["not-built-at-first-paint", "built-after"]


def _avatar_with_pen_and_brush(name: str, size: int, ratio: float):
    """The avatar as it was drawn before (setBrush/setPen): what the new drawing must match."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPixmap

    from ehdesk.ui.signin.screen import AVATAR_COLOURS, initials

    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(AVATAR_COLOURS[sum(map(ord, name)) % len(AVATAR_COLOURS)]))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, size, size)
    font = QFont(painter.font())
    font.setPixelSize(int(size * 0.38))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(QRect(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, initials(name))
    painter.end()
    return pixmap.toImage()


def test_an_avatar_is_drawn_pixel_for_pixel_as_with_a_pen_and_brush(qapp):
    from PySide6.QtCore import QSize

    from ehdesk.ui.signin.screen import avatar

    for name in ("Sam Worker", "Al", "Zoë Ng", "Ünal Özdemir"):
        for size, ratio in ((42, 1.0), (42, 1.5), (51, 2.0)):
            side = int(size * ratio)
            image = avatar(name, size, ratio).pixmap(QSize(side, side)).toImage()
            assert image == _avatar_with_pen_and_brush(name, size, ratio).convertToFormat(image.format()), (
                name,
                ratio,
            )


def test_a_centred_row_places_its_item_as_align_hcenter_does(qapp):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

    from ehdesk.ui.signin.screen import _centred

    def x_of_button(centred: bool, width: int) -> int:
        holder = QWidget()
        box = QVBoxLayout(holder)
        button = QPushButton("&Add a worker on this laptop…")
        if centred:
            box.addLayout(_centred(button))
        else:
            box.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        holder.resize(width, 100)
        box.activate()
        return button.geometry().x()

    for width in range(500, 512):  # odd and even spare widths
        assert x_of_button(True, width) == x_of_button(False, width), width


def test_pysides_source_reading_import_check_is_still_there_to_skip(qapp):
    # If a PySide upgrade renames it, start-up reads every module's source again (17 M
    # instructions): look at ui/pyside_feature_check.py.
    import sys

    from ehdesk.ui import pyside_feature_check

    feature = sys.modules["shibokensupport.feature"]
    original = feature._mod_uses_pyside
    try:
        assert pyside_feature_check.skip_source_reads()
        assert feature._mod_uses_pyside is pyside_feature_check._uses_pyside
    finally:
        feature._mod_uses_pyside = original


# -- a desktop that says it is dark only once the app has started (GNOME) -------------------------

DARK_DESKTOP_PROBE = r"""
import sys, time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject
from ehdesk import cli
import ehdesk.ui.app as app_module
from ehdesk.ui import style

app, window = app_module.build(cli._app_arguments(["--data-dir", sys.argv[1]]))
painted = []

class Paints(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            painted.append(style.current().name)
        return False

paints = Paints()
window.signin.installEventFilter(paints)
window.show()
deadline = time.monotonic() + 3.0
while time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.005)
print(painted[0] if painted else "no-paint", painted[-1] if painted else "no-paint")
"""


def _start(command: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True, **kwargs)


@pytest.mark.skipif(
    sys.platform != "linux" or not (shutil.which("Xvfb") and shutil.which("dbus-daemon")),
    reason="needs Xvfb and dbus-daemon: the GNOME desktop is played on an X server of its own",
)
def test_on_a_dark_gnome_desktop_the_sign_in_screen_turns_dark_when_the_desktop_says_so(tmp_path):
    # Qt's GNOME theme asks the desktop portal for the light or dark choice without waiting, so the
    # palette the app starts with is light; the answer arrives just after the window is made. It
    # was lost (PySide could not pass the scheme before its Qt namespace is built: "cannot be
    # converted"), and the screen showed light for 0.2 s, until the full style 50 ms on. Now the
    # answer restyles the window as it arrives: on an idle machine before the first paint, but on a
    # busy one (CI) the answer can come after it, so only the handling is asserted, not the race.
    pytest.importorskip("jeepney")
    started: list[subprocess.Popen] = []
    try:
        read, write = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(xvfb)
        os.close(write)
        with os.fdopen(read) as display:
            number = display.readline().strip()
        bus = _start(["dbus-daemon", "--session", "--nofork", "--print-address=1"])
        started.append(bus)
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=bus.stdout.readline().strip())
        portal = _start([sys.executable, str(Path(__file__).with_name("fake_portal.py")), "1"], env=env)
        started.append(portal)
        assert portal.stdout.readline().strip() == "ready"
        env.update(DISPLAY=f":{number}", QT_QPA_PLATFORM="xcb", XDG_CURRENT_DESKTOP="GNOME")
        env.pop("QT_QPA_PLATFORMTHEME", None)
        out = subprocess.run(
            [sys.executable, "-c", DARK_DESKTOP_PROBE, str(tmp_path / "data")],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(10)
    assert "cannot be converted" not in out.stderr, out.stderr[-2000:]
    assert out.stdout.split()[-1] == "dark", out.stderr[-2000:]
