"""The manager's list of their team's cases open past the limit with no sign-off yet, for the
desktop to place on the manager's home screen. Double-clicking a case opens the sign-off form."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from ehdesk.casework import extensions
from ehdesk.config.dates import show_date
from ehdesk.ui.ops import error_text, for_store, refresh_on_changes
from ehdesk.ui.plan.dialogs import SignoffDialog
from ehdesk.ui.style import page_margins
from ehdesk.ui.widgets import MessageLine, headings_fit


class SignoffList(QWidget):
    family_chosen = Signal(str)

    def __init__(self, store, team_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.team_id = team_id
        self.ops = for_store(store)
        self.dialog = None
        self.title = QLabel("Cases open past 12 months that need your sign-off")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            ["Family", "Worker", "Limit or agreed close-by date", "Days over"]
        )
        self.table.setAccessibleName("Cases needing sign-off")
        self.table.horizontalHeader().setStretchLastSection(True)
        headings_fit(self.table)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.cellDoubleClicked.connect(self._sign_off_row)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        page_margins(layout)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.reload()
        refresh_on_changes(self, store, self.reload, kinds={"episode"})

    @property
    def pending(self) -> int:
        return self.ops.pending_for(self)

    def _failed(self, exc: BaseException) -> None:
        self.message.say(error_text(exc), error=True)

    def reload(self) -> None:
        team_id = self.team_id
        self.ops.query(
            lambda s: extensions.episodes_needing_signoff(s, team_id, date.today()),
            self._show,
            owner=self,
            on_error=self._failed,
        )

    def _show(self, items) -> None:
        self.items = items
        self.table.setRowCount(0)
        for item in items:
            row = self.table.rowCount()
            self.table.insertRow(row)
            due = f"{show_date(item.limit_on)}"
            if item.past_close_by:
                due += " — past the agreed close-by date"
            cells = [item.household_name, item.worker_name, due, str(item.days_over)]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item)
                self.table.setItem(row, col, cell)
        self.title.setText(
            f"{len(items)} {'case' if len(items) == 1 else 'cases'} open past 12 months {'needs' if len(items) == 1 else 'need'} your sign-off"
            if items
            else "No case needs sign-off."
        )

    def _sign_off_row(self, row: int, _col: int = 0) -> None:
        item = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        self.dialog = SignoffDialog(self)
        dialog = self.dialog
        role = getattr(self.store.profile, "role", "practitioner")

        def submit():
            values = dialog.values()
            dialog.set_saving(True)

            def done(_):
                dialog.saved()
                self.message.say("Signed off.")
                self.reload()

            self.ops.write(
                lambda s: extensions.sign_off_extension(
                    s, item.episode_id, today=date.today(), actor_role=role, **values
                ),
                done,
                owner=dialog,
                on_error=dialog.failed,
            )

        dialog.on_submit(submit)
        dialog.open()
