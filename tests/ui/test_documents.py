"""Printing and saving a family's documents from their tabs: printed from memory, saved only on
purpose, and every copy recorded so `ehdesk pdf verify` recognises it."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from ehdesk.casework.documents import verify
from ehdesk.models import IssuedDocument
from ehdesk.ui.plan.tab import PlanTab
from tests.ui.test_plan_tabs import add_outcome, family, settle  # noqa: F401  (fixture)


def test_the_taf_plan_prints_and_saves_as_a_recorded_document(qtbot, store, family, tmp_path):  # noqa: F811
    tab = PlanTab(store, family)
    qtbot.addWidget(tab)
    settle(qtbot, tab)
    add_outcome(qtbot, tab, "Sam is at school every day", "Sam")
    assert tab.plan_document.isEnabled()

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printer-output.pdf"
    printer.setOutputFileName(str(printed))
    assert tab.plan_document.print_to(printer) >= 1
    assert printed.stat().st_size > 0  # the test's printer writes a file; a real one does not

    saved = tmp_path / "plan.pdf"
    tab.plan_document.save_to(saved)
    text = "".join(page.extract_text() for page in PdfReader(saved).pages)
    assert "Sam is at school every day" in text
    with store.session() as s:
        found = verify(s, saved.read_bytes())
        channels = sorted(d.channel for d in s.query(IssuedDocument).filter_by(family_id=family))
    assert found is not None and found.kind == "plan"
    assert channels == ["print", "save"]
    # A closure summary is only offered once the case is closed.
    assert tab.closure_document.isHidden()


def test_printing_to_a_file_warns_like_save_as_pdf_and_is_audited_as_an_export(
    qtbot,
    store,
    family,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QMessageBox

    from ehdesk.models import AuditEvent
    from ehdesk.ui import documents

    tab = PlanTab(store, family)
    qtbot.addWidget(tab)
    settle(qtbot, tab)
    add_outcome(qtbot, tab, "Sam is at school every day", "Sam")
    target = tmp_path / "printed-to-file.pdf"

    class PrintToPdf:  # the worker picks "Print to PDF" in the print dialog
        DialogCode = QPrintDialog.DialogCode

        def __init__(self, printer, parent):
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(target))

        def setWindowTitle(self, title):  # noqa: N802
            pass

        def exec(self):
            return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(documents, "QPrintDialog", PrintToPdf)
    warned = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda *a, **k: warned.append(a[2]) or QMessageBox.StandardButton.Cancel
    )
    tab.plan_document.print_dialog()
    assert "writes a file" in warned[0] and "not encrypted" in warned[0]
    assert not target.exists()  # cancelled: nothing written, nothing recorded
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Save)
    with qtbot.waitSignal(tab.plan_document.printed, timeout=10_000):
        tab.plan_document.print_dialog()
    assert target.stat().st_size > 0
    with store.session() as s:
        assert [d.channel for d in s.query(IssuedDocument).filter_by(family_id=family)] == ["save"]
        assert s.query(AuditEvent).filter_by(action="export", family_id=family).count() == 1
