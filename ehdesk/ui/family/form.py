"""A record form: fields with messages beside them, saved through the store's operation queue, and kept as a draft
inside the store whenever what is typed does not validate yet (so nothing typed is ever lost)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from ehdesk.config.dates import show_clock
from ehdesk.errors import ValidationError
from ehdesk.store import Store
from ehdesk.ui.family.saving import SaveResult, save_or_draft
from ehdesk.ui.ops import error_text, for_store
from ehdesk.ui.widgets import CheckList, FieldForm, MessageLine, read_widget, write_widget

AUTOSAVE_MS = 800


class RecordForm(QWidget):
    saved = Signal(object)  # the save function's return value

    def __init__(self, store: Store, family_id: str, *, autosave: bool, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.ops = for_store(store)
        self.family_id = family_id
        self.autosave = autosave
        self.form = FieldForm()
        self.status = MessageLine(calm="note")
        self._generation = 0
        self._saved_generation = 0
        self._loading = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        layout.addWidget(self.status)

    # -- to be filled in by each form ------------------------------------------------------

    def draft_key(self) -> str:
        raise NotImplementedError

    def build_save(self, raw: dict) -> Callable[[Session], object]:
        """A function run on the store's queue that saves ``raw``; it may raise ValidationError."""
        raise NotImplementedError

    # -- fields ----------------------------------------------------------------------------

    def add_field(self, name: str, label: str, widget: QWidget) -> QWidget:
        self.form.add(name, label, widget)
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(self._changed)
            if self.autosave:
                widget.editingFinished.connect(self._save_if_dirty)
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(self._changed)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(self._changed)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._changed)
        elif isinstance(widget, CheckList):
            widget.itemChanged.connect(self._changed)
        return widget

    def raw(self) -> dict:
        return {name: read_widget(w) for name, w in self.form.fields.items()}

    def load_raw(self, raw: dict, *, dirty: bool = False) -> None:
        self._loading = True
        try:
            for name, widget in self.form.fields.items():
                if name in raw:
                    write_widget(widget, raw[name])
        finally:
            self._loading = False
        self.form.show_errors({})
        if dirty:
            self._changed()
            self.status.say("Restored what you were typing before; it is not saved yet.")
        else:
            self._saved_generation = self._generation
            self.status.say("")

    @property
    def dirty(self) -> bool:
        return self._generation != self._saved_generation

    def _changed(self, *args) -> None:
        if self._loading:
            return
        self._generation += 1
        self.status.say("Changes not saved yet…" if not self.autosave else "Saving…")
        if self.autosave:
            self._timer.start()

    def _save_if_dirty(self) -> None:
        if self.dirty:
            self.save()

    # -- saving ----------------------------------------------------------------------------

    def save(self) -> None:
        self._timer.stop()
        if not self.store.is_open:
            return
        raw = self.raw()
        generation = self._generation
        key, family_id = self.draft_key(), self.family_id
        try:
            save = self.build_save(raw)
        except ValidationError as exc:
            # Unreadable dates: keep the text as a draft, show the messages, save nothing.
            def save(_s, fields=exc.fields):
                raise ValidationError(fields)

        self.ops.write(
            lambda s: save_or_draft(s, key, family_id, raw, save),
            lambda result: self._after_save(result, generation),
            owner=self,
            on_error=self._failed,
        )

    def flush_pending(self) -> None:
        if self.dirty:
            self.save()

    def _after_save(self, result: SaveResult, generation: int) -> None:
        # Only called while this form exists; a closed record's save (or draft) is in the store.
        self.form.show_errors(result.errors)
        if result.saved:
            if generation >= self._generation:
                self._saved_generation = generation
            self.status.say(f"Saved at {show_clock(datetime.now(UTC))}.")
            self.saved.emit(result.value)
        else:
            self.status.say(
                "Not saved yet: put right the marked fields. What you typed is kept as a draft.", error=True
            )
            if not self.autosave and self.isVisible():
                # Take a keyboard user straight to the first thing to put right.
                first = next((w for name, w in self.form.fields.items() if name in result.errors), None)
                if first is not None:
                    first.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.status.say(error_text(exc) + " What you typed is still on screen.", error=True)
