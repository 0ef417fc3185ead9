"""The manager's forms on the Team screen: a triage decision on a waiting request, a case
supervision, and a case audit (or re-audit). Each closes only once its save succeeded; field
messages from the casework rules appear beside their fields."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework.allocation import Worker
from ehdesk.config.dates import read_typed_date
from ehdesk.config.pack import current_pack
from ehdesk.errors import TypedDateError, ValidationError
from ehdesk.ui.screen_size import within_screen
from ehdesk.ui.widgets import DateField, FieldForm, combo


def _text_box(height: int = 70, placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setMaximumHeight(height)
    box.setPlaceholderText(placeholder)
    return box


def _today_field() -> DateField:
    field = DateField()
    field.set_value(date.today())
    return field


class ActionsTable(QTableWidget):
    """Actions with due dates (typed dd/mm/yyyy); blank rows are ignored."""

    def __init__(self, rows: int = 3) -> None:
        super().__init__(rows, 2)
        self.setHorizontalHeaderLabels(["Action", "Due by (dd/mm/yyyy)"])
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setVisible(False)
        self.setAccessibleName("Actions and their due dates")
        # The due-date column keeps its whole heading (it says how to type the date).
        due_width = self.horizontalHeader().fontMetrics().horizontalAdvance("Due by (dd/mm/yyyy)") + 40
        self.setColumnWidth(0, 200)
        self.setMinimumWidth(200 + due_width + 2 * self.frameWidth())
        self.setMaximumHeight(30 * rows + 30)

    def values(self) -> list[dict]:
        out = []
        for row in range(self.rowCount()):
            what = (self.item(row, 0).text() if self.item(row, 0) else "").strip()
            due_text = (self.item(row, 1).text() if self.item(row, 1) else "").strip()
            try:
                due = read_typed_date(due_text, f"the due date “{due_text}”")
            except TypedDateError as exc:
                raise ValidationError({"actions": exc.message}) from None
            if what or due:
                out.append({"what": what, "due_on": due})
        return out


class ManagerDialog(QDialog):
    """A form with OK/Cancel that hands its values to ``on_submit`` and stays open until told."""

    ok_text = "Save"

    def __init__(self, parent, title: str, intro: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = FieldForm()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.ok_text)
        self.buttons.accepted.connect(self.submitted)
        self.buttons.rejected.connect(self.reject)
        self.on_submit = None
        body = QWidget()
        inner = QVBoxLayout(body)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            inner.addWidget(label)
        inner.addWidget(self.form)
        inner.addStretch(1)  # rows keep their size; spare height goes below the form
        scroll = QScrollArea()
        scroll.setAccessibleName(title)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        self.resize(within_screen(self, 640, 560))  # the buttons stay on a small screen

    def values(self) -> dict:
        raise NotImplementedError

    def _dates(self, *names: str) -> None:
        bad = {n: problem for n in names if (problem := self.form.fields[n].problem())}
        if bad:
            raise ValidationError(bad)

    def submitted(self) -> None:
        try:
            values = self.values()
        except ValidationError as exc:
            self.form.show_errors(exc.fields)
            return
        if self.on_submit:
            self.on_submit(values)


class TriageDialog(ManagerDialog):
    ok_text = "Record the decision"

    def __init__(self, parent, household: str, workers: list[Worker], decided_by: str) -> None:
        super().__init__(parent, f"Triage decision: {household}")
        practice = current_pack().team_practice
        f = self.form
        f.add(
            "forum", "Forum:", combo([(c.code, c.label) for c in practice.triage_forums], "Forum", "Choose…")
        )
        f.add(
            "decision",
            "Decision:",
            combo([(d.code, d.label) for d in practice.triage_decisions], "Decision", "Choose…"),
        )
        f.add("decided_on", "Date:", _today_field())
        by = QLineEdit(decided_by)
        f.add("decided_by", "Decided by:", by)
        f.add("rationale", "Why:", _text_box(90))
        f.add(
            "allocated_to_id",
            "Allocated to:",
            combo([(w.id, w.name) for w in workers], "Allocated to", "Nobody yet"),
        )

    def values(self) -> dict:
        self._dates("decided_on")
        f = self.form.fields
        return {
            "forum": f["forum"].currentData() or "",
            "decision": f["decision"].currentData() or "",
            "decided_on": f["decided_on"].value(),
            "decided_by": f["decided_by"].text(),
            "rationale": f["rationale"].toPlainText(),
            "allocated_to_id": f["allocated_to_id"].currentData(),
        }


class SupervisionDialog(ManagerDialog):
    ok_text = "Save the supervision"

    def __init__(self, parent, household: str, manager: str) -> None:
        super().__init__(
            parent,
            f"Case supervision: {household}",
            "Actions with a due date appear on the worker's caseload until done.",
        )
        f = self.form
        f.add("held_on", "Date:", _today_field())
        f.add("manager_name", "Manager:", QLineEdit(manager))
        f.add("discussion", "Discussed:", _text_box(100))
        f.add("decisions", "Decisions:", _text_box(80))
        f.add("actions", "Actions:", ActionsTable())

    def values(self) -> dict:
        self._dates("held_on")
        f = self.form.fields
        return {
            "held_on": f["held_on"].value(),
            "manager_name": f["manager_name"].text(),
            "discussion": f["discussion"].toPlainText(),
            "decisions": f["decisions"].toPlainText(),
            "actions": f["actions"].values(),
        }


class AuditDialog(ManagerDialog):
    ok_text = "Save the audit"

    def __init__(self, parent, household: str, auditor: str, earlier: list[tuple[str, str]]) -> None:
        super().__init__(parent, f"Case audit: {household}", "Grade each question and the case overall.")
        pack = current_pack()
        practice = pack.team_practice
        grades = [(g.code, g.label) for g in practice.audit_grades]
        f = self.form
        f.add("audited_on", "Date:", _today_field())
        f.add("auditor_name", "Auditor:", QLineEdit(auditor))
        self.question_boxes: dict[str, tuple[QComboBox, QLineEdit]] = {}
        for q in practice.audit_questions:
            holder = QWidget()
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            grade = combo(grades, q.label, "Grade…")
            comment = QLineEdit()
            comment.setPlaceholderText("Comment")
            grade.setAccessibleName(f"{q.label}: grade")
            comment.setAccessibleName(f"{q.label}: comment")
            row.addWidget(grade)
            row.addWidget(comment, 1)
            holder.setToolTip(q.prompt)
            f.add(f"q.{q.code}", f"{q.label}:", holder)
            self.question_boxes[q.code] = (grade, comment)
        f.add("answers", "", QLabel(""))
        f.add("grade", "Overall grade:", combo(grades, "Overall grade", "Choose…"))
        f.add("summary", "Summary:", _text_box(80))
        f.add("actions", "Actions:", ActionsTable())
        f.add("follows_audit_id", "Re-audit of:", combo(earlier, "Re-audit of", "Not a re-audit"))

    def values(self) -> dict:
        self._dates("audited_on")
        f = self.form.fields
        return {
            "audited_on": f["audited_on"].value(),
            "auditor_name": f["auditor_name"].text(),
            "answers": [
                {"question": code, "grade": grade.currentData() or "", "comment": comment.text()}
                for code, (grade, comment) in self.question_boxes.items()
            ],
            "grade": f["grade"].currentData() or "",
            "summary": f["summary"].toPlainText(),
            "actions": f["actions"].values(),
            "follows_audit_id": f["follows_audit_id"].currentData(),
        }


def fill_actions(table: ActionsTable, rows: list[tuple[str, str]]) -> None:
    """For tests and demos: put (what, dd/mm/yyyy) into the first rows."""
    for i, (what, due) in enumerate(rows):
        table.setItem(i, 0, QTableWidgetItem(what))
        table.setItem(i, 1, QTableWidgetItem(due))


class MoveRequestDialog(ManagerDialog):
    ok_text = "Ask for the move"

    def __init__(self, parent, household: str, teams: list[tuple[str, str]]) -> None:
        super().__init__(
            parent,
            f"Move {household} to another team",
            "An administrator makes the move on the server; until then the family stays with your team.",
        )
        self.form.add("to_team_id", "Move to:", combo(teams, "Team", "Choose…"))
        self.form.add("reason", "Why:", _text_box(90))
        self.resize(within_screen(self, 560, 320))

    def values(self) -> dict:
        f = self.form.fields
        return {"to_team_id": f["to_team_id"].currentData() or "", "reason": f["reason"].toPlainText()}
