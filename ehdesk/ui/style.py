"""One look for the whole app, drawn from ONE palette: light, dark, and a high-contrast version of
each. The theme follows the system's light or dark setting unless the worker chose one in
Settings; sizes come from the font (so 150% scaling and the larger-text setting both work).

Widgets never write colours of their own: they give labels a ``role`` (styled below), or call
``set_sheet(widget, template)`` with ``@token`` colours, which is re-applied when the theme
changes. Charts are coloured by ``style_chart``."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ehdesk.ui.enum_props import set_enum

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLayout

# Round every top-level screen (the caseload, a family's record, Reports, Team, Sign-offs,
# Conflicts): left, top, right, bottom. One value, so a heading never moves sideways between
# screens (Reports kept Qt's default 9 px and sat 7 px left of the caseload's title).
PAGE_MARGINS = (16, 12, 16, 8)


def page_margins(layout: QLayout, top: int | None = None) -> None:
    """Give a screen's outer layout the page margins (``top``: a shorter top, as the family
    record's one-line header)."""
    left, page_top, right, bottom = PAGE_MARGINS
    layout.setContentsMargins(left, page_top if top is None else top, right, bottom)


class Palette(NamedTuple):
    """The colours of one theme. A named tuple, not a frozen dataclass: the same reading, and a
    third of the cost to define (a dataclass's methods are generated and compiled at import, about
    1 ms of the sign-in screen's start for these 28 fields)."""

    name: str
    dark: bool
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    heading: str
    accent: str
    on_accent: str
    border: str
    warn: str
    ok: str
    banner_bg: str
    banner_fg: str
    caution_bg: str
    caution_fg: str
    caution_border: str
    note_bg: str
    note_fg: str
    draft_bg: str
    draft_fg: str
    done_bg: str
    done_fg: str
    signed_bg: str
    signed_fg: str
    selected_bg: str
    grid: str


LIGHT = Palette(
    "light", False,
    window="#f3f4f6", base="#ffffff", alt_base="#f5f7fa", text="#1f2933", muted="#52606d",
    heading="#1f3a5a", accent="#1a5fb4", on_accent="#ffffff", border="#aab4bf", warn="#b3261e",
    ok="#1e6b3a", banner_bg="#fdecea", banner_fg="#8a1c12", caution_bg="#fff4e5", caution_fg="#6b3f02",
    caution_border="#f0b429", note_bg="#eef2f6", note_fg="#3e4c59", draft_bg="#e4e7eb", draft_fg="#3e4c59",
    done_bg="#e3f1e8", done_fg="#22593c", signed_bg="#dbe7f3", signed_fg="#1f3a5a", selected_bg="#dbe7f3",
    grid="#b8c2cc",
)  # fmt: skip
DARK = Palette(
    "dark", True,
    window="#1e2228", base="#272c34", alt_base="#2e343d", text="#e6e9ef", muted="#b0bac6",
    heading="#a8cdf5", accent="#8ab4f8", on_accent="#0b1b33", border="#5a6472", warn="#ff8a80",
    ok="#81c995", banner_bg="#4a1f1c", banner_fg="#ffd7d3", caution_bg="#3d2e12", caution_fg="#ffdca3",
    caution_border="#b8860b", note_bg="#323944", note_fg="#dde2e9", draft_bg="#3a414c", draft_fg="#e2e6eb",
    done_bg="#1f3d2b", done_fg="#b4e6c4", signed_bg="#1f3350", signed_fg="#c4dcf7", selected_bg="#27436a",
    grid="#5a6472",
)  # fmt: skip
HIGH_CONTRAST_LIGHT = Palette(
    "high-contrast light", False,
    window="#ffffff", base="#ffffff", alt_base="#f0f0f0", text="#000000", muted="#1a1a1a",
    heading="#000000", accent="#0033a0", on_accent="#ffffff", border="#000000", warn="#9b0000",
    ok="#004d1a", banner_bg="#ffffff", banner_fg="#9b0000", caution_bg="#ffffff", caution_fg="#000000",
    caution_border="#000000", note_bg="#ffffff", note_fg="#000000", draft_bg="#ffffff", draft_fg="#000000",
    done_bg="#ffffff", done_fg="#004d1a", signed_bg="#ffffff", signed_fg="#0033a0", selected_bg="#c8d8ff",
    grid="#000000",
)  # fmt: skip
HIGH_CONTRAST_DARK = Palette(
    "high-contrast dark", True,
    window="#000000", base="#000000", alt_base="#141414", text="#ffffff", muted="#f0f0f0",
    heading="#ffff66", accent="#ffff66", on_accent="#000000", border="#ffffff", warn="#ff9c9c",
    ok="#9cffb4", banner_bg="#000000", banner_fg="#ff9c9c", caution_bg="#000000", caution_fg="#ffff66",
    caution_border="#ffff66", note_bg="#000000", note_fg="#ffffff", draft_bg="#000000", draft_fg="#ffffff",
    done_bg="#000000", done_fg="#9cffb4", signed_bg="#000000", signed_fg="#ffff66", selected_bg="#333300",
    grid="#ffffff",
)  # fmt: skip

THEMES = ("system", "light", "dark")
_current: dict[str, object] = {"palette": LIGHT, "base_pt": 10.0, "scale": 1.0}
_SHEET = "_ehdesk_sheet"


def current() -> Palette:
    return _current["palette"]  # type: ignore[return-value]


def choose(theme: str, high_contrast: bool, system_dark: bool) -> Palette:
    dark = system_dark if theme == "system" else theme == "dark"
    if high_contrast:
        return HIGH_CONTRAST_DARK if dark else HIGH_CONTRAST_LIGHT
    return DARK if dark else LIGHT


def system_is_dark(app: QApplication) -> bool:
    """The OS's light/dark choice (Qt 6.5+); unknown counts as light."""
    from PySide6.QtCore import Qt

    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def system_palette_is_dark(app: QApplication) -> bool:
    """The OS's light/dark choice as the palette Qt starts the application with shows it (Qt
    6.5+ makes that palette follow the colour scheme): for the sign-in screen's first paint, read
    before ``apply_style`` sets the app's own palette. ``system_is_dark`` reads the scheme itself,
    but that needs PySide's ``Qt`` namespace (see ``ui/enum_props.py``); the full style, 50 ms
    later, uses it."""
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def is_dark(palette: QPalette | None = None) -> bool:
    if palette is None:
        return current().dark
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def warning_colour() -> QColor:
    return QColor(current().warn)


def ok_colour() -> QColor:
    return QColor(current().ok)


def accent_colour() -> QColor:
    return QColor(current().accent)


def fill(template: str, palette: Palette | None = None, scale: float | None = None) -> str:
    """``@token`` colours from the palette; ``Npt`` sizes scaled with the larger-text setting."""
    palette = palette or current()
    values = {name: value for name, value in palette._asdict().items() if isinstance(value, str)}
    text = re.sub(r"@([a-z_]+)", lambda m: values.get(m.group(1), m.group(0)), template)
    scale = float(_current["scale"]) if scale is None else scale  # type: ignore[arg-type]
    return re.sub(r"(\d+(?:\.\d+)?)pt\b", lambda m: f"{float(m.group(1)) * scale:.1f}pt", text)


def set_sheet(widget: QWidget, template: str) -> None:
    """A widget's own style sheet, in palette tokens; re-filled whenever the theme changes."""
    widget.setProperty(_SHEET, template)
    widget.setStyleSheet(fill(template))


def heading(text: str, role: str = "title") -> QLabel:
    """A label in one of the roles the style sheet draws (``title``, ``subtitle``, ``section``...).
    Here rather than in ``widgets``: the sign-in screen needs it but none of the classes defined
    there (PySide builds each Qt class's Python type on first import, a few ms for those)."""
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(True)
    # Absolute: a household name in Arabic or Urdu still sits where every other heading does.
    # By name: the sign-in screen's headings are made before PySide's Qt namespace is.
    set_enum(label, "alignment", "AlignLeft|AlignAbsolute|AlignVCenter")
    return label


def qpalette(p: Palette) -> QPalette:
    pal = QPalette()
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, p.window),
        (roles.WindowText, p.text),
        (roles.Base, p.base),
        (roles.AlternateBase, p.alt_base),
        (roles.Text, p.text),
        (roles.Button, p.alt_base),
        (roles.ButtonText, p.text),
        (roles.BrightText, p.text),
        (roles.Highlight, p.accent),
        (roles.HighlightedText, p.on_accent),
        (roles.PlaceholderText, p.muted),
        (roles.ToolTipBase, p.base),
        (roles.ToolTipText, p.text),
        (roles.Link, p.accent),
        (roles.LinkVisited, p.accent),
        (roles.Mid, p.border),
        (roles.Dark, p.border),
        (roles.Shadow, p.border),
        (roles.Light, p.base),
        (roles.Midlight, p.alt_base),
    ):
        pal.setColor(role, QColor(colour))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(p.muted))
    return pal


STYLE = """
QLabel[role="title"] { font-size: @title_ptpt; font-weight: 600; color: @heading; }
QLabel[role="subtitle"] { font-size: @sub_ptpt; color: @muted; }
QLabel[role="section"] { font-size: @sub_ptpt; font-weight: 600; margin-top: 6px; }
QLabel[role="error"] { color: @warn; }
QLabel[role="note"] { color: @muted; }
QLabel[role="ok"] { color: @ok; }
QLabel[role="banner"] { background: @alt_base; color: @text; border: 1px solid @border;
    border-radius: 6px; padding: 8px 12px; }
QLabel[role="caution"] { background: @caution_bg; color: @caution_fg; border: 1px solid @caution_border;
    border-radius: 4px; padding: 6px 10px; }
QLineEdit, QPlainTextEdit, QListWidget {
    border: 1px solid @border; border-radius: 5px; padding: 4px 6px; background: @base; color: @text; }
QLineEdit:focus, QPlainTextEdit:focus, QListWidget:focus { border: 2px solid @accent; }
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"] {
    border: 2px solid @warn; }
QListWidget::item { padding: 3px 2px; }
QComboBox { border: 1px solid @border; border-radius: 4px; padding: 2px 6px; background: @base;
    color: @text; }
QComboBox:focus { border: 2px solid @accent; }
QComboBox:disabled { color: @muted; background: @window; }
QLineEdit:disabled, QPlainTextEdit:disabled { background: @window; color: @muted;
    border: 1px dashed @border; }
QPushButton:disabled { color: @muted; }
QPushButton { padding: 5px 14px; border-radius: 5px; border: 1px solid @border;
    background: @alt_base; color: @text; }
QPushButton:focus { border: 2px solid @accent; }
QPushButton[primary="true"] { background: @accent; color: @on_accent; border: 1px solid @accent;
    font-weight: 600; }
QPushButton[nav="true"] { padding: 4px 12px; border-radius: 4px; border: 1px solid transparent;
    background: transparent; }
QPushButton[nav="true"]:checked { background: @accent; color: @on_accent; font-weight: 600; }
QPushButton[nav="true"]:focus { border: 2px solid @accent; }
QToolButton[tile="true"] { border: 1px solid @border; border-radius: 10px; padding: 12px;
    background: @base; color: @text; }
QToolButton[tile="true"]:checked { border: 2px solid @accent; background: @selected_bg; }
QToolButton[tile="true"]:focus { border: 2px solid @accent; }
QTabWidget::pane { border: 1px solid @border; border-radius: 6px; top: -1px; }
QTabBar::tab { padding: 6px 14px; }
QFrame[card="true"] { border: 1px solid @border; border-radius: 6px; background: @base; }
QFrame[card="true"] QLabel { background: transparent; }
QStatusBar { border-top: 1px solid @border; }
QStatusBar QLabel { padding: 0 8px; }
QToolTip { background: @base; color: @text; border: 1px solid @border; }
"""


def _outline_indicators(app: QApplication) -> None:
    """Fusion with outlined check boxes and radio buttons (``ui/indicators.py``) as the app's Qt
    style. Setting a Qt style resets Qt's per-class fonts, so ``apply_style`` does this before it
    sets the font."""
    from PySide6.QtWidgets import QStyleFactory

    from ehdesk.ui.indicators import OutlinedIndicators

    if not isinstance(app.style(), OutlinedIndicators):
        app.setStyle(OutlinedIndicators(QStyleFactory.create("Fusion")))


def apply_style(app: QApplication, appearance=None, *, start_up: bool = False) -> Palette:
    """Set the palette, font and style sheet from the appearance settings (theme, high contrast,
    text size); everything already on screen, charts included, is redrawn in the new look.

    ``start_up``: for the sign-in screen's first paint, before anything else has set the app's
    palette. The Qt style is left as it is (the application is made with plain Fusion; the sign-in
    screen has no check box or radio button, so it looks the same), and the system's light or dark
    choice is read from the palette Qt started with (``system_palette_is_dark``). This runs again,
    in full, after the first paint (``ui/app.py``)."""
    theme = getattr(appearance, "theme", "system")
    high_contrast = bool(getattr(appearance, "high_contrast", False))
    scale = float(getattr(appearance, "text_scale", 1.0))
    if not start_up:
        _outline_indicators(app)
    system_dark = False
    if theme == "system":  # a chosen theme does not ask the system
        system_dark = system_palette_is_dark(app) if start_up else system_is_dark(app)
    palette = choose(theme, high_contrast, system_dark)
    if "system_pt" not in _current:
        _current["system_pt"] = max(QFont(app.font()).pointSizeF(), 10.0)
    base = float(_current["system_pt"]) * scale  # type: ignore[arg-type]
    _current.update(palette=palette, base_pt=base, scale=scale)
    font = QFont(app.font())
    font.setPointSizeF(base)
    app.setFont(font)
    app.setPalette(qpalette(palette))
    sheet = STYLE.replace("@title_pt", f"{base * 1.6:.1f}").replace("@sub_pt", f"{base * 1.15:.1f}")
    app.setStyleSheet(fill(sheet, palette, scale=1.0))  # its sizes are already scaled
    for widget in app.allWidgets():
        template = widget.property(_SHEET)
        if template:
            widget.setStyleSheet(fill(template))
    restyle_charts(app)
    return palette


# -- charts ------------------------------------------------------------------------------------


def style_chart(chart) -> None:
    """A QtCharts chart in the current palette: background, title, axes, grid and legend."""
    p = current()
    from PySide6.QtGui import QBrush, QPen

    ink, grid = QColor(p.text), QColor(p.grid)
    chart.setBackgroundBrush(QBrush(QColor(p.base)))
    chart.setBackgroundPen(QPen(QColor(p.border)))
    chart.setPlotAreaBackgroundVisible(False)
    chart.setTitleBrush(QBrush(ink))
    chart.legend().setLabelColor(ink)
    for axis in chart.axes():
        axis.setLabelsColor(ink)
        axis.setGridLineColor(grid)
        axis.setLinePenColor(grid)
        axis.setTitleBrush(QBrush(ink))
    background = QColor(p.base)
    for series in chart.series():
        bar_sets = getattr(series, "barSets", None)
        if bar_sets is not None:
            for bar_set in bar_sets():
                bar_set.setLabelColor(ink)
        elif hasattr(series, "markerShape"):  # the points drawn over a line
            series.setColor(readable(series.color(), background))
            series.setBorderColor(background)
        elif hasattr(series, "pen"):
            pen = series.pen()
            pen.setColor(readable(pen.color(), background))
            series.setPen(pen)


def readable(colour: QColor, background: QColor, minimum: float = 3.0) -> QColor:
    """The colour made lighter or darker, keeping its hue, until it stands out from the
    background by ``minimum`` (WCAG's 3:1 for lines and shapes): a navy line on a dark chart."""
    hue, saturation, lightness, alpha = colour.getHslF()
    step = 0.04 if luminance(background) < 0.5 else -0.04
    result = QColor(colour)
    while contrast(result, background) < minimum and 0.0 <= lightness + step <= 1.0:
        lightness += step
        result = QColor.fromHslF(max(hue, 0.0), saturation, lightness, alpha)
    return result


def restyle_charts(app: QApplication) -> None:
    if "PySide6.QtCharts" not in sys.modules:
        return  # no chart was ever made (the sign-in screen): loading QtCharts to find none is slow
    from PySide6.QtCharts import QChartView

    for widget in app.allWidgets():
        if isinstance(widget, QChartView) and widget.chart() is not None:
            style_chart(widget.chart())


# -- contrast (WCAG 2) -------------------------------------------------------------------------


def luminance(colour: QColor) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
