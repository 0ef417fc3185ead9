"""The app's Qt style: Fusion, with check boxes and radio buttons outlined in the palette's muted
ink (Fusion's own outline is the window colour darkened, which all but vanishes in the dark
themes). A module of its own so that the sign-in screen starts without it: PySide builds the
Python types of ``QStyle`` and its proxies (their many enums, 5-10 ms) when this is imported, and
the sign-in screen shows no check box or radio button. See ``style.apply_style``."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle

from ehdesk.ui.style import current

_OUTLINED = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorRadioButton)


class OutlinedIndicators(QProxyStyle):
    """Fusion, with check boxes and radio buttons outlined in the palette's muted ink."""

    def drawPrimitive(self, element, option, painter, widget=None) -> None:  # noqa: N802  (Qt's name)
        super().drawPrimitive(element, option, painter, widget)
        # Called for every primitive of every widget (hundreds per repaint of the caseload): the
        # kinds are looked up once, at import.
        if element is not _OUTLINED[0] and element is not _OUTLINED[1]:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(current().muted), 1.2))
        box = QRectF(option.rect).adjusted(0.6, 0.6, -0.6, -0.6)
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(box)
        else:
            painter.drawRoundedRect(box, 2, 2)
        painter.restore()
