"""The Supporting Families tab: the family's needs against the framework's headline outcomes
(from the council pack), the evidence of significant and sustained progress on each with its
dates, and where the family stands (eligible, in progress, achieved). The rules are in
``ehdesk.casework.supporting_families``; this tab only shows and records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework import supporting_families as sf
from ehdesk.config.dates import qt_date_format, show_date
from ehdesk.config.pack import current_pack
from ehdesk.ui.inputs import ChoiceBox, DateBox
from ehdesk.ui.plan.base import EpisodeTab, from_qdate, to_qdate
from ehdesk.ui.widgets import Columns, share_width


@dataclass(frozen=True)
class FamiliesScreen:
    episode_id: str | None
    read_only: bool
    outcomes: list
    status: str


def load_screen(s, tab: EpisodeTab) -> FamiliesScreen:
    episode_id, read_only = tab.load_episode(s)
    if episode_id is None:
        return FamiliesScreen(None, True, [], "")
    return FamiliesScreen(
        episode_id, read_only, sf.list_outcomes(s, episode_id), sf.episode_status(s, episode_id)
    )


def _date_edit() -> QDateEdit:
    edit = DateBox(to_qdate(date.today()))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(qt_date_format())
    return edit


def _text(d: date | None) -> str:
    return f"{show_date(d)}" if d else ""


class SupportingFamiliesTab(EpisodeTab):
    def __init__(self, store, family_id: str, parent: QWidget | None = None) -> None:
        super().__init__(store, family_id, parent)
        pack = current_pack()
        self.screen: FamiliesScreen | None = None
        self.status = QLabel("")
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            ["Headline outcome", "Need identified", "Progress from", "Sustained to", "Sustained"]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAccessibleName("Supporting Families outcomes")
        # Dates and "Not yet" whole under whole headings; the outcome as wide as its words where
        # there is room, wrapping in a narrow window (837 px at 150% on a 1,280x720 screen) rather
        # than its 300 px making the tab scroll sideways. The last column takes any spare width.
        self.table.setWordWrap(True)
        self.table.widths = share_width(self.table, stretch=4, shrink=(0,))
        self.table.itemSelectionChanged.connect(self._selected)

        self.outcome = ChoiceBox()
        for o in pack.supporting_families.outcomes:
            self.outcome.addItem(o.label, o.code)
        self.identified_on = _date_edit()
        self.add_button = QPushButton("Add need")
        self.add_button.clicked.connect(self.add_need)
        need_form = QFormLayout()
        need_form.addRow("Outcome", self.outcome)
        need_form.addRow("Need identified on", self.identified_on)
        need_form.addRow(self.add_button)

        self.progress_from = _date_edit()
        self.sustained_to = _date_edit()
        self.evidence = QPlainTextEdit()
        self.evidence.setPlaceholderText("What shows the progress (attendance figures, a tenancy, a check …)")
        self.evidence.setMaximumHeight(80)
        self.progress_button = QPushButton("Save progress")
        self.progress_button.clicked.connect(self.save_progress)
        progress_form = QFormLayout()
        progress_form.addRow("Significant progress from", self.progress_from)
        progress_form.addRow("Still evidenced on", self.sustained_to)
        progress_form.addRow("Evidence", self.evidence)
        progress_form.addRow(self.progress_button)

        need_box, progress_box = QWidget(), QWidget()
        need_layout, progress_layout = QVBoxLayout(need_box), QVBoxLayout(progress_box)
        need_layout.addWidget(QLabel("<b>A need against an outcome</b>"))
        need_layout.addLayout(need_form)
        need_layout.addStretch(1)
        progress_layout.addWidget(QLabel("<b>Progress on the need chosen above</b>"))
        progress_layout.addLayout(progress_form)
        forms = Columns((need_box, 1), (progress_box, 2))

        layout = QVBoxLayout(self)
        rules = pack.supporting_families
        rule = QLabel(
            f"A results claim needs at least {rules.min_needs_for_claim} needs, each with significant "
            f"progress sustained for {rules.sustained_days} days."
        )
        rule.setWordWrap(True)
        layout.addWidget(rule)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(forms)
        layout.addWidget(self.message)
        self.reload()

    def reload(self) -> None:
        self.run(lambda s: load_screen(s, self), self._show)

    def _show(self, screen: FamiliesScreen) -> None:
        self.screen = screen
        self.episode_id, self.read_only = screen.episode_id, screen.read_only
        if screen.episode_id is None:
            self.status.setText("There is no case for this family yet.")
        else:
            self.status.setText(f"<b>{sf.STATUS_LABELS.get(screen.status, screen.status)}</b>")
        self.table.setRowCount(len(screen.outcomes))
        for r, o in enumerate(screen.outcomes):
            cells = [o.label, _text(o.need_identified_on), _text(o.progress_from), _text(o.sustained_to)]
            cells.append("Yes" if o.sustained else "Not yet")
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        for widget in (self.add_button, self.outcome, self.identified_on):
            widget.setEnabled(not screen.read_only)
        self._selected()

    def _chosen(self):
        rows = self.table.selectionModel().selectedRows() if self.screen else []
        return self.screen.outcomes[rows[0].row()] if rows else None

    def _selected(self) -> None:
        chosen = self._chosen()
        enabled = chosen is not None and not self.read_only
        for widget in (self.progress_from, self.sustained_to, self.evidence, self.progress_button):
            widget.setEnabled(enabled)
        if chosen is not None:
            self.progress_from.setDate(to_qdate(chosen.progress_from or date.today()))
            self.sustained_to.setDate(to_qdate(chosen.sustained_to or date.today()))
            self.evidence.setPlainText(chosen.evidence)

    def add_need(self) -> None:
        if self.episode_id is None or self.read_only:
            return
        episode_id, code = self.episode_id, self.outcome.currentData()
        on, by = from_qdate(self.identified_on.date()), self.store.profile.name

        def done(_):
            self.show_message("Need recorded.")
            self.reload()

        self.run(lambda s: sf.record_need(s, episode_id, code, on, recorded_by=by), done)

    def save_progress(self) -> None:
        chosen = self._chosen()
        if chosen is None or self.read_only:
            return
        start, end = from_qdate(self.progress_from.date()), from_qdate(self.sustained_to.date())
        evidence = self.evidence.toPlainText()

        def done(_):
            self.show_message("Progress saved.")
            self.reload()

        self.run(lambda s: sf.record_progress(s, chosen.id, start, end, evidence), done)

    def flush_pending(self) -> None:
        """Every change is saved by its button at once: nothing waits here."""
