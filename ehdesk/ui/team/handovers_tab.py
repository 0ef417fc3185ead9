"""The family record's "Handovers" tab: step-ups to children's social care and step-downs from
it, recorded as handovers (what was shared and with whom, social care's decision when it comes,
whether early help carries on; the social worker, the plan and the joint visit for a step-down)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework import handovers
from ehdesk.casework.handovers import HandoverView
from ehdesk.config.dates import show_date
from ehdesk.config.pack import current_pack
from ehdesk.errors import ValidationError
from ehdesk.ui.inputs import ChoiceBox
from ehdesk.ui.plan.base import EpisodeTab
from ehdesk.ui.team.agencies_tab import scrolling
from ehdesk.ui.widgets import DateField, FieldForm, combo, headings_fit

COLUMNS = ["Date", "Handover", "Reason", "With", "Social care decision"]


def _text_box() -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setMaximumHeight(60)
    return box


class HandoversTab(EpisodeTab):
    def __init__(self, store, family_id: str, parent: QWidget | None = None) -> None:
        super().__init__(store, family_id, parent)
        practice = current_pack().team_practice
        self.items: list[HandoverView] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Handovers")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        # Rows follow their wrapped text as the columns take their width (filled while hidden,
        # a row would otherwise keep the height its text had in a narrow column).
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        headings_fit(self.table)
        self.table.itemSelectionChanged.connect(self._chosen_changed)

        decisions = [(c.code, c.label) for c in practice.social_care_decisions]
        self.direction = ChoiceBox()
        self.direction.setAccessibleName("Kind of handover")
        self.direction.addItem("Step-up to children's social care", "step_up")
        self.direction.addItem("Step-down from children's social care", "step_down")
        self.up = FieldForm()
        self.up.add("handed_over_on", "Date:", DateField())
        self.up.add("reason", "Why:", _text_box())
        self.up.add("information_shared", "What was shared:", _text_box())
        self.up.add("received_by", "Received by:", QLineEdit())
        self.up.add(
            "social_care_decision", "Social care's decision:", combo(decisions, "Decision", "Not known yet")
        )
        self.up.add("decision_on", "Decided on:", DateField())
        self.up.add("early_help_continues", "", QCheckBox("Early help continues alongside social care"))
        self.down = FieldForm()
        self.down.add("handed_over_on", "Date:", DateField())
        self.down.add("reason", "Why:", _text_box())
        self.down.add("social_worker", "Social worker:", QLineEdit())
        self.down.add(
            "stepped_down_from",
            "Stepped down from:",
            combo([(c.code, c.label) for c in practice.step_down_plans], "Plan", "Choose…"),
        )
        self.down.add("joint_visit_on", "Joint visit:", DateField())
        self.forms = QStackedWidget()
        self.forms.addWidget(self.up)
        self.forms.addWidget(self.down)
        self.direction.currentIndexChanged.connect(self.forms.setCurrentIndex)
        self.save_button = QPushButton("&Record the handover")
        self.save_button.clicked.connect(self.save)
        box = QGroupBox("Record a handover")
        bl = QVBoxLayout(box)
        bl.addWidget(self.direction)
        bl.addWidget(self.forms)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        bl.addLayout(row)

        self.decision = combo(decisions, "Social care's decision", "Choose…")
        self.decision_on = DateField()
        self.decision_on.setAccessibleName("Decided on")
        self.decision_button = QPushButton("Record social care's decision")
        self.decision_button.clicked.connect(self.record_decision)
        later = QHBoxLayout()
        later.addWidget(self.decision, 1)
        later.addWidget(self.decision_on)
        later.addWidget(self.decision_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(later)
        layout.addWidget(scrolling(box))
        layout.addWidget(self.message)
        self.reload()

    def reload(self, select_id: str | None = None) -> None:
        def load(s):
            episode_id, _closed = self.load_episode(s)
            return episode_id, handovers.list_handovers(s, self.family_id)

        self.run(load, lambda result: (self._show(result), self.choose_row(self.table, select_id)))

    # -- where the worker is, kept across a lock (the handover's id, nothing it says) --------

    def place_detail(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        return {"handover_id": self.items[rows[0].row()].id} if rows else None

    def restore_place(self, detail: dict) -> None:
        if detail.get("handover_id"):
            self.reload(select_id=detail["handover_id"])

    def _show(self, result) -> None:
        self.episode_id, self.items = result
        self.save_button.setEnabled(self.episode_id is not None)
        self.table.setRowCount(0)
        for h in self.items:
            row = self.table.rowCount()
            self.table.insertRow(row)
            up = h.direction == "step_up"
            with_whom = h.received_by if up else h.social_worker
            decision = (h.social_care_decision_label or "Not known yet") if up else h.stepped_down_from_label
            cells = [f"{show_date(h.handed_over_on)}", h.title, h.reason, with_whom, decision]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, h.id)
                self.table.setItem(row, col, item)
        self._chosen_changed()

    def _chosen_changed(self) -> None:
        """Social care's decision is recorded on the handover chosen: off with none chosen."""
        chosen = bool(self.table.selectionModel().selectedRows())
        for w in (self.decision, self.decision_on, self.decision_button):
            w.setEnabled(chosen)

    def _values(self) -> tuple[str, FieldForm, dict]:
        direction = self.direction.currentData()
        form = self.up if direction == "step_up" else self.down
        f = form.fields
        labels = {
            "handed_over_on": "the date",
            "decision_on": "the date of the decision",
            "joint_visit_on": "the date of the joint visit",
        }
        bad = {n: problem for n, label in labels.items() if n in f and (problem := f[n].problem(label))}
        if bad:
            raise ValidationError(bad)
        if direction == "step_up":
            data = {
                "handed_over_on": f["handed_over_on"].value(),
                "reason": f["reason"].toPlainText(),
                "information_shared": f["information_shared"].toPlainText(),
                "received_by": f["received_by"].text(),
                "social_care_decision": f["social_care_decision"].currentData() or "",
                "decision_on": f["decision_on"].value(),
                "early_help_continues": f["early_help_continues"].isChecked(),
            }
        else:
            data = {
                "handed_over_on": f["handed_over_on"].value(),
                "reason": f["reason"].toPlainText(),
                "social_worker": f["social_worker"].text(),
                "stepped_down_from": f["stepped_down_from"].currentData() or "",
                "joint_visit_on": f["joint_visit_on"].value(),
            }
        return direction, form, data

    def save(self) -> None:
        form = self.up if self.direction.currentData() == "step_up" else self.down
        try:
            direction, form, data = self._values()
        except ValidationError as exc:
            form.show_errors(exc.fields)
            return
        episode_id = self.episode_id

        def then(_):
            for widget in form.fields.values():
                if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                    widget.clear()
            self.show_message("Handover recorded.")
            self.reload()

        self.save_form(lambda s: handovers.record_handover(s, episode_id, direction, data), form, then)

    def record_decision(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.show_message("Choose the step-up first.", error=True)
            return
        handover_id = self.items[rows[0].row()].id
        problem = self.decision_on.problem("the date of the decision")
        if problem:
            self.show_message(problem, error=True)
            return
        decision, on = self.decision.currentData() or "", self.decision_on.value() or date.today()

        def job(s):
            handovers.record_social_care_decision(s, handover_id, decision, on)

        self.run(job, lambda _: (self.show_message("Social care's decision recorded."), self.reload()))

    def flush_pending(self) -> None:
        """Recorded by its button; nothing here is a draft."""
