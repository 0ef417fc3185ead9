"""The case side of a family record: the episode (opened, allocated, lead professional, level,
criteria, presenting factors), requests for support with their outcome, and consent."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework import consent, episodes, referrals
from ehdesk.casework.consent import ConsentView
from ehdesk.casework.episodes import EpisodeView
from ehdesk.casework.families import MemberView
from ehdesk.casework.referrals import ReferralView
from ehdesk.config.dates import read_typed_date, show_date
from ehdesk.config.pack import current_pack
from ehdesk.errors import TypedDateError
from ehdesk.ui.family.case_forms import ConsentForm, EpisodeForm, ReferralForm
from ehdesk.ui.ops import error_text, for_store
from ehdesk.ui.style import heading
from ehdesk.ui.widgets import MessageLine


def _section(title: str, body: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 8, 0, 8)
    layout.addWidget(heading(title, "section"))
    layout.addWidget(body)
    return box


class CaseTab(QWidget):
    changed = Signal()

    def __init__(self, store, family_id, parent=None) -> None:
        super().__init__(parent)
        self.store, self.family_id = store, family_id
        self.ops = for_store(store)
        self.referral_list: list[ReferralView] = []
        self.consent_list: list[ConsentView] = []

        # Episode
        self.episode_form = EpisodeForm(store, family_id)
        self.episode_state = QLabel()
        self.episode_state.setProperty("role", "note")
        self.allocate_button = QPushButton("Allocate to &me")
        self.episode_save = QPushButton("Save &case")
        self.episode_save.setProperty("primary", True)
        episode_box = QWidget()
        ep = QVBoxLayout(episode_box)
        ep.setContentsMargins(0, 0, 0, 0)
        ep.addWidget(self.episode_state)
        ep.addWidget(self.episode_form)
        row = QHBoxLayout()
        row.addWidget(self.allocate_button)
        row.addStretch(1)
        row.addWidget(self.episode_save)
        ep.addLayout(row)

        # Requests for support
        self.referrals = QListWidget()
        self.referrals.setAccessibleName("Requests for support")
        self.referrals.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        self.referral_form = ReferralForm(store, family_id)
        self.new_referral = QPushButton("&New request")
        self.referral_save = QPushButton("Save &request")
        self.referral_save.setProperty("primary", True)
        ref_box = QWidget()
        rl = QVBoxLayout(ref_box)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.referrals)
        rl.addWidget(self.referral_form)
        row = QHBoxLayout()
        row.addWidget(self.new_referral)
        row.addStretch(1)
        row.addWidget(self.referral_save)
        rl.addLayout(row)

        # Consent
        self.consents = QListWidget()
        self.consents.setAccessibleName("Consent recorded")
        self.consents.setMaximumHeight(self.fontMetrics().lineSpacing() * 7)
        self.withdraw_date = QLineEdit()
        self.withdraw_date.setPlaceholderText("dd/mm/yyyy")
        self.withdraw_date.setAccessibleName("Date consent was withdrawn")
        self.withdraw_date.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 9)
        self.withdraw_button = QPushButton("&Withdraw selected consent")
        # After withdrawal, sharing is only under the safeguarding exception, and each share is recorded.
        self.share_button = QPushButton("Shared for safeguarding…")
        self.share_button.setToolTip(
            "Record information shared after consent was withdrawn because a child may be at risk of significant harm"
        )
        # What a withdrawal or a share changed, or why it could not be done: wrapped, as it is
        # often two sentences and a list of agencies.
        self.withdraw_message = MessageLine(room_when_empty=False, calm="note")
        self.consent_form = ConsentForm(store, family_id)
        self.consent_save = QPushButton("Record c&onsent")
        self.consent_save.setProperty("primary", True)
        con_box = QWidget()
        cl = QVBoxLayout(con_box)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.consents)
        row = QHBoxLayout()
        withdraw_label = QLabel("Withdrawn on")
        withdraw_label.setBuddy(self.withdraw_date)
        row.addWidget(withdraw_label)
        row.addWidget(self.withdraw_date)
        row.addWidget(self.withdraw_button)
        row.addWidget(self.share_button)
        row.addStretch(1)
        cl.addLayout(row)
        cl.addWidget(self.withdraw_message)
        cl.addWidget(heading("Record new consent", "note"))
        cl.addWidget(self.consent_form)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.consent_save)
        cl.addLayout(row)

        inner = QWidget()
        inner.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 64)
        layout = QVBoxLayout(inner)
        layout.addWidget(_section("Case", episode_box))
        layout.addWidget(_section("Requests for support", ref_box))
        layout.addWidget(_section("Consent", con_box))
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        scroll.setAccessibleName("Case, requests for support and consent")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.allocate_button.clicked.connect(self.episode_form.allocate_to_me)
        self.episode_save.clicked.connect(self.episode_form.save)
        self.episode_form.saved.connect(lambda _: self._episode_saved())
        self.new_referral.clicked.connect(self._new_referral)
        self.referral_save.clicked.connect(self.referral_form.save)
        self.referral_form.saved.connect(lambda _: self.reload())
        self.referrals.currentItemChanged.connect(self._referral_chosen)
        self.consent_save.clicked.connect(self.consent_form.save)
        self.consent_form.saved.connect(lambda _: (self.consent_form.reset(), self.reload()))
        self.share_button.clicked.connect(lambda: self.record_safeguarding_share())
        self.withdraw_button.clicked.connect(self._withdraw)
        self.consents.currentItemChanged.connect(lambda *_: self._consent_chosen())
        self._consent_chosen()

    # -- showing ---------------------------------------------------------------------------

    def show_data(self, data, drafts: dict[str, dict]) -> None:
        members = data.family.members
        self.episode_form.set_children(members)
        self.consent_form.set_people(members)
        current = next((e for e in data.episodes if e.status == "open"), None)
        key = f"family:{self.family_id}:episode:{current.id if current else 'new'}"
        self.episode_form.show_episode(current, drafts.get(key))
        self._describe_episode(current, data.episodes)
        self._show_referrals(data.referrals)
        self._restore_referral(data.referrals, drafts)
        self._show_consents(data.consents)
        self.consent_form.reset(drafts.get(f"family:{self.family_id}:consent:new"))

    def _restore_referral(self, items: list[ReferralView], drafts: dict[str, dict]) -> None:
        """Show the request that has unsaved typing, if any; otherwise a blank new one."""
        prefix = f"family:{self.family_id}:referral:"
        for r in items:
            if prefix + r.id in drafts:
                for i in range(self.referrals.count()):
                    if self.referrals.item(i).data(Qt.ItemDataRole.UserRole) == r.id:
                        self.referrals.blockSignals(True)
                        self.referrals.setCurrentRow(i)
                        self.referrals.blockSignals(False)
                self.referral_form.show_referral(r, drafts[prefix + r.id])
                return
        self.referral_form.show_referral(None, drafts.get(prefix + "new"))

    def _describe_episode(self, current: EpisodeView | None, all_episodes: list[EpisodeView]) -> None:
        if current is not None:
            self.episode_state.setText(f"Open since {show_date(current.opened_on)}.")
            self.episode_save.setText("Save &case")
        else:
            closed = len(all_episodes)
            before = f" ({closed} earlier case{'s' if closed != 1 else ''}, now closed)" if closed else ""
            self.episode_state.setText(f"No open case{before}. Fill in the details and open one.")
            self.episode_save.setText("Open &case")

    def _show_referrals(self, items: list[ReferralView]) -> None:
        pack = current_pack()
        self.referral_list = items
        self.referrals.blockSignals(True)
        self.referrals.clear()
        for r in items:
            outcome = pack.label("referral_outcomes", r.outcome) if r.outcome else "outcome not decided"
            item = QListWidgetItem(
                f"{show_date(r.received_on)} · {pack.label('referral_sources', r.source) or 'source not recorded'} · {outcome}"
            )
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.referrals.addItem(item)
        self.referrals.blockSignals(False)

    def _show_consents(self, items: list[ConsentView]) -> None:
        pack = current_pack()
        # The consent chosen stays chosen when the list is shown again (after it was withdrawn,
        # the worker's next step may be to record a share for safeguarding against it).
        current = self.consents.currentItem()
        chosen_id = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.consent_list = items
        self.consents.clear()
        for c in items:
            state = f"withdrawn {show_date(c.withdrawn_on)}" if c.withdrawn_on else "in force"
            text = (
                f"{c.given_by_name}: {pack.label('consent_scopes', c.scope)} · {c.method} "
                f"{show_date(c.given_on)} · {state}"
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            self.consents.addItem(item)
            if c.id == chosen_id:
                self.consents.setCurrentItem(item)
        self._consent_chosen()

    def _consent_chosen(self) -> None:
        """Withdrawing acts on a consent in force; a share under the safeguarding exception is
        recorded against a withdrawn one (``consent.record_safeguarding_share`` refuses any other,
        which the worker would otherwise learn only after typing why). Both off with none chosen."""
        item = self.consents.currentItem()
        chosen_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        chosen = next((c for c in self.consent_list if c.id == chosen_id), None)
        in_force = chosen is not None and chosen.active
        for w in (self.withdraw_date, self.withdraw_button):
            w.setEnabled(in_force)
        self.share_button.setEnabled(chosen is not None and not chosen.active)

    def _referral_chosen(self, current, previous) -> None:
        if current is None:
            return
        self.referral_form.flush_pending()
        chosen = next((r for r in self.referral_list if r.id == current.data(Qt.ItemDataRole.UserRole)), None)
        self.referral_form.show_referral(chosen)

    def _new_referral(self) -> None:
        self.referral_form.flush_pending()
        self.referrals.setCurrentItem(None)
        self.referral_form.show_referral(None)
        self.referral_form.form.fields["received_on"].setFocus()

    def _withdraw(self) -> None:
        item = self.consents.currentItem()
        if item is None:
            self.withdraw_message.say("Choose the consent to withdraw in the list first.", error=True)
            return
        try:
            when = read_typed_date(self.withdraw_date.text()) or date.today()
        except TypedDateError as exc:
            self.withdraw_message.say(exc.message, error=True)
            return
        consent_id = item.data(Qt.ItemDataRole.UserRole)
        self.withdraw_message.say("")

        def done(result):
            self.reload()
            # Say what the withdrawal changed (sharing stopped, nothing else due, close the case).
            self.withdraw_message.say(" ".join(result.messages))
            self.changed.emit()

        self.ops.write(
            lambda s: consent.withdraw_consent(s, consent_id, when),
            done,
            owner=self,
            on_error=lambda exc: self.withdraw_message.say(error_text(exc), error=True),
        )

    def record_safeguarding_share(self, agency: str | None = None, reason: str | None = None) -> None:
        item = self.consents.currentItem()
        if item is None:
            self.withdraw_message.say("Choose the withdrawn consent in the list first.", error=True)
            return
        pack = current_pack()
        if agency is None:
            labels = [a.label for a in pack.agencies]
            label, ok = QInputDialog.getItem(self, "Shared for safeguarding", "Shared with", labels, 0, False)
            if not ok:
                return
            agency = pack.agencies[labels.index(label)].code
        if reason is None:
            reason, ok = QInputDialog.getMultiLineText(
                self, "Shared for safeguarding", "Why may a child be at risk of significant harm?"
            )
            if not ok:
                return
        consent_id, today = item.data(Qt.ItemDataRole.UserRole), date.today()

        def done(_):
            self.withdraw_message.say(
                f"Recorded: shared with {pack.label('agencies', agency)} under the safeguarding exception."
            )
            self.changed.emit()

        self.ops.write(
            lambda s: consent.record_safeguarding_share(
                s, consent_id, agency=agency, reason=reason, shared_on=today
            ),
            done,
            owner=self,
            on_error=lambda exc: self.withdraw_message.say(error_text(exc), error=True),
        )

    def _episode_saved(self) -> None:
        self.reload()
        self.changed.emit()

    def reload(self) -> None:
        family_id = self.family_id

        def load(s):
            return (
                referrals.list_referrals(s, family_id),
                consent.list_consents(s, family_id),
                episodes.list_episodes(s, family_id),
            )

        def done(result):
            refs, cons, eps = result
            self._show_referrals(refs)
            self._show_consents(cons)
            current = next((e for e in eps if e.status == "open"), None)
            self._describe_episode(current, eps)

        self.ops.query(load, done, owner=self)

    def set_members(self, members: list[MemberView]) -> None:
        self.episode_form.set_children(members)
        self.consent_form.set_people(members)

    def flush_pending(self) -> None:
        for form in (self.episode_form, self.referral_form, self.consent_form):
            form.flush_pending()
