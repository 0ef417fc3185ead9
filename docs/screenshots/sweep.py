#!/usr/bin/env python3
"""The screenshot sweep: opens every screen, tab and main dialog of ehdesk on synthetic data at
each screen size, scale and theme, saves a PNG of each, and checks what a worker would notice:
the window is the size the app opens at on that screen (a 1,280x720 screen at 150% is 853x480 to
lay out, and the app opens at 837x432 there) and never grows by itself, nor needs more than the
screen's free area, every button lies inside the window with its whole label, no label is cut
off, no page or form scrolls sideways (a table may, inside itself, unless it is meant to fit its
columns side by side: the caseload), no choice box is narrower than its choice and arrow, a table
or tree keeps in sight the rows it is meant to show (a tree's counted as laid out, a wrapped row
as tall as its lines), every focusable control has a name a screen reader can say, and text
stands out 4.5:1 from its background. Exits 1 and lists the problems if any.

    python docs/screenshots/sweep.py                       # 1280x720 and 1366x768, 100% and 150%,
                                                           # light and dark, into docs/screenshots/sweep/
    python docs/screenshots/sweep.py --readme              # also refresh the README's screenshots
    python docs/screenshots/sweep.py --sizes 1280x720 --scales 1.5 --themes dark --no-images
    python docs/screenshots/sweep.py --screens caseload     # only these screens (names as the PNGs')

Sizes are screens, in device pixels. Each scale and screen runs in its own process (Qt reads
QT_SCALE_FACTOR and the screen once). Runs offscreen, on a screen of that size, unless
QT_QPA_PLATFORM says otherwise; needs no display and touches no real profile."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# The README's pictures: (file in docs/screenshots, screen name in the sweep), light, 1280×720 at 100%.
README_SHOTS = {
    "signin.png": "signin",
    "caseload.png": "caseload",
    "family-record.png": "family-overview",
    "assessment-form.png": "family-assessments-form",
    "agreement-tab.png": "family-agreement",
    "progress-tab.png": "family-progress",
    "progress-spider-chart.png": "family-progress",
    "progress-over-time.png": "family-progress-over-time",
    "reports-screen.png": "reports-figures",
}
README_DARK = {"family-record-dark.png": "family-progress"}


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1280x720,1366x768")
    parser.add_argument("--scales", default="1,1.5")
    parser.add_argument("--themes", default="light,dark")
    parser.add_argument("--out", type=Path, default=HERE / "sweep")
    parser.add_argument("--no-images", action="store_true", help="check only; write no PNGs")
    parser.add_argument("--readme", action="store_true", help="refresh the README's screenshots")
    parser.add_argument(
        "--screens", help="only these screens, named as their PNGs (caseload,family-plan); stops after them"
    )
    parser.add_argument("--child-scale", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    if args.child_scale:
        return sweep_one_scale(args, float(args.child_scale))
    failed = 0
    for scale in args.scales.split(","):
        for size in args.sizes.split(","):
            print(f"Sweeping a {size} screen at {float(scale):.0%} scaling…", flush=True)
            failed |= _child(argv if argv is not None else sys.argv[1:], scale, size)
    return 1 if failed else 0


def _child(argv: list[str], scale: str, size: str) -> int:
    """One process per scale and screen: Qt reads both once."""
    env = dict(os.environ, QT_SCALE_FACTOR=scale)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory(prefix="ehdesk-screen-") as temp:
        if env["QT_QPA_PLATFORM"] == "offscreen":
            # A screen of that size, so what the app asks of the screen (its free area) is true.
            width, height = (int(v) for v in size.split("x"))
            screen = {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height}
            screen.update(logicalDpi=96, logicalBpi=96, dpr=1)
            config = Path(temp) / "screen.json"
            config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
            env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
        command = [sys.executable, __file__, *argv, "--sizes", size, "--child-scale", scale]
        return subprocess.call(command, env=env)


def sweep_one_scale(args: argparse.Namespace, scale: float) -> int:
    with tempfile.TemporaryDirectory(prefix="ehdesk-sweep-") as temp:
        # Synthetic data only, in a folder of its own, with the quickest allowed password hashing
        # and no council settings: nothing here touches a real profile.
        config = Path(temp) / "ehdesk.toml"
        config.write_text("", encoding="utf-8")
        os.environ.update(EHDESK_CONFIG=str(config), EHDESK_KDF_COST="minimum")
        return _sweep(args, scale, Path(temp) / "data")


def _sweep(args: argparse.Namespace, scale: float, data_dir: Path) -> int:
    from PySide6.QtCore import QSize, QThreadPool
    from PySide6.QtWidgets import QApplication

    from ehdesk.config.appearance import Appearance
    from ehdesk.ui import sweep
    from ehdesk.ui.main_window import MainWindow
    from ehdesk.ui.screen_size import start_size
    from ehdesk.ui.style import apply_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ehdesk")
    sweep.make_sweep_profile(data_dir)
    problems: list[str] = []
    screens = 0
    wanted = set(args.screens.split(",")) if args.screens else None
    windows: list[str] = []  # the sizes laid out at, said at the end
    for theme in args.themes.split(","):
        apply_style(app, Appearance(theme=theme))
        for size_text in args.sizes.split(","):
            width, height = (int(v) for v in size_text.split("x"))
            # The screen's free area: at 150% a 1,280×720 screen is 853×480 to lay out. The window
            # is laid out at the size the app opens at there (837×432: room for the title bar and
            # frame), not the whole area: a page that fits 853×480 may scroll sideways at 837.
            room = QSize(int(width / scale), int(height / scale))
            size = start_size(room)
            if f"{size.width()}×{size.height()}" not in windows:
                windows.append(f"{size.width()}×{size.height()}")
            window = MainWindow(data_dir)
            window.resize(size)
            window.show()
            sweep.settle()
            folder = args.out / f"{theme}-{width}x{height}-{round(scale * 100)}"
            if not args.no_images:
                folder.mkdir(parents=True, exist_ok=True)
            seen: set[str] = set()
            for name, top in sweep.walk(window):
                if wanted is not None and name not in wanted:
                    continue
                seen.add(name)
                screens += 1
                found = sweep.check_fit(top, name, size if top is window else None, room).items
                found += [f"{c} has no accessible name" for c in sweep.nameless_controls(top)]
                found += [f"{c} contrast is below 4.5:1" for c in sweep.low_contrast(top)]
                where = f"{folder.name}/{name}"
                problems += [f"{where}: {p}" for p in found]
                if not args.no_images:
                    top.grab().save(str(folder / f"{name}.png"))
                    _readme_copy(args, theme, width, height, scale, name, top)
                if top is window and window.size() != size:
                    window.resize(size)  # report each screen on its own, not the one before's growth
                    sweep.settle()
                if wanted is not None and seen >= wanted:
                    break  # the rest of the walk is for screens not asked for
            window.lock()
            window.close()
            window.deleteLater()
            sweep.settle()
    QThreadPool.globalInstance().waitForDone(10_000)
    for line in problems:
        print(line)
    laid_out = f" in a {', '.join(windows)} window" if windows else ""
    print(f"{screens} screens at {scale:.0%}{laid_out}: {len(problems)} problem(s).", flush=True)
    return 1 if problems else 0


def _readme_copy(args, theme: str, width: int, height: int, scale: float, name: str, top) -> None:
    if not args.readme or (width, height, scale) != (1280, 720, 1.0):
        return
    shots = README_SHOTS if theme == "light" else README_DARK if theme == "dark" else {}
    for file, screen in shots.items():
        if screen == name:
            top.grab().save(str(HERE / file))


if __name__ == "__main__":
    sys.exit(main())
