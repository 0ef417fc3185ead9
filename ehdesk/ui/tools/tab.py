"""The Progress tab of a family record: the readings of the family's current (or last) case, a
spider chart of the baseline against the latest reading (and any chosen earlier one), each area
over time, and the form for taking a reading with the family."""

from __future__ import annotations

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework import readings
from ehdesk.casework.readings import FamilyProgress, ReadingView, Series
from ehdesk.config.dates import show_date
from ehdesk.errors import ValidationError
from ehdesk.forms.tools import registry
from ehdesk.forms.tools.styles import BASELINE, COMPARED, LATEST
from ehdesk.store import Store
from ehdesk.ui.flow import FlowLayout
from ehdesk.ui.inputs import ChoiceBox
from ehdesk.ui.ops import error_text, for_store, refresh_on_changes
from ehdesk.ui.plan.base import EpisodeTab
from ehdesk.ui.tools.charts import radar_chart, radar_text, timeline_chart, timeline_text
from ehdesk.ui.tools.drafts import decode_draft, encode_draft, read_draft, write_draft
from ehdesk.ui.tools.reading_form import ReadingForm
from ehdesk.ui.widgets import MessageLine

DEFAULT_TOOL = "family_spider"


def _labelled(text: str, field: QWidget) -> QWidget:
    """A label and its field kept together on one line of a wrapping row."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    label = QLabel(text)
    label.setBuddy(field)
    row.addWidget(label)
    row.addWidget(field)
    return holder


class ProgressTab(QWidget):
    loaded = Signal()
    saved = Signal(str)
    failed = Signal(str)

    def __init__(self, store: Store, family_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.family_id = family_id
        self.progress: FamilyProgress | None = None
        self.form: ReadingForm | None = None
        self._form_reading_id: str | None = None
        self._saving = False
        self._draft_checked = False
        self._draft_text = ""  # the family's unfinished reading, read with the first load
        self.runner = for_store(store)

        layout = QVBoxLayout(self)
        heading_row = QHBoxLayout()
        self.episode_label = QLabel("Loading…")
        self.episode_label.setStyleSheet("font-weight: bold;")
        self.episode_label.setWordWrap(True)
        heading_row.addWidget(self.episode_label, 1)
        self.series_box = ChoiceBox()
        self.series_box.setAccessibleName("Showing")
        self.series_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.series_box.setMinimumContentsLength(24)
        self.series_box.currentIndexChanged.connect(self._show_series)
        self.new_tool_box = ChoiceBox()
        self.new_tool_box.setAccessibleName("New reading with")
        self.new_tool_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.new_tool_box.setMinimumContentsLength(18)
        for tool in registry.available().latest():
            self.new_tool_box.addItem(tool.title, tool.id)
        self.new_tool_box.setCurrentIndex(max(self.new_tool_box.findData(DEFAULT_TOOL), 0))
        self.take_button = QPushButton("Take a reading…")
        self.take_button.clicked.connect(self.start_reading)
        from ehdesk.ui.documents import DocumentActions

        self.document = DocumentActions(store, family_id, "progress", "progress charts", parent=self)
        heading_row.addWidget(self.document)
        layout.addLayout(heading_row)
        # The choices wrap on a narrow window rather than widening it.
        top = FlowLayout().add_widgets(
            _labelled("Showing", self.series_box),
            _labelled("New reading with", self.new_tool_box),
            self.take_button,
        )
        layout.addLayout(top)

        self.message = MessageLine()
        layout.addWidget(self.message)

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.overview = self._build_overview()
        self.stack.addWidget(self.overview)
        self.reload()
        refresh_on_changes(
            self,
            store,
            self.reload,
            family_id=family_id,
            kinds={"episode", "reading", "person"},
            ready=lambda: self.form is None,
        )

    # -- overview -----------------------------------------------------------------------
    def _build_overview(self) -> QWidget:
        page = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Date", "Occasion", "Who took part", "Score"])
        self.table.setAccessibleName("Readings")
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(lambda _: self.edit_selected())
        self.table.currentCellChanged.connect(lambda *_: self._chosen_changed())
        left_layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.edit_button = QPushButton("Correct…")
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        left_layout.addLayout(buttons)
        compare = QHBoxLayout()
        compare.addWidget(QLabel("Also show"))
        self.compare_box = ChoiceBox()
        self.compare_box.currentIndexChanged.connect(self._redraw)
        compare.addWidget(self.compare_box, 1)
        left_layout.addLayout(compare)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        left_layout.addWidget(self.summary)
        page.addWidget(left)

        self.charts = QTabWidget()
        self.radar_view = QChartView()
        self.radar_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = self.fontMetrics().height() * 16  # readable, yet fits a 1,280×720 window
        self.radar_view.setMinimumSize(side, side)
        self.radar_view.setAccessibleName("Spider chart")
        self.charts.addTab(self.radar_view, "Spider chart")
        over_time = QWidget()
        over_layout = QVBoxLayout(over_time)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Area"))
        self.area_box = ChoiceBox()
        self.area_box.currentIndexChanged.connect(self._redraw_timeline)
        pick.addWidget(self.area_box, 1)
        over_layout.addLayout(pick)
        self.timeline_view = QChartView()
        self.timeline_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.timeline_view.setAccessibleName("Area over time chart")
        over_layout.addWidget(self.timeline_view, 1)
        self.charts.addTab(over_time, "Over time")
        page.addWidget(self.charts)
        page.setStretchFactor(1, 2)
        page.setSizes([520, 680])
        return page

    def reload(self, place: dict | None = None) -> None:
        """Read the readings again; ``place`` (from ``place_detail``) chooses a series and reading."""
        family_id = self.family_id

        def load(session) -> tuple[FamilyProgress, str]:
            return readings.family_progress(session, family_id), read_draft(session, family_id)

        def loaded(result: tuple[FamilyProgress, str]) -> None:
            progress, self._draft_text = result
            self._loaded(progress, place)

        self.runner.query(load, loaded, owner=self, on_error=self._failed)

    # -- where the worker is, kept across a lock (the series' tool and person ids and the
    # reading's id, nothing the reading says) ------------------------------------------------

    def place_detail(self) -> dict | None:
        series = self.current_series()
        if series is None:
            return None
        chosen = self._selected_reading()
        return {"series": self._series_key(series), "reading_id": chosen.id if chosen else None}

    def restore_place(self, detail: dict) -> None:
        if detail.get("series"):
            self.reload(place=detail)

    def _failed(self, exc: BaseException) -> None:
        text = error_text(exc)
        self.message.say(text, error=True)
        self.failed.emit(text)

    def _loaded(self, progress: FamilyProgress, place: dict | None = None) -> None:
        self.progress = progress
        self.episode_label.setText(progress.episode_label)
        self.take_button.setEnabled(progress.episode_id is not None)
        current = self.series_box.currentData()
        self.series_box.blockSignals(True)
        self.series_box.clear()
        for found in progress.series:
            self.series_box.addItem(self._series_name(found), self._series_key(found))
        self.series_box.blockSignals(False)
        keys = [self._series_key(s) for s in progress.series]
        wanted = (place or {}).get("series")
        current = wanted if wanted in keys else current
        self.series_box.setCurrentIndex(keys.index(current) if current in keys else (0 if keys else -1))
        self._show_series()
        if place and self.series_box.currentData() == place.get("series"):
            EpisodeTab.choose_row(self.table, place.get("reading_id"))
        if not progress.series and progress.episode_id:
            self.message.say(
                "No readings yet. Take a baseline reading with the family before the first TAF meeting."
            )
        elif progress.episode_id is None:
            self.message.say("Readings are taken during a case; this family has none.")
        else:
            self.message.say("")
        problems = registry.available().errors
        if problems:
            # A damaged or tampered tool file is named, not hidden; the other tools still work.
            self.message.say(
                (self.message.text() + " " if self.message.text() else "")
                + " ".join(str(p) for p in problems),
                error=True,
            )
        if not self._draft_checked:
            self._draft_checked = True
            self._resume_draft()
        self.loaded.emit()

    @staticmethod
    def _series_name(series: Series) -> str:
        return series.tool.title + ("" if series.subject_person_id is None else f" — {series.subject_name}")

    @staticmethod
    def _series_key(series: Series) -> str:
        # A plain string survives the trip through Qt's item data unchanged (tuples do not).
        return f"{series.tool.id}|{series.subject_person_id or ''}"

    def current_series(self) -> Series | None:
        if not self.progress or self.series_box.currentIndex() < 0:
            return None
        return self.progress.series[self.series_box.currentIndex()]

    def _show_series(self) -> None:
        series = self.current_series()
        self.table.setRowCount(0)
        self.compare_box.blockSignals(True)
        self.compare_box.clear()
        self.compare_box.addItem("Baseline and latest only", None)
        self.area_box.blockSignals(True)
        self.area_box.clear()
        if series:
            total = next((s for s in series.tool.subscales if not s.on_chart), None)
            self.table.horizontalHeaderItem(3).setText(total.label if total else "")
            for row, view in enumerate(series.readings):
                self.table.insertRow(row)
                overall = view.scores.subscales.get(total.id) if total else None
                cells = [
                    show_date(view.taken_on),
                    readings.OCCASIONS.get(view.occasion, view.occasion),
                    ", ".join(view.participant_names),
                    "" if overall is None else f"{overall:g}",
                ]
                for column, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    item.setData(Qt.ItemDataRole.UserRole, view.id)
                    self.table.setItem(row, column, item)
            for view in series.readings[1:-1]:
                if view is not series.baseline:
                    self.compare_box.addItem(f"Also: {view.label}", view.id)
            self.area_box.addItem("All areas" if series.tool.chart == "items" else "All subscales", None)
            for key, label in series.axes:
                self.area_box.addItem(label, key)
            # One area at a time reads best on screen; "All" is there for an overview.
            self.area_box.setCurrentIndex(1 if series.axes else 0)
        self.compare_box.blockSignals(False)
        self.area_box.blockSignals(False)
        self._chosen_changed()
        self._redraw()

    def shown_readings(self) -> list[tuple[ReadingView, object]]:
        series = self.current_series()
        if not series or not series.readings:
            return []
        shown = [(series.baseline, BASELINE)]
        compared_id = self.compare_box.currentData()
        if compared_id:
            shown += [(r, COMPARED) for r in series.readings if r.id == compared_id]
        if series.latest is not series.baseline:
            shown.append((series.latest, LATEST))
        return shown

    def _redraw(self) -> None:
        series = self.current_series()
        if series is None:
            self.radar_view.setChart(_empty_chart())
            self.timeline_view.setChart(_empty_chart())
            self.summary.setText("")
            return
        self.radar_view.setChart(radar_chart(series, self.shown_readings()))
        # The chart's text alternative: the values it draws.
        self.radar_view.setAccessibleDescription(radar_text(series, self.shown_readings()))
        self._redraw_timeline()
        latest = series.latest
        lines = []
        for sub in series.tool.subscales:
            value = latest.scores.subscales.get(sub.id) if latest else None
            if value is None:
                continue
            band = latest.scores.bands.get(sub.id, "")
            lines.append(f"{sub.label}: {value:g}{' — ' + band if band else ''}")
        self.summary.setText(("Latest reading. " + "; ".join(lines)) if lines else "")

    def _redraw_timeline(self) -> None:
        series = self.current_series()
        if series is None:
            return
        key = self.area_box.currentData()
        keys = [key] if key else [k for k, _ in series.axes]
        self.timeline_view.setChart(timeline_chart(series, keys))
        self.timeline_view.setAccessibleDescription(timeline_text(series, keys))

    # -- taking and correcting readings -------------------------------------------------
    def _open_form(
        self, tool_id: str, existing: ReadingView | None = None, initial: dict | None = None
    ) -> None:
        if not self.progress or not self.progress.episode_id:
            return
        try:
            tool = registry.tool(tool_id, existing.tool_version if existing else None)
        except KeyError:
            self.message.say(
                "This laptop does not have that tool; update ehdesk or the council pack.", error=True
            )
            return
        self._close_form()
        self.form = ReadingForm(tool, self.progress.members, existing, initial)
        self._form_reading_id = existing.id if existing else None
        self.form.save_requested.connect(self._save)
        self.form.cancelled.connect(self.cancel_reading)
        self.stack.addWidget(self.form)
        self.stack.setCurrentWidget(self.form)
        self.take_button.setEnabled(False)

    def start_reading(self) -> None:
        tool_id = self.new_tool_box.currentData() or DEFAULT_TOOL
        taken = [s for s in (self.progress.series if self.progress else []) if s.tool.id == tool_id]
        has_baseline = any(r.occasion == "baseline" for s in taken for r in s.readings)
        closed = bool(self.progress and not self.progress.episode_open)
        occasion = "closure" if closed else ("review" if has_baseline else "baseline")
        self._open_form(tool_id, initial={"occasion": occasion})

    def _selected_reading(self) -> ReadingView | None:
        series = self.current_series()
        row = self.table.currentRow()
        if series is None or row < 0:
            return None
        reading_id = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        return next((r for r in series.readings if r.id == reading_id), None)

    def _chosen_changed(self) -> None:
        """Correct and Remove act on the reading chosen: off with none chosen."""
        chosen = self._selected_reading() is not None
        for b in (self.edit_button, self.remove_button):
            b.setEnabled(chosen)

    def edit_selected(self) -> None:
        view = self._selected_reading()
        if view is not None:
            self._open_form(view.tool_id, existing=view)

    def remove_selected(self, confirm: bool = True) -> None:
        view = self._selected_reading()
        if view is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self, "Remove reading", f"Remove the {view.tool_title} reading of {view.label}?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        reading_id = view.id
        self.runner.write(
            lambda s: readings.remove_reading(s, reading_id),
            lambda _: self.reload(),
            owner=self,
            on_error=self._failed,
        )

    def _close_form(self) -> None:
        if self.form is not None:
            self.stack.removeWidget(self.form)
            self.form.deleteLater()
            self.form = None
            self._form_reading_id = None
        self.stack.setCurrentWidget(self.overview)
        self.take_button.setEnabled(bool(self.progress and self.progress.episode_id))

    def cancel_reading(self) -> None:
        self._close_form()
        family_id = self.family_id
        self.runner.write(lambda s: write_draft(s, family_id, ""), owner=self, on_error=self._failed)

    def _save(self, data: dict) -> None:
        if self.form is None or self._saving:
            return
        self._saving = True
        tool_id, reading_id = self.form.tool.id, self._form_reading_id
        family_id, episode_id = self.family_id, self.progress.episode_id if self.progress else None
        self.form.save_button.setEnabled(False)

        def done(saved_id: str) -> None:
            self._saving = False
            self._close_form()
            self.reload()
            self.saved.emit(saved_id)

        def failed(exc: BaseException) -> None:
            self._saving = False
            if self.form is not None:
                self.form.save_button.setEnabled(True)
                self.form.dirty = True  # not saved: a lock keeps it as a draft
                if isinstance(exc, ValidationError):
                    self.form.show_errors(exc.fields)
                    return
            self._failed(exc)

        queued = self.runner.write(
            lambda s: _write_reading(s, family_id, episode_id, tool_id, reading_id, data),
            done,
            owner=self,
            on_error=failed,
        )
        if queued:
            self.form.dirty = False  # queued: a lock waits for it, so it is not typing at risk
        else:
            self._saving = False
            self.form.save_button.setEnabled(True)

    def flush_pending(self) -> None:
        """Before lock, switching family or closing: queue a complete reading to be saved, or keep
        an incomplete one as a draft inside the encrypted store, offered again when the tab next
        opens. A save already queued lands first (the queue is in order); the lock waits for both."""
        if self.form is None or not self.form.dirty:
            return
        data = self.form.data()
        tool_id, reading_id = self.form.tool.id, self._form_reading_id
        family_id, episode_id = self.family_id, self.progress.episode_id if self.progress else None

        def save_or_draft(s) -> None:
            try:
                with s.begin_nested():
                    _write_reading(s, family_id, episode_id, tool_id, reading_id, data)
            except ValidationError:
                write_draft(s, family_id, encode_draft(tool_id, reading_id, data))

        if self.runner.write(save_or_draft, owner=self, on_error=self._failed):
            self.form.dirty = False

    def _resume_draft(self) -> None:
        draft = decode_draft(self._draft_text)
        if draft is None or not self.progress or not self.progress.episode_id:
            return
        tool_id, reading_id, data = draft
        existing = None
        if reading_id:
            existing = next((r for s in self.progress.series for r in s.readings if r.id == reading_id), None)
        self._open_form(tool_id, existing=existing, initial=data)
        if self.form is not None:
            if existing is not None:
                self.form.load(data)
            self.form.dirty = True
            self.message.say("An unfinished reading was kept when ehdesk last locked or closed; here it is.")


def _write_reading(
    s, family_id: str, episode_id: str | None, tool_id: str, reading_id: str | None, data: dict
) -> str:
    """Take or correct a reading and forget the family's draft, in one transaction."""
    if reading_id:
        readings.edit_reading(s, reading_id, data)
        saved_id = reading_id
    else:
        saved_id = readings.take_reading(
            s, episode_id, tool_id, data, taken_by_name=s.info.get("worker_name", "")
        )
    write_draft(s, family_id, "")
    return saved_id


def _empty_chart() -> QChart:
    chart = QChart()
    chart.setTitle("No readings to chart yet")
    chart.legend().hide()
    return chart
