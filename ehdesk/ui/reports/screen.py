"""The Reports screen: the statistical return for a period, with charts and tables.

Figures are computed off the UI thread on the worker's store (their team's families after
sync). What is shown is suppressed unless a manager or admin asks to see the raw figures on
screen; exports are always suppressed and audited."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework import audit
from ehdesk.casework.statistics import Statistics, compute
from ehdesk.casework.suppression import PublishedTable
from ehdesk.config.dates import qt_date_format
from ehdesk.config.pack import current_pack
from ehdesk.errors import EhdeskError
from ehdesk.paths import write_private_file
from ehdesk.reports.arguments import report_filename
from ehdesk.reports.build import published, render, report_for, team_scope
from ehdesk.ui.flow import FlowLayout
from ehdesk.ui.inputs import ChoiceBox, DateBox
from ehdesk.ui.ops import for_store
from ehdesk.ui.reports.charts import chart_view
from ehdesk.ui.style import heading, page_margins, set_sheet
from ehdesk.ui.widgets import FrozenNamesTable, share_width

MANAGER_ROLES = ("manager", "admin")


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def presets(today: date) -> list[tuple[str, date, date]]:
    """Periods managers are usually asked for: the last 12 months, the last complete financial
    year (April to March) and the last complete quarter of that year."""
    year_start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    last_year = (date(year_start.year - 1, 4, 1), year_start - timedelta(days=1))
    quarter_months = ((today.month - 4) % 12) // 3 * 3  # months from April to this quarter
    month = (4 + quarter_months - 1) % 12 + 1
    this_quarter = date(year_start.year + (1 if month < 4 else 0), month, 1)
    previous = this_quarter.month - 3
    quarter_start = date(this_quarter.year - (1 if previous < 1 else 0), (previous - 1) % 12 + 1, 1)
    return [
        ("Last 12 months", today - timedelta(days=364), today),
        ("Last financial year", *last_year),
        ("Last quarter", quarter_start, this_quarter - timedelta(days=1)),
    ]


def load_statistics(s, date_from: date, date_to: date) -> tuple[Statistics, str]:
    return compute(s, date_from, date_to), team_scope(s, None)


def export_report(s, date_from: date, date_to: date, fmt: str, kind: str = "return") -> bytes:
    """On the store's queue: the report (the return always suppressed; the management report
    marked not for publication), audited as exported."""
    pack = current_pack()
    data = render(report_for(s, date_from, date_to, None, kind, pack), fmt)
    audit.record(
        s,
        "export",
        "report",
        "",
        None,
        date_from=str(date_from),
        date_to=str(date_to),
        format=fmt,
        kind=kind,
    )
    return data


def write_report(path: Path, data: bytes) -> Path:
    try:
        write_private_file(path, data)
    except OSError as exc:
        raise EhdeskError(f"The report could not be saved there: {exc.strerror}.") from None
    return path


def _table_widget(table: PublishedTable, symbol: str) -> FrozenNamesTable:
    # The row names stay in place as the figures scroll sideways under them: the last column of
    # ethnic groups by gender is still read against its group.
    widget = FrozenNamesTable(len(table.rows), len(table.header))
    widget.setHorizontalHeaderLabels(list(table.header))
    widget.verticalHeader().setVisible(False)
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
    widget.setAccessibleName(table.title)
    for r, row in enumerate(table.rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if text == symbol:
                item.setToolTip("Withheld so that no family can be identified")
            if r in table.emphasis_rows:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            widget.setItem(r, c, item)
    widget.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setWordWrap(True)
    # Every figure whole under its whole heading, as in the published return; the row names take
    # the spare width. Where the figures do not fit the pane (ethnic groups by gender on 853 px at
    # 150%), the row names wrap and then the table scrolls sideways inside itself, its scroll bar
    # under its last row, so the page around it (headings, charts, notes) only ever scrolls down;
    # the row names stay where they are. The page scrolls, not each table, downwards: every row
    # shows.
    widget.widths = share_width(widget, stretch=0, shrink=(0,), scroll=True, whole_rows=True)
    return widget


def _settle(page: QWidget) -> None:
    """``page`` laid out to the end, here and now: the layouts its showing asked for and those
    they ask for in turn (a table shares out its widths and grows to its rows as it is shown,
    the page grows with it, each chart is laid out at its size), until nothing moves. Only
    layout requests are handled (no input, no paint): two or three rounds."""
    before = None
    for _ in range(10):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        now = _geometry(page)
        if now == before:
            return
        before = now


def _geometry(page: QWidget) -> list:
    """Where each part of ``page`` is, and each table's columns and rows."""
    found: list = [page.size()]
    for part in page.children():
        if isinstance(part, QWidget):
            found.append(part.geometry())
            if isinstance(part, FrozenNamesTable):
                header = part.horizontalHeader()
                found.append([header.sectionSize(c) for c in range(header.count())])
                found.append([part.rowHeight(r) for r in range(part.rowCount())])
    return found


class ReportsScreen(QWidget):
    loaded = Signal()
    exported = Signal(str)
    failed = Signal(str)

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._stats: Statistics | None = None
        self._scope = ""
        self.can_see_unsuppressed = getattr(store.profile, "role", "") in MANAGER_ROLES

        today = date.today()
        self.date_from = DateBox(_qdate(today - timedelta(days=364)))
        self.date_to = DateBox(_qdate(today))
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(qt_date_format())
        self.preset = ChoiceBox()
        self.preset.addItem("Choose dates", None)
        for label, start, end in presets(today):
            self.preset.addItem(label, (start, end))
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.show_button = QPushButton("Show figures")
        self.show_button.clicked.connect(self.refresh)
        self.unsuppressed = QCheckBox("Show all figures (on screen only)")
        self.unsuppressed.setToolTip("Small numbers are shown as they are. Exports are always suppressed.")
        self.unsuppressed.setVisible(self.can_see_unsuppressed)
        self.unsuppressed.toggled.connect(self._unsuppressed_toggled)
        self.csv_button = QPushButton("Export CSV…")
        self.pdf_button = QPushButton("Export PDF…")
        self.xlsx_button = QPushButton("Export XLSX…")
        self.csv_button.clicked.connect(lambda: self._ask_export("csv"))
        self.pdf_button.clicked.connect(lambda: self._ask_export("pdf"))
        self.xlsx_button.clicked.connect(lambda: self._ask_export("xlsx"))
        # Operational figures for the manager, not suppressed and marked not for publication.
        self.management_button = QPushButton("Management report…")
        self.management_button.setToolTip("Timescales, caseloads and overdue work. Not for publication.")
        self.management_button.setVisible(self.can_see_unsuppressed)
        self.management_button.clicked.connect(lambda: self._ask_export("pdf", "management"))

        self.preset.setAccessibleName("Period")
        self.date_from.setAccessibleName("From")
        self.date_to.setAccessibleName("To")
        dates = QWidget()
        dates_row = QHBoxLayout(dates)
        dates_row.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("From"), self.date_from, QLabel("to"), self.date_to):
            dates_row.addWidget(widget)
        # One wrapping row: on a narrow window the export buttons go to a second line.
        bar = FlowLayout().add_widgets(
            self.preset,
            dates,
            self.show_button,
            self.unsuppressed,
            self.csv_button,
            self.pdf_button,
            self.xlsx_button,
            self.management_button,
        )

        self.status = QLabel("Choose a period and press Show figures.")
        self.status.setWordWrap(True)
        self.statement = QLabel()
        self.statement.setWordWrap(True)
        self.statement.setProperty("role", "note")

        self.content = QWidget()  # the page of figures, made anew for each report (see _render)
        scroll = self.scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.content)
        scroll.setAccessibleName("Figures")

        layout = QVBoxLayout(self)
        page_margins(layout)
        title = heading("Reports")
        layout.addWidget(title)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.statement)
        layout.addWidget(scroll, 1)
        self._set_busy(False)

    # --- loading ---------------------------------------------------------------------------

    def period(self) -> tuple[date, date]:
        return _pydate(self.date_from.date()), _pydate(self.date_to.date())

    def set_period(self, date_from: date, date_to: date) -> None:
        self.date_from.setDate(_qdate(date_from))
        self.date_to.setDate(_qdate(date_to))

    def _preset_chosen(self, index: int) -> None:
        period = self.preset.itemData(index)
        if period:
            self.set_period(*period)

    def refresh(self) -> None:
        date_from, date_to = self.period()
        if date_to < date_from:
            self._fail("The end of the period is before its start.")
            return
        self._set_busy(True, "Working out the figures…")
        for_store(self.store).query(
            lambda s: load_statistics(s, date_from, date_to), self._loaded, owner=self, on_error=self._error
        )

    def _loaded(self, result: tuple[Statistics, str]) -> None:
        self._stats, self._scope = result
        self._render()
        self._set_busy(False)
        self.loaded.emit()

    def _unsuppressed_toggled(self, on: bool) -> None:
        if on and self._stats is not None:
            date_from, date_to = self.period()

            def note(s) -> None:
                audit.record(
                    s, "view", "report_unsuppressed", "", None, date_from=str(date_from), date_to=str(date_to)
                )

            for_store(self.store).write(note, owner=self, on_error=self._error)
        self._render()

    def suppressing(self) -> bool:
        return not (self.can_see_unsuppressed and self.unsuppressed.isChecked())

    def published_report(self):
        if self._stats is None:
            return None
        return published(self._stats, current_pack(), self._scope, suppress=self.suppressing())

    def _render(self) -> None:
        """The report's page, made whole before anyone sees it. Parts added to the page in sight
        (about 40 headings, charts and tables) were shown one by one in later turns of the event
        loop, the page laid out and painted as each came: for seconds (the demo's 300 families)
        its tables were drawn squeezed over each other, with no charts. Now the parts go on a
        new page, shown with it at once under the page in sight, laid out to the end (see
        ``_settle``) and only then put in its place, before the event loop can paint."""
        report = self.published_report()
        if report is None:
            return
        symbol = current_pack().suppression.symbol
        viewport = self.scroll.viewport()
        page = QWidget(viewport)  # not shown yet: its parts are shown with it, at once
        column = QVBoxLayout(page)
        for section in report.sections:
            heading = QLabel(section.title)
            set_sheet(heading, "font-size: 12pt; font-weight: bold; color: @heading; margin-top: 12px;")
            column.addWidget(heading)
            for note in section.notes:
                label = QLabel(note)
                label.setWordWrap(True)
                column.addWidget(label)
            for table in section.tables:
                title = QLabel(table.title)
                set_sheet(title, "font-weight: bold; margin-top: 6px;")
                column.addWidget(title)
                view = chart_view(table)
                if view is not None:
                    column.addWidget(view)
                column.addWidget(_table_widget(table, symbol))
                for note in table.notes:
                    label = QLabel(note)
                    label.setWordWrap(True)
                    label.setProperty("role", "note")
                    column.addWidget(label)
        column.addStretch(1)
        self.status.setText(f"{report.period} · {report.scope}")
        self.statement.setText(
            report.statement
            if report.suppressed
            else "All figures are shown, including small numbers. Not for publication: exports are suppressed."
        )
        # The pane's scroll bar first (a report is always taller than the pane), so the page is
        # laid out once at the width it is shown at, not again as the bar comes beside it.
        bar = self.scroll.verticalScrollBar()
        policy = self.scroll.verticalScrollBarPolicy()
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        page.resize(viewport.width(), viewport.height())
        page.lower()  # under the page in sight, which covers the pane
        page.show()
        _settle(page)
        position = bar.value()
        self.scroll.setWidget(page)  # the old page gone at once, with its parts
        self.content = page
        self.scroll.setVerticalScrollBarPolicy(policy)
        _settle(page)  # (where the pane made it another size)
        bar.setValue(position)  # where the reader was, for new figures

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        # Figures worked out while another screen was in sight are laid out only now, as their
        # page is shown: to the end before it is painted, as in _render.
        _settle(self.content)

    # --- export ----------------------------------------------------------------------------

    def _ask_export(self, fmt: str, kind: str = "return") -> None:
        date_from, date_to = self.period()
        suggested = report_filename(date_from, date_to, fmt, kind)
        filters = {"csv": "CSV (*.csv)", "pdf": "PDF (*.pdf)", "xlsx": "Excel workbook (*.xlsx)"}
        path, _ = QFileDialog.getSaveFileName(self, "Save the report", suggested, filters[fmt])
        if path:
            self.export_to(Path(path), fmt, kind)

    def export_to(self, path: Path, fmt: str, kind: str = "return") -> None:
        """Writes the suppressed return (whatever the screen shows) off the UI thread."""
        date_from, date_to = self.period()
        if date_to < date_from:
            self._fail("The end of the period is before its start.")
            return
        if not path.parent.is_dir():
            self._fail(f"The folder {path.parent} does not exist.")
            return
        self._set_busy(True, f"Saving the {fmt.upper()}…")
        if kind != "return" and not self.can_see_unsuppressed:
            self._fail("Only a manager or an admin can save the management report.")
            return
        self._exporting_kind = kind
        ops = for_store(self.store)
        ops.write(
            lambda s: export_report(s, date_from, date_to, fmt, kind),
            lambda data: ops.run(
                lambda: write_report(path, data), self._exported, owner=self, on_error=self._error
            ),
            owner=self,
            on_error=self._error,
        )

    def _exported(self, path: Path) -> None:
        self._set_busy(False)
        if getattr(self, "_exporting_kind", "return") == "return":
            self.status.setText(f"Saved the return to {path}. It is suppressed and safe to share.")
        else:
            self.status.setText(f"Saved the management report to {path}. It is not for publication.")
        self.exported.emit(str(path))

    # --- state -----------------------------------------------------------------------------

    def _set_busy(self, busy: bool, message: str = "") -> None:
        for widget in (
            self.show_button,
            self.csv_button,
            self.pdf_button,
            self.xlsx_button,
            self.management_button,
            self.date_from,
            self.date_to,
        ):
            widget.setEnabled(not busy)
        if message:
            self.status.setText(message)

    def _error(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, EhdeskError):
            self._fail(exc.message)
        else:
            # The class name only: a message could quote personal data.
            self._fail(f"The figures could not be worked out ({type(exc).__name__}).")

    def _fail(self, message: str) -> None:
        self.status.setText(message)
        self.failed.emit(message)
