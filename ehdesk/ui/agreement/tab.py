"""The Agreement tab of the family record: prepare the agreement from the council's template,
choose the agencies and the review date, collect a signature from each adult with parental
responsibility, a young person where the worker judges them competent, and the worker (or record
consent given verbally, with the reason), then sign and freeze. A signed agreement is shown read
only; printing sends the stored PDF straight to a printer, and saving a copy is explicit and
audited."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QDate, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ehdesk import documents
from ehdesk.casework import agreements as ops
from ehdesk.casework.documents import record_issued, verify
from ehdesk.casework.uk_time import uk_time_words
from ehdesk.config.dates import qt_date_format, show_date
from ehdesk.config.pack import current_pack
from ehdesk.errors import EhdeskError
from ehdesk.ui.agreement.printing import print_pdf
from ehdesk.ui.agreement.signature_pad import SignaturePad
from ehdesk.ui.dates import show_no_date, uk_time
from ehdesk.ui.documents import DocumentActions, ask_where_to_save, print_channel, write_pdf
from ehdesk.ui.flow import FlowLayout
from ehdesk.ui.inputs import ChoiceBox, DateBox
from ehdesk.ui.ops import error_text, for_store, refresh_on_changes


def content_as_html(content: dict) -> str:
    """The filled agreement for the on-screen reader, with headings and bullet lists."""
    parts = [f"<h2>{escape(content['title'])}</h2>", f"<p>{escape(content['intro'])}</p>"]
    for section in content["sections"]:
        parts.append(f"<h3>{escape(section['heading'])}</h3>")
        parts.extend(f"<p>{escape(p)}</p>" for p in section["paragraphs"])
        if section["bullets"]:
            parts.append("<ul>" + "".join(f"<li>{escape(b)}</li>" for b in section["bullets"]) + "</ul>")
    parts.append(f"<p><b>{escape(content['declaration'])}</b></p>")
    return "".join(parts)


FREEZE_MEANS = (
    "Freezing keeps this exact wording and these signatures for good: nobody can change them "
    "afterwards, the signed PDF is stored and its fingerprint is printed on every copy. To change "
    "anything later you make a new version for the family to sign again."
)


class AgreementTab(QWidget):
    loaded = Signal()  # after every refresh from the store (tests wait on it)

    def __init__(self, store, family_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = for_store(store)
        self.family_id = family_id
        self.view: ops.AgreementView | None = None
        self.signers: list[ops.Signer] = []
        self.has_episode = False
        self._pending: dict = {}
        self._busy = False
        self._save_timer = QTimer(self, singleShot=True, interval=600)
        self._save_timer.timeout.connect(self.flush_pending)
        self._build()
        self._set_enabled()  # nothing can be done until the record has loaded
        self.refresh()
        refresh_on_changes(
            self,
            store,
            self.refresh,
            family_id=family_id,
            kinds={"episode", "agreement", "agreement_signature", "person"},
            ready=lambda: not self._pending and not self._busy,
        )

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.status = QLabel("Loading…")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prepare_button = QPushButton("Prepare the agreement")
        self.new_version_button = QPushButton("Make a new version…")
        self.print_button = QPushButton("Print…")
        self.save_button = QPushButton("Save as PDF…")
        self.check_button = QPushButton("Check a PDF…")
        # The family's own copy: no audit page, in their language where the pack has the template.
        self.family_copy = DocumentActions(
            self.store, self.family_id, "agreement-family", "the family's copy"
        )
        self.family_copy.save_button.setText("Save the family's copy as PDF…")
        self.status.setWordWrap(True)
        # Buttons wrap on a narrow window rather than widening it.
        top = FlowLayout().add_widgets(
            self.prepare_button,
            self.new_version_button,
            self.print_button,
            self.save_button,
            self.family_copy,
            self.check_button,
        )

        self.text = QTextBrowser()
        self.text.setAccessibleName("Agreement text")

        self.agencies = QListWidget()
        self.agencies.setAccessibleName("Agencies the family agrees we may share with")
        for choice in current_pack().agencies:
            item = QListWidgetItem(choice.label)
            item.setData(Qt.ItemDataRole.UserRole, choice.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.agencies.addItem(item)
        self.review_date = DateBox(calendarPopup=True)
        self.review_date.setDisplayFormat(qt_date_format())
        show_no_date(self.review_date)  # until the agreement says one
        details = QGroupBox("What is agreed")
        form = QFormLayout(details)
        form.addRow("Share information with", self.agencies)
        form.addRow("Review by", self.review_date)
        self.language = QLineEdit()
        self.language.setAccessibleName("Language the agreement was explained in")
        self.interpreter = QLineEdit()
        self.interpreter.setPlaceholderText("Name of the interpreter present (leave empty if none)")
        form.addRow("Explained in", self.language)
        form.addRow("Interpreter", self.interpreter)

        self.signer = ChoiceBox()
        self.signer.setAccessibleName("Who is signing")
        self.pad = SignaturePad()
        self.undo_button = QPushButton("Undo stroke")
        self.clear_button = QPushButton("Clear")
        self.sign_button = QPushButton("Add signature")
        self.verbal_button = QPushButton("Consent given verbally…")
        self.not_signed_button = QPushButton("Did not sign…")
        self.not_signed_button.setToolTip("Record why an adult with parental responsibility did not sign")
        pad_buttons = FlowLayout().add_widgets(
            self.undo_button, self.clear_button, self.verbal_button, self.not_signed_button, self.sign_button
        )
        self.signatures = QListWidget()
        self.signatures.setAccessibleName("Signatures collected")
        self.signatures.setIconSize(QSize(120, 40))
        self.remove_button = QPushButton("Remove signature")
        self.freeze_button = QPushButton("Sign and freeze the agreement")
        self.freeze_button.setDefault(True)
        signing = QGroupBox("Signatures")
        sl = QVBoxLayout(signing)
        hint = QLabel(
            "Each adult with parental responsibility, a young person if they are old enough to "
            "understand, and you sign. Each signature is stamped with the name, role and time."
        )
        hint.setWordWrap(True)
        sl.addWidget(hint)
        sl.addWidget(self.signer)
        sl.addWidget(self.pad)
        sl.addLayout(pad_buttons)
        sl.addWidget(self.signatures)
        row = FlowLayout().add_widgets(self.remove_button, self.freeze_button)
        sl.addLayout(row)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(details)
        rl.addWidget(signing, 1)
        self.editor = right
        # The details and signatures scroll as one page when the window is short.
        right_scroll = QScrollArea()
        right_scroll.setWidgetResizable(True)
        right_scroll.setFrameShape(QFrame.Shape.NoFrame)
        right_scroll.setWidget(right)
        right_scroll.setAccessibleName("What is agreed and the signatures")
        split = QSplitter()
        split.addWidget(self.text)
        split.addWidget(right_scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        self.prepare_button.clicked.connect(self.prepare)
        self.new_version_button.clicked.connect(self.new_version)
        self.print_button.clicked.connect(self.print_dialog)
        self.save_button.clicked.connect(self.save_dialog)
        self.check_button.clicked.connect(self.check_dialog)
        self.undo_button.clicked.connect(self.pad.undo)
        self.clear_button.clicked.connect(self.pad.clear)
        self.sign_button.clicked.connect(self.add_drawn_signature)
        self.verbal_button.clicked.connect(self.add_verbal_consent)
        self.not_signed_button.clicked.connect(self.record_not_signed)
        self.language.editingFinished.connect(lambda: self._queue(language=self.language.text()))
        self.interpreter.editingFinished.connect(lambda: self._queue(interpreter=self.interpreter.text()))
        self.remove_button.clicked.connect(self.remove_selected_signature)
        self.signatures.currentItemChanged.connect(lambda *_: self._set_enabled())
        self.freeze_button.clicked.connect(self.sign_and_freeze)
        self.agencies.itemChanged.connect(lambda _i: self._queue(agencies=self.chosen_agencies()))
        self.review_date.dateChanged.connect(lambda d: self._queue(review_date=d.toPython()))

    # --- loading -----------------------------------------------------------------------------
    def _run(self, work, on_done=None) -> None:
        """Change: ``work(session)`` on the store's queue in one transaction, then refresh."""
        self._busy = True
        self._set_enabled()

        def done(result):
            self._busy = False
            if on_done:
                on_done(result)
            self.refresh()

        self.runner.write(work, done, owner=self, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self._set_enabled()
        QMessageBox.warning(self, "Agreement", error_text(exc))

    def refresh(self) -> None:
        family_id, own_name = self.family_id, self.store.profile.name

        def load(s):
            episode = ops.current_episode(s, family_id)
            view = ops.latest_agreement(s, family_id)
            worker = view.worker_name if view else own_name
            images = ops.signature_images(s, view) if view else {}
            return episode is not None, view, ops.possible_signers(s, family_id, worker), images

        self.runner.query(load, self._show, owner=self, on_error=self._failed)

    def _show(self, result) -> None:
        self.has_episode, self.view, self.signers, images = result
        view = self.view
        self.agencies.blockSignals(True)
        self.review_date.blockSignals(True)
        if view is None:
            self.status.setText(
                "No agreement yet: Prepare the agreement fills it in from the record, ready to go through with the family."
                if self.has_episode
                else "This family has no open episode of early help."
            )
            self.text.setPlainText("")
            show_no_date(self.review_date)
        else:
            state = (
                f"Draft, version {view.version_number}"
                if view.editable
                else f"Signed on {show_date(view.signed_on)}, version {view.version_number}"
                + (" (superseded)" if view.status == "superseded" else "")
            )
            self.status.setText(state)
            self.text.setHtml(content_as_html(view.content))
            for i in range(self.agencies.count()):
                item = self.agencies.item(i)
                chosen = item.data(Qt.ItemDataRole.UserRole) in view.agencies
                item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
            if view.review_date:
                self.review_date.setDate(QDate(view.review_date))
            else:
                show_no_date(self.review_date)
            self.language.setText(view.language)
            self.interpreter.setText(view.interpreter)
        self.agencies.blockSignals(False)
        self.review_date.blockSignals(False)
        self.signer.clear()
        for s in self.signers:
            self.signer.addItem(f"{s.name} — {ops.ROLES[s.role]}", s)
        self.signatures.clear()
        for s in view.signatures if view else []:
            how = (
                "signed"
                if s.image_sha256
                else (
                    f"did not sign ({s.verbal_reason})"
                    if s.role == "not_signed"
                    else f"consent given verbally ({s.verbal_reason})"
                )
            )
            item = QListWidgetItem(f"{s.signer_name} — {s.role_label}: {how}, {uk_time_words(s.signed_at)}")
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            if s.image_sha256 in images:
                thumb = QPixmap()
                thumb.loadFromData(images[s.image_sha256], "PNG")
                item.setIcon(QIcon(thumb))
            self.signatures.addItem(item)
        self._set_enabled()
        self.loaded.emit()

    def _set_enabled(self) -> None:
        view = self.view
        draft = view is not None and view.editable and not self._busy
        signed = view is not None and not view.editable and bool(view.signed_on)
        self.prepare_button.setVisible(view is None)
        self.prepare_button.setEnabled(self.has_episode and not self._busy)
        self.new_version_button.setVisible(signed)
        for w in (self.print_button, self.save_button, self.family_copy):
            w.setEnabled(signed and not self._busy)
        self.editor.setEnabled(draft)
        self.remove_button.setEnabled(draft and self.signatures.currentItem() is not None)

    # --- editing -----------------------------------------------------------------------------
    def chosen_agencies(self) -> list[str]:
        return [
            self.agencies.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.agencies.count())
            if self.agencies.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _queue(self, **changes) -> None:
        self._pending.update(changes)
        self._save_timer.start()

    def flush_pending(self) -> None:
        """Queue the agency and date choices not yet saved (on lock, when switching family, and
        600 ms after the last change); the queue keeps them in order and a lock waits for it. A
        signature drawn but not added is not kept: it is not a signature until the signer confirms
        it."""
        self._save_timer.stop()
        if not self._pending or self.view is None or not self.view.editable:
            self._pending.clear()
            return
        changes, self._pending = self._pending, {}
        agreement_id = self.view.id

        def saved(view) -> None:
            self.view = view
            self.text.setHtml(content_as_html(view.content))

        self.runner.write(
            lambda s: ops.update_draft(s, agreement_id, **changes), saved, owner=self, on_error=self._failed
        )

    def prepare(self) -> None:
        name, family_id = self.store.profile.name, self.family_id
        self._run(lambda s: ops.start_agreement(s, family_id, name))

    def new_version(self) -> None:
        answer = QMessageBox.question(
            self,
            "Make a new version",
            "The signed agreement stays on record as it is. A new version starts as a draft and "
            "needs signing again. Make a new version?",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.prepare()

    def _current_signer(self) -> ops.Signer | None:
        return self.signer.currentData()

    def add_drawn_signature(self) -> None:
        signer = self._current_signer()
        if signer is None or self.view is None:
            return
        if self.pad.is_empty():
            QMessageBox.information(self, "Agreement", "Ask the person to sign on the pad first.")
            return
        self.flush_pending()
        png, agreement_id = self.pad.to_png(), self.view.id
        self.pad.clear()
        self._run(
            lambda s: ops.add_signature(
                s, agreement_id, signer.name, signer.role, person_id=signer.person_id, image_png=png
            )
        )

    def add_verbal_consent(self, reason: str | None = None) -> None:
        signer = self._current_signer()
        if signer is None or self.view is None:
            return
        if not reason:
            reason, ok = QInputDialog.getText(
                self, "Consent given verbally", f"Why could {signer.name} not sign? (for example: by phone)"
            )
            if not ok or not reason.strip():
                return
        agreement_id = self.view.id
        self._run(
            lambda s: ops.add_signature(
                s, agreement_id, signer.name, signer.role, person_id=signer.person_id, verbal_reason=reason
            )
        )

    def record_not_signed(self, reason: str | None = None) -> None:
        signer = self._current_signer()
        if signer is None or self.view is None or signer.role != "parent":
            self.status.setText("Choose the adult with parental responsibility who did not sign.")
            return
        if not reason:
            reason, ok = QInputDialog.getText(self, "Did not sign", f"Why did {signer.name} not sign?")
            if not ok or not reason.strip():
                return
        agreement_id, person_id = self.view.id, signer.person_id
        self._run(lambda s: ops.record_not_signed(s, agreement_id, person_id, reason))

    def remove_selected_signature(self) -> None:
        item = self.signatures.currentItem()
        if item is not None:
            signature_id = item.data(Qt.ItemDataRole.UserRole)
            self._run(lambda s: ops.remove_signature(s, signature_id))

    def missing_parents(self) -> list[str]:
        """Adults with parental responsibility who have neither signed nor consented verbally."""
        done = (
            {s.signer_name for s in self.view.signatures if s.role in ("parent", "not_signed")}
            if self.view
            else set()
        )
        return [s.name for s in self.signers if s.role == "parent" and s.name not in done]

    def sign_and_freeze(self, confirm: bool = True) -> None:
        if self.view is None:
            return
        missing = self.missing_parents()
        if confirm and missing:
            # Every adult with parental responsibility signs, or why they did not is recorded.
            self.status.setText(
                f"Not everyone with parental responsibility has signed ({', '.join(missing)}). Ask them "
                "to sign, or choose them and use “Did not sign…” to record why."
            )
            return
        if confirm:
            # Freezing cannot be undone: say what it means before it happens.
            answer = QMessageBox.question(
                self,
                "Sign and freeze the agreement?",
                FREEZE_MEANS,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.flush_pending()
        agreement_id = self.view.id
        self._run(lambda s: documents.sign_and_freeze(s, agreement_id))

    # --- documents ---------------------------------------------------------------------------
    def _signed_pdf(self, channel: str) -> bytes:
        """The stored signed PDF, recorded as issued through ``channel`` (print | save). Blocks:
        the buttons issue it through the store's queue (``_issue_then``)."""
        with self.store.session() as s:
            return _issue_signed(s, self.family_id, channel)

    def _issue_then(self, channel: str, then) -> None:
        family_id = self.family_id
        self.runner.write(
            lambda s: _issue_signed(s, family_id, channel), then, owner=self, on_error=self._failed
        )

    def print_to(self, printer: QPrinter) -> int:
        """Print the signed agreement on ``printer`` (no file is written unless the printer itself
        is set to a file, as tests do). Returns the number of pages."""
        return print_pdf(self._signed_pdf("print"), printer)

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the signed agreement")
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        channel = print_channel(self, printer)  # a file printer warns and is audited as a save
        if channel is None:
            return
        # The stored bytes are read off the UI thread; painting onto the printer happens here.
        self._issue_then(channel, lambda pdf: self._print_loaded(pdf, printer))

    def _print_loaded(self, pdf: bytes, printer: QPrinter) -> None:
        try:
            print_pdf(pdf, printer)
        except EhdeskError as exc:
            self._failed(exc)

    def save_to(self, path: Path) -> None:
        write_pdf(path, self._signed_pdf("save"))

    def save_dialog(self) -> None:
        name = (
            f"agreement-{self.view.family_reference}-v{self.view.version_number}.pdf"
            if self.view
            else "agreement.pdf"
        )
        path = ask_where_to_save(self, "Save the signed agreement as PDF", name)
        if path:
            self._issue_then(
                "save",
                lambda pdf: self.runner.run(lambda: write_pdf(path, pdf), owner=self, on_error=self._failed),
            )

    def check_file(self, path: Path) -> str:
        data = _read_pdf(Path(path))
        with self.store.session() as s:
            return _describe_check(verify(s, data))

    def check_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Check a PDF against the record", "", "PDF (*.pdf)")
        if not path:
            return

        def check(data: bytes) -> None:
            self.runner.query(
                lambda s: _describe_check(verify(s, data)),
                lambda message: QMessageBox.information(self, "Check a PDF", message),
                owner=self,
                on_error=self._failed,
            )

        self.runner.run(lambda: _read_pdf(Path(path)), check, owner=self, on_error=self._failed)


def _issue_signed(s, family_id: str, channel: str) -> bytes:
    """The stored signed PDF, recorded as issued through ``channel`` (print | save)."""
    pdf, view = documents.signed_pdf(s, family_id)
    record_issued(s, family_id, "agreement", view.id, pdf, channel=channel)
    return pdf


def _read_pdf(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise EhdeskError(f"The file could not be read: {exc.strerror}.") from exc


def _describe_check(found) -> str:
    if found is None:
        return "This PDF is not a document on record: it was changed, or it was not issued here."
    return f"This PDF is exactly the {found.kind} issued on {uk_time(found.issued_at)} (UK time)."
