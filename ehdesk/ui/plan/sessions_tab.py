"""The Sessions tab: PARA notes (headings from the council pack) for sessions planned and held.
A planned session shows on the caseload as upcoming; writing it up marks it held."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
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

from ehdesk.casework import families, plans, sessions
from ehdesk.config.dates import qt_date_format, show_date
from ehdesk.config.pack import current_pack
from ehdesk.errors import EhdeskError
from ehdesk.ui.inputs import ChoiceBox, DateBox, NumberBox
from ehdesk.ui.ops import refresh_on_changes
from ehdesk.ui.plan.base import EpisodeTab, episode_of, from_qdate, lay_out_list_and_editor, to_qdate

STATUS_LABELS = {"planned": "Planned", "held": "Held", "cancelled": "Cancelled"}


@dataclass(frozen=True)
class SessionsScreen:
    episode_id: str | None
    read_only: bool
    sessions: list
    members: list
    outcomes: list
    draft: str


def load_sessions_screen(s, family_id: str) -> SessionsScreen:
    episode_id, read_only = episode_of(s, family_id)
    if episode_id is None:
        return SessionsScreen(None, True, [], [], [], "")
    members = families.get_family(s, family_id, audit_view=False).members
    return SessionsScreen(
        episode_id,
        read_only,
        sessions.list_sessions(s, episode_id),
        list(members),
        list(plans.get_plan(s, episode_id).outcomes),
        sessions.get_draft(s, family_id),
    )


class SessionsTab(EpisodeTab):
    def __init__(self, store, family_id: str, parent: QWidget | None = None) -> None:
        super().__init__(store, family_id, parent)
        pack = current_pack()
        self.screen: SessionsScreen | None = None
        self.current_id: str | None = None
        self.dirty = False
        self._filling = False

        self.list = QListWidget()
        self.list.setAccessibleName("Sessions")
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._select)
        self.new_button = QPushButton("New session")
        self.new_button.clicked.connect(self.new_session)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Sessions</b>"))
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.new_button)

        self.session_on = DateBox(to_qdate(date.today()))
        self.session_on.setAccessibleName("Session date")
        self.session_on.setCalendarPopup(True)
        self.session_on.setDisplayFormat(qt_date_format())
        self.session_type = ChoiceBox()
        for t in pack.session_types:
            self.session_type.addItem(t.label, t.code)
        self.status = ChoiceBox()
        for code, label in STATUS_LABELS.items():
            self.status.addItem(label, code)
        self.duration = NumberBox()
        self.duration.setAccessibleName("Duration in minutes")
        self.duration.setRange(0, 720)
        self.duration.setSuffix(" minutes")
        self.duration.setSpecialValueText("—")
        self.worker = QLineEdit(store.profile.name)
        self.headings: dict[str, QPlainTextEdit] = {}
        self.seen = QTableWidget(0, 3)
        self.seen.setAccessibleName("Who was seen")
        self.seen.setHorizontalHeaderLabels(["Family member", "Seen", "Child seen alone"])
        self.seen.horizontalHeader().setStretchLastSection(True)
        self.seen.setColumnWidth(0, 240)
        self.seen.setMinimumHeight(140)
        self.outcomes = QListWidget()
        self.outcomes.setAccessibleName("Plan outcomes this session worked on")
        self.save_button = QPushButton("Save session")
        self.save_button.clicked.connect(self.save)

        form = QFormLayout()
        form.addRow("Date", self.session_on)
        form.addRow("Kind of session", self.session_type)
        form.addRow("Planned or held", self.status)
        form.addRow("Length", self.duration)
        form.addRow("Worker", self.worker)
        for h in pack.session_note_headings:
            edit = QPlainTextEdit()
            edit.setPlaceholderText(h.prompt)
            edit.setMinimumHeight(70)
            edit.textChanged.connect(self._mark_dirty)
            self.headings[h.code] = edit
            form.addRow(f"<b>{h.label}</b>", edit)
        form.addRow(QLabel("<b>Who was seen</b>"))
        form.addRow(self.seen)
        form.addRow(QLabel("<b>Plan outcomes this session worked on</b>"))
        form.addRow(self.outcomes)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        self.editor = lay_out_list_and_editor(self, left, form, self.message)
        self.worker.textChanged.connect(self._mark_dirty)
        self.editor.setEnabled(False)
        self.reload()
        refresh_on_changes(
            self,
            store,
            lambda: self.reload(select_id=self.current_id),
            family_id=family_id,
            kinds={"episode", "session_note", "plan_outcome", "person"},
            ready=lambda: not self.dirty,
        )

    def _mark_dirty(self, *_) -> None:
        if not self._filling:
            self.dirty = True

    def reload(self, select_id: str | None = None) -> None:
        family_id = self.family_id
        self.load(lambda s: load_sessions_screen(s, family_id), lambda screen: self._show(screen, select_id))

    def _show(self, screen: SessionsScreen, select_id: str | None) -> None:
        self.screen = screen
        self.episode_id = screen.episode_id
        self.read_only = screen.read_only
        self.list.blockSignals(True)
        self.list.clear()
        for n in screen.sessions:
            item = QListWidgetItem(
                f"{show_date(n.session_on)} — {n.type_label} ({STATUS_LABELS[n.status].lower()})"
            )
            item.setData(Qt.ItemDataRole.UserRole, n)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.new_button.setEnabled(not screen.read_only and screen.episode_id is not None)
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole).id == select_id:
                self.list.setCurrentRow(i)
                return
        if screen.draft and not screen.read_only:
            # A note typed but not saved when the laptop locked: bring it back.
            self._fill(None, json.loads(screen.draft))
            self.dirty = True
            self.show_message("Your unsaved session note was kept: check it and save it.")

    # -- where the worker is, kept across a lock (the note's id, nothing it says) ----------

    def place_detail(self) -> dict | None:
        return {"session_id": self.current_id} if self.current_id else None

    def restore_place(self, detail: dict) -> None:
        session_id, family_id = detail.get("session_id"), self.family_id
        if not session_id:
            return

        def show(screen: SessionsScreen) -> None:
            # A note left half-typed comes back from its draft (the first load shows it): keep it.
            if not (screen.draft and not screen.read_only):
                self._show(screen, session_id)

        self.load(lambda s: load_sessions_screen(s, family_id), show)

    def _select(self, item, _previous=None) -> None:
        if item is not None:
            self._fill(item.data(Qt.ItemDataRole.UserRole))

    def _fill(self, note, draft: dict | None = None) -> None:
        self._filling = True
        data = draft or {}
        self.current_id = note.id if note else data.get("id")
        when = (
            note.session_on
            if note
            else (date.fromisoformat(data["session_on"]) if data.get("session_on") else date.today())
        )
        self.session_on.setDate(to_qdate(when))
        kind = note.session_type if note else data.get("session_type", "")
        self.session_type.setCurrentIndex(max(self.session_type.findData(kind), 0))
        status = note.status if note else data.get("status", "planned")
        self.status.setCurrentIndex(max(self.status.findData(status), 0))
        self.duration.setValue((note.duration_minutes if note else data.get("duration_minutes")) or 0)
        self.worker.setText(note.worker_name if note else data.get("worker_name", self.store.profile.name))
        notes = note.notes if note else data.get("notes", {})
        for code, edit in self.headings.items():
            edit.setPlainText(notes.get(code, ""))
        seen = {p["name"]: p for p in (note.seen if note else data.get("seen", []))}
        self.seen.setRowCount(0)
        for m in self.screen.members if self.screen else []:
            row = self.seen.rowCount()
            self.seen.insertRow(row)
            name = QTableWidgetItem(m.full_name)
            name.setData(Qt.ItemDataRole.UserRole, (m.id, m.role == "child"))
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.seen.setItem(row, 0, name)
            was = QTableWidgetItem("")
            was.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            was.setCheckState(Qt.CheckState.Checked if m.full_name in seen else Qt.CheckState.Unchecked)
            self.seen.setItem(row, 1, was)
            alone = QTableWidgetItem("" if m.role == "child" else "n/a")
            if m.role == "child":
                alone.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                alone.setCheckState(
                    Qt.CheckState.Checked
                    if seen.get(m.full_name, {}).get("seen_alone")
                    else Qt.CheckState.Unchecked
                )
            else:
                alone.setFlags(Qt.ItemFlag.NoItemFlags)
            self.seen.setItem(row, 2, alone)
        linked = set(note.outcome_ids if note else data.get("outcome_ids", []))
        self.outcomes.clear()
        for o in self.screen.outcomes if self.screen else []:
            item = QListWidgetItem(o.what_will_be_different)
            item.setData(Qt.ItemDataRole.UserRole, o.id)
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Checked if o.id in linked else Qt.CheckState.Unchecked)
            self.outcomes.addItem(item)
        self.editor.setEnabled(not self.read_only)
        self.dirty = False
        self._filling = False

    def values(self) -> dict:
        seen = []
        for row in range(self.seen.rowCount()):
            name = self.seen.item(row, 0)
            if self.seen.item(row, 1).checkState() != Qt.CheckState.Checked:
                continue
            person_id, is_child = name.data(Qt.ItemDataRole.UserRole)
            alone = self.seen.item(row, 2)
            seen.append(
                {
                    "person_id": person_id,
                    "name": name.text(),
                    "is_child": is_child,
                    "seen_alone": is_child and alone.checkState() == Qt.CheckState.Checked,
                }
            )
        outcome_ids = [
            self.outcomes.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.outcomes.count())
            if self.outcomes.item(i).checkState() == Qt.CheckState.Checked
        ]
        return {
            "session_on": from_qdate(self.session_on.date()),
            "session_type": self.session_type.currentData(),
            "status": self.status.currentData(),
            "duration_minutes": self.duration.value() or None,
            "worker_name": self.worker.text(),
            "notes": {code: edit.toPlainText() for code, edit in self.headings.items()},
            "seen": seen,
            "outcome_ids": outcome_ids,
        }

    def new_session(self) -> None:
        self.list.clearSelection()
        self._fill(None, {"session_type": "home_visit"})
        self.current_id = None
        self.dirty = True

    def save(self) -> None:
        if self.episode_id is None:
            return
        episode_id, session_id, values = self.episode_id, self.current_id, self.values()
        family_id = self.family_id
        had_draft = self.screen is not None and bool(self.screen.draft)

        def work(s):
            saved = sessions.save_session(s, episode_id, values, session_id)
            if had_draft:
                sessions.set_draft(s, family_id, "")
            return saved

        def done(saved_id):
            self.dirty = False
            self.show_message("Session saved.")
            self.reload(select_id=saved_id)

        self.run(work, done)

    def flush_pending(self) -> None:
        """Save the note if it is complete enough; otherwise keep it as a draft in the store."""
        if not self.dirty or self.episode_id is None or self.read_only:
            return
        episode_id, session_id, values = self.episode_id, self.current_id, self.values()
        family_id = self.family_id

        def save_or_draft(s):
            try:
                with s.begin_nested():
                    sessions.save_session(s, episode_id, values, session_id)
            except EhdeskError:  # not yet valid: never lose what was typed
                draft = dict(values, id=session_id, session_on=values["session_on"].isoformat())
                sessions.set_draft(s, family_id, json.dumps(draft))
            else:
                sessions.set_draft(s, family_id, "")

        # Queued like every save; a lock waits for it before the key is dropped.
        self.run(save_or_draft)
        self.dirty = False
