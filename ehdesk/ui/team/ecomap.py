"""The ecomap drawn: the household in the middle, the wider family, informal supports and
agencies around it, each joined by a line whose style says how strong the tie is (the usual
ecomap convention: thick for strong, plain for moderate, dashed for weak, a zig-zag for
stressful). Drawn on a QGraphicsScene from ``casework.network.Ecomap``; no data is read here."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QTextOption
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from ehdesk.casework.network import Ecomap
from ehdesk.ui.style import current

KIND_COLOURS = {
    "wider_family": "#7b4fa0",
    "informal": "#2f855a",
    "agency": "#2f5d8a",
}
RADIUS = 210
NODE_W = 160


def _ink() -> QColor:
    """Lines and words in the theme's text colour (one palette: ui/style.py), so the map reads
    in dark and high contrast as in light."""
    return QColor(current().text)


def _kind_colour(kind: str) -> QColor:
    colour = QColor(KIND_COLOURS.get(kind, "#52606d"))
    return colour.lighter(190) if current().dark else colour


def _pen(strength: str) -> QPen:
    if strength == "strong":
        return QPen(_ink(), 4)
    if strength == "weak":
        pen = QPen(QColor(current().muted), 1.5)
        pen.setStyle(Qt.PenStyle.DashLine)
        return pen
    if strength == "stressful":
        return QPen(QColor(current().warn), 2)
    return QPen(QColor(current().muted), 2)  # moderate, or not said


def _zigzag(a: QPointF, b: QPointF) -> QPainterPath:
    """A stressful tie: a zig-zag line (colour alone must not carry the meaning)."""
    path = QPainterPath(a)
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length, dx / length
    steps = max(int(length / 12), 2)
    for i in range(1, steps):
        t = i / steps
        side = 6 if i % 2 else -6
        path.lineTo(a.x() + dx * t + nx * side, a.y() + dy * t + ny * side)
    path.lineTo(b)
    return path


class EcomapView(QGraphicsView):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAccessibleName("Ecomap of the family's network")
        # Small enough for a 1,280x720 window, and beside the list on 853 px (a 1,280x720 screen
        # at 150%); the view scales the drawing to fit.
        self.setMinimumSize(280, 220)
        self.node_labels: list[str] = []  # what is drawn, for tests and screen readers

    def show_map(self, data: Ecomap) -> None:
        scene = self.scene()
        scene.clear()
        self.node_labels = []
        centre = QPointF(0, 0)
        font = QFont()
        font.setPointSize(10)
        bold = QFont(font)
        bold.setBold(True)
        # Centred and narrower than the ellipse, which grows to hold a long (or right-to-left)
        # household name and many members.
        title = _centred(scene.addText(f"{data.household_name} household", bold), TEXT_W)
        members = _centred(scene.addText(", ".join(data.household) or "No one recorded", font), TEXT_W)
        title_h = title.boundingRect().height() - 4
        half = (title_h + members.boundingRect().height()) / 2
        b = max(55.0, half + 16)
        a = max(95.0, TEXT_W / 2 / math.sqrt(1 - (half / b) ** 2) + 6)
        household = scene.addEllipse(
            QRectF(-a, -b, 2 * a, 2 * b), QPen(_ink(), 2), QBrush(QColor(current().alt_base))
        )
        title.setDefaultTextColor(_ink())
        members.setDefaultTextColor(_ink())
        household.setZValue(2)
        title.setPos(-TEXT_W / 2, -half)
        members.setPos(-TEXT_W / 2, -half + title_h)
        count = len(data.nodes)
        for i, node in enumerate(data.nodes):
            angle = -math.pi / 2 + 2 * math.pi * i / max(count, 1)
            point = QPointF(
                centre.x() + RADIUS * math.cos(angle) * 1.25, centre.y() + RADIUS * math.sin(angle)
            )
            if node.strength == "stressful":
                line = scene.addPath(_zigzag(centre, point), _pen(node.strength))
            else:
                line = scene.addLine(centre.x(), centre.y(), point.x(), point.y(), _pen(node.strength))
            line.setZValue(1)
            colour = _kind_colour(node.kind)
            label = node.label + (" (lead)" if node.is_lead else "")
            text = scene.addText(label, bold)
            text.setDefaultTextColor(colour)
            text.setTextWidth(NODE_W - 6)
            text.setZValue(3)
            height = text.boundingRect().height()
            sub = None
            if node.detail:
                sub = scene.addText(node.detail, font)
                sub.setDefaultTextColor(_ink())
                sub.setTextWidth(NODE_W - 6)
                sub.setZValue(3)
                height += sub.boundingRect().height() - 6
            rect = QRectF(point.x() - NODE_W / 2, point.y() - height / 2, NODE_W, height)
            box = scene.addRect(
                rect, QPen(colour, 3 if node.is_lead else 1.5), QBrush(QColor(current().base))
            )
            box.setZValue(2)
            text.setPos(rect.left() + 3, rect.top())
            if sub is not None:
                sub.setPos(rect.left() + 3, rect.top() + text.boundingRect().height() - 6)
            tip = f"{node.kind_label}: {label}" + (
                f" — {node.strength_label} tie" if node.strength_label else ""
            )
            box.setToolTip(tip)
            self.node_labels.append(tip)
        self._legend(scene, font)
        if not data.nodes:
            note = scene.addText("No one in the family's network is recorded yet.", font)
            note.setDefaultTextColor(_ink())
            note.setPos(-140, 70)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self.fitInView(scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def _legend(self, scene: QGraphicsScene, font: QFont) -> None:
        y = RADIUS + 50
        x = -RADIUS * 1.25 - 60
        for strength, words in (
            ("strong", "Strong"),
            ("moderate", "Moderate"),
            ("weak", "Weak"),
            ("stressful", "Stressful"),
        ):
            a, b = QPointF(x, y), QPointF(x + 40, y)
            if strength == "stressful":
                scene.addPath(_zigzag(a, b), _pen(strength))
            else:
                scene.addLine(a.x(), a.y(), b.x(), b.y(), _pen(strength))
            text = scene.addText(words, font)
            text.setDefaultTextColor(_ink())
            text.setPos(x + 44, y - 11)
            x += 56 + text.boundingRect().width()
        for kind, words in (
            ("wider_family", "Wider family"),
            ("informal", "Friends and informal"),
            ("agency", "Agencies"),
        ):
            rect = scene.addRect(QRectF(x, y - 7, 14, 14), QPen(_kind_colour(kind), 2))
            rect.setBrush(QBrush(QColor(current().base)))
            text = scene.addText(words, font)
            text.setDefaultTextColor(_ink())
            text.setPos(x + 16, y - 11)
            x += 30 + text.boundingRect().width()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.scene() and not self.scene().sceneRect().isEmpty():
            self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)


TEXT_W = 150


def _centred(item, width: float):
    option = QTextOption(Qt.AlignmentFlag.AlignHCenter)
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    item.document().setDefaultTextOption(option)
    item.setTextWidth(width)
    item.setZValue(3)
    return item
