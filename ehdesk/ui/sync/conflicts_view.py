"""The Conflicts view: each field two people changed differently while apart, both values side by
side. The worker keeps one, or (for text) edits a merge of the two; the choice syncs.

Above them, when there are any, the changes the council server refused (``sync.refusals``): what
each was, its family and the server's reason, until the worker says they have dealt with it.
Those stay on this laptop only, so the worker must hear of each, not just of how many."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ehdesk.config.dates import show_date
from ehdesk.store import Store
from ehdesk.sync.conflicts import ConflictView, open_conflicts, resolve
from ehdesk.sync.refusals import RefusalView, dismiss, open_refusals
from ehdesk.ui.ops import error_text, for_store, refresh_on_changes
from ehdesk.ui.style import page_margins
from ehdesk.ui.widgets import MessageLine


def _shown(value) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


class ConflictsView(QWidget):
    resolved = Signal(str)  # conflict id
    loaded = Signal(int)  # number of open conflicts
    error = Signal(str)

    def __init__(
        self, store: Store, bridge=None, family_id: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.store = store
        self.ops = for_store(store)
        self.bridge = bridge
        self.family_id = family_id
        self.conflicts: list[ConflictView] = []
        self.refusals: list[RefusalView] = []

        self.refused = self._refusals_section()
        self.list = QListWidget()
        self.list.setAccessibleName("Conflicts")
        self.empty = QLabel("No conflicts: everything you and your team changed fits together.")
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.server_side = QPlainTextEdit(readOnly=True)
        self.client_side = QPlainTextEdit(readOnly=True)
        self.merge = QPlainTextEdit()
        self.merge.setPlaceholderText("Edit a merged version here, then choose 'Use merged text'.")
        self.keep_server = QPushButton("Keep this one")
        self.keep_client = QPushButton("Keep this one")
        self.use_merge = QPushButton("Use merged text")
        self.message = MessageLine()

        detail = QWidget()
        grid = QGridLayout(detail)
        grid.addWidget(self.heading, 0, 0, 1, 2)
        self.server_label = QLabel("Saved first (now on the record)")
        self.client_label = QLabel("Changed at the same time")
        grid.addWidget(self.server_label, 1, 0)
        grid.addWidget(self.client_label, 1, 1)
        grid.addWidget(self.server_side, 2, 0)
        grid.addWidget(self.client_side, 2, 1)
        grid.addWidget(self.keep_server, 3, 0)
        grid.addWidget(self.keep_client, 3, 1)
        grid.addWidget(QLabel("Or merge the two:"), 4, 0, 1, 2)
        grid.addWidget(self.merge, 5, 0, 1, 2)
        merge_row = QHBoxLayout()
        merge_row.addStretch(1)
        merge_row.addWidget(self.use_merge)
        grid.addLayout(merge_row, 6, 0, 1, 2)
        grid.addWidget(self.message, 7, 0, 1, 2)
        self.detail = detail

        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.list)
        splitter.addWidget(detail)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        page_margins(layout)
        layout.addWidget(self.refused)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        layout.addStretch(0)  # takes the room when there is no conflict to show

        self.list.currentRowChanged.connect(self._show)
        self.keep_server.clicked.connect(lambda: self._resolve(lambda c: c.server_value))
        self.keep_client.clicked.connect(lambda: self._resolve(lambda c: c.client_value))
        self.use_merge.clicked.connect(lambda: self._resolve(lambda c: self.merge.toPlainText()))
        if bridge is not None:
            bridge.finished.connect(lambda _summary: self.reload())
        self._show(-1)
        self.reload()
        refresh_on_changes(self, store, self.reload, family_id=family_id, kinds={"sync_conflict"})

    def _refusals_section(self) -> QWidget:
        section = QWidget()
        self.refused_heading = QLabel()
        self.refused_heading.setWordWrap(True)
        self.refused_list = QListWidget()
        self.refused_list.setAccessibleName("Changes the council did not accept")
        self.refused_list.setWordWrap(True)
        self.dealt_with = QPushButton("I have dealt with this")
        self.dealt_with.setToolTip("Stop showing the chosen change (it stays on this laptop's record)")
        self.dealt_with.clicked.connect(self._dismiss)
        self.refused_list.currentRowChanged.connect(lambda row: self.dealt_with.setEnabled(row >= 0))
        layout = QVBoxLayout(section)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.refused_heading)
        layout.addWidget(self.refused_list)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.dealt_with)
        layout.addLayout(row)
        section.hide()
        return section

    def reload(self) -> None:
        family_id = self.family_id
        self.ops.query(
            lambda s: (open_conflicts(s, family_id), open_refusals(s, family_id)),
            self._loaded,
            owner=self,
            on_error=lambda exc: self.error.emit(error_text(exc)),
        )

    def flush_pending(self) -> None:
        """Nothing is saved until the worker chooses; a half-typed merge is not a decision."""

    def current(self) -> ConflictView | None:
        row = self.list.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def _loaded(self, found: tuple[list[ConflictView], list[RefusalView]]) -> None:
        conflicts, self.refusals = found
        self.conflicts = conflicts
        self._show_refusals()
        self.list.clear()
        for c in conflicts:
            QListWidgetItem(f"{c.entity_label}: {c.field_label}", self.list)
        self.empty.setVisible(not conflicts)
        self.splitter.setVisible(bool(conflicts))  # an empty list box said nothing the line does not
        self.detail.setVisible(bool(conflicts))
        if conflicts:
            self.list.setCurrentRow(0)
        self.loaded.emit(len(conflicts))

    def _show_refusals(self) -> None:
        refusals = self.refusals
        self.refused.setVisible(bool(refusals))
        if not refusals:
            return
        many = len(refusals) != 1
        self.refused_heading.setText(
            f"The council server did not accept {len(refusals)} changes of yours. They are on this laptop "
            "only: ask your manager to record them, or ask IT."
            if many
            else "The council server did not accept this change of yours. It is on this laptop only: ask "
            "your manager to record it, or ask IT."
        )
        # Three refusals beside conflicts (which need the room); about nine on their own.
        lines = 8 if self.conflicts else 20
        self.refused_list.setMaximumHeight(self.refused_list.fontMetrics().lineSpacing() * lines)
        self.refused_list.clear()
        for r in refusals:
            family = " ".join(
                part for part in (r.household, f"({r.reference})" if r.reference else "") if part
            )
            what = f"{r.what} — {family}" if family else r.what
            item = QListWidgetItem(f"{what}\n{r.reason}", self.refused_list)
            item.setToolTip(f"Refused at the sync of {show_date(r.refused_at)}")
        self.refused_list.setCurrentRow(0)

    def _dismiss(self) -> None:
        row = self.refused_list.currentRow()
        if not 0 <= row < len(self.refusals):
            return
        seq = self.refusals[row].seq

        def done(_result) -> None:
            self.message.say("")
            if self.bridge is not None:
                self.bridge.refresh_counts()  # the status bar's "n refused"
            self.reload()

        self.ops.write(
            lambda s: dismiss(s, seq),
            done,
            owner=self,
            on_error=lambda exc: self.message.say(error_text(exc), error=True),
        )

    def _show(self, row: int) -> None:
        c = self.current()
        for w in (self.keep_server, self.keep_client, self.use_merge, self.merge):
            w.setEnabled(c is not None)
        if c is None:
            return
        self.heading.setText(f"{c.entity_label} — {c.field_label}: two different values were saved.")
        self.client_label.setText(f"Changed at the same time by {c.client_actor or 'another laptop'}")
        deleted = c.field == "deleted"  # deleted on one laptop, edited on another: say so in words
        self.server_side.setPlainText(c.server_label if deleted else _shown(c.server_value))
        self.client_side.setPlainText(c.client_label if deleted else _shown(c.client_value))
        self.merge.setEnabled(c.is_text)
        self.use_merge.setEnabled(c.is_text)
        self.merge.setPlainText(f"{c.server_value}\n{c.client_value}" if c.is_text else "")
        self.message.say("")

    def _resolve(self, pick) -> None:
        c = self.current()
        if c is None:
            return
        value = pick(c)
        actor, conflict_id = self.store.actor, c.id

        def work(s):
            resolve(s, conflict_id, value, actor)
            return conflict_id

        def done(conflict_id: str) -> None:
            self.message.say("Saved. Your choice will reach your team at the next sync.")
            self.resolved.emit(conflict_id)
            if self.bridge is not None:
                self.bridge.notify_saved()
            self.reload()

        self.ops.write(
            work, done, owner=self, on_error=lambda exc: self.message.say(error_text(exc), error=True)
        )
