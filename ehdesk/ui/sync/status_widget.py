"""The status-bar piece: the honest sync state in words, and a button to sync now. When the
server no longer accepts this laptop's sign-in, a "Sign in again…" button beside it."""

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
        self.sign_in_again = QToolButton()
        self.sign_in_again.setText("Sign in again…")
        self.sign_in_again.setToolTip(
            "The council server no longer accepts this laptop's sign-in: sign it in again with your "
            "council password"
        )
        self.dialog = None  # the "Sign in again" dialog while it is open
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.sign_in_again)
        layout.addWidget(self.button)
        self.sign_in_again.hide()
        self.bridge = bridge
        if bridge is not None:
            bridge.status_changed.connect(self.show_status)
            self.button.clicked.connect(bridge.sync_now)
            self.sign_in_again.clicked.connect(self.ask_sign_in_again)
            self.show_status(bridge.status)

    def show_status(self, status: SyncStatus) -> None:
        self.label.setText(status.text())
        self.label.setToolTip(status.last_error or "")
        self.button.setEnabled(status.state != "syncing")
        self.sign_in_again.setVisible(self.bridge is not None and status.signed_out)

    def ask_sign_in_again(self) -> None:
        """The dialog, window-modal (``open``, not ``exec``: the event loop, saves and syncs carry
        on behind it); once the laptop is signed in again, the bridge syncs at once."""
        from ehdesk.ui.sync.sign_in_again import for_open_store  # rarely: not on the start-up path

        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        dialog = for_open_store(self.bridge.store, parent=self.window())
        dialog.signed_in.connect(lambda _result: self.bridge.sync_now())
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, _result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
