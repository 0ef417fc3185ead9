"""Small forms the plan and meetings tabs open: an outcome, an action, closing, sign-off, reopening.
They are opened with ``open()`` (not ``exec()``) so the window stays responsive.

A dialog closes only when its save landed: Save (``accept``) emits ``submitted``; the tab queues
the save (``EpisodeTab.save_dialog``) and the dialog closes when it succeeds, or shows each
message beside its field, inside the dialog, keeping everything typed (issue 14)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
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

from ehdesk.casework.closure import OUTCOMES_NOT_JUDGED, STEP_UP_REASON
from ehdesk.casework.closure_rules import STEP_UP_HANDOVER_MISSING
from ehdesk.casework.meetings import CLOSURE_RESULTS
from ehdesk.casework.plans import RAG_LABELS, STATUS_LABELS
from ehdesk.config.dates import qt_date_format
from ehdesk.config.pack import current_pack
from ehdesk.errors import ValidationError
from ehdesk.ui.inputs import ChoiceBox, DateBox
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
    combo = ChoiceBox()
    for code, label in items:
        combo.addItem(label, code)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    return combo


def _date_edit(value: date | None) -> QDateEdit:
    edit = DateBox(to_qdate(value))
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
    """An action's what, who, by when and status. "Who" offers the family's professionals, the
    household and "the family" (``plan_who.who_choices``); a name on the list links the action to
    that professional, so the plan can be checked against who is involved. Anyone else can be typed."""

    def __init__(
        self, parent: QWidget | None = None, action=None, outcomes: list | None = None, choices=()
    ) -> None:
        super().__init__(parent, "Plan action")
        pack = current_pack()
        self.choices = list(choices)
        # An existing link stays while its name and agency stand (they may have left the list since).
        self._kept_link = (
            (action.who_name, action.who_agency, action.who_professional_id)
            if action is not None and action.who_professional_id
            else None
        )
        self.outcome = None
        if outcomes:
            self.outcome = _combo([(o.id, o.what_will_be_different) for o in outcomes])
            self.add_field("outcome_id", "For the outcome", self.outcome)
        self.what = QLineEdit(action.what if action else "")
        self.who = ChoiceBox()
        self.who.setEditable(True)
        self.who.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for choice in self.choices:
            self.who.addItem(choice.label, choice)
        self.who.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.who.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.who.setCurrentIndex(-1)
        self.who_name = self.who.lineEdit()
        self.who_name.setPlaceholderText("Choose who is involved, or type a name")
        self.who_name.setText(action.who_name if action else "")
        self.who.activated.connect(self._chosen)
        self.who_agency = _combo(
            [("", "— no agency —")] + [(a.code, a.label) for a in pack.agencies],
            action.who_agency if action else "",
        )
        self.who_note = QLabel("")
        self.who_note.setProperty("role", "note")
        self.who_note.setWordWrap(True)
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
        self.add_field("who_name", "Who (person)", self.who, "who", "who_professional_id")
        self.form.addRow("", self.who_note)
        self.add_field("who_agency", "Who (agency)", self.who_agency)
        self.add_field("by_when", "By when", self.by_when)
        self.add_field("status", "Status", self.status)
        self.add_field("rag", "RAG", self.rag)
        self.add_field("rag_reason", "Reason for the RAG", self.rag_reason)
        self.add_buttons("Save action")
        self.who_name.textChanged.connect(self._show_link)
        self.who_agency.currentIndexChanged.connect(self._show_link)
        self._show_link()

    def _chosen(self, index: int) -> None:
        choice = self.who.itemData(index)
        if choice is None:
            return
        self.who_name.setText(choice.who_name)
        self.who_agency.setCurrentIndex(max(self.who_agency.findData(choice.who_agency), 0))

    def _match(self):
        """The choice the typed "who" names: its label, or its name (with its agency, if one is set)."""
        typed = self.who_name.text().strip().casefold()
        agency = self.who_agency.currentData() or ""
        if not typed:
            return None
        for choice in self.choices:
            if typed == choice.label.casefold():
                return choice
        for choice in self.choices:
            if typed == choice.who_name.casefold() and (
                not agency or agency == choice.who_agency or not choice.who_agency
            ):
                return choice
        return None

    def linked_professional_id(self) -> str:
        choice = self._match()
        if choice is not None:
            return choice.professional_id
        if self._kept_link is not None:
            name, agency, professional_id = self._kept_link
            if self.who_name.text().strip() == name and (self.who_agency.currentData() or "") == agency:
                return professional_id
        return ""

    def _show_link(self, *_) -> None:
        self.who_note.setText(self._link_words())
        # The row shows only when it has something to say (no empty band in the form).
        self.form.setRowVisible(self.who_note, bool(self.who_note.text()))

    def _link_words(self) -> str:
        if not self.who_name.text().strip():
            return ""
        if self.linked_professional_id():
            return "On the family's list of professionals involved."
        choice = self._match()
        if choice is not None:
            return "In the household." if choice.kind == "member" else ""
        return "Not on the family's list of professionals: add them on the Agencies tab if they are involved."

    def values(self) -> dict:
        choice = self._match()
        name = choice.who_name if choice is not None else self.who_name.text()
        return {
            "what": self.what.text(),
            "who_name": name,
            "who_agency": self.who_agency.currentData(),
            "who_professional_id": self.linked_professional_id(),
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
        if values.get("who_professional_id"):
            self._kept_link = (
                values.get("who_name", ""),
                values.get("who_agency") or "",
                values["who_professional_id"],
            )
        if values.get("by_when"):
            self.by_when.setDate(to_qdate(date.fromisoformat(values["by_when"])))
        self.status.setCurrentIndex(max(self.status.findData(values.get("status")), 0))
        self.rag.setCurrentIndex(max(self.rag.findData(values.get("rag") or ""), 0))
        self.rag_reason.setText(values.get("rag_reason", ""))


class CloseDialog(SavingDialog):
    """Closing: the reason, the step-up handover (for a step-up), what is still missing, and a
    manager's override. A step-up closes on a handover record: one already on the Handovers tab,
    or the one given here (date, reason, what was shared, who received it, whether early help
    carries on), recorded with the closing."""

    def __init__(
        self,
        parent: QWidget | None,
        missing: dict[str, list[str]] | list[str],
        is_manager: bool,
        outcomes: tuple = (),
        step_ups: tuple = (),
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
        self.add_field("reason", "Reason", self.reason)
        self.add_field("closed_on", "Closed on", self.closed_on)
        self.add_field("note", "Closing summary", self.note)
        # The step-up handover: one recorded already, or its fields here.
        self.handover = _combo(
            [("", "Record the handover now")]
            + [(h.id, f"{h.handed_over_on:%d %b %Y}: to {h.received_by}") for h in step_ups]
        )
        self.handover.setCurrentIndex(1 if step_ups else 0)
        self.handed_over_on = _date_edit(date.today())
        self.handover_reason = QLineEdit()
        self.handover_reason.setPlaceholderText("Why the case went to social care")
        self.information_shared = QPlainTextEdit()
        self.information_shared.setPlaceholderText("What was shared (assessment, plan, chronology…)")
        self.information_shared.setMaximumHeight(70)
        self.received_by = QLineEdit()
        self.received_by.setPlaceholderText("The team or social worker who received it")
        self.early_help_continues = QCheckBox("Early help carries on alongside social care")
        self.step_up_rows = [
            self.add_field("handover", "Step-up handover", self.handover),
            self.add_field("handover_handed_over_on", "Stepped up on", self.handed_over_on),
            self.add_field("handover_reason", "Why", self.handover_reason),
            self.add_field("handover_information_shared", "What was shared", self.information_shared),
            self.add_field("handover_received_by", "Received by", self.received_by),
            self.add_field("handover_early_help_continues", "", self.early_help_continues),
        ]
        for w in (self.handover_reason, self.received_by):
            w.textChanged.connect(self._show_missing)
        self.handover.currentIndexChanged.connect(self._step_up_fields)
        self.handover.currentIndexChanged.connect(self._show_missing)
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
        if self._stepping_up() and (self.handover.currentData() or self.received_by.text().strip()):
            found = [m for m in found if not m.startswith(STEP_UP_HANDOVER_MISSING)]
        return found

    def _stepping_up(self) -> bool:
        return self.reason.currentData() == STEP_UP_REASON

    def _show_missing(self, *_) -> None:
        missing = self.current_missing()
        self.missing.setText(
            "Still missing before this case can close:\n" + "\n".join(f"• {m}" for m in missing)
            if missing
            else "Everything needed to close is in place."
        )
        self.override.setEnabled(bool(missing) and self.is_manager)

    def _step_up_fields(self) -> None:
        """The handover's rows show only for a step-up; its fields only when none is chosen."""
        stepping_up = self._stepping_up()
        new = stepping_up and not self.handover.currentData()
        self.form.setRowVisible(self.step_up_rows[0].parentWidget(), stepping_up)
        for widget in self.step_up_rows[1:]:
            self.form.setRowVisible(widget.parentWidget(), new)
        self.adjustSize()

    def handover_values(self) -> dict:
        return {
            "handed_over_on": from_qdate(self.handed_over_on.date()),
            "reason": self.handover_reason.text(),
            "information_shared": self.information_shared.toPlainText(),
            "received_by": self.received_by.text(),
            "early_help_continues": self.early_help_continues.isChecked(),
        }

    def values(self) -> dict:
        stepping_up = self._stepping_up()
        chosen = self.handover.currentData() if stepping_up else ""
        return {
            "reason": self.reason.currentData(),
            "closed_on": from_qdate(self.closed_on.date()),
            "note": self.note.toPlainText(),
            "handover_id": chosen or "",
            "handover": self.handover_values() if stepping_up and not chosen else None,
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
