"""The flags on top of the family record: what the practice rules say needs a decision or an
action now (consent withdrawn, a threshold decision, overdue actions, overrides), in plain words.
A manager records the threshold decision from here."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework import flags, thresholds
from ehdesk.ui.inputs import ChoiceBox
from ehdesk.ui.ops import error_text, for_store
from ehdesk.ui.widgets import MessageLine

# Said in words as well as marked, never by colour or symbol alone (symbols every font has).
SYMBOLS = {"stop": "⚠ <b>Act now:</b>", "warn": "⚠", "note": "•"}


class DecisionDialog(QDialog):
    def __init__(self, parent: QWidget | None, summary: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Threshold decision")
        form = QFormLayout(self)
        text = QLabel(summary)
        text.setWordWrap(True)
        form.addRow(text)
        self.decision = ChoiceBox()
        for code, label in thresholds.DECISIONS.items():
            self.decision.addItem(label, code)
        self.reason = QPlainTextEdit()
        form.addRow("Decision", self.decision)
        form.addRow("Reason", self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict:
        return {"decision": self.decision.currentData(), "reason": self.reason.toPlainText()}


class FlagsPanel(QWidget):
    def __init__(self, store, family_id: str, parent=None) -> None:
        super().__init__(parent)
        self.store, self.family_id = store, family_id
        self.flags: list[flags.Flag] = []
        self.text = QLabel("")
        self.text.setObjectName("flags")
        self.text.setWordWrap(True)
        # Always rich text: the messages are escaped, and a single flag has no tag for Qt's guess
        # to notice, so "parents' group" would show as "parents&#x27; group".
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.decide_button = QPushButton("Record the manager's decision…")
        self.decide_button.clicked.connect(self.decide)
        self.message = MessageLine(room_when_empty=False)  # (the record keeps its height)
        # A long list of flags scrolls inside a strip of four lines: the record keeps its room and
        # the window never grows to show them (1,280x720 laptops).
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.text)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.max_lines = 4
        self.scroll.setAccessibleName("What needs attention on this case")
        # Fitted whenever the width the flags wrap at changes: the panel's own resize comes while
        # it is hidden (no flags yet), before the scroll area has had its own, so the viewport
        # still had Qt's default 640 px there: a longer flag took two lines, until the next
        # refresh (any tab change) fitted it to one and the tab bar jumped up.
        self._viewport = self.scroll.viewport()
        self._viewport.installEventFilter(self)
        row = QHBoxLayout()
        row.addWidget(self.scroll, 1)
        row.addWidget(self.decide_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.setVisible(False)
        self.pending = 0

    @property
    def is_manager(self) -> bool:
        return getattr(self.store.profile, "role", "practitioner") in thresholds.MANAGER_ROLES

    def refresh(self) -> None:
        store, family_id = self.store, self.family_id
        if not store.is_open:
            return
        self.pending += 1

        def done(found):
            self.pending -= 1
            self.show_flags(found)

        def failed(_exc):
            self.pending -= 1

        if not for_store(store).query(
            lambda s: flags.family_flags(s, family_id, date.today()), done, owner=self, on_error=failed
        ):
            self.pending -= 1

    def show_flags(self, found: list[flags.Flag]) -> None:
        self.flags = found
        self.text.setText("<br>".join(f"{SYMBOLS.get(f.level, '')} {escape(f.message)}" for f in found))
        self._fit()
        needs = any(f.code == "threshold" for f in found)
        self.decide_button.setVisible(needs)
        self.decide_button.setEnabled(needs and self.is_manager)
        if needs and not self.is_manager:
            self.decide_button.setToolTip("Only a manager can make this decision.")
        self.setVisible(bool(found))

    def _fit(self) -> None:
        """As tall as the flags as they wrap at this width, up to four lines (then it scrolls):
        no empty band above the tabs, and no flag cut in half when one wraps."""
        line = self.fontMetrics().lineSpacing()
        width = self.scroll.viewport().width()
        needed = self.text.heightForWidth(width) if width > 0 else line * max(len(self.flags), 1)
        self.scroll.setFixedHeight(min(max(needed, line), line * self.max_lines) + 6)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        # A narrower window (or a scroll bar) wraps the flags onto more lines.
        if watched is self._viewport and event.type() == QEvent.Type.Resize:
            if event.size().width() != event.oldSize().width():
                self._fit()
        return super().eventFilter(watched, event)

    def decide(self) -> None:
        summary = next((f.message for f in self.flags if f.code == "threshold"), "")
        self.dialog = DecisionDialog(self, summary)
        dialog = self.dialog
        store, family_id = self.store, self.family_id
        role = getattr(store.profile, "role", "practitioner")

        def submit():
            values = dialog.values()

            def work(s):
                from ehdesk.casework.episode_access import current_episode

                episode = current_episode(s, family_id)
                thresholds.record_decision(s, episode.id, actor_role=role, **values)

            self.message.say("")
            for_store(store).write(
                work,
                lambda _: self.refresh(),
                owner=self,
                on_error=lambda exc: self.message.say(error_text(exc), error=True),
            )

        dialog.accepted.connect(submit)
        dialog.open()
