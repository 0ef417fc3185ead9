"""The status-bar piece: the honest sync state in words, and a button to sync now."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from ehdesk.sync.status import SyncStatus


class SyncStatusWidget(QWidget):
    def __init__(self, bridge=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(SyncStatus().text())
        self.label.setAccessibleName("Sync status")
        self.button = QToolButton()
        self.button.setText("Sync now")
        self.button.setToolTip("Send your changes and receive your team's now")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        self.bridge = bridge
        if bridge is not None:
            bridge.status_changed.connect(self.show_status)
            self.button.clicked.connect(bridge.sync_now)
            self.show_status(bridge.status)

    def show_status(self, status: SyncStatus) -> None:
        self.label.setText(status.text())
        self.label.setToolTip(status.last_error or "")
        self.button.setEnabled(status.state != "syncing")
