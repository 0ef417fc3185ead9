"""The family record's "Assessments" tab: the forms filled in for the family's current (or last)
episode, starting a new one, and opening one to fill in or read."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework import assessments as ops
from ehdesk.config.dates import show_date
from ehdesk.forms.loader import default_library
from ehdesk.store import Store
from ehdesk.ui.assessment.editor import AssessmentEditor
from ehdesk.ui.inputs import ChoiceBox
from ehdesk.ui.ops import error_text, for_store, refresh_on_changes
from ehdesk.ui.style import set_sheet

LIST_STYLE = """
QLabel[role="pageTitle"] { font-size: 15pt; font-weight: 600; color: @heading; }
QLabel[role="muted"] { color: @muted; }
QLabel[role="warning"] { background: @caution_bg; color: @caution_fg; padding: 6px 10px; border-radius: 4px; }
QTableWidget { border: 1px solid @border; gridline-color: @alt_base; font-size: 10.5pt; }
QHeaderView::section { background: @alt_base; border: none; padding: 6px; font-weight: 600; color: @text; }
"""


def _date(value) -> str:
    return f"{show_date(value)}" if value else ""


class AssessmentTab(QWidget):
    loaded = Signal()  # the list is on screen
    opened = Signal(object)  # an AssessmentEditor is on screen

    def __init__(self, store: Store, family_id: str, parent=None):
        super().__init__(parent)
        self.store = store
        self.family_id = family_id
        self.editor: AssessmentEditor | None = None
        self._editor_page: QScrollArea | None = None  # the editor, in a page that scrolls down
        self.episode_id: str | None = None
        self.summaries: list[ops.AssessmentSummary] = []
        set_sheet(self, LIST_STYLE)

        title = QLabel("Assessments and forms")
        title.setProperty("role", "pageTitle")
        self.episode_label = QLabel("")
        self.episode_label.setProperty("role", "muted")
        self.problems = QLabel("")
        self.problems.setProperty("role", "warning")
        self.problems.setWordWrap(True)
        self.problems.hide()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Form", "Status", "Started", "Filled in by"])
        self.table.setAccessibleName("Assessments")
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableWidget.SelectRows)
        self.table.setSelectionMode(QTableWidget.SingleSelection)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.cellDoubleClicked.connect(lambda row, _c: self.open_assessment(self.summaries[row].id))
        self.empty = QLabel("No forms yet for this case. Start one below.")
        self.empty.setProperty("role", "muted")
        self.open_button = QPushButton("Open")
        self.open_button.clicked.connect(self._open_selected)
        self.form_choice = ChoiceBox()
        self.form_choice.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.form_choice.setMinimumWidth(220)
        self.start_button = QPushButton("Start")
        self.start_button.clicked.connect(self._start_chosen)
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addStretch(1)
        actions.addWidget(QLabel("New:"))
        actions.addWidget(self.form_choice)
        actions.addWidget(self.start_button)
        self.error = QLabel("")
        self.error.setProperty("role", "warning")
        self.error.hide()

        list_page = QWidget()
        column = QVBoxLayout(list_page)
        column.setContentsMargins(24, 20, 24, 20)
        column.setSpacing(10)
        column.addWidget(title)
        column.addWidget(self.episode_label)
        column.addWidget(self.problems)
        column.addWidget(self.error)
        column.addWidget(self.table, 1)
        column.addWidget(self.empty)
        column.addLayout(actions)

        self.stack = QStackedWidget()
        self.stack.addWidget(list_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.refresh()
        refresh_on_changes(
            self,
            store,
            self.refresh,
            family_id=family_id,
            kinds={"episode", "assessment"},
            ready=lambda: self.editor is None,
        )

    # --- list ----------------------------------------------------------------------------
    def refresh(self) -> None:
        family_id = self.family_id

        def load(s):
            library = default_library()
            episode = ops.current_episode(s, family_id)
            episode_id = episode.id if episode else None
            described = (
                f"Case opened {_date(episode.opened_on)}"
                + (f", closed {_date(episode.closed_on)}" if episode.status == "closed" else "")
                if episode
                else "No case is open for this family."
            )
            summaries = ops.list_assessments(s, family_id, episode_id, library)
            forms = [(d.id, d.title) for d in library.current_forms()]
            return episode_id, described, summaries, forms, list(library.errors)

        for_store(self.store).query(load, self._show_list, owner=self, on_error=self._show_error)

    def _show_list(self, result) -> None:
        self.episode_id, described, self.summaries, forms, problems = result
        self.episode_label.setText(described)
        if problems:
            self.problems.setText(
                "Some council forms could not be loaded and are not offered:\n" + "\n".join(problems)
            )
        self.problems.setVisible(bool(problems))
        self.table.setRowCount(len(self.summaries))
        for row, a in enumerate(self.summaries):
            for col, text in enumerate((a.title, a.status_label, _date(a.started_on), a.assessor_name)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemIsEditable)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.empty.setVisible(not self.summaries)
        # Open acts on the form chosen in the list: the newest is chosen until the worker picks
        # another (with none chosen, Open had nothing to open, yet was on).
        if self.summaries and not 0 <= self.table.currentRow() < len(self.summaries):
            self.table.selectRow(0)
        self.open_button.setEnabled(bool(self.summaries))
        self.form_choice.clear()
        for form_id, title in forms:
            self.form_choice.addItem(title, form_id)
        index = self.form_choice.findData(ops.EHA_FORM)
        self.form_choice.setCurrentIndex(max(index, 0))
        self.loaded.emit()

    def _show_error(self, exc: BaseException) -> None:
        self.error.setText(error_text(exc))
        self.error.show()

    def _open_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.summaries):
            self.open_assessment(self.summaries[row].id)

    def _start_chosen(self) -> None:
        form_id = self.form_choice.currentData()
        if form_id:
            self.start(form_id)

    # --- opening -------------------------------------------------------------------------
    def start(self, form_id: str = ops.EHA_FORM) -> None:
        family_id = self.family_id
        for_store(self.store).write(
            lambda s: ops.start_assessment(s, family_id, form_id),
            self.open_assessment,
            owner=self,
            on_error=self._show_error,
        )

    def open_assessment(self, assessment_id: str) -> None:
        def load(s):
            view = ops.get_assessment(s, assessment_id)
            return view, ops.engine_for(view)

        for_store(self.store).query(load, self._show_editor, owner=self, on_error=self._show_error)

    def _show_editor(self, loaded) -> None:
        view, engine = loaded
        self._drop_editor()
        self.error.hide()
        self.editor = AssessmentEditor(self.store, view, engine)
        self.editor.closed.connect(self._back_to_list)
        self.editor.status_changed.connect(lambda _s: self.refresh())
        # On a short window (837x432 at 150%) the form's heading, its buttons and its notes left
        # the questions 120 px: the editor keeps room for them and the page scrolls down instead.
        self._editor_page = QScrollArea()
        self._editor_page.setWidgetResizable(True)
        self._editor_page.setFrameShape(QFrame.Shape.NoFrame)
        self._editor_page.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._editor_page.setAccessibleName(f"{engine.definition.title}: the form")
        self._editor_page.setWidget(self.editor)
        self.stack.addWidget(self._editor_page)
        self.stack.setCurrentWidget(self._editor_page)
        self.opened.emit(self.editor)

    def _drop_editor(self) -> None:
        if self.editor is not None:
            self.editor.flush_pending()
            self.stack.removeWidget(self._editor_page)
            self._editor_page.deleteLater()  # and the editor inside it
            self.editor = None

    def _back_to_list(self) -> None:
        self._drop_editor()
        self.stack.setCurrentIndex(0)
        self.refresh()

    def place_detail(self) -> dict | None:
        if self.editor is None:
            return None
        form = self.editor.form
        row = form.nav.currentRow()
        section = form.sections[row].id if 0 <= row < len(form.sections) else None
        return {"assessment_id": self.editor.view.id, "section": section}

    def restore_place(self, detail: dict) -> None:
        """Reopen the assessment the worker had open, at the section they were in."""
        section = detail.get("section")

        def to_section(editor) -> None:
            if section:
                editor.form.go_to_section(section)

        self.opened.connect(to_section, Qt.ConnectionType.SingleShotConnection)
        self.open_assessment(detail["assessment_id"])

    def flush_pending(self) -> None:
        """Called before lock, switching family and closing: nothing typed may be lost."""
        if self.editor is not None:
            self.editor.flush_pending()
