"""The main window: the sign-in tiles when nobody is signed in, the worker's workspace when
someone is; a status bar with who is signed in, the sync state and a Lock button."""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from ehdesk.config.appearance import load_appearance, save_appearance
from ehdesk.store import ProfileManager
from ehdesk.ui.enum_props import set_enum

if TYPE_CHECKING:
    from ehdesk.store.store import Store
from ehdesk.ui.keyboard import TabLeavesTextFields
from ehdesk.ui.lock import IdleWatcher
from ehdesk.ui.signin.screen import SignInScreen

if TYPE_CHECKING:
    from ehdesk.ui.ops import StoreOps
    from ehdesk.ui.settings_dialog import SettingsDialog, ShortcutsDialog
    from ehdesk.ui.workspace import Workspace

# ehdesk.ui.ops (the background runners) is imported where it is used: nothing runs in the
# background before the sign-in screen's first paint, and importing it (dataclasses, PySide's
# QRunnable and QThreadPool) is about 15 M instructions, 2.5% of a bare window's start. The workspace's
# code brings it in 0.4 s after the tiles show.

# The unlock code's warm-up thread starts this long after the window is made (its first paint first).
WARM_UP_AFTER_MS = 50
# The screens a worker sees once signed in are imported on the UI thread (Qt widget modules must
# be), this long after the tiles show: after their first paint, well before a password is typed.
WORKSPACE_CODE_AFTER_MS = 400

# How long quitting waits for the saves under way before it asks about those still not done. A
# save takes milliseconds; one that takes longer is stuck (the disk, another program's lock).
QUIT_WAIT_MS = 1500


def _warm_up() -> None:
    """Import what unlocking needs while the worker types their password, so the caseload is not
    held up by first-time imports (the sign-in screen itself loads none of them). Headless modules
    only: importing Qt widget modules off the UI thread races PySide's lazy type set-up with the UI
    thread's and can crash the app at sign-in."""
    for module in (
        "ehdesk.store.vault",
        "ehdesk.store.store",
        "ehdesk.store.migrate",
        "ehdesk.config.pack",
        "ehdesk.casework.episode_facts",
        "ehdesk.sync.expiry",  # the sign-in's unlock goes through it (profile expiry)
    ):
        importlib.import_module(module)
    from sqlalchemy.orm import configure_mappers

    from ehdesk.casework.episode_facts import fact_sources
    from ehdesk.config.pack import current_pack
    from ehdesk.store.migrate import head_revisions

    fact_sources()  # imports every feature module the caseload's facts come from
    head_revisions()  # read once per process: unlock compares the store's schema with it
    # What the first query and the caseload would otherwise do at unlock: set up every ORM mapping
    # (70 ms) and read the council pack.
    configure_mappers()
    current_pack()
    # The device's settings (read at sign-in for the idle lock and the server): from disk, here
    # rather than on the UI thread at unlock. Last: a broken file is reported where it is used.
    from ehdesk.config.settings import device_settings

    device_settings()


log = logging.getLogger(__name__)
_warm_up_thread: threading.Thread | None = None


def start_warm_up() -> threading.Thread:
    """Start the warm-up once per process, on a daemon thread of its own: it holds no store and
    reports to no screen, so nothing waits for it. Quitting from the sign-in screen, even seconds
    into the imports on a slow laptop, exits at once (on the runner's pool the exit waited for the
    imports to end: 2-6 s)."""
    global _warm_up_thread
    if _warm_up_thread is None:
        _warm_up_thread = threading.Thread(target=_warm_up_quietly, name="ehdesk-warm-up", daemon=True)
        _warm_up_thread.start()
    return _warm_up_thread


def _warm_up_quietly() -> None:
    try:
        _warm_up()
    except Exception as exc:  # noqa: BLE001  (unlocking imports it again and says what is wrong)
        log.warning("warming up the unlock code failed (%s)", type(exc).__name__)


class MainWindow(QMainWindow):
    signed_in = Signal()
    locked = Signal()

    def __init__(self, data_dir: Path, manager: ProfileManager | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("ehdesk · Early Help")
        self.manager = manager or ProfileManager(Path(data_dir))
        self.data_dir = Path(data_dir)
        self.appearance = load_appearance(self.data_dir)
        self.store: Store | None = None
        self.workspace: Workspace | None = None
        self.sync_bridge = None  # ehdesk.ui.sync.bridge.SyncBridge while a server profile is open
        self.last_worker: str | None = None
        self.closing = False  # the window is closing: an unlock that finishes now is closed again

        self.signin = SignInScreen(self.manager)
        self.signin.unlocked.connect(self.open_store)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.signin)
        self.setCentralWidget(self.stack)

        self.who = QLabel("Nobody is signed in")
        self.who.setAccessibleName("Signed in as")
        # From the store's runner: a worker sees unsaved work before they lock or quit.
        self.saving = QLabel("")
        self.saving.setAccessibleName("Saving state")
        self.sync_status: QWidget = QLabel("Not connected to a server")
        self.sync_status.setAccessibleName("Sync state")
        self.lock_button = QPushButton("Lock")
        self.lock_button.setToolTip("Lock this laptop's records (Ctrl+L)")
        self.lock_button.setAccessibleName("Lock")
        self.lock_button.clicked.connect(self.lock)
        self.settings_button = QPushButton("Settings…")
        self.settings_button.setToolTip("Theme, high contrast and text size (Ctrl+,)")
        self.settings_button.setAccessibleName("Settings")
        self.settings_button.clicked.connect(self.open_settings)
        self.help_button = QPushButton("Help")
        self.help_button.setToolTip("Keyboard shortcuts (F1)")
        self.help_button.setAccessibleName("Help: keyboard shortcuts")
        self.help_button.clicked.connect(self.open_shortcuts)
        # Reached by their shortcuts, never by Tab: focus moving on after a save must not land on
        # Lock (one Space would lock the laptop mid-visit). Qt enums by name until the first paint
        # (ui/enum_props.py).
        for button in (self.lock_button, self.settings_button, self.help_button):
            set_enum(button, "focusPolicy", "ClickFocus")
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        bar.addWidget(self.who)
        bar.addPermanentWidget(self.saving)
        bar.addPermanentWidget(self.sync_status)
        bar.addPermanentWidget(self.help_button)
        bar.addPermanentWidget(self.settings_button)
        bar.addPermanentWidget(self.lock_button)
        # A message longer than the room the permanent pieces leave it (at 150%, about 38
        # characters) is cut off: the whole of it is the bar's tooltip while it shows.
        # (Through a method of the window: connected straight to ``setToolTip``, a slot PySide does
        # not wrap on QStatusBar, it printed a libpyside warning at every start.)
        bar.messageChanged.connect(self._whole_message_as_tooltip)

        self.lock_action = QAction("Lock", self)
        # setShortcuts: setShortcut's overloads take a Qt enum, which builds PySide's Qt namespace.
        self.lock_action.setShortcuts([QKeySequence("Ctrl+L")])
        set_enum(self.lock_action, "shortcutContext", "ApplicationShortcut")
        self.lock_action.triggered.connect(self.lock)
        self.addAction(self.lock_action)
        for keys, slot in (
            (("Ctrl+Q",), self.close),  # closing saves what was typed, as Lock does
            (("F1", "Ctrl+/"), self.open_shortcuts),
            (("Ctrl+,",), self.open_settings),
        ):
            action = QAction(self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            set_enum(action, "shortcutContext", "ApplicationShortcut")
            action.triggered.connect(slot)
            self.addAction(action)

        self.idle = IdleWatcher(5, parent=self)  # the setting is read at sign-in (see open_store)
        self.idle.idle.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            self.tab_leaves_notes = TabLeavesTextFields(app, parent=self)
            # Follow the system's light/dark switch while the app runs (unless a theme was chosen),
            # and the first word of it: a GNOME desktop says its scheme (through the desktop
            # portal, asked when Qt starts) only once the window is made, before its first paint.
            app.styleHints().colorSchemeChanged.connect(self._system_theme_changed)
        self._show_signed_out()
        self.signin.refresh()
        # Load what unlocking needs (migrations, the caseload screens) while the worker types,
        # once the tiles are on screen: a moment after, so the first paint does not share the
        # interpreter with the imports.
        QTimer.singleShot(WARM_UP_AFTER_MS, start_warm_up)
        QTimer.singleShot(WORKSPACE_CODE_AFTER_MS, self, self._load_workspace_code)

    def _load_workspace_code(self) -> None:
        """Import the workspace's screens before sign-in needs them (30-60 ms off the unlock).
        Not while the warm-up thread is importing: two threads importing the same circle of
        modules can each see the other's half-made module."""
        if self.closing or self.store is not None or "ehdesk.ui.workspace" in sys.modules:
            return
        if _warm_up_thread is not None and _warm_up_thread.is_alive():
            QTimer.singleShot(WORKSPACE_CODE_AFTER_MS // 2, self, self._load_workspace_code)
            return
        importlib.import_module("ehdesk.ui.workspace")
        # One caseload page made and dropped: PySide sets up the Python side of each Qt class
        # (its enums) the first time it is used, 10-15 ms for the table, header and combo box,
        # which the unlock would otherwise pay on its way to the caseload.
        from ehdesk.ui.caseload.page import CaseloadPage

        CaseloadPage().deleteLater()

    # -- settings and help -----------------------------------------------------------------

    def make_settings_dialog(self) -> SettingsDialog:
        from ehdesk.ui.settings_dialog import SettingsDialog  # opened rarely: not on the start-up path

        return SettingsDialog(self.appearance, self)

    def make_shortcuts_dialog(self) -> ShortcutsDialog:
        from ehdesk.ui.settings_dialog import ShortcutsDialog

        return ShortcutsDialog(self)

    def open_settings(self) -> None:
        dialog = self.make_settings_dialog()
        if dialog.exec():
            self.set_appearance(dialog.appearance())

    def open_shortcuts(self) -> None:
        self.make_shortcuts_dialog().exec()

    def set_appearance(self, appearance) -> None:
        """Redraw everything in the chosen look at once, and keep the choice (off the UI thread)."""
        from ehdesk.ui.style import apply_style

        self.appearance = appearance
        app = QApplication.instance()
        if app is not None:
            apply_style(app, appearance)
        from ehdesk.ui.ops import background

        data_dir = self.data_dir
        background().run(
            lambda: save_appearance(data_dir, appearance),
            owner=self,
            on_error=lambda _exc: self.statusBar().showMessage(
                "The display settings could not be saved on this laptop; they apply until the app closes.",
                10_000,
            ),
        )

    def _system_theme_changed(self) -> None:
        # No scheme argument: PySide cannot hand a Qt::ColorScheme to Python before its Qt
        # namespace is built (after the first paint, ui/app.py), and a slot taking one was not
        # called at all ("cannot be converted"); the sign-in screen showed light for 0.2 s on a
        # dark GNOME desktop, until the full style 50 ms on. The namespace is built here, on the UI
        # thread (system_is_dark), only on a desktop that says its scheme late; the whole style
        # only if the scheme differs from the one in force (a light GNOME desktop says "light").
        if self.appearance.theme != "system":
            return
        from ehdesk.ui.style import apply_style, current, system_is_dark

        app = QApplication.instance()
        if system_is_dark(app) != current().dark:
            apply_style(app, self.appearance)

    # -- status bar ------------------------------------------------------------------------

    def set_sync_status_widget(self, widget: QWidget) -> None:
        """Put the sync feature's live state where the placeholder text was."""
        bar = self.statusBar()
        bar.removeWidget(self.sync_status)
        self.sync_status.deleteLater()
        self.sync_status = widget
        # Its place: after "Signed in as" (the one item not permanent) and the saving state.
        bar.insertPermanentWidget(2, widget)
        widget.show()

    def _show_saving(self, ops: StoreOps) -> None:
        if ops.closed:
            return  # locked: the label was cleared with the rest of the signed-in state
        if ops.writes_pending:
            text = f"Saving… ({ops.writes_pending})"
        elif ops.unsaved:
            text = f"{_changes(ops.unsaved)} not saved"
        else:
            text = "All saved"
        self.saving.setText(text)

    def _show_signed_out(self) -> None:
        self.who.setText("Nobody is signed in")
        self.saving.setText("")
        self.lock_button.setEnabled(False)
        self.lock_action.setEnabled(False)

    # -- signing in and locking --------------------------------------------------------------

    def open_store(self, store: Store) -> None:
        from ehdesk.ui.workspace import Workspace  # not needed to show the tiles: keeps start-up quick

        if self.closing:
            store.close()  # unlocked just as the window closed: nobody will use it
            return
        self.store = store
        from ehdesk.ui.ops import for_store

        # The store's runner: every read and write of it; its failures nobody else shows come here.
        ops = for_store(store)
        ops.error.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        ops.saving_changed.connect(lambda: self._show_saving(ops))
        self._show_saving(ops)
        self.last_worker = store.profile.name
        self.workspace = Workspace(store)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        self.who.setText(f"Signed in as {store.profile.name}")
        self.lock_button.setEnabled(True)
        self.lock_action.setEnabled(True)
        self.workspace.start()
        self.workspace.page.focus_search()
        from ehdesk.config.settings import device_settings  # pydantic: kept off the start-up path

        self.idle.limit = device_settings().idle_lock_minutes * 60
        self.idle.start()
        if store.profile.server_url or device_settings().server_url:
            self._start_sync(store)
        self.signed_in.emit()

    # -- sync ------------------------------------------------------------------------------

    def _start_sync(self, store: Store) -> None:
        """Background sync for a profile that has a server: the honest state in the status bar and
        a Conflicts screen. What a sync pulls reaches every screen as the store's ``changes``."""
        from ehdesk.ui.sync.bridge import SyncBridge, engine_factory_for
        from ehdesk.ui.sync.conflicts_view import ConflictsView
        from ehdesk.ui.sync.status_widget import SyncStatusWidget

        bridge = SyncBridge(store, engine_factory_for(store), parent=self)
        self.sync_bridge = bridge
        self.set_sync_status_widget(SyncStatusWidget(bridge))
        workspace = self.workspace
        if workspace is not None:
            conflicts = ConflictsView(store, bridge)
            workspace.register_screen("conflicts", conflicts)
            workspace.add_screen_button(
                "conflicts", "Con&flicts", "Ctrl+4", lambda: workspace.show_screen("conflicts")
            )
        bridge.finished.connect(self._after_sync)
        bridge.start()
        bridge.sync_now()

    def _whole_message_as_tooltip(self, text: str) -> None:
        self.statusBar().setToolTip(text)

    def _after_sync(self, summary) -> None:
        """What a sync brought that the worker must hear of: changes the server refused (kept
        aside there, with the reason, for IT; here they stay on this laptop only, each listed on
        the Conflicts screen with its reason), a new role from the council (the manager's screens
        come or go at once), and a new team (``admin move-user``: the old team's families have
        left the laptop and the new team's arrived in the same sync). In words the status bar has
        room for at 150% (a sentence naming the screens was cut off beside the sync state); the
        refusal first, as the screens that came or went show the new role anyway."""
        said = []
        if summary.refused and summary.status.refused:
            # (Refusals about families the same sync took off the laptop are not listed there, and
            # not said here: the worker can do nothing about them; IT has them.)
            many = "s" if summary.refused != 1 else ""
            said.append(f"The server refused {summary.refused} change{many}: see Conflicts.")
        if summary.role_now is not None and self.workspace is not None:
            self.workspace.follow_role(summary.role_now)
            from ehdesk.sync.protocol import role_with_article

            said.append(f"You are now {role_with_article(summary.role_now)}.")
        if summary.team_now is not None and self.workspace is not None:
            self.workspace.follow_team()
            said.append(f'You are now in team "{summary.team_now}".')
        if self.workspace is not None and self.workspace.close_family_that_left(summary.left_families):
            said.append("The family you had open has left this laptop.")
        if said:
            self.statusBar().showMessage(" ".join(said), 60_000)

    def _stop_sync(self) -> None:
        if self.sync_bridge is None:
            return
        self.sync_bridge.stop()
        self.sync_bridge.deleteLater()
        self.sync_bridge = None
        placeholder = QLabel("Not connected to a server")
        placeholder.setAccessibleName("Sync state")
        self.set_sync_status_widget(placeholder)

    def lock(self) -> None:
        """Save what is being typed (as a draft if it does not validate), close the store (engine
        disposed, key dropped) and go back to the tiles.

        In this order: no more syncs start and a running one is told to stop; every screen queues
        its last save; the store's runner skips queued reads and waits for every queued save and
        the sync to end (``Store.before_close``); only then is the key dropped and the screens,
        whose background work has all ended, deleted."""
        if self.store is None:
            return
        self.idle.stop()
        self._stop_sync()
        workspace, store = self.workspace, self.store
        try:
            if workspace is not None:
                workspace.flush_pending()  # remembers a half-typed dialog as part of the place
        finally:
            self._close_dialogs()
            store.close()
            self.store = None
            self.workspace = None
            if workspace is not None:
                self.stack.removeWidget(workspace)
                workspace.deleteLater()
            self.stack.setCurrentWidget(self.signin)
            self._show_signed_out()
            self.signin.refresh(select=self.last_worker)
            self.signin.show_message("")
            self.signin.subtitle.setText("Locked. Your work is saved; sign in again to carry on.")
            self.locked.emit()

    def _close_dialogs(self) -> None:
        # A question left open (remove a member? new family?) must not act after the lock.
        from PySide6.QtWidgets import QDialog  # as QMessageBox below: not on the start-up path

        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()

    def unsaved_at_quit(self) -> int:
        """Queue the save of everything typed, wait a moment for the saves under way, and count
        those that failed or are still not done (what quitting now could lose)."""
        if self.store is None:
            return 0
        from ehdesk.ui.ops import for_store

        ops = for_store(self.store)
        if self.workspace is not None:
            self.workspace.queue_pending()
        ops.settle(QUIT_WAIT_MS)
        return ops.unsaved + ops.writes_pending

    def closeEvent(self, event) -> None:
        # Quitting asks only when something could not be saved; otherwise it is at once.
        if not self.closing:
            unsaved = self.unsaved_at_quit()
            if unsaved and not self._quit_anyway(unsaved):
                event.ignore()
                return
        # Closing the window must never drop typing: the same save-or-draft as a lock. Then work
        # that needs no store (an unlock under way) ends; a store an unlock opened meanwhile is
        # closed at once. The warm-up imports are not waited for (``start_warm_up``).
        self.closing = True
        self.lock()
        ops = sys.modules.get("ehdesk.ui.ops")
        if ops is not None:  # else no work was ever started (quit at once from the sign-in screen)
            ops.background().wait()
        self.lock()
        super().closeEvent(event)

    def _quit_anyway(self, unsaved: int) -> bool:
        # Imported here: PySide builds a class's Python enums when it is first imported (about
        # 1 ms for QMessageBox), and the sign-in screen shows sooner without it.
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self,
            "Quit ehdesk",
            f"{_changes(unsaved)} could not be saved — quit anyway?\n\n"
            "Choose No to stay: the status bar says what is not saved, and saving again may work.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes


def _changes(count: int) -> str:
    return "1 change" if count == 1 else f"{count} changes"
