"""Printing a stored PDF straight to a printer: the bytes are loaded into QtPdf from memory and
each page is rendered onto the QPrinter, so no copy of the document is left on disk."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QEventLoop, QIODevice, QRect, QSize, QTimer
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from ehdesk.errors import EhdeskError


def _load(pdf: bytes) -> tuple[QPdfDocument, QBuffer]:
    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() == QPdfDocument.Status.Loading:
        loop = QEventLoop()
        document.statusChanged.connect(lambda _s: loop.quit())
        QTimer.singleShot(5000, loop.quit)
        loop.exec()
    if document.status() != QPdfDocument.Status.Ready:
        raise EhdeskError("The document could not be prepared for printing.")
    return document, buffer


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Render every page of ``pdf`` to ``printer``; returns the number of pages printed."""
    document, buffer = _load(pdf)
    try:
        printer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                printer.pageLayout().margins(),
            )
        )
        printer.setFullPage(True)
        painter = QPainter()
        if not painter.begin(printer):
            raise EhdeskError("The printer could not be started. Check it is switched on and try again.")
        try:
            target: QRect = printer.pageLayout().fullRectPixels(printer.resolution())
            dpi = min(printer.resolution(), 300)
            for index in range(document.pageCount()):
                if index:
                    printer.newPage()
                points = document.pagePointSize(index)
                size = QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
                image = document.render(index, size)
                painter.drawImage(QRect(0, 0, target.width(), target.height()), image)
        finally:
            painter.end()
        return document.pageCount()
    finally:
        document.close()
        buffer.close()
