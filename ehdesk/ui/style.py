"""One calm look for the whole app. Colours come from the palette (so the OS dark theme works);
sizes come from the font (so 150% scaling works)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def warning_colour() -> QColor:
    return QColor("#ff8a80") if is_dark() else QColor("#b3261e")


def ok_colour() -> QColor:
    return QColor("#81c995") if is_dark() else QColor("#1e6b3a")


def accent_colour() -> QColor:
    return QColor("#8ab4f8") if is_dark() else QColor("#1a5fb4")


STYLE = """
QLabel[role="title"] {{ font-size: {title}pt; font-weight: 600; }}
QLabel[role="subtitle"] {{ font-size: {sub}pt; color: palette(placeholder-text); }}
QLabel[role="section"] {{ font-size: {sub}pt; font-weight: 600; margin-top: 6px; }}
QLabel[role="error"] {{ color: {warn}; }}
QLabel[role="note"] {{ color: palette(placeholder-text); }}
QLabel[role="banner"] {{ background: palette(alternate-base); border: 1px solid palette(mid);
    border-radius: 6px; padding: 8px 12px; }}
QLineEdit, QPlainTextEdit, QListWidget {{
    border: 1px solid palette(mid); border-radius: 5px; padding: 4px 6px; background: palette(base); }}
QLineEdit:focus, QPlainTextEdit:focus, QListWidget:focus {{
    border: 2px solid {accent}; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"] {{
    border: 2px solid {warn}; }}
QListWidget::item {{ padding: 3px 2px; }}
QLineEdit:disabled, QPlainTextEdit:disabled {{ background: palette(window); color: palette(placeholder-text);
    border: 1px dashed palette(mid); }}
QPushButton:disabled {{ color: palette(placeholder-text); }}
QPushButton {{ padding: 5px 14px; border-radius: 5px; border: 1px solid palette(mid);
    background: palette(button); }}
QPushButton:focus {{ border: 2px solid {accent}; }}
QPushButton[primary="true"] {{ background: {accent}; color: {on_accent}; border: 1px solid {accent};
    font-weight: 600; }}
QToolButton[tile="true"] {{ border: 1px solid palette(mid); border-radius: 10px; padding: 12px;
    background: palette(base); }}
QToolButton[tile="true"]:checked {{ border: 2px solid {accent}; background: palette(alternate-base); }}
QToolButton[tile="true"]:focus {{ border: 2px solid {accent}; }}
QTabWidget::pane {{ border: 1px solid palette(mid); border-radius: 6px; top: -1px; }}
QTabBar::tab {{ padding: 6px 16px; }}
QStatusBar {{ border-top: 1px solid palette(mid); }}
QStatusBar QLabel {{ padding: 0 8px; }}
"""


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    font = QFont(app.font())
    base = max(font.pointSizeF(), 10.0)
    font.setPointSizeF(base)
    app.setFont(font)
    dark = is_dark(app.palette())
    accent = accent_colour().name()
    # The table is left to the plain style (no rules here): style-sheet painting of thousands of
    # cells is what would make each keystroke in the search box slow.
    app.setStyleSheet(
        STYLE.format(
            title=base * 1.6,
            sub=base * 1.15,
            warn=warning_colour().name(),
            accent=accent,
            on_accent="#0b1b33" if dark else "#ffffff",
        )
    )
