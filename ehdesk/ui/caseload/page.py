"""My caseload: the worker's open cases, with what is due next; a filter, sorting, and a search
box that finds any family in the store as the worker types."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework.caseload import CaseloadRow
from ehdesk.casework.search import FamilyIndex, SearchHit
from ehdesk.config.pack import current_pack
from ehdesk.ui.caseload.model import FAMILY_ID_ROLE, CaseloadModel, Row
from ehdesk.ui.dates import widest_date
from ehdesk.ui.inputs import ChoiceBox
from ehdesk.ui.style import heading, page_margins
from ehdesk.ui.widgets import FITS_WIDTH, ReadableCells, ReadableWrappedCells, heading_width


class CaseloadPage(QWidget):
    open_family = Signal(str)
    new_family = Signal(str)  # household name

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.caseload_rows: list[Row] = []
        # Search results as rows, by family: (the index's hit, its row).
        self._hit_rows: dict[str, tuple[SearchHit, Row]] = {}
        self.by_family: dict[str, Row] = {}
        self.index: FamilyIndex | None = None

        self.title = heading("My caseload")
        self.summary = heading("Loading your caseload…", "subtitle")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Preparing search…")
        self.search.setAccessibleName("Find a family by name, date of birth or reference")
        self.search.setClearButtonEnabled(True)
        self.search.setEnabled(False)
        self.filter = ChoiceBox()
        self.filter.setAccessibleName("Show")
        self.filter.addItem("All my cases", "all")
        self.filter.addItem("Overdue only", "overdue")
        for level in current_pack().levels_of_need:
            self.filter.addItem(level.label, f"level:{level.code}")
        self.new_button = QPushButton("&New family…")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(self.fontMetrics().height() // 2)

        self.model = CaseloadModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Families")
        self.table.setProperty(FITS_WIDTH, True)  # what is due and when, in sight at its right
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(6, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self._one_line, self._two_lines = ReadableCells(self.table), ReadableWrappedCells(self.table)
        self.table.setItemDelegate(self._one_line)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)  # what is due takes the rest
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setSortIndicatorShown(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring: quick resets
        self._laid_out: tuple | None = None  # (the columns' widths, lines a row) last set
        self.table.installEventFilter(self)  # the columns laid out again as it is resized

        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.summary)
        top.addLayout(titles, 1)
        top.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignBottom)
        tools = QHBoxLayout()
        find_label = QLabel("&Find")
        find_label.setBuddy(self.search)
        tools.addWidget(find_label)
        tools.addWidget(self.search, 3)
        show_label = QLabel("S&how")
        show_label.setBuddy(self.filter)
        tools.addSpacing(12)
        tools.addWidget(show_label)
        tools.addWidget(self.filter, 1)
        layout = QVBoxLayout(self)
        page_margins(layout)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addLayout(tools)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)

        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._open_first)
        self.filter.currentIndexChanged.connect(lambda: self.model.set_mode(self.filter.currentData()))
        self.table.activated.connect(self._activated)
        self.new_button.clicked.connect(self._ask_new_family)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)

    # -- columns ---------------------------------------------------------------------------

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.table and event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange):
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """The columns side by side within the table, what is due taking the width left. Where
        they do not fit on one line a row (837 px wide at 150% on a 1,280x720 screen), each row
        has two lines: the reference under the family's name (in place of its own column), names
        and what is due wrapped, "⚠ Overdue since" over its date; dates stay whole. Widths come
        from the font, not the rows, so thousands of search results need no measuring."""
        table = self.table
        plain = table.fontMetrics()
        bold = QFont(table.font())
        bold.setBold(True)  # what is due, and when, in bold when overdue
        strong = QFontMetrics(bold)
        m = plain.horizontalAdvance("M")
        date = widest_date()  # in the pack's style
        allocated = plain.horizontalAdvance(date) + m
        due = strong.horizontalAdvance("12-month limit: close or get sign-off") + m  # its least, on a line
        when = strong.horizontalAdvance(f"⚠ Overdue since {date}") + m
        widths = [m * 13, m * 9, m * 12, m * 4, allocated, 0, when]  # 0: hidden, or what is due
        room = table.width() - 2 * table.frameWidth() - table.verticalScrollBar().sizeHint().width()
        two_lines = sum(widths) + due > room
        if two_lines:
            when = max(strong.horizontalAdvance("⚠ Overdue since"), strong.horizontalAdvance(date)) + m
            widths = [m * 9, 0, m * 9, m * 4, allocated, 0, when]
        widths = [w and max(w, heading_width(table, c)) for c, w in enumerate(widths)]
        if self._laid_out == (widths, two_lines):
            return  # as it was: a column the worker has widened stays so
        self._laid_out = (widths, two_lines)
        table.setWordWrap(two_lines)
        table.setItemDelegate(self._two_lines if two_lines else self._one_line)
        table.setColumnHidden(1, two_lines)
        self.model.set_reference_under_name(two_lines)
        for column, width in enumerate(widths):
            if width:
                table.setColumnWidth(column, width)
        rows = 2 * plain.height() + 12 if two_lines else plain.height() + 14
        table.verticalHeader().setDefaultSectionSize(rows)

    # -- data ------------------------------------------------------------------------------

    def set_loading(self, text: str) -> None:
        self.summary.setText(text)
        self.progress.show()

    def set_caseload(self, rows: list[CaseloadRow]) -> None:
        self.caseload_rows = [Row.from_caseload(r) for r in rows]
        self.by_family = {r.family_id: r for r in self.caseload_rows}
        self._hit_rows.clear()
        overdue = sum(r.anything_overdue for r in self.caseload_rows)
        n = len(self.caseload_rows)
        self.summary.setText(
            f"{n} open case{'s' if n != 1 else ''}"
            + (f" · {overdue} with something overdue" if overdue else "")
            # An empty caseload says what to do next; New family… is beside it.
            + (" — find a family below, or start with New family…" if n == 0 else "")
        )
        self.progress.hide()
        self._search_changed(self.search.text())

    def set_index(self, index: FamilyIndex) -> None:
        self.index = index
        self.search.setEnabled(True)
        self.search.setPlaceholderText("Name, date of birth (dd/mm/yyyy) or reference")

    # -- searching -------------------------------------------------------------------------

    def _search_changed(self, text: str) -> None:
        text = text.strip()
        if not text or self.index is None:
            self.model.set_rows(self.caseload_rows)
            self.title.setText("My caseload")
            return
        hits = self.index.search(text)
        rows = []
        for hit in hits:
            # The same row object for the same hit, keystroke after keystroke: the model keeps
            # each row's texts, so only rows new to the results are formatted.
            kept = self._hit_rows.get(hit.family_id)
            if kept is None or kept[0] is not hit:
                kept = self._hit_rows[hit.family_id] = (hit, self._hit_row(hit))
            rows.append(kept[1])
        self.model.set_rows(rows)
        self.title.setText(f"Families matching “{text}”: {len(rows)}")
        if rows:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _hit_row(self, hit) -> Row:
        known = self.by_family.get(hit.family_id)
        members = ", ".join(hit.member_names)
        if known is not None:
            return Row(**{**known.__dict__, "members": members})
        return Row(hit.family_id, hit.household_name, hit.reference, on_caseload=False, members=members)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _open_first(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid() and self.model.rowCount():
            index = self.model.index(0, 0)
        if index.isValid():
            self._activated(index)

    def _activated(self, index) -> None:
        self.open_family.emit(index.data(FAMILY_ID_ROLE))

    def _ask_new_family(self) -> None:
        name, ok = QInputDialog.getText(self, "New family", "Household name (usually the family's surname):")
        if ok and name.strip():
            self.new_family.emit(name.strip())

    def keyPressEvent(self, event) -> None:
        # Down from the search box moves into the results, so finding and opening needs no mouse.
        if event.key() == Qt.Key.Key_Down and self.search.hasFocus():
            self.table.setFocus()
            return
        super().keyPressEvent(event)
