"""The Meetings tab: initial TAF, reviews, family group conferences and the closure meeting.
During a review the plan's actions are updated in place; completing the record freezes the plan
into its next version (the story on the Plan tab)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework import meetings, plan_who, plans
from ehdesk.casework.meetings import CONFIDENTIALITY_STATEMENT, KIND_LABELS
from ehdesk.casework.plans import REVIEW_OUTCOME_LABELS, STATUS_LABELS, rag_words
from ehdesk.config.dates import qt_date_format, show_date
from ehdesk.ui.dates import show_no_date
from ehdesk.ui.flow import FlowLayout
from ehdesk.ui.inputs import ChoiceBox, DateBox
from ehdesk.ui.ops import refresh_on_changes
from ehdesk.ui.plan.base import EpisodeTab, bind, episode_of, from_qdate, lay_out_list_and_editor, to_qdate
from ehdesk.ui.plan.dialogs import ActionDialog
from ehdesk.ui.team.involved import InvolvedPicker
from ehdesk.ui.widgets import share_width


@dataclass(frozen=True)
class MeetingsScreen:
    episode_id: str | None
    read_only: bool
    meetings: list
    plan: plans.PlanView | None
    # The plan's "who" offers these when an action is agreed at the meeting.
    who_choices: tuple = ()


def load_meetings_screen(s, family_id: str) -> MeetingsScreen:
    episode_id, read_only = episode_of(s, family_id)
    if episode_id is None:
        return MeetingsScreen(None, True, [], None)
    return MeetingsScreen(
        episode_id,
        read_only,
        meetings.list_meetings(s, episode_id),
        plans.get_plan(s, episode_id),
        () if read_only else tuple(plan_who.who_choices(s, family_id)),
    )


def _table(headers: list[str], stretch: int = -1) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setWordWrap(True)
    table.setMinimumHeight(110)
    # Names, roles and agencies are shown whole where there is room, and the last column (what was
    # said) takes the rest. In a narrow pane (853 px at 150% on a 1,280x720 screen) they wrap onto
    # more lines, down to their headings' width, rather than make the editor scroll sideways.
    stretch %= len(headers)
    table.widths = share_width(table, stretch=stretch, shrink=tuple(range(len(headers))))
    return table


def _wrapping(text: str) -> QLabel:
    """A heading in the editor that wraps in a narrow pane rather than set its width."""
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _text(table: QTableWidget, row: int, col: int) -> str:
    item = table.item(row, col)
    return item.text().strip() if item else ""


def _combo(items, current="") -> QComboBox:
    combo = ChoiceBox()
    for code, label in items:
        combo.addItem(label, code)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    return combo


class MeetingsTab(EpisodeTab):
    def __init__(self, store, family_id: str, parent: QWidget | None = None) -> None:
        super().__init__(store, family_id, parent)
        self.screen: MeetingsScreen | None = None
        self.current: meetings.MeetingView | None = None
        self.dirty = False
        self.dialog = None

        self.list = QListWidget()
        self.list.setAccessibleName("Meetings")
        self.list.setWordWrap(True)  # "TAF review meeting — 27 Sep 2026 (complete)" in full
        self.list.currentItemChanged.connect(self._select)
        self.new_kind = _combo(list(KIND_LABELS.items()))
        self.new_button = QPushButton("New meeting")
        self.new_button.clicked.connect(self.new_meeting)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Meetings</b>"))
        left_layout.addWidget(self.list, 1)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it wraps
        # The kind and its button wrap onto two lines in a narrow list (853 px at 150%), so the
        # list leaves the editor its room.
        left_layout.addLayout(FlowLayout().add_widgets(self.new_kind, self.new_button))

        self.title = QLabel("Choose a meeting, or start a new one.")
        # A meeting a manager completed although it broke a rule: which rule, who and why.
        self.override_note = _wrapping("")
        self.override_note.setObjectName("override_note")
        self.override_note.setTextFormat(Qt.TextFormat.PlainText)
        self.override_note.setVisible(False)
        self.held_on = DateBox()
        self.held_on.setAccessibleName("Meeting date")
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat(qt_date_format())
        show_no_date(self.held_on)  # until a meeting is chosen
        self.place = QLineEdit()
        # "Written update" only: "(if apologies)" after it made the table 100 px wider than the
        # editor on 853 px (150% on a 1,280x720 screen); the heading's tip says when it is used.
        self.attendees = _table(["Name", "Role", "Agency", "Attended?", "Written update"])
        self.attendees.horizontalHeaderItem(4).setToolTip("What they sent in writing, if they sent apologies")
        self.add_attendee = QPushButton("Add person")
        self.add_attendee.clicked.connect(lambda: self._add_attendee({}))
        self.involved = InvolvedPicker(  # the team around the family (issue 16)
            store, family_id, lambda: self.values()["attendees"], self._add_attendee,
            lambda: from_qdate(self.held_on.date()),
        )  # fmt: skip
        self.confidentiality = QCheckBox("The confidentiality statement was read out")
        statement = QLabel(f"<i>{CONFIDENTIALITY_STATEMENT}</i>")
        statement.setWordWrap(True)
        self.family_updates = _table(["Name", "Child?", "What they said"])
        self.add_family_update = QPushButton("Add family member's update")
        self.add_family_update.clicked.connect(lambda: self._add_family_update({}))
        self.practitioner_updates = _table(["Name", "Agency", "Update"])
        self.add_practitioner_update = QPushButton("Add practitioner's update")
        self.add_practitioner_update.clicked.connect(lambda: self._add_practitioner_update({}))
        self.actions = _table(["Action", "Who", "Status", "RAG"], stretch=0)
        self.actions.setObjectName("actions")
        self.attendees.setAccessibleName("Who came")
        self.family_updates.setAccessibleName("Updates from the family")
        self.practitioner_updates.setAccessibleName("Updates from practitioners")
        self.actions.setAccessibleName("The plan reviewed: actions")
        self.actions.setMinimumHeight(180)
        self.new_action = QPushButton("Add an action agreed here…")
        self.new_action.clicked.connect(self.add_action)
        # Each outcome's progress (a review) or result (a closure meeting): the plan reviewed.
        self.outcome_progress = _table(["Outcome", "Progress", "Note"])
        self.outcome_progress.setObjectName("outcome_progress")
        self.outcome_progress.setAccessibleName("Each outcome's progress at this meeting")
        self.override_reason = QLineEdit()
        self.override_reason.setPlaceholderText("Manager only: why complete it although a rule is not met")
        self.review_outcome = _combo([("", "— choose —")] + list(REVIEW_OUTCOME_LABELS.items()))
        self.review_notes = QPlainTextEdit()
        self.next_set = QCheckBox("Next meeting booked for")
        self.next_on = DateBox()
        self.next_on.setAccessibleName("Next meeting date")
        self.next_on.setCalendarPopup(True)
        self.next_on.setDisplayFormat(qt_date_format())
        show_no_date(self.next_on)
        self.save_button = QPushButton("Save")
        self.complete_button = QPushButton("Complete the record")
        self.rebook_button = QPushButton("Move the next meeting")
        self.save_button.clicked.connect(lambda: self.save(then=None))
        self.complete_button.clicked.connect(self.complete)
        self.rebook_button.clicked.connect(self.rebook)

        form = QFormLayout()
        form.addRow(self.title)
        form.addRow(self.override_note)
        form.addRow("Date", self.held_on)
        form.addRow("Place", self.place)
        form.addRow(QLabel("<b>Who came</b>"))
        form.addRow(self.attendees)
        form.addRow(self.add_attendee)
        form.addRow(self.involved)
        form.addRow(statement)
        form.addRow(self.confidentiality)
        form.addRow(_wrapping("<b>Updates from the family</b> (children's first)"))
        form.addRow(self.family_updates)
        form.addRow(self.add_family_update)
        form.addRow(QLabel("<b>Updates from practitioners</b>"))
        form.addRow(self.practitioner_updates)
        form.addRow(self.add_practitioner_update)
        form.addRow(_wrapping("<b>The plan reviewed</b> (changes are saved to the plan as you make them)"))
        form.addRow(self.actions)
        form.addRow(self.new_action)
        form.addRow(_wrapping('<b>Each outcome</b> (say "reviewed, no change" where nothing moved)'))
        form.addRow(self.outcome_progress)
        form.addRow("Review outcome", self.review_outcome)
        form.addRow("Notes on the plan", self.review_notes)
        next_row = QHBoxLayout()
        next_row.addWidget(self.next_set)
        next_row.addWidget(self.next_on, 1)
        form.addRow(next_row)
        form.addRow("Override", self.override_reason)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.complete_button)
        buttons.addWidget(self.rebook_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        self.editor = lay_out_list_and_editor(self, left, form, self.message)
        for w in (self.place, self.review_notes):
            (w.textChanged).connect(self._mark_dirty)
        for t in (self.attendees, self.family_updates, self.practitioner_updates):
            t.itemChanged.connect(self._mark_dirty)
        self.confidentiality.toggled.connect(self._mark_dirty)
        self.next_set.toggled.connect(self._mark_dirty)
        self._set_editor_enabled(False)
        self.reload()
        refresh_on_changes(
            self,
            store,
            self.reload,
            family_id=family_id,
            kinds={
                "episode",
                "taf_meeting",
                "plan_outcome",
                "plan_action",
                "plan_version",
                "person",
                "professional",
            },
            ready=lambda: not self.dirty,
        )

    def _mark_dirty(self, *_) -> None:
        if not self._filling:
            self.dirty = True

    _filling = False

    # --- loading ---------------------------------------------------------------------------

    def reload(self, select_id: str | None = None) -> None:
        keep = select_id or (self.current.id if self.current else None)
        family_id = self.family_id
        self.load(lambda s: load_meetings_screen(s, family_id), lambda screen: self._show(screen, keep))

    def _show(self, screen: MeetingsScreen, select_id: str | None) -> None:
        self.screen = screen
        self.episode_id = screen.episode_id
        self.read_only = screen.read_only
        self.list.blockSignals(True)
        self.list.clear()
        for m in screen.meetings:
            state = "complete" if m.completed else "draft"
            item = QListWidgetItem(f"{m.kind_label} — {show_date(m.held_on)} ({state})")
            item.setData(Qt.ItemDataRole.UserRole, m)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.new_button.setEnabled(not screen.read_only and screen.episode_id is not None)
        target = None
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole).id == select_id:
                target = i
        if target is not None:
            self.list.setCurrentRow(target)
            self._fill(self.list.item(target).data(Qt.ItemDataRole.UserRole))
        elif screen.episode_id is None:
            self.title.setText("This family has no case open, so there are no meetings.")

    # --- where the worker is, kept across a lock (the meeting's id, nothing it says) -------

    def place_detail(self) -> dict | None:
        return {"meeting_id": self.current.id} if self.current is not None else None

    def restore_place(self, detail: dict) -> None:
        if detail.get("meeting_id"):
            self.reload(select_id=detail["meeting_id"])

    def _select(self, item, _previous=None) -> None:
        if item is None:
            return
        if self.dirty:
            self.save(then=None, reload=False)
        self._fill(item.data(Qt.ItemDataRole.UserRole))

    def _fill(self, m: meetings.MeetingView) -> None:
        self._filling = True
        self.current = m
        self.title.setText(
            f"<h3>{m.kind_label}</h3>" + ("<i>This record is complete.</i>" if m.completed else "")
        )
        self.held_on.setDate(to_qdate(m.held_on))
        self.place.setText(m.place)
        self.attendees.setRowCount(0)
        for a in m.attendees:
            self._add_attendee(a)
        self.confidentiality.setChecked(m.confidentiality_read)
        self.family_updates.setRowCount(0)
        for u in m.family_updates:
            self._add_family_update(u)
        self.practitioner_updates.setRowCount(0)
        for u in m.practitioner_updates:
            self._add_practitioner_update(u)
        self.review_outcome.setCurrentIndex(max(self.review_outcome.findData(m.review_outcome), 0))
        self.review_notes.setPlainText(m.plan_review_notes)
        self.next_set.setChecked(m.next_meeting_on is not None)
        self.next_on.setDate(to_qdate(m.next_meeting_on or m.held_on + timedelta(weeks=12)))
        editable = not m.completed and not self.read_only
        self._set_editor_enabled(editable)  # (what follows narrows it for this meeting)
        self._fill_actions()
        self._fill_outcome_progress(m)
        self.override_reason.setText(m.override_reason)
        overridden = meetings.override_wording(m.override_by, m.override_missing, m.override_reason)
        self.override_note.setText(f"This meeting was {overridden}" if m.override_reason else "")
        self.override_note.setVisible(bool(m.override_reason))
        self.override_reason.setEnabled(editable and self.actor_role in meetings.MANAGER_ROLES)
        self.review_outcome.setEnabled(editable and m.kind in ("taf_review", "closure"))
        self.rebook_button.setEnabled(m.completed and not self.read_only and m.kind != "closure")
        self.next_on.setEnabled(editable or (m.completed and not self.read_only))
        self.involved.button.setEnabled(editable)
        self.involved.check_button.setEnabled(True)  # a completed meeting can still be checked
        self.involved.refresh()
        self.dirty = False
        self._filling = False

    def _fill_actions(self) -> None:
        self.actions.setRowCount(0)
        plan = self.screen.plan if self.screen else None
        if plan is None:
            return
        editable = self.current is not None and not self.current.completed and not self.read_only
        for o in plan.outcomes:
            for a in o.actions:
                row = self.actions.rowCount()
                self.actions.insertRow(row)
                self.actions.setItem(row, 0, QTableWidgetItem(a.what))
                self.actions.setItem(row, 1, QTableWidgetItem(a.who))
                status = _combo(list(STATUS_LABELS.items()), a.status)
                status.setEnabled(editable)
                status.currentIndexChanged.connect(
                    lambda _i, a=a, c=status: self.set_action(a, status=c.currentData())
                )
                self.actions.setCellWidget(row, 2, status)
                # RAG is worked out from the date and status; a worker sets it (with a reason) on
                # the Plan tab.
                self.actions.setItem(row, 3, QTableWidgetItem(rag_words(a.rag, a.rag_reason, a.overdue)))

    def _fill_outcome_progress(self, m: meetings.MeetingView) -> None:
        self.outcome_progress.setRowCount(0)
        plan = self.screen.plan if self.screen else None
        if plan is None or m.kind not in ("taf_review", "closure"):
            self.outcome_progress.setEnabled(False)
            return
        choices = (
            [(k, meetings.progress_label(k)) for k in REVIEW_OUTCOME_LABELS]
            if m.kind == "taf_review"
            else list(meetings.CLOSURE_RESULTS.items())
        )
        recorded = {r["outcome_id"]: r for r in m.outcome_reviews}
        for o in plan.outcomes:
            row = self.outcome_progress.rowCount()
            self.outcome_progress.insertRow(row)
            item = QTableWidgetItem(o.what_will_be_different)
            item.setData(Qt.ItemDataRole.UserRole, o.id)
            self.outcome_progress.setItem(row, 0, item)
            combo = _combo([("", "— choose —"), *choices], recorded.get(o.id, {}).get("progress", ""))
            combo.currentIndexChanged.connect(self._mark_dirty)
            self.outcome_progress.setCellWidget(row, 1, combo)
            self.outcome_progress.setItem(row, 2, QTableWidgetItem(recorded.get(o.id, {}).get("note", "")))
        self.outcome_progress.setEnabled(not m.completed and not self.read_only)

    def _set_editor_enabled(self, enabled: bool) -> None:
        for w in (
            self.held_on, self.place, self.attendees, self.add_attendee, self.confidentiality,
            self.family_updates, self.add_family_update, self.practitioner_updates,
            self.add_practitioner_update, self.new_action, self.review_outcome, self.review_notes,
            self.next_set, self.save_button, self.complete_button, self.involved.button,
            self.involved.check_button, self.rebook_button, self.next_on, self.override_reason,
            self.outcome_progress,
        ):  # fmt: skip
            w.setEnabled(enabled)

    # --- rows ---------------------------------------------------------------------------------

    def _add_attendee(self, a: dict) -> None:
        row = self.attendees.rowCount()
        self.attendees.insertRow(row)
        for col, key in ((0, "name"), (1, "role"), (2, "agency"), (4, "written_update")):
            self.attendees.setItem(row, col, QTableWidgetItem(a.get(key, "")))
        attendance = _combo(
            [("attended", "Attended"), ("apologies", "Apologies")], a.get("attendance", "attended")
        )
        attendance.currentIndexChanged.connect(self._mark_dirty)
        self.attendees.setCellWidget(row, 3, attendance)
        self.attendees.widths.apply()  # the names may have widened their columns

    def _add_family_update(self, u: dict) -> None:
        row = self.family_updates.rowCount()
        self.family_updates.insertRow(row)
        self.family_updates.setItem(row, 0, QTableWidgetItem(u.get("name", "")))
        child = QTableWidgetItem("")
        child.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        child.setCheckState(Qt.CheckState.Checked if u.get("is_child") else Qt.CheckState.Unchecked)
        self.family_updates.setItem(row, 1, child)
        self.family_updates.setItem(row, 2, QTableWidgetItem(u.get("text", "")))

    def _add_practitioner_update(self, u: dict) -> None:
        row = self.practitioner_updates.rowCount()
        self.practitioner_updates.insertRow(row)
        for col, key in enumerate(("name", "agency", "text")):
            self.practitioner_updates.setItem(row, col, QTableWidgetItem(u.get(key, "")))

    def values(self) -> dict:
        attendees = []
        for row in range(self.attendees.rowCount()):
            combo = self.attendees.cellWidget(row, 3)
            attendees.append(
                {
                    "name": _text(self.attendees, row, 0),
                    "role": _text(self.attendees, row, 1),
                    "agency": _text(self.attendees, row, 2),
                    "attendance": combo.currentData() if combo else "attended",
                    "written_update": _text(self.attendees, row, 4),
                }
            )
        family = []
        for row in range(self.family_updates.rowCount()):
            child = self.family_updates.item(row, 1)
            family.append(
                {
                    "name": _text(self.family_updates, row, 0),
                    "is_child": bool(child and child.checkState() == Qt.CheckState.Checked),
                    "text": _text(self.family_updates, row, 2),
                }
            )
        practitioners = [
            {k: _text(self.practitioner_updates, row, c) for c, k in enumerate(("name", "agency", "text"))}
            for row in range(self.practitioner_updates.rowCount())
        ]
        return {
            "held_on": from_qdate(self.held_on.date()),
            "place": self.place.text(),
            "attendees": attendees,
            "confidentiality_read": self.confidentiality.isChecked(),
            "family_updates": family,
            "practitioner_updates": practitioners,
            "plan_review_notes": self.review_notes.toPlainText(),
            "review_outcome": self.review_outcome.currentData() or "",
            "next_meeting_on": from_qdate(self.next_on.date()) if self.next_set.isChecked() else None,
            "outcome_reviews": [
                {
                    "outcome_id": self.outcome_progress.item(row, 0).data(Qt.ItemDataRole.UserRole),
                    "progress": self.outcome_progress.cellWidget(row, 1).currentData() or "",
                    "note": _text(self.outcome_progress, row, 2),
                }
                for row in range(self.outcome_progress.rowCount())
            ],
        }

    # --- acts -----------------------------------------------------------------------------------

    def new_meeting(self) -> None:
        if self.dirty:
            self.save(then=None, reload=False)
        kind = self.new_kind.currentData()
        episode_id = self.episode_id
        self.run(
            lambda s: meetings.create_meeting(s, episode_id, kind, date.today()),
            lambda meeting_id: self.reload(select_id=meeting_id),
        )

    def save(self, then=None, reload: bool = True) -> None:
        if self.current is None or self.current.completed:
            return
        meeting_id, values = self.current.id, self.values()
        self.dirty = False

        def done(_):
            self.show_message("Meeting record saved.")
            if then:
                then()
            elif reload:
                self.reload(select_id=meeting_id)

        self.run(lambda s: meetings.update_meeting(s, meeting_id, values), done)

    def complete(self) -> None:
        if self.current is None:
            return
        meeting_id, values = self.current.id, self.values()
        override, role = self.override_reason.text(), self.actor_role

        def work(s):
            meetings.update_meeting(s, meeting_id, values)
            return meetings.complete_meeting(s, meeting_id, override_reason=override, actor_role=role)

        def done(version):
            self.dirty = False
            text = "Meeting record completed."
            if version:
                text += f" The plan was saved as version {version}."
            self.show_message(text)
            self.reload(select_id=meeting_id)

        self.run(work, done)

    def rebook(self) -> None:
        if self.current is None:
            return
        meeting_id, new_date = self.current.id, from_qdate(self.next_on.date())
        self.run(
            lambda s: meetings.rebook_next_meeting(s, meeting_id, new_date),
            lambda _: (self.show_message(f"Next meeting moved to {show_date(new_date)}."), self.reload()),
        )

    def set_action(self, action, **change) -> None:
        self.run(lambda s: plans.update_action(s, action.id, change), lambda _: self._refresh_plan())

    def _refresh_plan(self) -> None:
        episode_id = self.episode_id

        def got(plan):
            if self.screen is not None:
                self.screen = MeetingsScreen(
                    self.screen.episode_id,
                    self.screen.read_only,
                    self.screen.meetings,
                    plan,
                    self.screen.who_choices,
                )

        self.load(lambda s: plans.get_plan(s, episode_id), got)

    def add_action(self) -> None:
        plan = self.screen.plan if self.screen else None
        if not plan or not plan.outcomes:
            self.show_message(
                "Add an outcome on the Plan tab first: every action belongs to an outcome.", error=True
            )
            return
        self.dialog = ActionDialog(self, outcomes=list(plan.outcomes), choices=self.screen.who_choices)
        dialog = self.dialog
        meeting_id = self.current.id

        self.save_dialog(
            dialog,
            lambda: bind(plans.add_action, dialog.outcome_id(), dialog.values(), meeting_id=meeting_id),
            lambda _: (self.show_message("Action added to the plan."), self.reload(select_id=meeting_id)),
        )
        dialog.open()

    def flush_pending(self) -> None:
        if self.dirty and self.current is not None and not self.current.completed:
            meeting_id, values = self.current.id, self.values()
            self.run(lambda s: meetings.update_meeting(s, meeting_id, values))
            self.dirty = False
