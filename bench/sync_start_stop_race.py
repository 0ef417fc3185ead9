"""Saves while the sync starts and stops (issue 13's "rare RuntimeError on commit during a save").

One thread saves a family over and over (as the runner's write queue does) while the UI thread
starts and stops the sync 300 times (sign-in, lock). Prints how many saves failed. Before the
store fixed its session listeners at open, the sync added and removed a SQLAlchemy listener on
every Session while the save walked that list: 14 of 48 saves failed ("deque mutated during
iteration") over four runs, every run failing at least one; after, 0 of 46 over four runs.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python bench/sync_start_stop_race.py"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(rounds: int = 300) -> None:
    from PySide6.QtWidgets import QApplication

    from ehdesk.casework import families
    from ehdesk.store import ProfileManager
    from ehdesk.ui.sync.bridge import SyncBridge

    app = QApplication.instance() or QApplication([])
    manager = ProfileManager(Path(tempfile.mkdtemp()))
    manager.create("Race", "correct horse battery")
    store = manager.unlock("Race", "correct horse battery")
    with store.session() as s:
        family_id = families.create_family(s, {"household_name": "Race"})

    def no_server(_on_status):
        raise ConnectionError("no server in this bench")

    stop = threading.Event()
    failures: list[str] = []
    saves = [0]

    def saver() -> None:
        i = 0
        while not stop.is_set():
            i += 1
            try:
                with store.session() as s:
                    families.update_family(s, family_id, {"notes": f"n{i}"})
                saves[0] += 1
            except Exception as exc:  # noqa: BLE001  (counted and printed)
                failures.append(repr(exc.__context__ or exc))

    thread = threading.Thread(target=saver)
    thread.start()
    for _ in range(rounds):
        bridge = SyncBridge(store, no_server)
        bridge.start()  # sign-in
        bridge.stop()  # lock
        bridge.deleteLater()
        app.processEvents()
    stop.set()
    thread.join()
    print(f"saves {saves[0]}, failed {len(failures)} {sorted(set(failures))[:2]}")
    store.close()


if __name__ == "__main__":
    main()
