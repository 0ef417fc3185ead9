"""Print or save one of a family's documents (TAF plan, closure summary, progress, assessment).

The PDF is made off the UI thread and recorded as issued (so ``ehdesk pdf verify`` recognises the
copy), then either printed straight to the printer from memory — no file is left on disk — or,
after the shared-laptop warning, saved where the worker chooses. Both are audited by
``record_issued``. The agreement tab prints its frozen PDF the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QMessageBox, QPushButton, QWidget

from ehdesk.casework.documents import record_issued
from ehdesk.errors import EhdeskError
from ehdesk.paths import write_private_file
from ehdesk.ui.agreement.printing import print_pdf
from ehdesk.ui.ops import error_text, for_store

SHARED_LAPTOP_WARNING = (
    "A saved PDF is not encrypted. Anyone who uses this laptop, or the folder you save to, could "
    "read it. Only save a copy if you must, keep it somewhere safe, and delete it when it is no "
    "longer needed. Saving is recorded in the audit log."
)


def write_pdf(path: Path, pdf: bytes) -> str:
    try:
        write_private_file(Path(path), pdf)
    except OSError as exc:
        raise EhdeskError(f"The PDF could not be saved there: {exc.strerror}.") from None
    return str(path)


def ask_where_to_save(parent: QWidget, title: str, suggested_name: str) -> Path | None:
    """The shared-laptop warning first; then, only if the worker still wants a copy, where."""
    answer = QMessageBox.warning(
        parent,
        "Save an unencrypted copy?",
        SHARED_LAPTOP_WARNING,
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    if answer != QMessageBox.StandardButton.Save:
        return None
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested_name, "PDF (*.pdf)")
    return Path(path) if path else None


def print_channel(parent: QWidget, printer: QPrinter) -> str | None:
    """How a print leaves ehdesk: "print" for a real printer; a printer that writes a file (Print
    to PDF, Print to File) is a saved copy like Save as PDF — the same warning first, and it is
    audited as an export ("save"). None: the worker thought better of it."""
    if not printer.outputFileName():
        return "print"
    answer = QMessageBox.warning(
        parent,
        "Print to a file?",
        "This printer writes a file, not paper. " + SHARED_LAPTOP_WARNING,
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return "save" if answer == QMessageBox.StandardButton.Save else None


def latest_renderer(kind: str) -> Callable:
    """``render(session, family_id)`` for the latest document of ``kind`` (``ehdesk.documents``)."""

    def render(session, family_id):
        from ehdesk.documents import render_latest

        return render_latest(kind, session, family_id)

    return render


class DocumentActions(QWidget):
    """A "Print…" and a "Save as PDF…" button for one kind of document."""

    failed = Signal(str)
    printed = Signal(int)  # pages
    saved = Signal(str)  # path

    def __init__(
        self,
        store,
        family_id: str,
        kind: str,
        label: str,
        render: Callable | None = None,
        before: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.family_id, self.kind, self.label = store, family_id, kind, label
        self.render = render or latest_renderer(kind)
        self.before = before  # e.g. save what is being typed so the document shows it
        self.print_button = QPushButton(f"Print {label}…")
        self.print_button.setAccessibleName(f"Print the {label}")
        self.print_button.clicked.connect(self.print_dialog)
        self.save_button = QPushButton("Save as PDF…")
        self.save_button.setAccessibleName(f"Save the {label} as a PDF file")
        self.save_button.clicked.connect(self.save_dialog)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.print_button)
        layout.addWidget(self.save_button)
        self.failed.connect(self._show_failure)

    def _issue(self, s, channel: str) -> bytes:
        pdf, info = self.render(s, self.family_id)
        record_issued(s, self.family_id, self.kind, info.document_id, pdf, channel=channel)
        return pdf

    def issued_pdf(self, channel: str) -> bytes:
        """The document's bytes, recorded as issued through ``channel`` (print | save). Blocks: the
        screens issue through the store's queue (``_issue_then``)."""
        with self.store.session() as s:
            return self._issue(s, channel)

    def _issue_then(self, channel: str, then: Callable[[bytes], None]) -> None:
        render, family_id, kind = self.render, self.family_id, self.kind

        def issue(s) -> bytes:
            pdf, info = render(s, family_id)
            record_issued(s, family_id, kind, info.document_id, pdf, channel=channel)
            return pdf

        for_store(self.store).write(issue, then, owner=self, on_error=self._error)

    # -- printing ------------------------------------------------------------------------------

    def print_to(self, printer: QPrinter) -> int:
        return print_pdf(self.issued_pdf("print"), printer)

    def print_dialog(self) -> None:
        if self.before:
            self.before()
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print the {self.label}")
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        channel = print_channel(self, printer)  # a file printer warns and is audited as a save
        if channel is None:
            return
        self._issue_then(channel, lambda pdf: self._print_loaded(pdf, printer))

    def _print_loaded(self, pdf: bytes, printer: QPrinter) -> None:
        try:
            self.printed.emit(print_pdf(pdf, printer))
        except EhdeskError as exc:
            self._error(exc)

    # -- saving --------------------------------------------------------------------------------

    def save_to(self, path: Path) -> str:
        return write_pdf(path, self.issued_pdf("save"))

    def save_dialog(self) -> None:
        if self.before:
            self.before()
        path = ask_where_to_save(self, f"Save the {self.label} as PDF", f"{self.kind}.pdf")
        if path:
            ops = for_store(self.store)
            self._issue_then(
                "save",
                lambda pdf: ops.run(
                    lambda: write_pdf(path, pdf), self.saved.emit, owner=self, on_error=self._error
                ),
            )

    def _error(self, exc: BaseException) -> None:
        text = error_text(exc) if isinstance(exc, EhdeskError) else f"The {self.label} could not be made."
        self.failed.emit(text)

    def _show_failure(self, message: str) -> None:
        QMessageBox.information(self, f"The {self.label}", message)
