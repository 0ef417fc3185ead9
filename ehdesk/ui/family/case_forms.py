"""The forms on the case tab: the episode (case), a request for support, and new consent."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPlainTextEdit

from ehdesk.casework import consent, episodes, referrals
from ehdesk.casework.episodes import EpisodeView
from ehdesk.casework.families import MemberView
from ehdesk.casework.referrals import ReferralView
from ehdesk.config.dates import read_typed_dates
from ehdesk.config.pack import current_pack
from ehdesk.ui.family.form import RecordForm
from ehdesk.ui.widgets import CheckList, combo


def _date_text(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _choices(list_name: str) -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in getattr(current_pack(), list_name)]


def _role_choices() -> list[tuple[str, str]]:
    # The episode keeps the role's words (as the Agencies tab writes them), so the label is the value.
    return [(c.label, c.label) for c in current_pack().team_practice.lead_professional_roles]


def _keep_typed_role(box, role: str) -> None:
    """A role typed before the pack's list existed stays on the case (listed as it was typed)
    until someone chooses one from the list."""
    if role and box.findData(role) < 0:
        box.addItem(f"{role} (as typed before)", role)


class EpisodeForm(RecordForm):
    def __init__(self, store, family_id, parent=None) -> None:
        super().__init__(store, family_id, autosave=False, parent=parent)
        pack = current_pack()
        self.episode_id: str | None = None
        self.allocated: tuple[str | None, str] = (None, "")
        self.add_field("case_type", "Type of case", combo(_choices("case_types"), "Type of case"))
        self.add_field("opened_on", "Opened on", QLineEdit())
        self.add_field("allocated_on", "Allocated on", QLineEdit())
        self.allocated_label = QLabel()
        self.form.layout_.addRow("Allocated to", self.allocated_label)
        self.add_field("lead_professional_name", "Lead professional", QLineEdit())
        # The lead's role comes from the pack's practitioner groups (the FOI question "which groups
        # act as lead professional"), not free text; the Agencies tab sets it the same way.
        self.add_field(
            "lead_professional_role",
            "Their role",
            combo(_role_choices(), "Lead professional's role", blank="Not recorded"),
        )
        self.add_field(
            "lead_professional_agency",
            "Their agency",
            combo(_choices("agencies"), "Lead professional's agency", blank="Not recorded"),
        )
        self.add_field("lead_child_id", "Lead child", combo([], "Lead child", blank="Not chosen"))
        self.add_field(
            "level_of_need",
            "Level of need",
            combo([(lv.code, lv.label) for lv in pack.levels_of_need], "Level of need", blank="Not set"),
        )
        self.add_field(
            "criteria_met", "Criteria met", CheckList(_choices("early_help_criteria"), "Criteria met")
        )
        self.add_field(
            "presenting_factors",
            "Presenting factors",
            CheckList(_choices("presenting_factors"), "Presenting factors"),
        )
        for name in ("opened_on", "allocated_on"):
            self.form.fields[name].setPlaceholderText("dd/mm/yyyy")

    def draft_key(self) -> str:
        return f"family:{self.family_id}:episode:{self.episode_id or 'new'}"

    def set_children(self, members: list[MemberView]) -> None:
        box = self.form.fields["lead_child_id"]
        current = box.currentData()
        self._loading = True
        box.clear()
        box.addItem("Not chosen", None)
        for m in members:
            if m.role == "child":
                box.addItem(m.full_name, m.id)
        box.setCurrentIndex(max(box.findData(current), 0))
        self._loading = False

    def show_episode(self, episode: EpisodeView | None, draft: dict | None) -> None:
        self.episode_id = episode.id if episode else None
        if episode is None:
            self.allocated = (self.store.worker_id, self.store.profile.name)
            raw = {
                "case_type": "early_help",
                "opened_on": _date_text(date.today()),
                "allocated_on": _date_text(date.today()),
                "lead_professional_name": self.store.profile.name,
                "lead_professional_role": current_pack().label("lead_professional_roles", "family_worker"),
                "lead_professional_agency": "family_service",
                "lead_child_id": None,
                "level_of_need": None,
                "criteria_met": [],
                "presenting_factors": [],
            }
        else:
            self.allocated = (episode.allocated_worker_id, episode.allocated_worker_name)
            raw = {name: getattr(episode, name) for name in self.form.fields}
            _keep_typed_role(self.form.fields["lead_professional_role"], episode.lead_professional_role)
            raw["opened_on"] = _date_text(episode.opened_on)
            raw["allocated_on"] = _date_text(episode.allocated_on)
        self.allocated_label.setText(self.allocated[1] or "Not allocated")
        self.load_raw(raw)
        if draft:
            self.load_raw(draft, dirty=True)

    def allocate_to_me(self) -> None:
        self.allocated = (self.store.worker_id, self.store.profile.name)
        self.allocated_label.setText(self.allocated[1])
        if not self.form.fields["allocated_on"].text():
            self.form.fields["allocated_on"].setText(_date_text(date.today()))
        self._changed()

    def build_save(self, raw: dict):
        data = dict(raw)
        data.update(
            read_typed_dates(raw, {"opened_on": "the opening date", "allocated_on": "the allocation date"})
        )
        data["lead_professional_agency"] = data.get("lead_professional_agency") or ""
        data["lead_professional_role"] = data.get("lead_professional_role") or ""
        data["allocated_worker_id"], data["allocated_worker_name"] = self.allocated
        if data["allocated_on"] is None:
            data["allocated_worker_id"], data["allocated_worker_name"] = None, ""
        family_id, episode_id = self.family_id, self.episode_id
        if episode_id:
            return lambda s: (episodes.update_episode(s, episode_id, data), episode_id)[1]
        return lambda s: episodes.open_episode(s, family_id, data)

    def _after_save(self, result, generation) -> None:
        if result.saved and self.episode_id is None:
            self.episode_id = result.value
        super()._after_save(result, generation)


class ReferralForm(RecordForm):
    def __init__(self, store, family_id, parent=None) -> None:
        super().__init__(store, family_id, autosave=False, parent=parent)
        pack = current_pack()
        self.referral_id: str | None = None
        self.add_field("received_on", "Received on", QLineEdit())
        self.add_field(
            "source",
            "Requested by",
            combo(_choices("referral_sources"), "Requested by", blank="Not recorded"),
        )
        self.add_field(
            "level_of_need",
            "Level of need",
            combo([(lv.code, lv.label) for lv in pack.levels_of_need], "Level of need", blank="Not set"),
        )
        self.add_field(
            "presenting_needs",
            "Presenting needs",
            CheckList(_choices("presenting_factors"), "Presenting needs"),
        )
        self.add_field(
            "primary_reason",
            "Primary reason",
            combo(_choices("presenting_factors"), "Primary reason", blank="Not said"),
        )
        self.add_field("consent_obtained", "Consent", QCheckBox("The family consented to the request"))
        summary = self.add_field("summary", "Summary", QPlainTextEdit())
        summary.setTabChangesFocus(True)
        summary.setMaximumHeight(summary.fontMetrics().lineSpacing() * 5)
        self.add_field(
            "outcome", "Outcome", combo(_choices("referral_outcomes"), "Outcome", blank="Not decided yet")
        )
        self.add_field("outcome_on", "Outcome decided on", QLineEdit())
        for name in ("received_on", "outcome_on"):
            self.form.fields[name].setPlaceholderText("dd/mm/yyyy")

    def draft_key(self) -> str:
        return f"family:{self.family_id}:referral:{self.referral_id or 'new'}"

    def show_referral(self, referral: ReferralView | None, draft: dict | None = None) -> None:
        self.referral_id = referral.id if referral else None
        if referral is None:
            raw = {
                "received_on": _date_text(date.today()),
                "source": None,
                "level_of_need": None,
                "presenting_needs": [],
                "primary_reason": None,
                "consent_obtained": False,
                "summary": "",
                "outcome": None,
                "outcome_on": "",
            }
        else:
            raw = {name: getattr(referral, name) for name in self.form.fields}
            raw["received_on"] = _date_text(referral.received_on)
            raw["outcome_on"] = _date_text(referral.outcome_on)
        self.load_raw(raw)
        if draft:
            self.load_raw(draft, dirty=True)

    def build_save(self, raw: dict):
        data = dict(raw)
        data.update(
            read_typed_dates(raw, {"received_on": "the date received", "outcome_on": "the outcome date"})
        )
        data["source"] = data.get("source") or ""
        data["outcome"] = data.get("outcome") or ""
        data["primary_reason"] = data.get("primary_reason") or ""
        family_id, referral_id = self.family_id, self.referral_id
        if referral_id:
            return lambda s: (referrals.update_referral(s, referral_id, data), referral_id)[1]
        return lambda s: referrals.record_referral(s, family_id, data)

    def _after_save(self, result, generation) -> None:
        if result.saved and self.referral_id is None:
            self.referral_id = result.value
        super()._after_save(result, generation)


class ConsentForm(RecordForm):
    def __init__(self, store, family_id, parent=None) -> None:
        super().__init__(store, family_id, autosave=False, parent=parent)
        self.add_field("person_id", "Given by", combo([], "Given by", blank="Choose a family member"))
        self.add_field("scope", "For", combo(_choices("consent_scopes"), "Consent for"))
        self.add_field(
            "method", "How", combo([("signed", "Signed"), ("verbal", "Verbal")], "How consent was given")
        )
        self.add_field("given_on", "Given on", QLineEdit())
        self.form.fields["given_on"].setPlaceholderText("dd/mm/yyyy")
        self.add_field(
            "agencies", "Agencies (sharing)", CheckList(_choices("agencies"), "Agencies to share with")
        )

    def draft_key(self) -> str:
        return f"family:{self.family_id}:consent:new"

    def set_people(self, members: list[MemberView]) -> None:
        box = self.form.fields["person_id"]
        current = box.currentData()
        self._loading = True
        box.clear()
        box.addItem("Choose a family member", None)
        for m in members:
            box.addItem(m.full_name, m.id)
        box.setCurrentIndex(max(box.findData(current), 0))
        self._loading = False

    def reset(self, draft: dict | None = None) -> None:
        self.load_raw(
            {
                "person_id": None,
                "scope": "assessment",
                "method": "signed",
                "given_on": _date_text(date.today()),
                "agencies": [],
            }
        )
        if draft:
            self.load_raw(draft, dirty=True)

    def build_save(self, raw: dict):
        dates = read_typed_dates(raw, {"given_on": "the date consent was given"})
        family_id = self.family_id
        return lambda s: consent.record_consent(
            s,
            family_id,
            person_id=raw.get("person_id"),
            scope=raw.get("scope"),
            given_on=dates["given_on"],
            method=raw.get("method") or "signed",
            agencies=raw.get("agencies") or [],
        )
