"""The manager's Team screen: each worker's caseload size, overdue items, cases past 12 months,
cases with no contact for the pack's weeks and drifting plans, with the chosen worker's cases
below (reallocate one with a handover note); the team's unallocated requests; and, for a head of
service, every case open beyond the limit across teams. Figures come from
``casework.team_view``; this screen only shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework import allocation, case_audit, supervision, team_moves, team_view, triage
from ehdesk.casework.allocation import Worker
from ehdesk.casework.team_view import EpisodeFlags, LongOpenEpisode, TeamView
from ehdesk.config.dates import show_date
from ehdesk.errors import ValidationError
from ehdesk.ui.plan.base import EpisodeTab
from ehdesk.ui.style import heading, page_margins
from ehdesk.ui.team.dialogs import AuditDialog, MoveRequestDialog, SupervisionDialog, TriageDialog
from ehdesk.ui.widgets import DateField, FieldForm, combo, headings_fit, show_rows

WORKER_COLUMNS = ["Worker", "Caseload", "Overdue items", "Past 12 months", "No contact", "Drifting"]


@dataclass
class TeamData:
    team_id: str | None
    view: TeamView
    long_open: list[LongOpenEpisode]
    workers: list[Worker]


def _item(text, data=None, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(str(text))
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(columns: list[str], name: str, stretch: int = 0) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setAccessibleName(name)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    headings_fit(table)
    return table


class ReallocateDialog(QDialog):
    """Choose the worker, the date and the handover note. Closes only when the change saved."""

    def __init__(self, parent, flags: EpisodeFlags, workers: list[Worker]) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Reallocate {flags.household_name} ({flags.reference})")
        self.form = FieldForm()
        choices = [(w.id, w.name) for w in workers if w.id != flags.worker_id]
        self.form.add("worker_id", "New worker:", combo(choices, "New worker", "Choose…"))
        when = DateField()
        when.set_value(date.today())
        self.form.add("allocated_on", "From:", when)
        note = QPlainTextEdit()
        note.setPlaceholderText("What the new worker needs to know first")
        self.form.add("handover_note", "Handover note:", note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Reallocate")
        buttons.accepted.connect(self.submitted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        current = flags.worker_name or "nobody"
        layout.addWidget(
            QLabel(f"Now allocated to {current}. The new worker's laptop gets the case at its next sync.")
        )
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.on_submit = None

    def values(self) -> dict:
        f = self.form.fields
        problem = f["allocated_on"].problem()
        if problem:
            raise ValidationError({"allocated_on": problem})
        return {
            "worker_id": f["worker_id"].currentData() or "",
            "allocated_on": f["allocated_on"].value(),
            "handover_note": f["handover_note"].toPlainText(),
        }

    def submitted(self) -> None:
        try:
            values = self.values()
        except ValidationError as exc:
            self.form.show_errors(exc.fields)
            return
        if self.on_submit:
            self.on_submit(values)


class TeamScreen(EpisodeTab):
    """EpisodeTab gives the off-thread runner and the message line; there is no family here."""

    family_chosen = Signal(str)

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(store, "", parent)
        self.data: TeamData | None = None
        self.waiting = []
        self.case_flags: list[EpisodeFlags] = []
        self.dialog: ReallocateDialog | None = None
        self.title = heading("Your team")
        # Said until the figures arrive, so empty tables never pass for an empty team.
        self.explain = QLabel("Reading the team's figures…")
        self.explain.setWordWrap(True)
        self.explain.setProperty("role", "note")
        self.workers = _table(WORKER_COLUMNS, "Workers in the team")
        # At least three workers in sight, however short the window (at 150% on 1,280x720 the
        # cases below took the height and left one and a half); the cases' tab gives way. Its
        # columns are never narrower than their headings (headings_fit), so it needs no sideways
        # scroll bar, nor the room for one.
        self.workers.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        show_rows(self.workers, 3)
        self.workers.itemSelectionChanged.connect(self._worker_chosen)

        self.cases = _table(["Family", "Opened", "Overdue", "Last contact", "Flags"], "The worker's cases", 2)
        self.cases.cellDoubleClicked.connect(lambda row, _c: self._open_family(self.cases, row))
        self.reallocate_button = QPushButton("Re&allocate…")
        self.reallocate_button.clicked.connect(self.reallocate)
        cases_page = QWidget()
        cl = QVBoxLayout(cases_page)
        cl.setContentsMargins(9, 6, 9, 6)  # the tab's frame is margin enough above and below
        cl.addWidget(self.cases, 1)
        row = QHBoxLayout()
        # Wraps rather than widening the window past a small screen at 150% (853 px to lay out).
        hint = QLabel("Double-click a family to open its record.")
        hint.setWordWrap(True)
        row.addWidget(hint, 1)
        self.supervise_button = QPushButton("Record &supervision…")
        self.supervise_button.clicked.connect(self.supervise)
        self.audit_button = QPushButton("A&udit this case…")
        self.audit_button.clicked.connect(self.audit_case)
        self.move_button = QPushButton("Ask to &move team…")
        self.move_button.clicked.connect(self.ask_move)
        for button in (self.supervise_button, self.audit_button, self.reallocate_button, self.move_button):
            row.addWidget(button)
        cl.addLayout(row)

        self.unallocated = _table(["Family", "Received", "Days waiting", "Status"], "Unallocated requests", 3)
        self.unallocated.cellDoubleClicked.connect(lambda row, _c: self._open_family(self.unallocated, row))
        self.triage_button = QPushButton("Record a triage &decision…")
        self.triage_button.clicked.connect(self.triage)
        waiting_page = QWidget()
        wl = QVBoxLayout(waiting_page)
        wl.setContentsMargins(9, 6, 9, 6)
        wl.addWidget(self.unallocated, 1)
        wrow = QHBoxLayout()
        wrow.addStretch(1)
        wrow.addWidget(self.triage_button)
        wl.addLayout(wrow)
        self.long_open = _table(
            ["Family", "Team", "Worker", "Opened", "Limit reached", "Days beyond", "Signed-off close-by"],
            "Cases open beyond the limit",
            0,
        )
        self.long_open.cellDoubleClicked.connect(lambda row, _c: self._open_family(self.long_open, row))
        self.tabs = QTabWidget()
        self.tabs.addTab(cases_page, "Cases")
        self.tabs.addTab(waiting_page, "Unallocated requests")
        self.tabs.addTab(self.long_open, "Open beyond 12 months (all teams)")

        layout = QVBoxLayout(self)
        page_margins(layout)
        layout.addWidget(self.title)
        layout.addWidget(self.explain)
        layout.addWidget(self.workers, 2)
        layout.addWidget(self.tabs, 3)
        layout.addWidget(self.message)
        self.reload()

    # -- loading -------------------------------------------------------------------------------

    def _load(self, s) -> TeamData:
        today = date.today()
        team_id = allocation.home_team(s, self.store.worker_id, self.store.profile.team_id)
        return TeamData(
            team_id,
            team_view.team_view(s, team_id, today),
            team_view.beyond_limit(s, today),
            allocation.team_workers(s, team_id),
        )

    def reload(self) -> None:
        self.run(self._load, self._show)

    def _show(self, data: TeamData) -> None:
        chosen = self._chosen_worker_key()
        self.data = data
        view = data.view
        self.title.setText(f"Team: {view.team_name}" if view.team_name else "Your team")
        self.explain.setText(
            f"No contact: no session or TAF meeting for {view.no_contact_weeks} weeks or more. "
            f"Drifting: the plan came out of the last {view.drift_reviews} TAF reviews unchanged. "
            "Past 12 months: open beyond the limit, signed off or not."
        )
        rows = [*view.rows, view.totals]
        self.workers.setRowCount(0)
        bold = QFont()
        bold.setBold(True)
        for r in rows:
            i = self.workers.rowCount()
            self.workers.insertRow(i)
            cells = [r.name, r.caseload, r.overdue_items, r.past_limit, r.no_contact, r.drifting]
            for col, value in enumerate(cells):
                item = _item(value, r.worker_id or "", align_right=col > 0)
                if r is rows[-1]:
                    item.setFont(bold)
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                self.workers.setItem(i, col, item)
        self.workers.resizeColumnsToContents()
        self.workers.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tabs.setTabText(1, f"Unallocated requests ({len(view.unallocated)})")
        self.tabs.setTabText(2, f"Open beyond 12 months, all teams ({len(data.long_open)})")
        self.waiting = list(view.unallocated)
        self._fill(
            self.unallocated,
            [
                (
                    [
                        f"{w.household_name} ({w.reference})",
                        f"{show_date(w.received_on)}",
                        w.days_waiting,
                        w.status,
                    ],
                    w.family_id,
                )
                for w in view.unallocated
            ],
        )
        self._fill(
            self.long_open,
            [
                (
                    [
                        f"{r.household_name} ({r.reference})",
                        r.team_name,
                        r.worker_name,
                        f"{show_date(r.opened_on)}",
                        f"{show_date(r.limit_on)}",
                        r.days_beyond,
                        f"{show_date(r.signed_off_close_by)}" if r.signed_off_close_by else "Not signed off",
                    ],
                    r.family_id,
                )
                for r in data.long_open
            ],
        )
        # Keep the worker who was chosen (after a reallocation the list reloads).
        for i in range(len(view.rows)):
            if self.workers.item(i, 0).data(Qt.ItemDataRole.UserRole) == chosen:
                self.workers.selectRow(i)
                break
        else:
            # First visit: the first worker who has cases, so the list below is not empty.
            busy = next((i for i, r in enumerate(view.rows) if r.caseload), 0)
            if view.rows:
                self.workers.selectRow(busy)

    def _fill(self, table: QTableWidget, rows: list[tuple[list, str]]) -> None:
        table.setRowCount(0)
        for cells, family_id in rows:
            i = table.rowCount()
            table.insertRow(i)
            for col, value in enumerate(cells):
                table.setItem(i, col, _item(value, family_id, align_right=isinstance(value, int)))
        table.resizeColumnsToContents()

    def _chosen_worker_key(self):
        rows = self.workers.selectionModel().selectedRows() if self.workers.selectionModel() else []
        if not rows:
            return None
        return self.workers.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def _worker_chosen(self) -> None:
        if self.data is None:
            return
        key = self._chosen_worker_key()
        row = next((r for r in self.data.view.rows if (r.worker_id or "") == key), None)
        episodes = row.episodes if row else []
        self.tabs.setTabText(0, f"Cases of {row.name} ({len(episodes)})" if row else "Cases")
        self.case_flags = sorted(episodes, key=lambda f: (-len(f.overdue), f.household_name))
        self.cases.setRowCount(0)
        for f in self.case_flags:
            i = self.cases.rowCount()
            self.cases.insertRow(i)
            flags = [
                words
                for on, words in (
                    (f.past_limit, "past 12 months"),
                    (f.no_contact, "no contact"),
                    (f.drifting, "drifting"),
                )
                if on
            ]
            cells = [
                f"{f.household_name} ({f.reference})",
                f"{show_date(f.opened_on)}",
                "; ".join(f.overdue) or "Nothing overdue",
                f"{show_date(f.last_contact)}",
                ", ".join(flags),
            ]
            for col, text in enumerate(cells):
                self.cases.setItem(i, col, _item(text, f.family_id))
        self.cases.resizeColumnsToContents()
        self.cases.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def _open_family(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is not None:
            self.family_chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    # -- reallocation --------------------------------------------------------------------------

    def _chosen_case(self) -> EpisodeFlags | None:
        rows = self.cases.selectionModel().selectedRows()
        if not rows or self.data is None:
            self.show_message("Choose a case first.", error=True)
            return None
        return self.case_flags[rows[0].row()]

    def _submit(self, dialog, work, said: str) -> None:
        """Open ``dialog``; on OK run ``work(session, values)``. Field errors stay in the dialog;
        it closes, the screen says ``said`` and reloads, only when the save succeeded."""
        self.dialog = dialog

        def submit(values: dict) -> None:
            def then(_):
                dialog.accept()
                self.show_message(said)
                self.reload()

            self.save_form(lambda s: work(s, values), dialog.form, then, said_on_error=False)

        dialog.on_submit = submit
        dialog.open()

    def reallocate(self) -> None:
        flags = self._chosen_case()
        if flags is None:
            return
        role, team_id = self.actor_role, self.data.team_id
        self._submit(
            ReallocateDialog(self, flags, self.data.workers),
            lambda s, v: allocation.allocate_episode(
                s, flags.episode_id, v["worker_id"], allocated_on=v["allocated_on"],
                handover_note=v["handover_note"], actor_role=role, actor_team_id=team_id,
            ),
            f"{flags.household_name} reallocated.",
        )  # fmt: skip

    def supervise(self) -> None:
        flags = self._chosen_case()
        if flags is None:
            return
        role = self.actor_role
        self._submit(
            SupervisionDialog(self, flags.household_name, self.store.profile.name),
            lambda s, v: supervision.record_supervision(s, flags.episode_id, v, actor_role=role),
            f"Supervision recorded for {flags.household_name}.",
        )

    def audit_case(self) -> None:
        flags = self._chosen_case()
        if flags is None:
            return
        role = self.actor_role

        def open_dialog(earlier) -> None:
            choices = [(a.id, f"{show_date(a.audited_on)}: {a.grade_label}") for a in earlier]
            self._submit(
                AuditDialog(self, flags.household_name, self.store.profile.name, choices),
                lambda s, v: case_audit.record_audit(s, flags.episode_id, v, actor_role=role),
                f"Audit recorded for {flags.household_name}.",
            )

        self.run(lambda s: case_audit.list_audits(s, flags.episode_id), open_dialog)

    def ask_move(self) -> None:
        flags = self._chosen_case()
        if flags is None:
            return
        role = self.actor_role

        def open_dialog(teams) -> None:
            self._submit(
                MoveRequestDialog(self, flags.household_name, teams),
                lambda s, v: team_moves.request_team_move(
                    s, flags.family_id, v["to_team_id"], v["reason"], actor_role=role
                ),
                f"Move asked for: {flags.household_name}. An administrator makes it on the server.",
            )

        self.run(lambda s: team_moves.other_teams(s, flags.family_id), open_dialog)

    def triage(self) -> None:
        rows = self.unallocated.selectionModel().selectedRows()
        if not rows or self.data is None:
            self.show_message("Choose the request first.", error=True)
            return
        waiting = self.waiting[rows[0].row()]
        self._submit(
            TriageDialog(self, waiting.household_name, self.data.workers, self.store.profile.name),
            lambda s, v: triage.record_triage(s, waiting.referral_id, v),
            f"Triage decision recorded for {waiting.household_name}.",
        )

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        # Figures move with every sync and every change elsewhere: read them again on each visit.
        super().showEvent(event)
        if self.data is not None and self.pending == 0:
            self.reload()

    def flush_pending(self) -> None:
        """Nothing here is typed into a draft."""
