"""The family record: a header, then tabs for the household, its members, the case, and whatever
feature tabs are registered in ``tabs.FEATURE_TABS``."""

from __future__ import annotations

import importlib
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework import families
from ehdesk.store import Store
from ehdesk.ui.family import tabs
from ehdesk.ui.family.case_tab import CaseTab
from ehdesk.ui.family.data import RecordData, load_record
from ehdesk.ui.family.flags_panel import FlagsPanel
from ehdesk.ui.family.focus_guard import FocusGuard
from ehdesk.ui.family.household import HouseholdForm
from ehdesk.ui.family.members import MembersTab
from ehdesk.ui.family.overview_tab import OverviewTab
from ehdesk.ui.keyboard import assign_mnemonics
from ehdesk.ui.ops import error_text, for_store, refresh_on_changes
from ehdesk.ui.style import heading, page_margins
from ehdesk.ui.widgets import ScrollingTabs

log = logging.getLogger(__name__)

# Shorter than this (a 1,280x720 screen at 150% leaves the record about 350-400 px), the header
# is one line: the family's name, then its reference and address, then "Back to caseload".
COMPACT_HEADER_BELOW = 560

# Alt+B (Back), and the screen buttons: My caseload, Reports, Sign-offs, Conflicts.
RESERVED_LETTERS = "bcrsf"


def _load_class(spec: str):
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


class FamilyRecord(QWidget):
    back_requested = Signal()
    changed = Signal(str)  # family id: the caseload and the search index refresh
    loaded = Signal()

    def __init__(self, store: Store, family_id: str, parent=None, place: dict | None = None) -> None:
        super().__init__(parent)
        self._place = place  # where the worker was in this record when the laptop locked
        self.store, self.family_id = store, family_id
        self.ops = for_store(store)
        self.is_loaded = False
        self.title = heading("Opening the family record…")
        self.subtitle = heading("", "subtitle")
        self.back_button = QPushButton("← &Back to caseload")
        self.back_button.setToolTip("Back to my caseload (Alt+Left)")
        self.back_button.setShortcut("Alt+Left")
        self.back_button.clicked.connect(self.back_requested)

        self.household = HouseholdForm(store, family_id)
        self.members = MembersTab(store, family_id)
        self.case = CaseTab(store, family_id)
        self.feature_tabs: list[QWidget] = []
        self.tabs = ScrollingTabs()
        self.tabs.setAccessibleName("Family record sections")
        # Whole titles always: on a narrow window the tab bar scrolls rather than eliding them.
        self.tabs.setElideMode(Qt.TextElideMode.ElideNone)
        self.tabs.setUsesScrollButtons(True)
        for keys, step in (
            (("Ctrl+Tab", "Ctrl+PgDown"), 1),
            (("Ctrl+Shift+Tab", "Ctrl+Shift+Backtab", "Ctrl+PgUp"), -1),
        ):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(lambda step=step: self.step_tab(step))
        household_page = QWidget()
        hl = QVBoxLayout(household_page)
        hl.addWidget(self.household)
        hl.addStretch(1)
        # The record opens on the family at a glance; each part links to its tab.
        self.overview = OverviewTab(store, family_id)
        self.overview.go_to.connect(self.show_tab)
        self.tabs.addTab(self.overview, "&Overview")
        self.tabs.addTab(household_page, "&Household")
        self.tabs.addTab(self.members, "&Members")
        self.tabs.addTab(self.case, "Cas&e")
        # On the case-work tabs of a family that has never had a case: say so, and offer the step.
        self.no_case = QWidget()
        no_case_row = QHBoxLayout(self.no_case)
        no_case_row.setContentsMargins(0, 0, 0, 0)
        no_case_text = QLabel("This family has no case yet, so there is nothing to record here.")
        no_case_text.setProperty("role", "caution")
        no_case_text.setWordWrap(True)
        self.open_case_button = QPushButton("Open a case…")
        self.open_case_button.setToolTip("Record the request for support and open the case, on the Case tab")
        self.open_case_button.clicked.connect(lambda: self.show_tab("case"))
        no_case_row.addWidget(no_case_text, 1)
        no_case_row.addWidget(self.open_case_button)
        self.no_case.hide()
        self.stack = QStackedWidget()
        self.message = QLabel("Opening the family record…")
        self.message.setProperty("role", "note")
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.tabs)

        top = QHBoxLayout()
        self.titles = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.titles.addWidget(self.title)
        self.titles.addWidget(self.subtitle, 1)
        top.addLayout(self.titles, 1)
        top.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        page_margins(layout)
        layout.addLayout(top)
        # What the practice rules say needs attention on this case, above every tab.
        self.flags = FlagsPanel(store, family_id)
        layout.addWidget(self.flags)
        layout.addWidget(self.no_case)
        layout.addWidget(self.stack, 1)
        self.tabs.currentChanged.connect(lambda _: self.flags.refresh())

        self.tabs.currentChanged.connect(self._tab_changed)
        self.focus_guard = FocusGuard(self, self.tabs)  # after a save, focus stays in the record
        self.overview.loaded.connect(self._show_no_case)
        self.case.changed.connect(self.overview.reload)  # a case opened: the overview and banner follow
        self.household.saved.connect(lambda _: self._household_saved())
        self.members.changed.connect(self._members_changed)
        self.case.changed.connect(lambda: self.changed.emit(self.family_id))
        self.case.changed.connect(self.flags.refresh)
        self.ops.query(lambda s: load_record(s, family_id), self._show, owner=self, on_error=self._failed)
        # What this record shows follows the store: a save on any tab, or what a sync pulled.
        loaded = lambda: self.is_loaded  # noqa: E731
        refresh_on_changes(
            self,
            store,
            self._reload_family,
            family_id=family_id,
            kinds={"family"},
            ready=lambda: loaded() and not self.household.dirty,
        )
        refresh_on_changes(
            self,
            store,
            lambda: self.members.reload(select_id=self.members.editor.member_id),
            family_id=family_id,
            kinds={"person"},
            ready=lambda: loaded() and not self.members.editor.dirty,
        )
        refresh_on_changes(
            self,
            store,
            self.case.reload,
            family_id=family_id,
            kinds={"episode", "referral", "consent"},
            ready=loaded,
        )

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._fit_header(event.size().height())
        super().resizeEvent(event)

    def _fit_header(self, height: int) -> None:
        """Where height is short, the header takes one line instead of two, and the room goes to
        the tab below (an open assessment had 130 px for its questions at 150% on 1,280x720)."""
        compact = height < COMPACT_HEADER_BELOW
        direction = QBoxLayout.Direction.LeftToRight if compact else QBoxLayout.Direction.TopToBottom
        if self.titles.direction() != direction:
            self.titles.setDirection(direction)
            self.titles.setSpacing(12 if compact else -1)  # -1: the style's, as before
            page_margins(self.layout(), top=6 if compact else None)

    def _reload_family(self) -> None:
        family_id = self.family_id
        self.ops.query(
            lambda s: families.get_family(s, family_id, audit_view=False), self._show_family, owner=self
        )

    def _show_family(self, family) -> None:
        self.title.setText(family.household_name or "Unnamed household")
        where = ", ".join(p for p in (family.address_line1, family.town, family.postcode) if p)
        self.subtitle.setText(f"{family.reference}" + (f" · {where}" if where else ""))
        focus = QApplication.focusWidget()
        typing_here = focus is not None and self.household.isAncestorOf(focus)
        if not self.household.dirty and not typing_here:
            self.household.show_family(family, None)

    def _show(self, data: RecordData) -> None:
        family = data.family
        self._show_family(family)
        self.household.show_family(family, data.drafts.get(self.household.draft_key()))
        self.members.show_members(family.members, data.drafts)
        self.case.show_data(data, data.drafts)
        for title, spec in tabs.FEATURE_TABS:
            try:
                widget = _load_class(spec)(self.store, self.family_id)
            except Exception as exc:  # noqa: BLE001  (one broken feature must not hide the record)
                # The class name only: a traceback could quote a family's details.
                log.error("feature tab %s failed to open (%s)", title, type(exc).__name__)
                continue
            self.feature_tabs.append(widget)
            self.tabs.addTab(widget, title)
        # Every tab gets an Alt+letter, leaving those of Back and the screen buttons alone.
        assign_mnemonics(self.tabs, reserved=RESERVED_LETTERS)
        self.stack.setCurrentWidget(self.tabs)
        self.is_loaded = True
        self.flags.refresh()
        if any(key.endswith(":member:new") or ":member:" in key for key in data.drafts):
            self.tabs.setCurrentWidget(self.members)
        if self._place:
            self.restore_place(self._place)
        self.loaded.emit()

    def tab_for(self, key: str) -> QWidget | None:
        """The tab a key names: members, case, household, or a feature tab's title in lower case."""
        fixed = {"overview": self.overview, "members": self.members, "case": self.case}
        if key in fixed:
            return fixed[key]
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i).replace("&", "").lower() == key:
                return self.tabs.widget(i)
        return None

    def show_tab(self, key: str) -> None:
        widget = self.tab_for(key)
        if widget is not None:
            self.tabs.setCurrentWidget(widget)

    def _tab_changed(self, _index: int) -> None:
        # Back on the overview after working in a tab: read it again, so it is never stale.
        if self.is_loaded and self.tabs.currentWidget() is self.overview:
            self.overview.reload()
        self._show_no_case()

    def _show_no_case(self) -> None:
        known = self.overview.overview
        never_had_one = known is not None and not known.case_summary
        self.no_case.setVisible(
            self.is_loaded and never_had_one and self.tabs.currentWidget() in self.feature_tabs
        )

    def step_tab(self, step: int) -> None:
        """Ctrl+Tab / Ctrl+Shift+Tab: the next or previous tab, from anywhere in the record."""
        count = self.tabs.count()
        if count:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % count)
            page = self.tabs.currentWidget()
            page.setFocus() if page.focusPolicy() != Qt.FocusPolicy.NoFocus else self.tabs.tabBar().setFocus()

    # -- where the worker is ----------------------------------------------------------------

    def place(self) -> dict:
        """The tab shown and, where the tab can say, what is open in it (kept across a lock)."""
        index = self.tabs.currentIndex()
        widget = self.tabs.widget(index)
        detail = getattr(widget, "place_detail", None)
        return {
            "tab": self.tabs.tabText(index).replace("&", ""),
            "detail": detail() if callable(detail) else None,
        }

    def restore_place(self, place: dict) -> None:
        for index in range(self.tabs.count()):
            if self.tabs.tabText(index).replace("&", "") == place.get("tab"):
                self.tabs.setCurrentIndex(index)
                restore = getattr(self.tabs.widget(index), "restore_place", None)
                if callable(restore) and place.get("detail"):
                    restore(place["detail"])
                return

    def _failed(self, exc: BaseException) -> None:
        self.title.setText("This family record could not be opened")
        self.message.setText(error_text(exc))

    def _household_saved(self) -> None:
        self.title.setText(self.household.form.fields["household_name"].text() or "Unnamed household")
        self.changed.emit(self.family_id)

    def _members_changed(self) -> None:
        self.case.set_members(self.members.members)
        self.changed.emit(self.family_id)

    def flush_pending(self) -> None:
        if not self.is_loaded:
            return
        self.household.flush_pending()
        self.members.flush_pending()
        self.case.flush_pending()
        for widget in self.feature_tabs:
            try:
                widget.flush_pending()
            except Exception as exc:  # noqa: BLE001
                log.error("a feature tab failed to save on flush (%s)", type(exc).__name__)
