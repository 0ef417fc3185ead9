"""Cycles are collected on the UI thread only: a widget caught in a cycle must never be destroyed
by a pool thread that happened to trigger the collector (a native crash under load, issue 13)."""

import gc
import threading
import weakref

from ehdesk.ui.ops import Runner


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_garbage_made_on_the_ui_thread_is_collected_there_even_when_a_pool_thread_allocates(qtbot):
    runner = Runner(threads=1)
    try:
        assert not gc.isenabled()  # the runner switched the automatic collector off
        finalised_on: list[str] = []
        cycle = _Cycle()
        weakref.finalize(cycle, lambda: finalised_on.append(threading.current_thread().name))
        del cycle  # only the collector can free it now

        def allocate():
            # Far past the first generation's threshold: the automatic collector would run here.
            # Kept alive (returned), so the count stays past the threshold until the UI collects.
            return [[i] for i in range(50 * gc.get_threshold()[0])]

        results: list[list] = []
        runner.run(allocate, results.append, owner=None)
        qtbot.waitUntil(lambda: bool(results), timeout=10_000)
        assert finalised_on in ([], [threading.main_thread().name])  # never the pool thread
        qtbot.waitUntil(lambda: bool(finalised_on), timeout=5_000)  # the UI thread's timer collects it
        assert finalised_on == [threading.main_thread().name]
    finally:
        runner.close()
