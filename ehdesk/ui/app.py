"""Starting the desktop app: ``ehdesk`` (sign-in tiles), ``ehdesk --demo`` (the demo profile,
made on first use) and ``ehdesk --demo --screenshot FILE.png`` (renders the screens and exits)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# The Qt style's check box and radio button outlines are added this long after the window is made:
# after the sign-in screen's first paint (see build).
OUTLINES_AFTER_MS = 50


def _wait_until(app, condition, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()
    return True


def build(args):
    from PySide6.QtWidgets import QApplication

    from ehdesk.ui.pyside_feature_check import skip_source_reads

    skip_source_reads()  # first, before the modules imported next (see the module)
    from ehdesk.config.appearance import load_appearance
    from ehdesk.ui.main_window import MainWindow
    from ehdesk.ui.style import apply_style

    # Made with Fusion, the style the app draws with; the outlines of check boxes and radio
    # buttons are added once the sign-in screen (which has none) has painted: PySide's Python
    # types for Qt's styles take 5-10 ms to build (see ui/indicators.py).
    app = QApplication.instance() or QApplication([*sys.argv[:1], "-style", "Fusion"])
    app.setApplicationName("ehdesk")
    from ehdesk.ui.main_thread_gc import ensure_installed

    ensure_installed()  # cycles are collected on the UI thread only (see the module)
    apply_style(app, load_appearance(Path(args.data_dir)), start_up=True)
    window = MainWindow(Path(args.data_dir))
    window.resize(initial_size(app))
    from PySide6.QtCore import QTimer

    QTimer.singleShot(OUTLINES_AFTER_MS, app, lambda: _after_first_paint(app, window))
    return app, window


def _after_first_paint(app, window) -> None:
    # PySide's Qt namespace (all its enums, ~20 ms), which the sign-in screen's first paint does
    # without (ui/enum_props.py): built here, on the UI thread, before anything else can need it
    # (a worker thread building it while the UI thread does would race).
    from PySide6.QtCore import Qt  # noqa: F401

    from ehdesk.ui.style import apply_style

    # The whole style again, not the outlines alone: setting the Qt style resets Qt's fonts per
    # widget class, which apply_style then sets back to the app's text size.
    apply_style(app, window.appearance)

    from ehdesk.ui.script_fonts import offer_fallback_fonts

    # Names in Chinese or Arabic script show as written, not as boxes, on any laptop.
    offer_fallback_fonts(window)


def initial_size(app):
    """1,200×780 where the screen has room; never bigger than the screen's free area (a
    1,366×768 laptop, or 1,920×1,080 at 150%, which leaves 1,280×720)."""
    from ehdesk.ui.screen_size import START_HEIGHT, START_WIDTH, within_screen

    return within_screen(None, START_WIDTH, START_HEIGHT)


def prepare_demo(window, on_ready=None) -> None:
    """Make the demo profile if it is missing (with progress), then select it and show its password."""
    from ehdesk.ui.demo_profile import DEMO_FAMILIES, DEMO_NAME, DEMO_PASSWORD, demo_exists, ensure_demo
    from ehdesk.ui.ops import background

    signin = window.signin
    signin.hints[DEMO_NAME] = DEMO_PASSWORD

    def ready(_=None):
        signin.set_busy(False)
        signin.refresh(select=DEMO_NAME)
        if on_ready:
            on_ready()

    def failed(exc):
        signin.set_busy(False)
        signin.show_message(getattr(exc, "message", "The demo worker could not be made."))

    if demo_exists(window.manager):
        ready()
        return
    signin.set_busy(True, f"Making the demo worker and {DEMO_FAMILIES} example families…")
    background().run(
        lambda report: ensure_demo(window.manager, report),
        ready,
        owner=signin,
        on_error=failed,
        on_progress=lambda done, total: signin.show_progress(done, total, "Example families:"),
    )


def screenshot(app, window, target: Path) -> int:
    from ehdesk.ui.demo_profile import DEMO_PASSWORD

    done = {"demo": False}
    prepare_demo(window, lambda: done.__setitem__("demo", True))
    window.show()
    if not _wait_until(app, lambda: done["demo"]):
        return 1
    stem = target.with_suffix("")
    window.grab().save(str(stem) + "-signin.png")
    window.signin.password.setText(DEMO_PASSWORD)
    window.signin.try_sign_in()
    if not _wait_until(
        app,
        lambda: (
            window.workspace is not None
            and window.workspace.caseload_loaded
            and window.workspace.index is not None
        ),
    ):
        return 1
    workspace = window.workspace
    workspace.show_caseload()  # the last session's family may have reopened; the caseload comes first
    app.processEvents()
    ok = window.grab().save(str(target))
    if workspace.page.model.rows:
        workspace.open_family(workspace.page.model.rows[0].family_id)
        _wait_until(app, lambda: workspace.record is not None and workspace.record.is_loaded, 30)
        workspace.record.tabs.setCurrentWidget(workspace.record.members)
        app.processEvents()
        window.grab().save(str(stem) + "-family.png")
    window.lock()
    _finish_background_work()
    return 0 if ok else 1


# Qt's platforms that draw on a desktop session's screen (X11 or Wayland); any other (offscreen,
# minimal, eglfs, linuxfb, vnc ...) needs none.
_SCREEN_PLATFORMS = ("xcb", "wayland")


def check_screen(environ=os.environ, platform: str = sys.platform) -> None:
    """Stop with a plain line where Qt would find no screen and abort the process (exit 134, its
    own lines): Linux and the BSDs with no X11 or Wayland display, as over SSH. Windows and macOS
    always have one; an explicit QT_QPA_PLATFORM that needs no display (the tests' offscreen) is
    left to Qt. Errs towards starting: only a session that certainly has no screen is stopped."""
    if platform in ("win32", "cygwin", "darwin"):
        return
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return
    # "wayland;xcb" is a list Qt tries in turn; "xcb:option" gives the plugin options.
    chosen = [p.split(":")[0].strip() for p in environ.get("QT_QPA_PLATFORM", "").split(";")]
    chosen = [p for p in chosen if p]
    if any(not p.startswith(_SCREEN_PLATFORMS) for p in chosen):
        return
    tries_wayland = any(p.startswith("wayland") for p in chosen) or (
        not chosen and environ.get("XDG_SESSION_TYPE") == "wayland"
    )
    runtime = environ.get("XDG_RUNTIME_DIR")
    if tries_wayland and runtime and Path(runtime, "wayland-0").exists():
        return  # Wayland's default display, which Qt connects to without WAYLAND_DISPLAY
    from ehdesk.errors import EhdeskError

    raise EhdeskError(
        "The desktop app needs a screen and none was found (no DISPLAY or WAYLAND_DISPLAY, as over "
        "SSH); the commands work without one: see 'ehdesk --help'."
    )


def run_app(args) -> int:
    check_screen()
    app, window = build(args)
    if args.screenshot:
        window.resize(1280, 720)  # the smallest window every screen is made for, whatever the screen
        return screenshot(app, window, Path(args.screenshot))
    if args.demo:
        prepare_demo(window)
    window.show()
    when_shown = os.environ.get("EHDESK_QUIT_WHEN_SHOWN")
    if when_shown:  # bench/bench_desktop.py times start-up (and quitting) this way
        from PySide6.QtCore import QTimer

        def shown() -> None:
            sys.stdout.write("SHOWN\n")
            sys.stdout.flush()
            if when_shown == "close":  # as Ctrl+Q would, 0.1 s after the tiles show
                QTimer.singleShot(100, window.close)
            else:
                app.quit()

        QTimer.singleShot(0, shown)
    code = app.exec()
    _finish_background_work()
    return code


def _finish_background_work() -> None:
    # Every runner ends its work (a last save, the warm-up imports) before Python tears Qt down.
    # None was made if the runners' module never loaded (quit at once from the sign-in screen).
    if "ehdesk.ui.ops" not in sys.modules:
        return
    from ehdesk.ui.ops import shutdown_all

    shutdown_all()
