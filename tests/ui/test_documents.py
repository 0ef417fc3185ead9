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
