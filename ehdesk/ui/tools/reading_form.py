"""The form for taking (or correcting) a reading: occasion, date, who it is about and who took part,
then each item as a row of score buttons with a box for the family's own words."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework.readings import OCCASIONS, MemberChoice, ReadingView
from ehdesk.config.dates import qt_date_format
from ehdesk.forms.tools.schema import ToolDef
from ehdesk.ui.flow import FlowLayout
from ehdesk.ui.inputs import ChoiceBox, DateBox
from ehdesk.ui.style import set_sheet
from ehdesk.ui.tools.score_buttons import ScoreButtons

ERROR_STYLE = "color: @warn; font-weight: bold;"


class ReadingForm(QWidget):
    save_requested = Signal(dict)
    cancelled = Signal()

    def __init__(
        self,
        tool: ToolDef,
        members: list[MemberChoice],
        existing: ReadingView | None = None,
        initial: dict | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tool = tool
        self.existing = existing
        self.dirty = False
        self.scores: dict[str, ScoreButtons] = {}
        self.comment_boxes: dict[str, QLineEdit] = {}
        self.item_errors: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)

        heading = QLabel(f"{'Correct a' if existing else 'New'} reading: {tool.title}")
        set_sheet(heading, "font-size: 14pt; font-weight: bold; color: @heading;")
        layout.addWidget(heading)
        if tool.purpose:
            purpose = QLabel(tool.purpose)
            purpose.setWordWrap(True)
            layout.addWidget(purpose)
        if tool.wording == "not_included":
            notice = QLabel(
                f"The wording of {tool.title} is licensed and not included: items show as “Item n”. "
                "Read each item from your licensed copy."
            )
            notice.setWordWrap(True)
            set_sheet(notice, "background: @caution_bg; color: @caution_fg; padding: 6px;")
            layout.addWidget(notice)
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        set_sheet(self.error_label, ERROR_STYLE)
        self.error_label.hide()
        layout.addWidget(self.error_label)

        details = QFormLayout()
        self.occasion = ChoiceBox()
        for code, label in OCCASIONS.items():
            self.occasion.addItem(label, code)
        details.addRow("When in the case", self.occasion)
        self.taken_on = DateBox()
        self.taken_on.setAccessibleName("Taken on")
        self.taken_on.setCalendarPopup(True)
        self.taken_on.setDisplayFormat(qt_date_format())
        self.taken_on.setDate(QDate.currentDate())
        self.taken_on.setMaximumDate(QDate.currentDate())
        details.addRow("Date taken", self.taken_on)
        self.subject = ChoiceBox()
        if tool.about != "family":
            wanted = "child" if tool.about == "child" else "adult"
            self.subject.addItem("Choose…", None)
            for member in members:
                if member.role == wanted:
                    self.subject.addItem(member.name, member.id)
            details.addRow("About" if tool.about == "child" else "About (parent or carer)", self.subject)
            if self.subject.count() == 2:  # only one child (or parent) to choose: choose them
                self.subject.setCurrentIndex(1)
        self.participants: dict[str, QCheckBox] = {}
        # One line a household where it fits, wrapping where it does not (a large family at 150%
        # made the form scroll sideways, the last names out of sight).
        who = FlowLayout()
        for member in members:
            box = QCheckBox(member.name)
            self.participants[member.id] = box
            who.addWidget(box)
        details.addRow("Who took part", who)
        self.others = QLineEdit()
        self.others.setPlaceholderText("Anyone else, e.g. grandparent, school nurse")
        details.addRow("Others", self.others)
        self.field_errors: dict[str, QLabel] = {}
        for name in ("occasion", "taken_on", "subject_person_id", "participant_ids"):
            label = QLabel("")
            set_sheet(label, ERROR_STYLE)
            label.hide()
            self.field_errors[name] = label
            details.addRow("", label)
        layout.addLayout(details)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName("Questions")
        body = QWidget()
        items_layout = QVBoxLayout(body)
        for item in sorted(tool.items, key=lambda i: i.number):
            frame = QFrame()
            frame.setFrameShape(QFrame.Shape.StyledPanel)
            box = QVBoxLayout(frame)
            title = QLabel(f"{item.number}. {item.display()}" if item.text else item.display())
            set_sheet(title, "font-weight: bold; font-size: 11pt;")
            title.setWordWrap(True)
            box.addWidget(title)
            if item.help:
                hint = QLabel(item.help)
                hint.setWordWrap(True)
                set_sheet(hint, "color: @muted;")
                box.addWidget(hint)
            buttons = ScoreButtons(tool.scale_of(item), item.display())
            buttons.changed.connect(self._touched)
            self.scores[item.id] = buttons
            box.addWidget(buttons)
            if tool.chart == "items":
                comment = QLineEdit()
                comment.setPlaceholderText("What the family said about this (optional)")
                comment.setAccessibleName(f"What the family said about {item.display()}")
                comment.textEdited.connect(self._touched)
                self.comment_boxes[item.id] = comment
                box.addWidget(comment)
            error = QLabel("")
            set_sheet(error, ERROR_STYLE)
            error.hide()
            self.item_errors[item.id] = error
            box.addWidget(error)
            items_layout.addWidget(frame)
        self.note = QLineEdit()
        self.note.setPlaceholderText("A note on this reading (optional)")
        self.note.setAccessibleName("A note on this reading")
        items_layout.addWidget(self.note)
        items_layout.addStretch(1)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)

        actions = QHBoxLayout()
        actions.addStretch(1)
        self.cancel_button = QPushButton("Cancel")
        self.save_button = QPushButton("Save reading")
        self.save_button.setDefault(True)
        self.cancel_button.clicked.connect(self.cancelled.emit)
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.data()))
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.save_button)
        layout.addLayout(actions)

        for widget in (self.occasion, self.subject):
            widget.currentIndexChanged.connect(self._touched)
        self.taken_on.dateChanged.connect(self._touched)
        self.others.textEdited.connect(self._touched)
        self.note.textEdited.connect(self._touched)
        for box in self.participants.values():
            box.toggled.connect(self._touched)
        if existing is not None:
            self.load(self._from_view(existing))
        elif initial:
            self.load(initial)
        self.dirty = bool(initial) and existing is None and bool(initial.get("answers"))

    def _touched(self, *_args) -> None:
        self.dirty = True

    @staticmethod
    def _from_view(view: ReadingView) -> dict:
        return {
            "occasion": view.occasion,
            "taken_on": view.taken_on,
            "subject_person_id": view.subject_person_id,
            "participant_ids": view.participant_ids,
            "participants_other": view.participants_other,
            "answers": view.item_scores,
            "comments": view.comments,
            "note": view.note,
        }

    def load(self, data: dict) -> None:
        index = self.occasion.findData(data.get("occasion"))
        if index >= 0:
            self.occasion.setCurrentIndex(index)
        taken = data.get("taken_on")
        if isinstance(taken, date):
            self.taken_on.setDate(QDate(taken.year, taken.month, taken.day))
        index = self.subject.findData(data.get("subject_person_id"))
        if index >= 0 and data.get("subject_person_id"):
            self.subject.setCurrentIndex(index)
        chosen = set(data.get("participant_ids") or [])
        for member_id, box in self.participants.items():
            box.setChecked(member_id in chosen)
        self.others.setText(data.get("participants_other", ""))
        for item_id, buttons in self.scores.items():
            buttons.setValue((data.get("answers") or {}).get(item_id))
        for item_id, box in self.comment_boxes.items():
            box.setText((data.get("comments") or {}).get(item_id, ""))
        self.note.setText(data.get("note", ""))

    def data(self) -> dict:
        return {
            "occasion": self.occasion.currentData(),
            "taken_on": self.taken_on.date().toPython(),
            "subject_person_id": self.subject.currentData() if self.tool.about != "family" else None,
            "participant_ids": [m for m, box in self.participants.items() if box.isChecked()],
            "participants_other": self.others.text().strip(),
            "answers": {k: b.value() for k, b in self.scores.items() if b.value() is not None},
            "comments": {
                k: box.text().strip() for k, box in self.comment_boxes.items() if box.text().strip()
            },
            "note": self.note.text().strip(),
        }

    def show_errors(self, fields: dict[str, str]) -> None:
        for label in (*self.field_errors.values(), *self.item_errors.values()):
            label.hide()
        unplaced: list[str] = []
        for key, message in fields.items():
            target = self.field_errors.get(key)
            if key.startswith("item:"):
                target = self.item_errors.get(key.removeprefix("item:"))
            if target is None:
                unplaced.append(message)
                continue
            target.setText(message)
            target.show()
        count = len(fields)
        summary = f"This reading cannot be saved yet: {count} thing{'s' if count != 1 else ''} to put right."
        self.error_label.setText(" ".join([summary, *unplaced]))
        self.error_label.show()
