"""One assessment open for filling in or reading: the form, its status, and the actions that
move it on (complete, manager sign-off, reopen, PDF).

Typing is saved as a draft a moment after the worker pauses, off the UI thread. Saves are
numbered so an older save finishing late can never overwrite a newer one, and
``flush_pending`` writes anything not yet saved before the store is locked or closed."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework import assessments as ops
from ehdesk.config.dates import show_date
from ehdesk.errors import ValidationError
from ehdesk.forms.engine import FormEngine
from ehdesk.store import Store
from ehdesk.ui.assessment.form_view import FormView
from ehdesk.ui.ops import error_text, for_store
from ehdesk.ui.style import set_sheet
from ehdesk.ui.widgets import Columns, button_row, spaced_row

SAVE_DELAY_MS = 800

BAR_STYLE = """
QLabel[role="formTitle"] { font-size: 13pt; font-weight: 600; color: @text; }
QLabel[role="status"] { border-radius: 9px; padding: 2px 10px; font-size: 9pt; font-weight: 600; }
QLabel[role="status"][state="draft"] { background: @draft_bg; color: @draft_fg; }
QLabel[role="status"][state="completed"] { background: @done_bg; color: @done_fg; }
QLabel[role="status"][state="signed_off"] { background: @signed_bg; color: @signed_fg; }
QLabel[role="saved"] { color: @muted; font-size: 9pt; }
QLabel[role="banner"], QLabel[role="note"] { margin: 0 16px 8px 16px; padding: 8px 12px; border-radius: 4px; }
QLabel[role="banner"] { background: @banner_bg; color: @banner_fg; }
QLabel[role="note"] { background: @note_bg; color: @note_fg; }
"""


class AssessmentEditor(QWidget):
    closed = Signal()
    status_changed = Signal(str)  # the new status, once stored
    saved = Signal()

    def __init__(self, store: Store, view: ops.AssessmentView, engine: FormEngine, parent=None):
        super().__init__(parent)
        self.store = store
        self.view = view
        self.engine = engine
        self.runner = for_store(store)
        self._rev = 0  # bumped on every edit
        self._queued_rev = 0  # the newest edit queued to be saved (a lock waits for the queue)
        self._saved_rev = 0  # the newest edit known to be in the store
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self._save_in_background)
        set_sheet(self, BAR_STYLE)

        self.title = QLabel(engine.definition.title)
        self.title.setProperty("role", "formTitle")
        self.status = QLabel()
        self.status.setProperty("role", "status")
        self.saved_label = QLabel("")
        self.saved_label.setProperty("role", "saved")
        self.back = QPushButton("All forms")
        self.back.clicked.connect(self._close)
        from ehdesk.ui.documents import DocumentActions

        assessment_id = view.id

        def render_this(session, _family_id):
            from ehdesk.documents import render_assessment

            return render_assessment(session, assessment_id)

        # Print or save this assessment (the version it was filled against), recorded as issued.
        self.document = DocumentActions(
            store, view.family_id, "assessment", "assessment", render=render_this, before=self.flush_pending
        )
        self.document.saved.connect(lambda _path: self.saved_label.setText("PDF saved"))
        self.complete_button = QPushButton("Complete")
        self.complete_button.setDefault(True)
        self.complete_button.clicked.connect(self.complete)
        self.sign_off_button = QPushButton("Manager sign-off…")
        self.sign_off_button.clicked.connect(self.sign_off)
        self.reopen_button = QPushButton("Reopen…")
        self.reopen_button.clicked.connect(self.reopen)
        heading = spaced_row(self.back, 12, self.title, 8, self.status, 8, self.saved_label)
        actions = button_row(self.document, self.reopen_button, self.sign_off_button, self.complete_button)
        # The buttons go below the heading where both do not fit (853 px at 150% on 1,280x720).
        bar = QHBoxLayout()
        bar.setContentsMargins(16, 8, 16, 8)
        bar.addWidget(Columns((heading, 1), (actions, 0)))

        self.banner = QLabel()
        self.banner.setProperty("role", "banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.note = QLabel()
        self.note.setProperty("role", "note")
        self.note.setWordWrap(True)
        self.form = FormView(engine, view.answers, read_only=view.read_only)
        self.form.answers_changed.connect(self._edited)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        # Straight in the column, their margins in the style sheet: a hidden label then takes no
        # room at all (in a layout of its own, its margins left 16 px of empty space above the form).
        layout.addWidget(self.banner)
        layout.addWidget(self.note)
        layout.addWidget(self.form, 1)
        self._show_status()

    # --- status --------------------------------------------------------------------------
    def _show_status(self) -> None:
        v = self.view
        self.status.setText(v.status_label)
        self.status.setProperty("state", v.status)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.complete_button.setVisible(v.status == "draft")
        self.sign_off_button.setVisible(v.status == "completed")
        self.reopen_button.setVisible(v.status != "draft")
        self.form.set_read_only(v.read_only)
        notes = []
        if v.status == "completed":
            notes.append(
                f"Completed on {show_date(v.completed_on)}. Read-only; waiting for a manager's sign-off."
            )
        elif v.status == "signed_off":
            notes.append(
                f"Completed on {show_date(v.completed_on)} and signed off by {v.signed_off_by} "
                f"on {show_date(v.signed_off_on)}. Read-only."
            )
        if v.reopen_history:
            last = v.reopen_history[-1]
            notes.append(
                f"Reopened on {last.get('on', '')} by {last.get('by', '')}: {last.get('reason', '')}"
            )
        self.note.setText("\n".join(notes))
        self.note.setVisible(bool(notes))

    def _reload(self, status_message: str = "") -> None:
        assessment_id = self.view.id

        def done(view):
            self.view = view
            self._show_status()
            self.status_changed.emit(view.status)

        self.runner.query(
            lambda s: ops.get_assessment(s, assessment_id, audit_view=False),
            done,
            owner=self,
            on_error=self._show_error,
        )

    def _show_error(self, exc: BaseException) -> None:
        self.banner.setText(error_text(exc))
        self.banner.show()

    # --- saving --------------------------------------------------------------------------
    def _edited(self) -> None:
        self._rev += 1
        self.saved_label.setText("Saving…")
        self._timer.start()

    def _save_in_background(self) -> None:
        """Queue the answers as they are now (edit number ``rev``). Saves run in the order they
        were queued, so the newest queued is the newest stored."""
        self._timer.stop()
        rev, answers, assessment_id = self._rev, self.form.answers(), self.view.id
        if rev <= self._queued_rev:
            return
        queued = self.runner.write(
            lambda s: ops.save_draft(s, assessment_id, answers),
            lambda _: self._after_save(rev),
            owner=self,
            on_error=self._show_error,
        )
        if queued:
            self._queued_rev = rev

    def _after_save(self, rev: int) -> None:
        self._saved_rev = max(self._saved_rev, rev)
        if self._saved_rev >= self._rev:
            self.saved_label.setText("All changes saved")
            self.saved.emit()

    def has_unsaved(self) -> bool:
        return self._rev > self._queued_rev

    def flush_pending(self) -> None:
        """Queue what was typed and not yet saved, now (before lock, switching family or closing);
        a lock waits for the queue before the key is dropped."""
        self._timer.stop()
        if self.has_unsaved() and self.view.status == "draft":
            self._save_in_background()

    # --- actions -------------------------------------------------------------------------
    def complete(self) -> None:
        self.flush_pending()
        self.banner.hide()
        answers = self.form.answers()
        problems = self.engine.validate(answers)
        if problems:
            self.form.show_errors(problems)
            count = len(problems)
            if self.engine.stopped_by(answers) is not None:
                text = (
                    "This form stops at the guidance marked in red: follow it instead of completing the form."
                )
            else:
                text = (
                    f"{count} answer{'s' if count != 1 else ''} need{'' if count != 1 else 's'} attention "
                    "before this can be completed. They are marked in red."
                )
            self.banner.setText(text)
            self.banner.show()
            return

        assessment_id = self.view.id

        def failed(exc):
            if isinstance(exc, ValidationError):
                self.form.show_errors(exc.fields)
            self._show_error(exc)

        self.runner.write(
            lambda s: ops.complete_assessment(s, assessment_id, answers),
            lambda _: self._reload(),
            owner=self,
            on_error=failed,
        )

    def _ask_manager_name(self) -> str | None:
        name, ok = QInputDialog.getText(
            self, "Manager sign-off", "Name of the manager signing off this assessment:", QLineEdit.Normal
        )
        return name if ok else None

    def sign_off(self) -> None:
        name = self._ask_manager_name()
        if name is None:
            return

        assessment_id = self.view.id
        self.runner.write(
            lambda s: ops.sign_off_assessment(s, assessment_id, name),
            lambda _: self._reload(),
            owner=self,
            on_error=self._show_error,
        )

    def _ask_reopen_reason(self) -> str | None:
        reason, ok = QInputDialog.getMultiLineText(
            self, "Reopen assessment", "Why does this assessment need to change? This is kept with it."
        )
        return reason if ok else None

    def reopen(self) -> None:
        reason = self._ask_reopen_reason()
        if reason is None:
            return

        assessment_id = self.view.id

        def done(_):
            self.banner.hide()
            self._reload()

        self.runner.write(
            lambda s: ops.reopen_assessment(s, assessment_id, reason),
            done,
            owner=self,
            on_error=self._show_error,
        )

    def _close(self) -> None:
        self.flush_pending()
        self.closed.emit()
