"""A form rendered from its definition: one section per page, a list of sections to move
between, a progress bar, and messages beside the fields that need attention.

The view holds the answers dict; it knows nothing about the store (the editor saves)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ehdesk.forms.engine import FormEngine, Item
from ehdesk.ui import style
from ehdesk.ui.assessment.fields import Field, make_field
from ehdesk.ui.style import set_sheet
from ehdesk.ui.widgets import Columns, button_row, spaced_row

STYLE = """
QWidget#formPage { background: @base; }
QLabel[role="sectionTitle"] { font-size: 17pt; font-weight: 600; color: @heading; }
QLabel[role="intro"] { color: @muted; font-size: 10.5pt; }
QLabel[role="member"] { font-size: 12.5pt; font-weight: 600; color: @heading; padding-top: 10px; }
QLabel[role="question"] { font-size: 10.5pt; font-weight: 600; color: @text; }
QLabel[role="help"], QLabel[role="muted"] { color: @muted; font-size: 9.5pt; }
QLabel[role="error"] { color: @warn; font-size: 9.5pt; font-weight: 600; }
QLabel[role="required"] { color: @muted; font-size: 9pt; }
QFrame#guidance { background: @caution_bg; border: 1px solid @caution_border; }
QFrame#guidance QLabel { color: @caution_fg; border-radius: 6px; }
QFrame#questionBlock { border: none; border-left: 3px solid @base; }
QFrame#questionBlock[invalid="true"] { border-left: 3px solid @warn; }
QListWidget#sections { background: @alt_base; color: @text; border: none; font-size: 10.5pt; padding: 6px; }
QListWidget#sections::item { padding: 7px 8px; border-radius: 4px; }
QListWidget#sections::item:selected { background: @selected_bg; color: @text; }
QPushButton[role="scale"] { padding: 0; font-weight: 600; }
QPushButton[role="scale"]:checked { background: @accent; color: @on_accent; border-radius: 4px; }
QProgressBar { max-height: 8px; border: none; background: @draft_bg; border-radius: 4px; }
QProgressBar::chunk { background: @ok; border-radius: 4px; }
"""


# Logical pixels: the questions' least height, about seven lines of text beside their headings.
QUESTIONS_AT_LEAST = 160

# The list of sections: 240 px wide, or 200 in a form narrower than 1,000 px (819 px at 150% on
# a 1,280x720 screen).
NAV_WIDE, NAV_NARROW, NAV_WIDE_FROM = 240, 200, 1000


def _label(text: str, role: str, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.PlainText)
    return label


class QuestionBlock(QFrame):
    """A question's label, help, input and the message shown when it needs attention."""

    def __init__(self, item: Item, field: Field | None, parent=None):
        super().__init__(parent)
        self.item = item
        self.field = field
        question = item.question
        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        if field is None:  # guidance: text to act on, no answer
            self.setObjectName("guidance")
            layout.setContentsMargins(14, 12, 14, 12)
            layout.addWidget(_label(question.label, "question"))
            if question.help:
                layout.addWidget(_label(question.help, "help"))
            self.error = _label("", "error")
            self.error.hide()
            layout.addWidget(self.error)
            return
        self.setObjectName("questionBlock")
        layout.setContentsMargins(10, 6, 0, 10)
        top = QHBoxLayout()
        title = _label(question.label, "question")
        title.setBuddy(field.focus_widget())
        top.addWidget(title, 1)
        if question.required:
            top.addWidget(_label("Required", "required", wrap=False), 0, Qt.AlignTop)
        layout.addLayout(top)
        if question.help:
            layout.addWidget(_label(question.help, "help"))
        layout.addWidget(field)
        self.error = _label("", "error")
        self.error.hide()
        layout.addWidget(self.error)

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.setProperty("invalid", "true" if message else "false")
        self.style().unpolish(self)
        self.style().polish(self)


class FormView(QWidget):
    answers_changed = Signal()

    def __init__(self, engine: FormEngine, answers: dict, read_only: bool = False, parent=None):
        super().__init__(parent)
        self.engine = engine
        self._answers: dict[str, Any] = dict(answers)
        self._read_only = read_only
        self.blocks: dict[str, QuestionBlock] = {}
        self._member_headings: list[tuple[QLabel, list[str]]] = []
        self._empty_notes: dict[str, QLabel] = {}
        self.sections = list(engine.definition.sections)
        set_sheet(self, STYLE)

        self.nav = QListWidget()
        self.nav.setObjectName("sections")
        # 240 px where there is room; narrower (the titles wrap) on a small screen at 150%, where
        # the 40 px let the progress and Back/Next share one line (see resizeEvent).
        self.nav.setMinimumWidth(200)
        self.nav.setMaximumWidth(NAV_WIDE)
        self.nav.setAccessibleName("Sections")
        self.nav.setWordWrap(True)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.pages = QStackedWidget()
        # The questions always get room to read and answer (the editor's page scrolls down).
        self.pages.setMinimumHeight(max(QUESTIONS_AT_LEAST, 9 * self.fontMetrics().lineSpacing()))
        for section in self.sections:
            self.nav.addItem(QListWidgetItem(section.title))
            self.pages.addWidget(self._build_page(section))
        self.nav.currentRowChanged.connect(self._go)

        self.page_label = _label("", "muted", wrap=False)
        self.progress_label = _label("", "muted", wrap=False)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setRange(0, 100)
        # 200 px where there is room; shorter, not on a line of its own, where there is not.
        self.progress.setMinimumWidth(32)
        self.progress.setMaximumWidth(200)
        self.back = QPushButton("Back")
        self.next = QPushButton("Next section")
        self.back.clicked.connect(lambda: self._step(-1))
        self.next.clicked.connect(lambda: self._step(1))
        # The bar grows to its 200 px first, then the row's end (a stretch of 0).
        where = spaced_row(self.page_label, 12, (self.progress, 1), 8, self.progress_label, end_stretch=0)
        steps = button_row(self.back, self.next)
        # Back and Next go below the progress where both do not fit (853 px at 150% on 1,280x720).
        bottom = QHBoxLayout()
        bottom.setContentsMargins(16, 8, 16, 8)
        bottom.addWidget(Columns((where, 1), (steps, 0)))

        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(self.pages, 1)
        line = QFrame()
        line.setFrameShape(QFrame.HLine)
        set_sheet(line, "color: @border;")
        right.addWidget(line)
        right.addLayout(bottom)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addLayout(right, 1)

        for block in self.blocks.values():
            if block.field is not None:
                block.field.set_value(self._answers.get(block.item.key))
                block.field.set_read_only(read_only)
                block.field.changed.connect(lambda b=block: self._field_changed(b))
        self._refresh()
        self.nav.setCurrentRow(0)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.nav.setMaximumWidth(NAV_WIDE if event.size().width() >= NAV_WIDE_FROM else NAV_NARROW)
        super().resizeEvent(event)

    # --- building ------------------------------------------------------------------------
    def _build_page(self, section) -> QScrollArea:
        page = QWidget()
        page.setObjectName("formPage")
        outer = QHBoxLayout(page)
        outer.setContentsMargins(32, 24, 32, 24)
        column_widget = QWidget()
        column_widget.setMaximumWidth(780)
        column = QVBoxLayout(column_widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        column.addWidget(_label(section.title, "sectionTitle"))
        if section.intro:
            column.addWidget(_label(section.intro, "intro"))
        column.addSpacing(6)
        members = self.engine.instances(section)
        if not members:
            kind = {"per_child": "children", "per_adult": "adults"}.get(section.repeat, "family members")
            note = _label(f"No {kind} are recorded for this family, so this section is not needed.", "muted")
            column.addWidget(note)
        for member in members:
            keys = []
            if member is not None:
                heading = _label(member.name, "member")
                column.addWidget(heading)
            for question in section.questions:
                item = Item(
                    section, question, member, question.id if member is None else f"{question.id}@{member.id}"
                )
                block = QuestionBlock(item, make_field(question, self.engine.options(question)))
                self.blocks[item.key] = block
                keys.append(item.key)
                column.addWidget(block)
            if member is not None:
                self._member_headings.append((heading, keys))
        column.addStretch(1)
        outer.addWidget(column_widget, 1)
        outer.addStretch(0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setWidget(page)
        scroll.setAccessibleName("Form page")
        return scroll

    # --- state ---------------------------------------------------------------------------
    def answers(self) -> dict:
        return dict(self._answers)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for block in self.blocks.values():
            if block.field is not None:
                block.field.set_read_only(read_only)

    def set_answer(self, key: str, value: Any) -> None:
        """Set an answer as if typed (used by tests and by prefill)."""
        block = self.blocks[key]
        block.field.set_value(value)
        self._field_changed(block)

    def _field_changed(self, block: QuestionBlock) -> None:
        if self._read_only:
            return
        value = block.field.value()
        if value is None or value == "" or value == []:
            self._answers.pop(block.item.key, None)
        else:
            self._answers[block.item.key] = value
        block.set_error(None)
        self._refresh()
        self.answers_changed.emit()

    def _refresh(self) -> None:
        shown, _ = self.engine.walk(self._answers)
        keys = {i.key for i in shown}
        for key, block in self.blocks.items():
            block.setVisible(key in keys)
        for heading, member_keys in self._member_headings:
            heading.setVisible(any(k in keys for k in member_keys))
        shown_sections = {i.section.id for i in shown}
        for row, section in enumerate(self.sections):
            item = self.nav.item(row)
            enabled = section.id in shown_sections
            flags = item.flags()
            item.setFlags(flags | Qt.ItemIsEnabled if enabled else flags & ~Qt.ItemIsEnabled)
        self._shown_keys = keys
        self._label_sections()
        progress = self.engine.progress(self._answers)
        self.progress.setValue(progress.percent)
        self.progress_label.setText(
            f"{progress.answered_required} of {progress.required} required answers ({progress.percent}%)"
        )
        self._update_buttons()

    def _label_sections(self) -> None:
        """Each section's name says where it stands: needs attention, done, or still to do."""
        keys = getattr(self, "_shown_keys", set())
        for row, section in enumerate(self.sections):
            blocks = [
                b for b in self.blocks.values() if b.item.section.id == section.id and b.item.key in keys
            ]
            flagged = any(not b.error.isHidden() for b in blocks)
            required = [b for b in blocks if b.item.question.required]
            # Done: every required answer given (and, with none required, at least one answer).
            answered = [b for b in blocks if b.item.key in self._answers]
            done = all(b.item.key in self._answers for b in required) and bool(required or answered)
            item = self.nav.item(row)
            if flagged:
                item.setText("⚠  " + section.title)
                item.setForeground(QColor(style.current().warn))
            else:
                item.setText(("✓  " if done else "     ") + section.title)
                item.setForeground(QColor(style.current().text))

    def _enabled_rows(self) -> list[int]:
        return [r for r in range(self.nav.count()) if self.nav.item(r).flags() & Qt.ItemIsEnabled]

    def _update_buttons(self) -> None:
        rows = self._enabled_rows()
        current = self.nav.currentRow()
        self.back.setEnabled(any(r < current for r in rows))
        self.next.setEnabled(any(r > current for r in rows))
        position = rows.index(current) + 1 if current in rows else current + 1
        self.page_label.setText(f"Section {position} of {len(rows)}")

    def _go(self, row: int) -> None:
        if row >= 0:
            self.pages.setCurrentIndex(row)
            self._update_buttons()

    def _step(self, direction: int) -> None:
        rows = self._enabled_rows()
        current = self.nav.currentRow()
        candidates = [r for r in rows if (r - current) * direction > 0]
        if candidates:
            self.nav.setCurrentRow(min(candidates) if direction > 0 else max(candidates))

    def go_to_section(self, section_id: str) -> None:
        for row, section in enumerate(self.sections):
            if section.id == section_id:
                self.nav.setCurrentRow(row)

    # --- messages ------------------------------------------------------------------------
    def show_errors(self, problems: dict[str, str]) -> None:
        """Put each message beside its field, mark the sections, and go to the first one."""
        first = None
        for key, block in self.blocks.items():
            message = problems.get(key)
            block.set_error(message)
            if message:
                first = first or block
        self._label_sections()
        if first is not None:
            self.go_to_section(first.item.section.id)
            scroll = self.pages.currentWidget()
            scroll.ensureWidgetVisible(first, 0, 60)
            if first.field is not None:
                first.field.focus_widget().setFocus()
