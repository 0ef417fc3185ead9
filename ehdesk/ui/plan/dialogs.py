"""Small forms the plan and meetings tabs open: an outcome, an action, closing, sign-off, reopening.
They are opened with ``open()`` (not ``exec()``) so the window stays responsive; the tab acts on
``accepted`` and reads ``values()``."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ehdesk.casework.closure import OUTCOMES_NOT_JUDGED
from ehdesk.casework.meetings import CLOSURE_RESULTS
from ehdesk.casework.plans import RAG_LABELS, STATUS_LABELS
from ehdesk.config.pack import current_pack
from ehdesk.ui.plan.base import from_qdate, to_qdate


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def _combo(items: list[tuple[str, str]], current: str = "") -> QComboBox:
    combo = QComboBox()
    for code, label in items:
        combo.addItem(label, code)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    return combo


def _date_edit(value: date | None) -> QDateEdit:
    edit = QDateEdit(to_qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy")
    return edit


class OutcomeDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, outcome=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plan outcome")
        form = QFormLayout(self)
        self.what = QPlainTextEdit(outcome.what_will_be_different if outcome else "")
        self.for_whom = QLineEdit(outcome.for_whom if outcome else "")
        self.how = QPlainTextEdit(outcome.how_we_will_know if outcome else "")
        self.need = QLineEdit(outcome.linked_need if outcome else "")
        self.need.setPlaceholderText("The need or worry from the assessment")
        form.addRow("What will be different", self.what)
        form.addRow("For whom", self.for_whom)
        form.addRow("How we'll know", self.how)
        form.addRow("Need or worry", self.need)
        form.addRow(_buttons(self, "Save outcome"))

    def values(self) -> dict:
        return {
            "what_will_be_different": self.what.toPlainText(),
            "for_whom": self.for_whom.text(),
            "how_we_will_know": self.how.toPlainText(),
            "linked_need": self.need.text(),
        }


class ActionDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, action=None, outcomes: list | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plan action")
        form = QFormLayout(self)
        pack = current_pack()
        self.outcome = None
        if outcomes:
            self.outcome = _combo([(o.id, o.what_will_be_different) for o in outcomes])
            form.addRow("For the outcome", self.outcome)
        self.what = QLineEdit(action.what if action else "")
        self.who_name = QLineEdit(action.who_name if action else "")
        self.who_agency = _combo(
            [("", "— no agency —")] + [(a.code, a.label) for a in pack.agencies],
            action.who_agency if action else "",
        )
        self.by_when = _date_edit(action.by_when if action else date.today() + timedelta(days=28))
        self.status = _combo(list(STATUS_LABELS.items()), action.status if action else "not_started")
        # Empty: worked out from the date and status. A worker's own RAG needs their reason.
        self.rag = _combo(
            [("", "Worked out from the date and status")] + [(k, v) for k, v in RAG_LABELS.items() if k],
            action.rag_set if action else "",
        )
        self.rag_reason = QLineEdit(action.rag_reason if action else "")
        self.rag_reason.setPlaceholderText("Why you are setting the RAG yourself")
        form.addRow("What", self.what)
        form.addRow("Who (person)", self.who_name)
        form.addRow("Who (agency)", self.who_agency)
        form.addRow("By when", self.by_when)
        form.addRow("Status", self.status)
        form.addRow("RAG", self.rag)
        form.addRow("Reason for the RAG", self.rag_reason)
        form.addRow(_buttons(self, "Save action"))

    def values(self) -> dict:
        return {
            "what": self.what.text(),
            "who_name": self.who_name.text(),
            "who_agency": self.who_agency.currentData(),
            "by_when": from_qdate(self.by_when.date()),
            "status": self.status.currentData(),
            "rag": self.rag.currentData(),
            "rag_reason": self.rag_reason.text(),
        }

    def outcome_id(self) -> str | None:
        return self.outcome.currentData() if self.outcome is not None else None


class CloseDialog(QDialog):
    """Closing: the reason, step-up details, what is still missing, and a manager's override."""

    def __init__(
        self,
        parent: QWidget | None,
        missing: dict[str, list[str]] | list[str],
        is_manager: bool,
        outcomes: tuple = (),
    ) -> None:
        super().__init__(parent)
        # What is missing depends on the reason (the council's checks per reason).
        self.missing_by_reason = missing if isinstance(missing, dict) else None
        self.is_manager = is_manager
        self.setWindowTitle("Close the case")
        form = QFormLayout(self)
        pack = current_pack()
        self.reason = _combo([(c.code, c.label) for c in pack.closure_reasons])
        self.closed_on = _date_edit(date.today())
        self.note = QPlainTextEdit()
        self.stepped_up_on = _date_edit(date.today())
        self.stepped_up_to = QLineEdit()
        self.stepped_up_to.setPlaceholderText("Team or social worker it went to")
        form.addRow("Reason", self.reason)
        form.addRow("Closed on", self.closed_on)
        form.addRow("Closing summary", self.note)
        form.addRow("Stepped up on", self.stepped_up_on)
        form.addRow("Stepped up to", self.stepped_up_to)
        # Each outcome's result at closure.
        self.results: dict[str, QComboBox] = {}
        for o in outcomes:
            combo = _combo([("", "— choose —"), *CLOSURE_RESULTS.items()])
            combo.currentIndexChanged.connect(self._show_missing)
            self.results[o.id] = combo
            form.addRow(o.what_will_be_different, combo)
        self.missing = QLabel("")
        self.missing.setObjectName("missing")
        self.missing.setWordWrap(True)
        form.addRow(self.missing)
        self.override = QPlainTextEdit()
        self.override.setPlaceholderText("Why the case should close anyway (managers only)")
        self._fixed_missing = [] if isinstance(missing, dict) else list(missing)
        form.addRow("Manager's override", self.override)
        form.addRow(_buttons(self, "Close case"))
        self.reason.currentIndexChanged.connect(self._step_up_fields)
        self.reason.currentIndexChanged.connect(self._show_missing)
        self._step_up_fields()
        self._show_missing()

    def current_missing(self) -> list[str]:
        found = (
            self.missing_by_reason.get(self.reason.currentData(), [])
            if self.missing_by_reason is not None
            else self._fixed_missing
        )
        if self.results and all(c.currentData() for c in self.results.values()):
            found = [m for m in found if not m.startswith(OUTCOMES_NOT_JUDGED)]
        return found

    def _show_missing(self, *_) -> None:
        missing = self.current_missing()
        self.missing.setText(
            "Still missing before this case can close:\n" + "\n".join(f"• {m}" for m in missing)
            if missing
            else "Everything needed to close is in place."
        )
        self.override.setEnabled(bool(missing) and self.is_manager)

    def _step_up_fields(self) -> None:
        stepping_up = self.reason.currentData() == "stepped_up"
        self.stepped_up_on.setEnabled(stepping_up)
        self.stepped_up_to.setEnabled(stepping_up)

    def values(self) -> dict:
        stepping_up = self.reason.currentData() == "stepped_up"
        return {
            "reason": self.reason.currentData(),
            "closed_on": from_qdate(self.closed_on.date()),
            "note": self.note.toPlainText(),
            "stepped_up_on": from_qdate(self.stepped_up_on.date()) if stepping_up else None,
            "stepped_up_to": self.stepped_up_to.text() if stepping_up else "",
            "override_reason": self.override.toPlainText() if self.override.isEnabled() else "",
            "outcome_results": {k: c.currentData() for k, c in self.results.items() if c.currentData()},
        }


class SignoffDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign off: keep the case open")
        form = QFormLayout(self)
        self.reason = QPlainTextEdit()
        self.close_by = _date_edit(date.today() + timedelta(days=90))
        form.addRow("Reason", self.reason)
        form.addRow("New close-by date", self.close_by)
        form.addRow(_buttons(self, "Sign off"))

    def values(self) -> dict:
        return {"reason": self.reason.toPlainText(), "close_by": from_qdate(self.close_by.date())}


class ReopenDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reopen the case")
        form = QFormLayout(self)
        self.reason = QPlainTextEdit()
        form.addRow("Why it is being reopened", self.reason)
        form.addRow(_buttons(self, "Reopen"))

    def values(self) -> dict:
        return {"reason": self.reason.toPlainText()}
