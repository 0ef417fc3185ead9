"""Desktop timings (printed, not asserted):

1. process start to the sign-in screen, against a bare PySide6 window started the same way;
   and quitting from the sign-in screen (Ctrl+Q 0.1 s after it shows, while the unlock code is
   still warming up) to the process gone;
2. unlock to the caseload shown with 5,000 families (argon2 time reported separately);
3. search latency per keystroke over the 5,000-family index.

    python bench/bench_desktop.py [--families 5000] [--data-dir DIR] [--runs 5] [--unlock-runs 3]

Uses QT_QPA_PLATFORM=offscreen unless a display is set. The 5,000-family profile is made once in
the data dir (default: a folder under the system temp dir) and reused by later runs. Each unlock
runs in a fresh process (the first unlock of an app start is the one a worker waits for).

The app's modules are compiled to bytecode first, as the shipped app has them (`.pyc` files):
where PYTHONDONTWRITEBYTECODE is set, every start would otherwise compile them from source.
Targets are issue 20's: start <= 1.5x a bare PySide6 window, unlock to caseload <= argon2 + 0.3 s,
a search keystroke <= 16 ms (one frame at 60 Hz)."""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

NAME, PASSWORD = "Bench worker", "bench-password-1"

BARE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setCentralWidget(QLabel("hello")); w.resize(1200, 780); w.show()
QTimer.singleShot(0, lambda: (print("SHOWN", flush=True), app.quit()))
app.exec()
"""


def time_to_shown(*argv: str) -> float:
    started = time.perf_counter()
    env = {**os.environ, "EHDESK_QUIT_WHEN_SHOWN": "1"}
    proc = subprocess.Popen([sys.executable, *argv], stdout=subprocess.PIPE, text=True, env=env)
    for line in proc.stdout:
        if line.startswith("SHOWN"):
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError("the window never showed")
    proc.wait()
    return elapsed


BARE_CLOSE = BARE.replace("app.quit()", "QTimer.singleShot(100, w.close)")


def time_to_gone(*argv: str) -> tuple[float, float]:
    """(close requested to process gone, whole run): the app closes its window 0.1 s after the
    sign-in screen shows, as Ctrl+Q would."""
    started = time.perf_counter()
    env = {**os.environ, "EHDESK_QUIT_WHEN_SHOWN": "close"}
    proc = subprocess.Popen([sys.executable, *argv], stdout=subprocess.PIPE, text=True, env=env)
    for line in proc.stdout:
        if line.startswith("SHOWN"):
            shown = time.perf_counter()
            break
    else:
        raise RuntimeError("the window never showed")
    proc.wait()
    ended = time.perf_counter()
    return ended - shown - 0.1, ended - started


def quitting(data_dir: Path, runs: int) -> None:
    ehdesk = ["-m", "ehdesk.cli", "--data-dir", str(data_dir)]
    bare = sorted(time_to_gone("-c", BARE_CLOSE)[0] for _ in range(runs))
    gone = sorted(time_to_gone(*ehdesk)[0] for _ in range(runs))
    print(f"close to process gone, bare PySide6 window:  median {statistics.median(bare) * 1000:.0f} ms")
    print(
        f"quit from sign-in (0.1 s after shown, warm-up under way) to process gone: median "
        f"{statistics.median(gone) * 1000:.0f} ms, max {gone[-1] * 1000:.0f} ms (target <= 1000 ms)"
    )


def compile_app() -> None:
    """Bytecode for the app's modules, as the shipped app has it (see the module docstring)."""
    import ehdesk

    compileall.compile_dir(Path(ehdesk.__file__).parent, quiet=1)


def startup(data_dir: Path, runs: int) -> None:
    ehdesk = ["-m", "ehdesk.cli", "--data-dir", str(data_dir)]  # exactly what the `ehdesk` command runs
    time_to_shown("-c", BARE)  # warm the OS file cache for both
    time_to_shown(*ehdesk)
    bare, ours = [], []
    for _ in range(runs):  # alternated, so both see the same load
        bare.append(time_to_shown("-c", BARE))
        ours.append(time_to_shown(*ehdesk))
    b, o = statistics.median(bare), statistics.median(ours)
    print(
        f"start to window shown, bare PySide6 window: min {min(bare) * 1000:.0f} ms, median {b * 1000:.0f} ms (of {runs})"
    )
    print(
        f"start to sign-in screen, ehdesk:            min {min(ours) * 1000:.0f} ms, median {o * 1000:.0f} ms "
        f"({o / b:.2f}x bare by median, {min(ours) / min(bare):.2f}x by min; target <= 1.5x)"
    )


def ensure_profile(data_dir: Path, families: int) -> None:
    from ehdesk.demo import generate
    from ehdesk.errors import ProfileNotFound
    from ehdesk.store import ProfileManager

    manager = ProfileManager(data_dir)
    try:
        manager.find(NAME)
        return
    except ProfileNotFound:
        pass
    print(f"(making a profile with {families} demo families in {data_dir}; once only)", flush=True)
    manager.create(NAME, PASSWORD)
    store = manager.unlock(NAME, PASSWORD)
    try:
        generate(store, families, seed=5)
    finally:
        store.close()


def unlock_and_search(data_dir: Path) -> dict:
    from PySide6.QtWidgets import QApplication

    from ehdesk.store import ProfileManager
    from ehdesk.ui.main_window import MainWindow
    from ehdesk.ui.style import apply_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_style(app)
    manager = ProfileManager(data_dir)
    profile = manager.find(NAME)
    started = time.perf_counter()
    manager.unwrap(profile, PASSWORD)
    argon2 = time.perf_counter() - started

    window = MainWindow(data_dir, manager)
    window.resize(1200, 780)
    window.show()
    app.processEvents()
    # The app loads unlock's code while the worker types their password (seconds); let it finish.
    from ehdesk.ui.main_window import start_warm_up

    start_warm_up().join()
    deadline = time.perf_counter() + 2  # and the workspace's screens, loaded on the UI thread
    while "ehdesk.ui.workspace" not in sys.modules and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()
    marks: dict[str, float] = {}
    # The sign-in's own argon2 step, timed where it runs (a separate unwrap under a varying load
    # can differ from it by 0.1 s and more).
    unwrap = manager.unwrap

    def timed_unwrap(*args):
        t0 = time.perf_counter()
        try:
            return unwrap(*args)
        finally:
            marks["argon2"] = time.perf_counter() - t0

    manager.unwrap = timed_unwrap
    window.signin.refresh(select=NAME)
    window.signin.password.setText(PASSWORD)
    window.signed_in.connect(
        lambda: window.workspace.caseload_ready.connect(
            lambda: marks.setdefault("caseload", time.perf_counter())
        )
    )
    window.signed_in.connect(
        lambda: window.workspace.index_ready.connect(lambda: marks.setdefault("index", time.perf_counter()))
    )
    started = time.perf_counter()
    window.signin.try_sign_in()
    while "caseload" not in marks or "index" not in marks:
        app.processEvents()
        if "caseload" in marks and "painted" not in marks:
            app.processEvents()  # the rows' first paint
            marks["painted"] = time.perf_counter()
        time.sleep(0.001)
    app.processEvents()
    shown = time.perf_counter() - started
    caseload = marks["caseload"] - started
    index = marks["index"] - started
    result = {
        "argon2": marks["argon2"],
        "argon2_alone": argon2,
        "caseload": caseload,
        "painted": marks["painted"] - started,
        "index": index,
        "shown": shown,
        "families": len(window.workspace.index),
        "rows": window.workspace.page.model.rowCount(),
    }

    page = window.workspace.page
    latencies = []
    for query in ("wil", "jones ol", "12/0", "EH-05", "حد", "zzz"):
        page.search.clear()
        app.processEvents()
        for ch in query:
            t0 = time.perf_counter()
            page.search.insert(ch)  # textChanged -> search -> table update
            app.processEvents()
            latencies.append(time.perf_counter() - t0)
    result["keys"] = latencies
    window.lock()
    return result


def unlock_runs(data_dir: Path, runs: int) -> None:
    """Each run in a fresh process: the first unlock of an app start, as a worker meets it."""
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--data-dir", str(data_dir), "--unlock-once"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    ms = lambda v: f"{v * 1000:.0f} ms"  # noqa: E731
    argon2 = [r["argon2"] for r in results]
    after = [max(r["caseload"] - r["argon2"], 0) for r in results]
    first = results[0]
    print(
        f"argon2 in the sign-in: min {ms(min(argon2))}, median {ms(statistics.median(argon2))} (of {runs}); "
        f"alone before it: median {ms(statistics.median(r['argon2_alone'] for r in results))}"
    )
    print(
        f"unlock to caseload shown ({first['families']} families, {first['rows']} open cases): "
        f"argon2 + min {ms(min(after))}, median {ms(statistics.median(after))} "
        f"(each run's caseload time less its sign-in's argon2; target <= argon2 + 300 ms)"
    )
    painted = [max(r["painted"] - r["argon2"], 0) for r in results]
    print(
        f"  ... and its rows painted: argon2 + min {ms(min(painted))}, median {ms(statistics.median(painted))}"
    )
    print(
        f"unlock to search ready (index built off the UI thread): median {ms(statistics.median(r['index'] for r in results))}"
    )
    keys = sorted(k for r in results for k in r["keys"])
    p95 = keys[int(len(keys) * 0.95) - 1]
    print(
        f"search keystroke ({first['families']} families, {len(keys)} keys over {runs} runs): median "
        f"{statistics.median(keys) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {keys[-1] * 1000:.1f} ms "
        "(target <= 16 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--unlock-runs", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "ehdesk-bench-desktop")
    parser.add_argument("--unlock-once", action="store_true", help=argparse.SUPPRESS)  # one run, as JSON
    args = parser.parse_args()
    if args.unlock_once:
        print(json.dumps(unlock_and_search(args.data_dir)))
        return
    ensure_profile(args.data_dir, args.families)
    compile_app()
    startup(args.data_dir, args.runs)
    quitting(args.data_dir, args.runs)
    unlock_runs(args.data_dir, args.unlock_runs)
    print(os.popen("uptime").read().strip())


if __name__ == "__main__":
    main()
