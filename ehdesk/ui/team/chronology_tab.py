"""The family record's "Chronology" tab: the chronology built from the record, filtered by child,
with significant events added by hand, exported to CSV (after the shared-laptop warning) and
printed or saved as a PDF through the shared document buttons."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ehdesk import documents
from ehdesk.casework import chronology
from ehdesk.casework.chronology import ChronologyEntry
from ehdesk.config.dates import show_date
from ehdesk.errors import EhdeskError
from ehdesk.ui.documents import DocumentActions
from ehdesk.ui.flow import FlowLayout
from ehdesk.ui.inputs import ChoiceBox
from ehdesk.ui.plan.base import EpisodeTab
from ehdesk.ui.widgets import CheckList, Columns, DateField, FieldForm, share_width, show_rows

COLUMNS = ["Date", "What happened", "Details", "Children", "Recorded by"]
CSV_WARNING = (
    "A saved CSV file is not encrypted. Anyone who uses this laptop, or the folder you save to, "
    "could read it. Only save a copy if you must, and delete it when it is no longer needed. "
    "Saving is recorded in the audit log."
)


@dataclass
class ChronologyData:
    entries: list[ChronologyEntry]
    children: list[tuple[str, str]]


class ChronologyTab(EpisodeTab):
    def __init__(self, store, family_id: str, parent: QWidget | None = None) -> None:
        super().__init__(store, family_id, parent)
        self.entries: list[ChronologyEntry] = []
        self.child = ChoiceBox()
        self.child.setAccessibleName("Show the chronology for")
        self.child.addItem("The whole family", None)
        self.child.currentIndexChanged.connect(lambda _: self.reload())
        self.count = QLabel("")
        self.export_button = QPushButton("E&xport CSV…")
        self.export_button.clicked.connect(self.export_dialog)
        self.documents = DocumentActions(
            store,
            family_id,
            "chronology",
            "chronology",
            render=lambda s, fid: documents.render_chronology(s, fid, self.child.currentData()),
        )
        show = QWidget()
        show_row = QHBoxLayout(show)
        show_row.setContentsMargins(0, 0, 0, 0)
        show_row.addWidget(QLabel("Show:"))
        show_row.addWidget(self.child)
        # One row that wraps: on 853 px (a 1,280x720 screen at 150%) the export and print buttons
        # go to a second line rather than make the page scroll sideways.
        line = self.export_button.sizeHint().height()  # on one line with the buttons, centred
        for part in (show, self.count):
            part.setMinimumHeight(line)
        self.count.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        top = FlowLayout().add_widgets(show, self.count, self.export_button, self.documents)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Chronology")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        # Rows follow their wrapped text as the columns take their width: filled while the tab
        # was hidden, a row would otherwise stay as tall as its text was in a narrow column.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Dates on one line; what happened, details, children and who recorded it share the rest,
        # wrapping (never inside a word) where the window is narrow, the details taking what is
        # spare. Fixed widths left the details 90 px at 150% on a 1,280x720 screen, and the dates
        # on three lines.
        self.table.widths = share_width(self.table, stretch=2, shrink=(1, 2, 3, 4))
        # The chronology is what the tab is for: at 150% on a 1,280x720 screen the form beneath left
        # it a row and a half; now it keeps four, and the page scrolls down to the form.
        show_rows(self.table, 4)

        # The form sits in two columns so the chronology itself keeps most of a 1280x720 window.
        box = QGroupBox("Add a significant event")
        self.form = FieldForm()
        self.form.add("occurred_on", "Date:", DateField())
        self.form.add("title", "What happened:", QLineEdit())
        self.form.add("source", "Source:", QLineEdit())
        beside = FieldForm()
        details = QPlainTextEdit()
        details.setMaximumHeight(54)
        beside.add("detail", "Details:", details)
        beside.add("child_ids", "About:", CheckList([], "Children it concerns"))
        # One set of fields and messages for saving, whichever column a field sits in.
        self.form.fields.update(beside.fields)
        self.form.errors.update(beside.errors)
        self.add_button = QPushButton("&Add to the chronology")
        self.add_button.clicked.connect(self.add_event)
        bl = QHBoxLayout(box)
        # The two columns stack where they do not fit side by side beside the button.
        bl.addWidget(Columns((self.form, 1), (beside, 1)), 1)
        bl.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignBottom)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(box)
        layout.addWidget(self.message)
        self.documents.failed.connect(lambda text: self.show_message(text, error=True))
        self.documents.saved.connect(lambda path: self.show_message(f"Saved as {path}."))
        self.reload(first=True)

    # -- loading -------------------------------------------------------------------------------

    def reload(self, first: bool = False) -> None:
        child = self.child.currentData()

        def load(s):
            return ChronologyData(
                chronology.build(s, self.family_id, child), chronology.children_of(s, self.family_id)
            )

        self.run(load, lambda data: self._show(data, first))

    def _show(self, data: ChronologyData, first: bool) -> None:
        if first:
            self.child.blockSignals(True)
            for cid, name in data.children:
                self.child.addItem(name, cid)
            self.child.blockSignals(False)
            checks = self.form.fields["child_ids"]
            for cid, name in data.children:
                item = QListWidgetItem(name)
                item.setData(Qt.ItemDataRole.UserRole, cid)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                checks.addItem(item)
            checks.setMaximumHeight(max(24 * min(len(data.children), 3) + 8, 32))
        self.entries = data.entries
        self.table.setRowCount(0)
        italic = QFont()
        italic.setItalic(True)
        for e in data.entries:
            row = self.table.rowCount()
            self.table.insertRow(row)
            cells = [f"{show_date(e.on)}", e.title, e.detail, e.children, e.by]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{e.kind_label}" + (" (added by hand)" if e.hand_added else ""))
                if e.hand_added and col == 1:
                    item.setFont(italic)
                self.table.setItem(row, col, item)
        self.table.scrollToBottom()
        who = self.child.currentText().lower() if self.child.currentData() else "the whole family"
        self.count.setText(f"{len(data.entries)} entries for {who}")

    # -- adding --------------------------------------------------------------------------------

    def add_event(self) -> None:
        f = self.form.fields
        problem = f["occurred_on"].problem()
        if problem:
            self.form.show_errors({"occurred_on": problem})
            return
        data = {
            "occurred_on": f["occurred_on"].value(),
            "title": f["title"].text(),
            "detail": f["detail"].toPlainText(),
            "source": f["source"].text(),
            "child_ids": f["child_ids"].values(),
        }

        family_id = self.family_id

        def then(_):
            for name in ("occurred_on", "title", "source"):
                f[name].clear()
            f["detail"].clear()
            f["child_ids"].set_values([])
            self.show_message("Added to the chronology.")
            self.reload()

        self.save_form(lambda s: chronology.add_event(s, family_id, data), self.form, then)

    # -- export --------------------------------------------------------------------------------

    def export_to(self, path: Path) -> None:
        child = self.child.currentData()

        def job(s):
            try:
                return chronology.export_csv(s, self.family_id, path, child)
            except OSError as exc:
                raise EhdeskError(f"The file could not be saved there: {exc.strerror}.") from None

        self.run(job, lambda n: self.show_message(f"Saved {n} entries to {path}."))

    def export_dialog(self) -> None:
        answer = QMessageBox.warning(
            self,
            "Save an unencrypted copy?",
            CSV_WARNING,
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Save:
            return
        name, _ = QFileDialog.getSaveFileName(self, "Export the chronology", "chronology.csv", "CSV (*.csv)")
        if name:
            self.export_to(Path(name))

    def flush_pending(self) -> None:
        """The event form is saved by its button; nothing here is a draft."""
