"""The operation runner (ui/ops.py): saves in order, a read after a save sees it, a closed widget
never hears back, lock ends the work in a defined order, and failures read as plain sentences."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QLabel, QWidget

from ehdesk.casework import families
from ehdesk.errors import EhdeskError
from ehdesk.ui import ops


def test_saves_land_in_order_and_a_read_after_them_sees_them(qtbot, store):
    runner = ops.for_store(store)
    with store.session() as s:
        family_id = families.create_family(s, {"household_name": "Order"})
    owner = QWidget()
    qtbot.addWidget(owner)
    seen = []
    changes = []
    runner.changes.connect(lambda changed, origin: changes.append((changed, origin)))
    for i in range(20):
        runner.write(lambda s, i=i: families.update_family(s, family_id, {"notes": f"n{i}"}), owner=owner)
    runner.query(
        lambda s: families.get_family(s, family_id, audit_view=False).notes, seen.append, owner=owner
    )
    runner.flush()
    assert seen == ["n19"]
    assert len(changes) == 20
    changed, origin = changes[-1]
    assert changed.families == {family_id} and "family" in changed.kinds and origin is owner


def test_a_widget_closed_before_its_result_arrives_never_hears_back(qtbot, store):
    runner = ops.for_store(store)
    gate = threading.Event()
    label = QLabel("waiting")
    heard = []
    runner.run(
        lambda: gate.wait(5) and "done",
        lambda value: heard.append(value) or label.setText(value),
        owner=label,
    )
    label.deleteLater()
    qtbot.wait(10)  # deleted on the UI thread while the work still runs
    gate.set()
    runner.wait()
    qtbot.wait(10)
    assert heard == []


def test_closing_the_store_skips_queued_reads_lands_writes_and_refuses_more(qtbot, store, profiles):
    runner = ops.for_store(store)
    with store.session() as s:
        family_id = families.create_family(s, {"household_name": "Lock"})
    gate = threading.Event()
    owner = QWidget()
    qtbot.addWidget(owner)
    read = []
    runner.query(lambda s: gate.wait(5), owner=owner)  # holds the queue while the rest is queued
    runner.query(lambda s: read.append("read"), owner=owner)
    runner.write(lambda s: families.update_family(s, family_id, {"notes": "kept"}), owner=owner)
    cancelled = []
    runner.run(lambda: gate.wait(5), owner=owner, cancel=lambda: (cancelled.append(True), gate.set()))
    store.close()  # what a lock does once the screens queued their saves
    assert read == []  # the read queued behind the first never ran
    assert cancelled == [True]
    assert runner.closed and runner.pending == 0
    assert not runner.write(lambda s: None, owner=owner)
    reopened = profiles.unlock("Test Worker", "correct horse battery")
    try:
        with reopened.session() as s:
            assert families.get_family(s, family_id, audit_view=False).notes == "kept"
    finally:
        reopened.close()


def test_failures_read_as_one_plain_sentence(qtbot, store):
    runner = ops.for_store(store)
    owner = QWidget()
    qtbot.addWidget(owner)
    errors = []

    def refused(_s):
        raise EhdeskError("That date is in the future.")

    def broken(_s):
        raise KeyError("family 123 Jane Doe")  # a bug: its message may quote personal data

    for work in (refused, broken):
        runner.write(work, owner=owner, on_error=lambda exc: errors.append(ops.error_text(exc)))
    runner.flush()
    assert errors == ["That date is in the future.", ops.GENERIC_ERROR]
    assert "Jane" not in " ".join(errors)


def test_closing_the_window_while_signing_in_leaves_no_store_open(qtbot, data_dir, profiles):
    from ehdesk.ui.main_window import MainWindow

    profiles.create("Amira Patel", "correct horse battery")
    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    window.show()
    opened = []
    window.signin.unlocked.connect(opened.append)
    window.signin.refresh(select="Amira Patel")
    window.signin.password.setText("correct horse battery")
    window.signin.try_sign_in()  # the unlock (argon2, the warm-up imports) runs in the background
    window.close()  # quitting meanwhile: the unlock ends first, and what it opened is closed
    assert window.store is None and window.workspace is None
    assert len(opened) == 1 and not opened[0].is_open
