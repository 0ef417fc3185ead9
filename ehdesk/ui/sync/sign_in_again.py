"""“Sign in again…”: when the council server no longer accepts this laptop's sign-in (IT reset the
worker's password, or a copy of the laptop's token was used), the worker types their council
password and the laptop is signed in again as the same device (``ehdesk.sync.provision.
sign_in_again``), off the UI thread.

Two places offer it. The status bar, while a profile is open (``for_open_store``): the sign-in
runs on the store's runner and the sync that sends what waited is the bridge's, so the status bar
shows it as any other. The sign-in screen, when a profile has expired because it could not sync
(``SignInScreen``): there the sign-in, its sync and the unlock run on the runner for work that
needs no open store."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

from ehdesk.ui.ops import error_text
from ehdesk.ui.style import heading
from ehdesk.ui.widgets import FieldForm, MessageLine

if TYPE_CHECKING:
    from ehdesk.store.store import Store

EXPLAINED = (
    "The council server no longer accepts this laptop's sign-in, so your changes are waiting on "
    "it. Type your council password to sign this laptop in again; what is waiting is then sent."
)
WHICH_PASSWORD = (
    "If IT has reset your password, type the new one they gave you. This laptop still unlocks with "
    "the password you used to open it today."
)

# ``start(password, owner, on_done, on_error)`` starts the sign-in off the UI thread and returns
# whether it started; ``on_done(result)`` or ``on_error(exc)`` come back on the UI thread.
Start = Callable[[str, QObject, Callable[[Any], None], Callable[[BaseException], None]], bool]


class SignInAgainDialog(QDialog):
    # The laptop is signed in again (with what the sign-in returned).
    signed_in = Signal(object)

    def __init__(self, username: str, start: Start, parent=None) -> None:
        super().__init__(parent)
        self.start = start
        self.busy = False
        self.done_ok = False
        self.setWindowTitle("Sign in again")
        explained = QLabel(EXPLAINED)
        explained.setWordWrap(True)
        self.form = FieldForm()
        self.username = self.form.add("username", "User name", QLabel(username))
        self.password = self.form.add("password", "Council password", QLineEdit())
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.which = which = QLabel(WHICH_PASSWORD)
        which.setWordWrap(True)
        which.setProperty("role", "note")
        self.message = MessageLine(room_when_empty=False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Sign in")
        self.cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Sign this laptop in again", "section"))
        layout.addWidget(explained)
        layout.addWidget(self.form)
        layout.addWidget(which)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 34)
        self.password.setFocus()

    def accept(self) -> None:
        """Sign in was pressed: the dialog stays open until the server has answered."""
        if self.done_ok:
            super().accept()
            return
        if self.busy:
            return
        password = self.password.text()
        if not password:
            self.say("Type your council password.", error=True)
            self.password.setFocus()
            return
        self._set_busy(True)
        self.say("Signing in…")
        if not self.start(password, self, self._signed_in, self.failed):
            self._set_busy(False)
            self.say("This worker's store is locked. Sign in again to carry on.", error=True)

    def _signed_in(self, result) -> None:
        self._set_busy(False)
        self.done_ok = True
        self.password.clear()
        self.password.setEnabled(False)
        self.say("Signed in again. Your waiting changes are being sent now: the status bar says when.")
        self.ok.setText("Close")
        self.cancel.hide()
        self.signed_in.emit(result)

    def close_signed_in(self) -> None:
        """Signed in, synced and opened (the sign-in screen's case): nothing left to say here."""
        self._set_busy(False)
        self.done_ok = True
        self.accept()

    def failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.say(error_text(exc), error=True)
        self.password.selectAll()
        self.password.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok.setEnabled(not busy)
        self.password.setEnabled(not busy)

    def say(self, text: str, error: bool = False) -> None:
        self.message.say(text, error=error)


def for_open_store(store: Store, parent=None) -> SignInAgainDialog:
    """The status bar's dialog: signs the open profile in again on the store's runner, without the
    sync (the bridge syncs once ``signed_in`` is emitted)."""
    from ehdesk.ui.ops import for_store

    def start(password: str, owner: QObject, on_done, on_error) -> bool:
        def work() -> None:
            from ehdesk.sync.provision import sign_in_again

            sign_in_again(store, password, sync=False)

        return for_store(store).run(work, on_done, owner=owner, on_error=on_error)

    profile = store.profile
    return SignInAgainDialog(profile.username or profile.name, start, parent)
