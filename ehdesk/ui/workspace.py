"""What a signed-in worker sees: the caseload, and the family record opened from it. Holds the
unlocked store and its operation runner; everything here is dropped on lock."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from ehdesk.casework import caseload, drafts, families, search
from ehdesk.casework.record_checks import MANAGER_ROLES
from ehdesk.store import Store
from ehdesk.ui.caseload.page import CaseloadPage
from ehdesk.ui.family.record import FamilyRecord
from ehdesk.ui.ops import error_text, for_store

OPEN_FAMILY_KEY = "ui:open_family"
# The screens only a manager (or an admin) has. Shown by the role in profile.json at sign-in, and
# added or taken away when a sync brings a new role from the council (``follow_role``).
MANAGER_SCREENS = (("signoffs", "&Sign-offs needed", "Ctrl+3"), ("team", "&Team", "Ctrl+5"))
# Where each screen's button sits, whenever it was added.
NAV_ORDER = ("caseload", "reports", "signoffs", "team", "conflicts")


def _nav_place(key: str) -> int:
    return NAV_ORDER.index(key) if key in NAV_ORDER else len(NAV_ORDER)


class Workspace(QWidget):
    caseload_ready = Signal()
    index_ready = Signal()

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.ops = for_store(store)
        self.record: FamilyRecord | None = None
        self.index: search.FamilyIndex | None = None
        self.caseload_loaded = False
        self.caseload_stale = False
        # Asked for before the widgets are made: the query runs on the store's thread (mostly
        # SQLCipher reading pages, which lets go of the interpreter) while they are built, and its
        # result reaches the page once this constructor has returned.
        self._query_caseload()
        self.page = CaseloadPage()
        self.page.set_loading("Loading your caseload…")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.page)
        # Screens beyond the caseload (reports, sign-offs, sync conflicts), made on first visit.
        self.screens: dict[str, QWidget] = {}
        self.nav = QHBoxLayout()
        self.nav.setContentsMargins(8, 6, 8, 0)
        self.nav_buttons: dict[str, QPushButton] = {}
        self.add_screen_button("caseload", "My &caseload", "Ctrl+1", self.show_caseload)
        self.add_screen_button("reports", "&Reports", "Ctrl+2", lambda: self.show_screen("reports"))
        self.follow_role(store.profile.role)
        self.nav.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.nav)
        layout.addWidget(self.stack)
        self.page.open_family.connect(self.open_family)
        self.page.new_family.connect(self.create_family)
        # Whatever changed a family (a save anywhere, or what a sync pulled) reaches the caseload
        # and the search index: no screen needs a restart or a reopen to be true.
        self.ops.changes.connect(self._store_changed)

    # -- screens ---------------------------------------------------------------------------

    def add_screen_button(self, key: str, text: str, shortcut: str, action) -> QPushButton:
        button = QPushButton(text)
        button.setCheckable(True)
        button.setAutoExclusive(True)
        button.setFlat(True)
        # The current screen reads as selected in any palette (ui/style.py: nav buttons).
        button.setProperty("nav", True)
        # The selected button is drawn bold: leave room for its bold label so it is never clipped.
        bold = QFont(button.font())
        bold.setBold(True)
        label = text.replace("&", "")
        button.setMinimumWidth(
            QFontMetrics(bold).horizontalAdvance(label) + button.fontMetrics().height() * 2
        )
        button.setShortcut(QKeySequence(shortcut))
        button.setToolTip(f"{text.replace('&', '')} ({shortcut})")
        button.setAccessibleName(text.replace("&", ""))
        button.clicked.connect(action)
        before = sum(1 for shown in self.nav_buttons if _nav_place(shown) <= _nav_place(key))
        self.nav.insertWidget(before, button)
        self.nav_buttons[key] = button
        if key == "caseload":
            button.setChecked(True)
        return button

    def follow_role(self, role: str) -> None:
        """The manager's screens for a manager or an admin, and not for anyone else."""
        manager = role in MANAGER_ROLES
        for key, text, shortcut in MANAGER_SCREENS:
            if manager and key not in self.nav_buttons:
                self.add_screen_button(
                    key, text, shortcut, lambda _checked=False, key=key: self.show_screen(key)
                )
            elif not manager and key in self.nav_buttons:
                self._drop_screen(key)

    def follow_team(self) -> None:
        """The worker moved to another team: a manager's screens, made for the old team, are made
        again for the new one when next shown (their buttons stay)."""
        for key, _text, _shortcut in MANAGER_SCREENS:
            self._forget_screen(key)

    def _drop_screen(self, key: str) -> None:
        self._forget_screen(key)
        button = self.nav_buttons.pop(key)
        self.nav.removeWidget(button)
        button.deleteLater()

    def _forget_screen(self, key: str) -> None:
        screen = self.screens.pop(key, None)
        if screen is None:
            return
        if self.stack.currentWidget() is screen:
            self.show_caseload()
        self.stack.removeWidget(screen)
        screen.deleteLater()

    def _make_screen(self, key: str) -> QWidget:
        if key == "reports":
            from ehdesk.ui.reports.screen import ReportsScreen

            return ReportsScreen(self.store)
        if key == "signoffs":
            from ehdesk.ui.plan.signoff_list import SignoffList

            screen = SignoffList(self.store, self.store.profile.team_id)
            screen.family_chosen.connect(self.open_family)
            return screen
        if key == "team":
            from ehdesk.ui.team.screen import TeamScreen

            screen = TeamScreen(self.store)
            screen.family_chosen.connect(self.open_family)
            return screen
        raise KeyError(key)

    def register_screen(self, key: str, widget: QWidget) -> None:
        """A screen made elsewhere (e.g. the sync conflicts view) shown through the navigation."""
        self.screens[key] = widget
        self.stack.addWidget(widget)

    def show_screen(self, key: str) -> None:
        self.close_record()
        self._remember_place({"screen": key})
        if key not in self.screens:
            self.register_screen(key, self._make_screen(key))
        self.stack.setCurrentWidget(self.screens[key])
        if key in self.nav_buttons:
            self.nav_buttons[key].setChecked(True)

    # -- loading ---------------------------------------------------------------------------

    def start(self) -> None:
        """Once the caseload (asked for as the workspace was made) is shown, load the search index,
        then reopen what was open at lock. One after the other: the caseload is what the worker
        sees first, and the two would only queue for the store anyway."""
        self.caseload_ready.connect(self._build_index, Qt.ConnectionType.SingleShotConnection)

    def _build_index(self) -> None:
        def build(s):
            return search.build_index(s), drafts.load_draft(s, OPEN_FAMILY_KEY)

        def built(result):
            self.index, place = result
            self.page.set_index(self.index)
            self.index_ready.emit()
            # Unlock returns the worker to where they were: the family, its tab and what was open
            # in it, or the screen (unless they have already moved on).
            untouched = self.record is None and not self.page.search.text()
            if not place or not untouched:
                return
            if place.get("family_id"):
                self.open_family(place["family_id"], place)
            elif place.get("screen") in self.nav_buttons and place["screen"] != "caseload":
                self.nav_buttons[place["screen"]].click()

        self.ops.query(build, built, owner=self)

    def reload_caseload(self) -> None:
        self.page.set_loading("Loading your caseload…")
        self._query_caseload()

    def _query_caseload(self) -> None:
        worker_id = self.store.worker_id

        def loaded(rows):
            self.page.set_caseload(rows)
            self.caseload_loaded = True
            self.caseload_ready.emit()

        self.ops.query(
            lambda s: caseload.caseload(s, worker_id, date.today()),
            loaded,
            owner=self,
            on_error=lambda exc: self.page.set_loading(error_text(exc)),
        )

    # -- family records --------------------------------------------------------------------

    def open_family(self, family_id: str, place: dict | None = None) -> None:
        self.close_record()
        self.record = FamilyRecord(self.store, family_id, place=place)
        self.record.back_requested.connect(self.show_caseload)
        self.record.changed.connect(self._family_changed)
        self.stack.addWidget(self.record)
        self.stack.setCurrentWidget(self.record)
        self._remember_place({"family_id": family_id})

    def close_family_that_left(self, family_ids: list[str]) -> bool:
        """A sync took the open record's family off the laptop (it moved to another team, or the
        worker did): back to the caseload. Nothing half-typed in it is saved, nor counted as
        unsaved: the family is no longer here to save it into, and the server would refuse it.
        Returns whether a record was closed."""
        if self.record is None or self.record.family_id not in family_ids:
            return False
        self.ops.forget_unsaved(self.record)
        self.close_record(save=False)
        self.show_caseload()
        return True

    def close_record(self, save: bool = True) -> None:
        if self.record is None:
            return
        if save:
            self.record.flush_pending()
        self.stack.removeWidget(self.record)
        self.record.deleteLater()
        self.record = None

    def show_caseload(self) -> None:
        self.close_record()
        self._remember_place(None)
        if self.caseload_stale:
            self.caseload_stale = False
            self.reload_caseload()
        self.stack.setCurrentWidget(self.page)
        self.nav_buttons["caseload"].setChecked(True)
        self.page.focus_search()

    def create_family(self, household_name: str) -> None:
        def created(family_id):
            self._family_changed(family_id)
            self.open_family(family_id)

        self.ops.write(
            lambda s: families.create_family(s, {"household_name": household_name}),
            created,
            owner=self,
            on_error=lambda exc: self.page.summary.setText(error_text(exc)),
        )

    def _store_changed(self, changed, _origin=None) -> None:
        if self.stack.currentWidget() is self.page and self.caseload_loaded:
            self.reload_caseload()
        else:
            self.caseload_stale = True
        index = self.index
        if index is not None and changed.families:
            families_changed = sorted(changed.families)

            def refresh(s):
                for family_id in families_changed:
                    search.refresh_family(s, index, family_id)

            self.ops.query(refresh, owner=self)

    def _family_changed(self, family_id: str) -> None:
        index = self.index
        # The caseload is read again when the worker goes back to it, not after every keystroke save.
        self.caseload_stale = True
        if index is not None:
            self.ops.query(lambda s: search.refresh_family(s, index, family_id), owner=self)

    def current_place(self) -> dict | None:
        """Where the worker is: the open family (its tab and what is open in it) or the screen."""
        if self.record is not None:
            return {"family_id": self.record.family_id, **self.record.place()}
        current = self.stack.currentWidget()
        return next(({"screen": key} for key, widget in self.screens.items() if widget is current), None)

    def _remember_place(self, place: dict | None) -> None:
        def remember(s):
            if place:
                drafts.save_draft(s, OPEN_FAMILY_KEY, place)
            else:
                drafts.clear_draft(s, OPEN_FAMILY_KEY)

        self.ops.write(remember, owner=None)

    # -- lock ------------------------------------------------------------------------------

    def queue_pending(self) -> None:
        """Queue the save (or draft) of everything typed and not yet saved, and the place."""
        if self.record is not None:
            self.record.flush_pending()
        for screen in self.screens.values():
            flush = getattr(screen, "flush_pending", None)
            if flush is not None:
                flush()
        self._remember_place(self.current_place())

    def flush_pending(self) -> None:
        self.queue_pending()
        # Every save just queued, and every one queued before, lands before the key is dropped.
        self.ops.flush()
