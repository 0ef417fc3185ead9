"""What the plan, meetings and sessions tabs share: finding the family's episode, reading and
changing the store through its operation runner, and showing errors as the plain sentence they carry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework.episode_access import current_episode
from ehdesk.errors import ValidationError
from ehdesk.ui.ops import error_text, for_store
from ehdesk.ui.widgets import MessageLine


def to_qdate(value: date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value else QDate.currentDate()


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def bind(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[Any], Any]:
    """``fn(session, *args, **kwargs)`` as work for the store's queue."""
    return lambda s: fn(s, *args, **kwargs)


class _QuarterSplit(QSplitter):
    """A quarter of the width for the list, the rest for the editor, at any width, until the
    worker drags the handle: on 853 px (a 1,280x720 screen at 150%) the list took the width its
    items would like, 340 px, and the editor scrolled sideways."""

    def __init__(self) -> None:
        super().__init__()
        self.dragged = False
        self.splitterMoved.connect(self._dragged)

    def _dragged(self, *_) -> None:
        self.dragged = True

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if not self.dragged and self.count() == 2:
            width = event.size().width() - self.handleWidth()
            left = self.widget(0)
            quarter = max(width // 4, left.minimumSizeHint().expandedTo(left.minimumSize()).width())
            self.blockSignals(True)  # not a drag
            self.setSizes([quarter, width - quarter])
            self.blockSignals(False)


def lay_out_list_and_editor(tab: QWidget, left: QWidget, form: QFormLayout, message: QLabel) -> QWidget:
    """The meetings and sessions tabs: a list on the left, a scrolling editor on the right and a
    message line beneath. Returns the editor widget (enabled once something is chosen)."""
    editor = QWidget()
    editor.setLayout(form)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(editor)
    scroll.setAccessibleName("Editor")
    split = _QuarterSplit()
    split.addWidget(left)
    split.addWidget(scroll)
    split.setStretchFactor(1, 3)
    layout = QVBoxLayout(tab)
    layout.addWidget(split, 1)
    layout.addWidget(message)
    return editor


class EpisodeTab(QWidget):
    """Base for a family-record tab about the family's current (or last) episode."""

    MESSAGE_ROOM_WHEN_EMPTY = True  # (``widgets.MessageLine``)

    def __init__(self, store, family_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.family_id = family_id
        self.episode_id: str | None = None
        self.read_only = True
        self.ops = for_store(store)
        self.message = MessageLine(room_when_empty=self.MESSAGE_ROOM_WHEN_EMPTY)

    @property
    def actor_role(self) -> str:
        return getattr(self.store.profile, "role", "practitioner")

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.say(text, error)

    @property
    def pending(self) -> int:
        """Reads and writes of this tab still queued or running (tests wait for 0)."""
        return self.ops.pending_for(self)

    def run(self, work: Callable[[Any], Any], then: Callable[[Any], None] | None = None) -> None:
        """Change: ``work(session)`` in one transaction on the store's queue, then ``then(result)``
        while this tab exists. Lands before a lock drops the key."""
        self.ops.write(work, then, owner=self, on_error=self._show_error)

    def save_form(
        self, work: Callable[[Any], Any], form, then: Callable[[Any], None], *, said_on_error: bool = True
    ) -> None:
        """A change typed into ``form`` (anything with ``show_errors``): a refusal puts each message
        beside its field and saves nothing (the runner rolls the transaction back); otherwise the
        marks are cleared and ``then(result)`` runs."""

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, ValidationError):
                self._show_error(exc)
                return
            form.show_errors(exc.fields)
            if said_on_error:
                self.show_message("Nothing was saved: check the fields marked.", error=True)

        def done(result) -> None:
            form.show_errors({})
            then(result)

        self.ops.write(work, done, owner=self, on_error=failed)

    def load(self, work: Callable[[Any], Any], then: Callable[[Any], None]) -> None:
        """Read: ``work(session)`` on the store's queue (after every queued save), then ``then``."""
        self.ops.query(work, then, owner=self, on_error=self._show_error)

    def save_dialog(self, dialog, make_work: Callable[[], Callable[[Any], Any]], then=None) -> None:
        """When ``dialog`` is submitted: queue ``make_work()`` (called then, on the UI thread, so it
        reads what the dialog holds at that moment); close the dialog when the save lands and call
        ``then(result)``; otherwise show the messages inside the dialog, keeping what was typed."""

        def submit() -> None:
            dialog.set_saving(True)

            def done(result) -> None:
                dialog.saved()
                if then is not None:
                    then(result)

            if not self.ops.write(make_work(), done, owner=dialog, on_error=dialog.failed):
                dialog.set_saving(False)

        dialog.on_submit(submit)

    def _show_error(self, exc: BaseException) -> None:
        self.show_message(error_text(exc), error=True)

    @staticmethod
    def choose_row(table: QTableWidget, item_id: str | None) -> None:
        """Choose the row whose first cell holds ``item_id`` (the one chosen before a lock)."""
        for row in range(table.rowCount() if item_id else 0):
            if table.item(row, 0).data(Qt.ItemDataRole.UserRole) == item_id:
                table.selectRow(row)
                return

    def load_episode(self, s) -> tuple[str | None, bool]:
        return episode_of(s, self.family_id)


def episode_of(s, family_id: str) -> tuple[str | None, bool]:
    """The family's current episode and whether it is read-only (closed); (None, True) if none."""
    episode = current_episode(s, family_id)
    if episode is None:
        return None, True
    return episode.id, episode.status != "open"
