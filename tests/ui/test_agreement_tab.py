import io
import unicodedata

import pypdf
from PySide6.QtCore import QPoint, Qt
from PySide6.QtPrintSupport import QPrinter

from ehdesk import documents
from ehdesk.casework import agreements as ops
from ehdesk.casework.documents import verify
from ehdesk.models import AuditEvent
from ehdesk.ui.agreement.signature_pad import SignaturePad
from ehdesk.ui.agreement.tab import AgreementTab
from ehdesk.ui.ops import for_store
from tests.agreement.factory import make_family


def draw_signature(qtbot, pad: SignaturePad, strokes: int = 2, shift: int = 0) -> None:
    for n in range(strokes):
        y = 40 + n * 20 + shift * 3
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(30, y))
        for x in range(40, 300, 12):
            qtbot.mouseMove(pad, QPoint(x, y + (10 if (x // 12) % 2 else -10)))
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(300, y))


def test_signature_pad_draws_undoes_clears_and_exports_png(qtbot):
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(480, 150)
    pad.show()
    assert pad.is_empty()
    draw_signature(qtbot, pad, strokes=2)
    assert pad.stroke_count() == 2 and not pad.is_empty()
    png = pad.to_png()
    assert png.startswith(b"\x89PNG")
    pad.undo()
    assert pad.stroke_count() == 1
    pad.clear()
    assert pad.is_empty() and pad.to_png() == b""


def test_sign_on_screen_freeze_and_print(qtbot, store, tmp_path):
    with store.session() as s:
        family_id = make_family(s)
    tab = AgreementTab(store, family_id)
    qtbot.addWidget(tab)
    tab.resize(1100, 750)
    tab.show()
    qtbot.waitUntil(lambda: tab.prepare_button.isEnabled(), timeout=5000)

    with qtbot.waitSignal(tab.loaded, timeout=5000):
        qtbot.mouseClick(tab.prepare_button, Qt.MouseButton.LeftButton)
    assert tab.view is not None and tab.view.editable
    assert "Hassan-Wang" in tab.text.toPlainText()

    # Choose the school as an agency; the choice is saved as the worker goes.
    school = next(
        tab.agencies.item(i)
        for i in range(tab.agencies.count())
        if tab.agencies.item(i).data(Qt.ItemDataRole.UserRole) == "school"
    )
    school.setCheckState(Qt.CheckState.Checked)
    tab.flush_pending()
    for_store(store).flush()  # the choice is queued like every save; the lock would wait for it
    assert tab.view.agencies == ["school"]

    # Each parent with parental responsibility and the worker sign on the pad.
    for index in range(tab.signer.count()):
        signer = tab.signer.itemData(index)
        if signer.role == "young_person":
            continue
        tab.signer.setCurrentIndex(index)
        draw_signature(qtbot, tab.pad, strokes=2 + index, shift=index)  # each person signs differently
        with qtbot.waitSignal(tab.loaded, timeout=5000):
            qtbot.mouseClick(tab.sign_button, Qt.MouseButton.LeftButton)
    assert tab.signatures.count() == 3  # mother, father, worker

    with qtbot.waitSignal(tab.loaded, timeout=10000):
        qtbot.mouseClick(tab.freeze_button, Qt.MouseButton.LeftButton)
    assert tab.view.status == "signed"
    assert not tab.editor.isEnabled() and tab.print_button.isEnabled()

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    pages = tab.print_to(printer)
    printed = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    assert pages == len(printed.pages) >= 3

    with store.session() as s:
        pdf, view = documents.signed_pdf(s, family_id)
        assert verify(s, pdf).kind == "agreement"
        printed_events = s.query(AuditEvent).filter_by(action="print", family_id=family_id).count()
    assert printed_events == 1  # printing is audited; no copy of the PDF was written by ehdesk
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Fatima Hassan-Wang" in text and "School" in text
    assert "ليلى" in unicodedata.normalize("NFKC", text)
    assert sum(len(p.images) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages) == 3

    saved = tmp_path / "saved.pdf"
    tab.save_to(saved)
    assert saved.read_bytes() == pdf
    assert tab.check_file(saved).startswith("This PDF is exactly the agreement")


def test_verbal_consent_new_version_and_audited_save(qtbot, store, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMessageBox
    from sqlalchemy import select

    from ehdesk.models import AuditEvent, IssuedDocument

    with store.session() as s:
        family_id = make_family(s)
    tab = AgreementTab(store, family_id)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.prepare_button.isEnabled(), timeout=5000)
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.prepare()
    for index in range(tab.signer.count()):
        if tab.signer.itemData(index).role in ("parent", "worker"):
            tab.signer.setCurrentIndex(index)
            with qtbot.waitSignal(tab.loaded, timeout=5000):
                tab.add_verbal_consent("Interpreter by phone; no visit possible")
    # Freezing asks first and says what it means.
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes
    )
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.sign_and_freeze()
    assert "nobody can change them" in asked[0] and "new version" in asked[0]
    assert tab.view.status == "signed" and not tab.editor.isEnabled()
    assert all(s.verbal_reason for s in tab.view.signatures)

    # Saving asks first; cancelling the warning writes nothing and records nothing.
    warned = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda *a, **k: warned.append(a[2]) or QMessageBox.StandardButton.Cancel
    )
    tab.save_dialog()
    assert "not encrypted" in warned[0]
    with store.session() as s:
        assert [d.channel for d in s.scalars(select(IssuedDocument))] == ["signed"]

    target = tmp_path / "copy.pdf"
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Save)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    tab.save_dialog()
    # Written off the UI thread: wait until the whole file is there.
    qtbot.waitUntil(lambda: target.exists() and target.read_bytes().rstrip().endswith(b"%%EOF"), timeout=5000)
    assert target.read_bytes().startswith(b"%PDF")
    with store.session() as s:
        assert sorted(d.channel for d in s.scalars(select(IssuedDocument))) == ["save", "signed"]
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "export")).first() is not None

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.new_version()
    assert tab.view.version_number == 2 and tab.view.editable and tab.editor.isEnabled()


def test_freezing_needs_every_parent_or_the_reason_they_did_not_sign(qtbot, store, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[1]) or QMessageBox.StandardButton.Yes
    )
    with store.session() as s:
        family_id = make_family(s)
    tab = AgreementTab(store, family_id)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.prepare_button.isEnabled(), timeout=5000)
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.prepare()
    for role in ("parent", "worker"):  # the first parent and the worker only
        tab.signer.setCurrentIndex(
            next(i for i in range(tab.signer.count()) if tab.signer.itemData(i).role == role)
        )
        with qtbot.waitSignal(tab.loaded, timeout=5000):
            tab.add_verbal_consent("By phone")
    assert tab.missing_parents() == ["王 伟"]
    tab.sign_and_freeze()
    assert "王 伟" in tab.status.text() and "Did not sign" in tab.status.text() and tab.view.status == "draft"
    tab.signer.setCurrentIndex(
        next(i for i in range(tab.signer.count()) if tab.signer.itemData(i).name == "王 伟")
    )
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.record_not_signed("Working abroad until March")
    assert tab.missing_parents() == []
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.sign_and_freeze()
    assert tab.view.status == "signed"
    assert asked == ["Sign and freeze the agreement?"]  # asked once, only when it could freeze
    assert any(
        "did not sign (Working abroad until March)" in tab.signatures.item(i).text()
        for i in range(tab.signatures.count())
    )


def test_signature_pad_takes_a_pen_with_pressure(qtbot):
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QPointingDevice, QTabletEvent
    from PySide6.QtWidgets import QApplication

    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(480, 150)
    pad.show()
    device = QPointingDevice.primaryPointingDevice()

    def pen(kind, x, y, pressure):
        event = QTabletEvent(
            kind,
            device,
            QPointF(x, y),
            QPointF(x, y),
            pressure,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            Qt.KeyboardModifier.NoModifier,
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton,
        )
        QApplication.sendEvent(pad, event)

    pen(QEvent.Type.TabletPress, 20, 50, 0.2)
    for x in range(30, 200, 10):
        pen(QEvent.Type.TabletMove, x, 50 + x % 20, 0.9)
    pen(QEvent.Type.TabletRelease, 200, 50, 0.0)
    assert pad.stroke_count() == 1 and not pad.is_empty()
    widths = [w for _, w in pad._strokes[0]]
    assert min(widths) < max(widths)  # a light touch draws thinner than a firm one
    assert pad.to_png().startswith(b"\x89PNG")


def test_a_family_without_an_episode_has_nothing_to_prepare(qtbot, store):
    from ehdesk.casework.families import create_family

    with store.session() as s:
        family_id = create_family(s, {"household_name": "Nowak"})
    tab = AgreementTab(store, family_id)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        pass
    assert "no open episode" in tab.status.text()
    assert not tab.prepare_button.isEnabled() and not tab.editor.isEnabled()


def test_the_family_copy_prints_from_the_tab_in_their_language(qtbot, store):
    from tests.agreement.factory import sign_all

    with store.session() as s:
        family_id = make_family(s)
        view = ops.start_agreement(s, family_id, "Sam Worker")
        ops.update_draft(s, view.id, language="Polish")
        sign_all(s, family_id)
    tab = AgreementTab(store, family_id)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.family_copy.isEnabled(), timeout=5000)
    assert tab.family_copy.print_button.text() == "Print the family's copy…"

    pdf = tab.family_copy.issued_pdf("save")
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Porozumienie o wczesnej pomocy" in text and "egzemplarz dla rodziny" in text
    assert "Audit of signatures" not in text
    with store.session() as s:
        assert verify(s, pdf).kind == "agreement-family"  # recorded as issued, so it verifies
