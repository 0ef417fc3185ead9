"""“Who is using this laptop?”: one tile per worker profile, then a password field."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ehdesk.errors import EhdeskError, ProfileExpired, TooManyAttempts, WrongPassword
from ehdesk.store import ProfileManager

if TYPE_CHECKING:
    from ehdesk.store.store import Store
from ehdesk.store.profile_info import ProfileInfo
from ehdesk.ui.enum_props import set_enum
from ehdesk.ui.style import heading

TILES_PER_ROW = 4


AVATAR_COLOURS = ("#1a5fb4", "#26a269", "#a51d2d", "#c64600", "#613583", "#1c71d8", "#986a44", "#2a7f86")


def initials(name: str) -> str:
    parts = [p for p in name.split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


# Qt::AlignCenter, for QPainter.drawText (whose flags are a plain int in C++).
ALIGN_CENTER = 0x0084


def _filled(size: int, ratio: float, colour: QColor) -> QPixmap:
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(colour)
    return pixmap


def avatar(name: str, size: int, ratio: float) -> QIcon:
    """A coloured circle with the worker's initials, so a tile is recognised at a glance.

    Drawn without a pen or brush of its own: ``QPainter.setPen`` and ``setBrush`` have overloads
    taking Qt enums, and calling them builds PySide's whole ``Qt`` namespace before the sign-in
    screen's first paint (see ``ui/enum_props.py``). The disc is a filled pixmap drawn through a
    circular clip (antialiased, as a filled ellipse is); the initials are drawn in the default
    (black) pen on a clear layer and turned white by composing white over them ("source in")."""
    letters = _filled(size, ratio, QColor(0, 0, 0, 0))
    painter = QPainter(letters)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont(painter.font())
    font.setPixelSize(int(size * 0.38))
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRect(0, 0, size, size), ALIGN_CENTER, initials(name))
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.drawPixmap(0, 0, _filled(size, ratio, QColor("#ffffff")))
    painter.end()

    pixmap = _filled(size, ratio, QColor(0, 0, 0, 0))
    circle = QPainterPath()
    circle.addEllipse(0, 0, size, size)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setClipPath(circle)
    colour = QColor(AVATAR_COLOURS[sum(map(ord, name)) % len(AVATAR_COLOURS)])
    painter.drawPixmap(0, 0, _filled(size, ratio, colour))
    painter.drawPixmap(0, 0, letters)
    painter.end()
    return QIcon(pixmap)


def _centred(item: QWidget | QGridLayout) -> QHBoxLayout:
    """``item`` at its own width, in the middle of a row: where an ``AlignHCenter`` alignment
    places it, without naming Qt's enums (ui/enum_props.py). Laid out right to left: the stretches
    then leave an odd spare pixel on the right, as the alignment does (the same screen, pixel for
    pixel, in the app's left-to-right layout)."""
    row = QHBoxLayout()
    row.setDirection(QHBoxLayout.Direction.RightToLeft)
    row.addStretch(1)
    if isinstance(item, QWidget):
        row.addWidget(item)
    else:
        row.addLayout(item)
    row.addStretch(1)
    return row


class SignInScreen(QWidget):
    unlocked = Signal(object)  # Store

    def __init__(self, manager: ProfileManager, parent=None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.profiles: list[ProfileInfo] = []
        self.busy = False
        self.hints: dict[str, str] = {}  # profile name -> password shown (the demo profile only)

        # Qt enums are set by name on this screen (set_enum): naming PySide's Qt namespace costs
        # a tenth of the app's start, so it is built after the first paint (ui/enum_props.py).
        self.title = heading("Who is using this laptop?")
        set_enum(self.title, "alignment", "AlignCenter")
        self.subtitle = heading("Choose your name, then type your password.", "subtitle")
        set_enum(self.subtitle, "alignment", "AlignCenter")
        self.tiles = QButtonGroup(self)
        self.tiles.setExclusive(True)
        self.tile_grid = QGridLayout()
        self.tile_grid.setSpacing(12)
        self.empty = QLabel("No workers use this laptop yet. Add yourself to begin.")
        self.empty.setProperty("role", "note")
        set_enum(self.empty, "alignment", "AlignCenter")

        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Password")
        self.password.setAccessibleName("Password")
        self.sign_in = QPushButton("&Sign in")
        self.sign_in.setProperty("primary", True)
        self.sign_in.setDefault(True)
        self.message = QLabel()
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        set_enum(self.message, "alignment", "AlignCenter")
        # Offered when a profile could not open because its server no longer accepts the laptop's
        # sign-in (an expired profile that cannot sync): its records open once it signs in again.
        self.sign_in_again = QPushButton("Sign &in again…")
        self.sign_in_again.setAccessibleName("Sign this laptop in to the council server again")
        self.again_dialog = None  # ehdesk.ui.sync.sign_in_again.SignInAgainDialog while open
        self.hint = QLabel()
        self.hint.setProperty("role", "banner")
        self.hint.setWordWrap(True)
        set_enum(self.hint, "textInteractionFlags", "TextSelectableByMouse")
        self.hint.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        self.add_worker = QPushButton("&Add a worker on this laptop…")
        self.add_worker.setFlat(True)

        card = QWidget()
        card.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 44)
        box = QVBoxLayout(card)
        box.setSpacing(12)
        box.addWidget(self.title)
        box.addWidget(self.subtitle)
        box.addSpacing(8)
        box.addLayout(_centred(self.tile_grid))
        box.addWidget(self.empty)
        box.addSpacing(8)
        row = QHBoxLayout()
        row.addWidget(self.password, 1)
        row.addWidget(self.sign_in)
        box.addLayout(row)
        box.addWidget(self.message)
        box.addLayout(_centred(self.sign_in_again))
        box.addWidget(self.hint)
        box.addWidget(self.progress)
        box.addSpacing(8)
        box.addLayout(_centred(self.add_worker))

        outer = QVBoxLayout(self)
        outer.addStretch(2)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(card, 3)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(3)

        self.password.returnPressed.connect(self.try_sign_in)
        self.sign_in.clicked.connect(self.try_sign_in)
        self.add_worker.clicked.connect(self.ask_add_worker)
        self.sign_in_again.clicked.connect(self.ask_sign_in_again)
        self.tiles.idClicked.connect(self._tile_chosen)
        # After too many wrong passwords: a countdown, once a second, until the next try.
        self._retry_timer = QTimer(self)
        self._retry_timer.setInterval(1000)
        self._retry_timer.timeout.connect(self._count_down)
        self._retry_left = 0
        self.message.hide()
        self.sign_in_again.hide()

    # -- tiles -----------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        try:
            self.profiles = self.manager.list()
        except EhdeskError as exc:
            self.profiles = []
            self.show_message(exc.message)
        for button in self.tiles.buttons():
            self.tiles.removeButton(button)
            button.deleteLater()
        for i, profile in enumerate(self.profiles):
            tile = QToolButton()
            tile.setProperty("tile", True)
            tile.setCheckable(True)
            set_enum(tile, "toolButtonStyle", "ToolButtonTextUnderIcon")
            side = self.fontMetrics().height() * 3
            tile.setIcon(avatar(profile.name, side, self.devicePixelRatioF()))
            tile.setIconSize(QSize(side, side))
            tile.setText(profile.name)
            tile.setAccessibleName(f"Sign in as {profile.name}")
            # A fixed size is a fixed size policy too (no QSizePolicy: its Python type costs 0.5 ms).
            tile.setFixedSize(self.fontMetrics().horizontalAdvance("M") * 11, self.fontMetrics().height() * 6)
            self.tiles.addButton(tile, i)
            self.tile_grid.addWidget(tile, i // TILES_PER_ROW, i % TILES_PER_ROW)
        self.empty.setVisible(not self.profiles)
        self.password.setEnabled(bool(self.profiles))
        self.sign_in.setEnabled(bool(self.profiles))
        wanted = select or (self.profiles[0].name if len(self.profiles) == 1 else None)
        if wanted:
            self.choose(wanted)

    def choose(self, name: str) -> None:
        for i, profile in enumerate(self.profiles):
            if profile.name == name:
                self.tiles.button(i).setChecked(True)
                self._tile_chosen(i)
                return

    def chosen(self) -> ProfileInfo | None:
        i = self.tiles.checkedId()
        return self.profiles[i] if 0 <= i < len(self.profiles) else None

    def _tile_chosen(self, i: int) -> None:
        profile = self.profiles[i]
        self.password.setPlaceholderText(f"Password for {profile.name}")
        self.password.setAccessibleName(f"Password for {profile.name}")
        self.show_message("")
        hint = self.hints.get(profile.name)
        self.hint.setText(f"This is the demo worker. Its password is: {hint}" if hint else "")
        self.hint.setVisible(bool(hint))
        self.password.setFocus()

    # -- signing in ------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.sign_in_again.hide()  # shown again only with the message that calls for it

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        for w in (self.password, self.sign_in, self.add_worker, self.sign_in_again, *self.tiles.buttons()):
            w.setEnabled(not busy)
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)
            self.progress.setFormat(text)
            self.subtitle.setText(text)
        else:
            self.subtitle.setText("Choose your name, then type your password.")

    def try_sign_in(self) -> None:
        if self.busy:
            return
        profile = self.chosen()
        if profile is None:
            self.show_message("Choose your name first.")
            return
        password = self.password.text()
        if not password:
            self.show_message(f"Type the password for {profile.name}.")
            self.password.setFocus()
            return
        self.set_busy(True, "Signing in…")
        manager, name = self.manager, profile.name

        def unlock():
            from ehdesk.sync import expiry  # an expired server profile opens only after a sync

            return expiry.unlock(manager, name, password)

        from ehdesk.ui.ops import background  # not before the first paint (see ui/main_window.py)

        background().run(unlock, self._signed_in, owner=self, on_error=self._failed)

    def _signed_in(self, store: Store) -> None:
        self.set_busy(False)
        self.password.clear()
        self.show_message("")
        self.unlocked.emit(store)

    def _failed(self, exc: BaseException) -> None:
        self.set_busy(False)
        self.password.selectAll()
        self.password.setFocus()
        if isinstance(exc, TooManyAttempts):
            self._retry_left = math.ceil(exc.retry_after)
            self._count_down(first=True)
            self._retry_timer.start()
        elif isinstance(exc, EhdeskError):
            self.show_message(exc.message)
            self.sign_in_again.setVisible(isinstance(exc, ProfileExpired) and exc.signed_out)
        else:
            self.show_message("Signing in failed because of a problem on this laptop. Nothing was changed.")

    def _count_down(self, first: bool = False) -> None:
        if not first:
            self._retry_left -= 1
        if self._retry_left > 0:
            left = self._retry_left
            self.show_message(
                f"Too many wrong passwords. Wait {left} second{'s' if left != 1 else ''} and try again."
            )
            self.sign_in.setEnabled(False)
            return
        self._retry_timer.stop()
        self.sign_in.setEnabled(bool(self.profiles))
        self.show_message("You can try your password again now.")

    # -- signing an expired profile in again ------------------------------------------------

    def ask_sign_in_again(self) -> None:
        """The worker's council password, in a dialog; then, off the UI thread, the profile is
        unlocked with the password typed on this screen, signed in again and synced, and opens."""
        from ehdesk.ui.sync.sign_in_again import SignInAgainDialog  # rarely: not on the start-up path

        profile = self.chosen()
        password = self.password.text()
        if profile is None or not password:
            self.show_message("Type your password first: the one that opens this laptop.")
            self.password.setFocus()
            return
        if self.again_dialog is not None:
            self.again_dialog.raise_()
            return
        manager, name = self.manager, profile.name

        def start(server_password: str, _dialog, on_done, on_error) -> bool:
            def work():
                from ehdesk.sync import expiry

                return expiry.unlock_signing_in_again(manager, name, password, server_password)

            def failed(exc: BaseException) -> None:
                if isinstance(exc, WrongPassword):  # the screen's password, not the council's
                    exc = WrongPassword(
                        f"The password typed on the sign-in screen does not open {name}'s profile. "
                        "Close this, type it again there, and choose Sign in again."
                    )
                if self.again_dialog is not None:
                    on_error(exc)
                else:
                    self._failed(exc)

            from ehdesk.ui.ops import background

            # Owned by this screen, not the dialog: a store opened after the dialog was closed
            # is still handed on (or closed by the window), never left open.
            return background().run(work, self._signed_in_again, owner=self, on_error=failed)

        dialog = SignInAgainDialog(profile.username or name, start, parent=self.window())
        dialog.finished.connect(self._again_closed)
        self.again_dialog = dialog
        dialog.open()

    def _signed_in_again(self, store: Store) -> None:
        if self.again_dialog is not None:
            self.again_dialog.close_signed_in()
        self._signed_in(store)

    def _again_closed(self, _result: int) -> None:
        dialog, self.again_dialog = self.again_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    # -- adding a worker -------------------------------------------------------------------

    def ask_add_worker(self) -> None:
        from ehdesk.ui.signin.add_worker import AddWorkerDialog  # rarely: not on the start-up path

        dialog = AddWorkerDialog(self)
        if dialog.exec():
            self.add_profile(*dialog.values())

    def add_profile(self, name: str, password: str) -> None:
        self.set_busy(True, "Making a protected store for the new worker…")
        manager = self.manager

        def done(_):
            self.set_busy(False)
            self.refresh(select=name)

        def failed(exc):
            self.set_busy(False)
            self.show_message(getattr(exc, "message", "The worker could not be added."))

        from ehdesk.ui.ops import background

        background().run(lambda: manager.create(name, password), done, owner=self, on_error=failed)

    def show_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat(f"{text} %v of %m")
        self.progress.setTextVisible(True)
