"""Sizes within the screen's free area. A module of its own: the main window is sized with it at
start-up, before the sign-in screen's first paint, and ``ui/widgets.py`` costs several ms to import
(PySide builds the Python types of the Qt classes it names, ``Qt`` among them)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# The size the main window opens at where the screen has room (``start_size``).
START_WIDTH, START_HEIGHT = 1200, 780


def start_size(free: QSize) -> QSize:
    """The size the main window opens at on a screen whose free area is ``free`` (logical
    pixels): 1,200×780 where there is room, less where not (837×432 on a 1,280×720 screen at
    150%). The app opens at it, and the screenshot sweep lays every screen out at it, so what
    the sweep checks is what a worker sees."""
    return fit_size(free, START_WIDTH, START_HEIGHT)


def within_screen(widget: QWidget | None, width: int, height: int) -> QSize:
    """``width``×``height``, or less where the screen's free area is smaller (a 1,280x720 screen
    at 150% leaves 853x480 to lay out). ``widget`` None: the primary screen."""
    screen = widget.screen() if widget is not None else QGuiApplication.primaryScreen()
    return fit_size(screen.availableGeometry().size(), width, height) if screen else QSize(width, height)


def fit_size(free: QSize, width: int, height: int) -> QSize:
    # Leave room for the title bar and frame, which the free area does not exclude.
    return QSize(min(width, free.width() - 16), min(height, free.height() - 48))
