"""What the plan, meetings and sessions tabs share: finding the family's episode, running
casework off the UI thread, and showing errors as the plain sentence they carry."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import shiboken6
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QSplitter, QVBoxLayout, QWidget

from ehdesk.casework.episode_access import current_episode
from ehdesk.errors import EhdeskError
from ehdesk.ui.tasks import run_task

log = logging.getLogger(__name__)


def to_qdate(value: date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value else QDate.currentDate()


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def lay_out_list_and_editor(tab: QWidget, left: QWidget, form: QFormLayout, message: QLabel) -> QWidget:
    """The meetings and sessions tabs: a list on the left, a scrolling editor on the right and a
    message line beneath. Returns the editor widget (enabled once something is chosen)."""
    editor = QWidget()
    editor.setLayout(form)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(editor)
    scroll.setAccessibleName("Editor")
    split = QSplitter()
    split.addWidget(left)
    split.addWidget(scroll)
    split.setStretchFactor(1, 3)
    layout = QVBoxLayout(tab)
    layout.addWidget(split, 1)
    layout.addWidget(message)
    return editor


class EpisodeTab(QWidget):
    """Base for a family-record tab about the family's current (or last) episode."""

    def __init__(self, store, family_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.family_id = family_id
        self.episode_id: str | None = None
        self.read_only = True
        self.pending = 0  # tasks in flight (tests wait for 0)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setObjectName("message")

    @property
    def actor_role(self) -> str:
        return getattr(self.store.profile, "role", "practitioner")

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setProperty("role", "error" if error else "ok")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def run(self, work: Callable[[Any], Any], then: Callable[[Any], None] | None = None) -> None:
        """Run ``work(session)`` in one transaction off the UI thread, then ``then(result)``."""
        self.pending += 1

        def job():
            with self.store.session() as s:
                return work(s)

        def done(result):
            self.pending -= 1
            if then is not None and shiboken6.isValid(self):  # the record may have closed meanwhile
                then(result)

        def failed(exc):
            self.pending -= 1
            if not shiboken6.isValid(self):
                return
            if isinstance(exc, EhdeskError):
                self.show_message(exc.message, error=True)
            else:
                log.error("plan tab task failed: %s", type(exc).__name__)
                self.show_message("Something went wrong and nothing was saved. Please try again.", error=True)

        run_task(job, done, failed)

    def run_now(self, work: Callable[[Any], Any]) -> Any:
        """For flush_pending only: the store may be closed straight after, so save synchronously."""
        with self.store.session() as s:
            return work(s)

    def load_episode(self, s) -> tuple[str | None, bool]:
        episode = current_episode(s, self.family_id)
        if episode is None:
            return None, True
        return episode.id, episode.status != "open"
