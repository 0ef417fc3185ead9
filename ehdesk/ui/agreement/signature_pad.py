"""A pad to sign on with a mouse, a finger or a pen. Strokes are kept as point lists (with pen
pressure when a tablet gives it) so the last stroke can be undone; the signature is exported as a
PNG of the ink only, without the baseline or the hint."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPen, QTabletEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

INK = QColor("#1f2933")
BASELINE = QColor("#9aa5b1")
HINT = QColor("#52606d")  # 6.4:1 on white
PEN_WIDTH = 2.4
EXPORT_SCALE = 2  # PNG pixels per widget pixel: crisp when printed at ~60 mm wide


class SignaturePad(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[list[tuple[QPointF, float]]] = []
        self._drawing = False
        self.setMinimumSize(360, 130)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName("Signature pad")
        self.setToolTip("Sign above the line with a mouse, a finger or a pen")

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(480, 150)

    # --- state -------------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return not any(len(s) > 1 for s in self._strokes)

    def stroke_count(self) -> int:
        return len(self._strokes)

    def clear(self) -> None:
        self._strokes.clear()
        self.update()
        self.changed.emit()

    def undo(self) -> None:
        if self._strokes:
            self._strokes.pop()
            self.update()
            self.changed.emit()

    def baseline_y(self) -> float:
        return self.height() * 0.72

    # --- input -------------------------------------------------------------------------------
    def _begin(self, pos: QPointF, pressure: float) -> None:
        self._drawing = True
        self._strokes.append([(QPointF(pos), pressure)])
        self.update()

    def _extend(self, pos: QPointF, pressure: float) -> None:
        if self._drawing and self._strokes:
            self._strokes[-1].append((QPointF(pos), pressure))
            self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            if self._strokes and len(self._strokes[-1]) == 1:  # a tap: make it a visible dot
                p, w = self._strokes[-1][0]
                self._strokes[-1].append((p + QPointF(0.5, 0.5), w))
            self.update()
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position(), 1.0)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position(), 1.0)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._end()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        # A pen gives pressure; accepting the event stops Qt also sending synthesised mouse events.
        pressure = max(0.3, min(1.6, event.pressure() * 1.6)) if event.pressure() > 0 else 1.0
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._begin(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletMove:
            self._extend(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletRelease:
            self._end()
        event.accept()

    # --- drawing -----------------------------------------------------------------------------
    def _paint_ink(self, painter: QPainter, scale: float = 1.0) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for stroke in self._strokes:
            for (a, wa), (b, _wb) in zip(stroke, stroke[1:], strict=False):
                pen = QPen(INK, PEN_WIDTH * wa * scale, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                painter.drawLine(a * scale, b * scale)

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        y = self.baseline_y()
        painter.setPen(QPen(BASELINE, 1.2))
        painter.drawLine(QPointF(16, y), QPointF(self.width() - 16, y))
        painter.setPen(HINT)  # the pad is always white paper: its hint stays dark enough to read
        painter.drawText(
            QRectF(16, y + 4, self.width() - 32, 20), Qt.AlignmentFlag.AlignLeft, "✕  Sign above the line"
        )
        painter.setPen(QPen(BASELINE, 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        self._paint_ink(painter)
        painter.end()

    def to_png(self) -> bytes:
        """The ink as a PNG on white (no baseline, no hint), cropped to the signature."""
        if self.is_empty():
            return b""
        path = QPainterPath()
        for stroke in self._strokes:
            for p, _ in stroke:
                path.addRect(QRectF(p.x(), p.y(), 0.1, 0.1))
        box = path.boundingRect().adjusted(-8, -8, 8, 8).intersected(QRectF(self.rect()))
        size = QSize(max(1, int(box.width() * EXPORT_SCALE)), max(1, int(box.height() * EXPORT_SCALE)))
        image = QImage(size, QImage.Format.Format_Grayscale8)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.translate(-box.left() * EXPORT_SCALE, -box.top() * EXPORT_SCALE)
        self._paint_ink(painter, EXPORT_SCALE)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return bytes(data)
