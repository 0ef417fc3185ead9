"""Small forms the plan and meetings tabs open: an outcome, an action, closing, sign-off, reopening.
They are opened with ``open()`` (not ``exec()``) so the window stays responsive.

A dialog closes only when its save landed: Save (``accept``) emits ``submitted``; the tab queues
the save (``EpisodeTab.save_dialog``) and the dialog closes when it succeeds, or shows each
message beside its field, inside the dialog, keeping everything typed (issue 14)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework.closure import OUTCOMES_NOT_JUDGED
from ehdesk.casework.meetings import CLOSURE_RESULTS
from ehdesk.casework.plans import RAG_LABELS, STATUS_LABELS
from ehdesk.config.dates import qt_date_format
from ehdesk.config.pack import current_pack
from ehdesk.errors import ValidationError
from ehdesk.ui.ops import error_text
from ehdesk.ui.plan.base import from_qdate, to_qdate


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class SavingDialog(QDialog):
    """A form that saves before it closes (see the module's note)."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.field_errors: dict[str, QLabel] = {}
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons: QDialogButtonBox | None = None
        self.saving = False
        self.saves = False

    def add_field(self, name: str, label: str, widget: QWidget, *also: str) -> QWidget:
        """A row whose messages (for ``name`` and any of ``also``) show under the field."""
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        message = QLabel()
        message.setProperty("role", "error")
        message.setWordWrap(True)
        message.hide()
        box.addWidget(message)
        widget.setAccessibleName(label)
        self.form.addRow(label, holder)
        for key in (name, *also):
            self.field_errors[key] = message
        return widget

    def add_buttons(self, ok_text: str) -> None:
        self.form.addRow(self.error)
        self.buttons = _buttons(self, ok_text)
        self.form.addRow(self.buttons)

    def accept(self) -> None:
        """Save was pressed: ask for the save; the dialog stays open until it lands."""
        if self.saving:
            return
        self.show_errors({})
        if not self.saves:  # nobody saves for this dialog: a plain OK
            super().accept()
            return
        self.submitted.emit()

    def on_submit(self, submit) -> None:
        """``submit()`` queues the save; it calls ``saved()`` or ``failed(exc)`` when it ends."""
        self.saves = True
        self.submitted.connect(submit)

    def set_saving(self, on: bool) -> None:
        self.saving = on
        if self.buttons is not None:
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not on)

    def saved(self) -> None:
        self.set_saving(False)
        super().accept()

    def failed(self, exc: BaseException) -> None:
        self.set_saving(False)
        if isinstance(exc, ValidationError):
            self.show_errors(exc.fields)
        else:
            self.show_errors({"": error_text(exc)})

    def show_errors(self, fields: dict[str, str]) -> None:
        shown: dict[QLabel, list[str]] = {label: [] for label in self.field_errors.values()}
        general = []
        for name, message in fields.items():
            label = self.field_errors.get(name)
            (shown[label] if label is not None else general).append(message)
        for label, messages in shown.items():
            label.setText(" ".join(messages))
            label.setVisible(bool(messages))
        self.error.setText(" ".join(general))
        self.error.setVisible(bool(general))
        first = next((label for label, messages in shown.items() if messages), None)
        if first is not None:
            # Take a keyboard user to the first field to put right.
            field = first.parentWidget().layout().itemAt(0).widget()
            field.setFocus()

    def error_for(self, name: str) -> str:
        label = self.field_errors[name]
        return label.text() if not label.isHidden() else ""


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
    edit.setDisplayFormat(qt_date_format())
    return edit


class OutcomeDialog(SavingDialog):
    def __init__(self, parent: QWidget | None = None, outcome=None) -> None:
        super().__init__(parent, "Plan outcome")
        self.what = QPlainTextEdit(outcome.what_will_be_different if outcome else "")
        self.for_whom = QLineEdit(outcome.for_whom if outcome else "")
        self.how = QPlainTextEdit(outcome.how_we_will_know if outcome else "")
        self.need = QLineEdit(outcome.linked_need if outcome else "")
        self.need.setPlaceholderText("The need or worry from the assessment")
        self.add_field("what_will_be_different", "What will be different", self.what)
        self.add_field("for_whom", "For whom", self.for_whom)
        self.add_field("how_we_will_know", "How we'll know", self.how)
        self.add_field("linked_need", "Need or worry", self.need)
        self.add_buttons("Save outcome")

    def draft(self) -> dict:
        return self.values()

    def load_draft(self, values: dict) -> None:
        self.what.setPlainText(values.get("what_will_be_different", ""))
        self.for_whom.setText(values.get("for_whom", ""))
        self.how.setPlainText(values.get("how_we_will_know", ""))
        self.need.setText(values.get("linked_need", ""))

    def values(self) -> dict:
        return {
            "what_will_be_different": self.what.toPlainText(),
            "for_whom": self.for_whom.text(),
            "how_we_will_know": self.how.toPlainText(),
            "linked_need": self.need.text(),
        }


class ActionDialog(SavingDialog):
    def __init__(self, parent: QWidget | None = None, action=None, outcomes: list | None = None) -> None:
        super().__init__(parent, "Plan action")
        pack = current_pack()
        self.outcome = None
        if outcomes:
            self.outcome = _combo([(o.id, o.what_will_be_different) for o in outcomes])
            self.add_field("outcome_id", "For the outcome", self.outcome)
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
        self.add_field("what", "What", self.what)
        self.add_field("who_name", "Who (person)", self.who_name, "who")
        self.add_field("who_agency", "Who (agency)", self.who_agency)
        self.add_field("by_when", "By when", self.by_when)
        self.add_field("status", "Status", self.status)
        self.add_field("rag", "RAG", self.rag)
        self.add_field("rag_reason", "Reason for the RAG", self.rag_reason)
        self.add_buttons("Save action")

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

    def draft(self) -> dict:
        values = self.values()
        return {**values, "by_when": values["by_when"].isoformat(), "outcome_id": self.outcome_id()}

    def load_draft(self, values: dict) -> None:
        if self.outcome is not None and values.get("outcome_id"):
            self.outcome.setCurrentIndex(max(self.outcome.findData(values["outcome_id"]), 0))
        self.what.setText(values.get("what", ""))
        self.who_name.setText(values.get("who_name", ""))
        self.who_agency.setCurrentIndex(max(self.who_agency.findData(values.get("who_agency") or ""), 0))
        if values.get("by_when"):
            self.by_when.setDate(to_qdate(date.fromisoformat(values["by_when"])))
        self.status.setCurrentIndex(max(self.status.findData(values.get("status")), 0))
        self.rag.setCurrentIndex(max(self.rag.findData(values.get("rag") or ""), 0))
        self.rag_reason.setText(values.get("rag_reason", ""))


class CloseDialog(SavingDialog):
    """Closing: the reason, step-up details, what is still missing, and a manager's override."""

    def __init__(
        self,
        parent: QWidget | None,
        missing: dict[str, list[str]] | list[str],
        is_manager: bool,
        outcomes: tuple = (),
    ) -> None:
        super().__init__(parent, "Close the case")
        # What is missing depends on the reason (the council's checks per reason).
        self.missing_by_reason = missing if isinstance(missing, dict) else None
        self.is_manager = is_manager
        form = self.form
        pack = current_pack()
        self.reason = _combo([(c.code, c.label) for c in pack.closure_reasons])
        self.closed_on = _date_edit(date.today())
        self.note = QPlainTextEdit()
        self.stepped_up_on = _date_edit(date.today())
        self.stepped_up_to = QLineEdit()
        self.stepped_up_to.setPlaceholderText("Team or social worker it went to")
        self.add_field("reason", "Reason", self.reason)
        self.add_field("closed_on", "Closed on", self.closed_on)
        self.add_field("note", "Closing summary", self.note)
        self.add_field("stepped_up_on", "Stepped up on", self.stepped_up_on)
        self.add_field("stepped_up_to", "Stepped up to", self.stepped_up_to)
        # Each outcome's result at closure.
        self.results: dict[str, QComboBox] = {}
        for o in outcomes:
            combo = _combo([("", "— choose —"), *CLOSURE_RESULTS.items()])
            combo.currentIndexChanged.connect(self._show_missing)
            self.results[o.id] = combo
            self.add_field(f"outcome:{o.id}", o.what_will_be_different, combo)
        self.missing = QLabel("")
        self.missing.setObjectName("missing")
        self.missing.setWordWrap(True)
        form.addRow(self.missing)
        self.override = QPlainTextEdit()
        self.override.setPlaceholderText("Why the case should close anyway (managers only)")
        self._fixed_missing = [] if isinstance(missing, dict) else list(missing)
        self.add_field("override_reason", "Manager's override", self.override)
        self.add_buttons("Close case")
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


class SignoffDialog(SavingDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Sign off: keep the case open")
        self.reason = QPlainTextEdit()
        self.close_by = _date_edit(date.today() + timedelta(days=90))
        self.add_field("reason", "Reason", self.reason)
        self.add_field("close_by", "New close-by date", self.close_by)
        self.add_buttons("Sign off")

    def values(self) -> dict:
        return {"reason": self.reason.toPlainText(), "close_by": from_qdate(self.close_by.date())}


class ReopenDialog(SavingDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Reopen the case")
        self.reason = QPlainTextEdit()
        self.add_field("reason", "Why it is being reopened", self.reason)
        self.add_buttons("Reopen")

    def values(self) -> dict:
        return {"reason": self.reason.toPlainText()}
