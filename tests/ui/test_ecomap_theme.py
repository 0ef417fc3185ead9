"""The ecomap is drawn from the theme's palette: in dark, its words and boxes are not light grey
on white (they were, before the map took its colours from ui/style.py)."""

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsTextItem

from ehdesk.casework.network import Ecomap, EcomapNode
from ehdesk.config.appearance import Appearance
from ehdesk.ui import style
from ehdesk.ui.team.ecomap import EcomapView

DATA = Ecomap(
    household_name="Shaw",
    household=["Isla Shaw", "Oscar Shaw"],
    nodes=[
        EcomapNode("1", "agency", "Agency or professional", "School", "Mrs Patel", "strong", "Strong", True),
        EcomapNode(
            "2", "wider_family", "Wider family", "Grandad", "Paternal grandfather", "stressful", "Stressful"
        ),
    ],
)


def test_every_word_on_the_ecomap_stands_out_from_its_box_in_dark_and_light(qtbot, qapp):
    saved = (qapp.styleSheet(), QPalette(qapp.palette()), QFont(qapp.font()))
    try:
        for theme in ("dark", "light"):
            style.apply_style(qapp, Appearance(theme=theme, high_contrast=False))
            view = EcomapView()
            qtbot.addWidget(view)
            view.show_map(DATA)
            items = view.scene().items()
            boxes = [i.brush().color() for i in items if isinstance(i, QGraphicsRectItem)]
            words = [i for i in items if isinstance(i, QGraphicsTextItem)]
            assert boxes and words
            base = QColor(style.current().base)
            assert all(b == base for b in boxes), theme  # node boxes are the theme's base colour
            for word in words:
                assert style.contrast(word.defaultTextColor(), base) >= 4.5, (theme, word.toPlainText())
    finally:
        qapp.setStyleSheet(saved[0])
        qapp.setPalette(saved[1])
        qapp.setFont(saved[2])
        style._current.update(palette=style.LIGHT, scale=1.0)
