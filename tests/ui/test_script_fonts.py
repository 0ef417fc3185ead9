"""Names in Chinese script show as written on every screen, not as empty boxes, on a laptop that
has no Chinese font of its own (the CI machine has DejaVu only): ehdesk offers Qt the font its
PDFs embed."""

from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter
from PySide6.QtWidgets import QLabel

from ehdesk.ui.script_fonts import offer_fallback_fonts


def _drawn(text: str) -> QImage:
    image = QImage(120, 40, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(QFont("DejaVu Sans", 14))
    painter.drawText(5, 28, text)
    painter.end()
    return image


def test_a_chinese_name_is_drawn_in_the_shipped_font_not_as_boxes(qtbot):
    boxes = _drawn("\ue000\ue001")  # private-use characters: no font has them, Qt draws boxes
    owner = QLabel()
    qtbot.addWidget(owner)
    offer_fallback_fonts(owner)
    qtbot.waitUntil(lambda: "Droid Sans Fallback" in QFontDatabase.families(), timeout=10_000)
    assert _drawn("王明") != boxes
    assert _drawn("李华") != _drawn("王明")  # real glyphs: different names look different
