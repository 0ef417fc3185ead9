"""With nothing chosen on a family's list-and-editor tab (an empty list, or no row selected), the
buttons and fields that act on "the chosen record" are off; those that make a new one stay on.

The Hill family (tests/casework/team/conftest.py) has an open case, three members and one
consent, and no outcomes, sessions, meetings, needs, professionals, handovers, readings,
assessments or signatures."""

from ehdesk.casework import agreements
from ehdesk.ui.agreement.tab import AgreementTab
from ehdesk.ui.assessment.tab import AssessmentTab
from ehdesk.ui.family.case_tab import CaseTab
from ehdesk.ui.ops import for_store
from ehdesk.ui.plan.meetings_tab import MeetingsTab
from ehdesk.ui.plan.sessions_tab import SessionsTab
from ehdesk.ui.plan.supporting_families_tab import SupportingFamiliesTab
from ehdesk.ui.plan.tab import PlanTab
from ehdesk.ui.team.agencies_tab import AgenciesTab
from ehdesk.ui.team.handovers_tab import HandoversTab
from ehdesk.ui.tools.tab import ProgressTab
from tests.casework.team.conftest import world  # noqa: F401  (the team and the Hill family)

# Each tab: (what makes a new record: on, what acts on the chosen record: off).
TABS = {
    PlanTab: (("add_outcome_button", "add_action_button"), ("edit_button", "remove_button")),
    SessionsTab: (("new_button",), ("save_button", "session_on", "status", "worker")),
    MeetingsTab: (
        ("new_button",),
        (
            "save_button",
            "complete_button",
            "rebook_button",
            "held_on",
            "place",
            "add_attendee",
            "next_on",
            "override_reason",
            "review_outcome",
            "outcome_progress",
        ),
    ),
    SupportingFamiliesTab: (
        ("add_button",),
        ("progress_button", "progress_from", "sustained_to", "evidence"),
    ),
    AgenciesTab: (("new_button", "save_button"), ("remove_button",)),
    HandoversTab: (("save_button",), ("decision_button", "decision", "decision_on")),
    ProgressTab: (("take_button",), ("edit_button", "remove_button")),
    AssessmentTab: (("start_button",), ("open_button",)),
    # The consents list has the Hill's one consent in it, none chosen.
    CaseTab: (("new_referral", "consent_save"), ("withdraw_button", "withdraw_date", "share_button")),
}


def _settle(qtbot, store):
    runner = for_store(store)
    for _ in range(3):  # a read's callback may queue another
        runner.flush()
        qtbot.wait(10)


def _widget(tab, name):
    return getattr(tab, name)


def test_with_nothing_chosen_only_the_buttons_that_make_a_new_record_are_on(qtbot, world):  # noqa: F811
    wrong = []
    for cls, (new, chosen) in TABS.items():
        tab = cls(world.store, world.family_id)
        qtbot.addWidget(tab)
        if cls is CaseTab:
            tab.reload()
        _settle(qtbot, world.store)
        wrong += [f"{cls.__name__}.{n} is off" for n in new if not _widget(tab, n).isEnabled()]
        wrong += [f"{cls.__name__}.{n} is on" for n in chosen if _widget(tab, n).isEnabled()]
    assert not wrong, "\n".join(wrong)


def test_a_draft_agreement_with_no_signatures_has_none_to_remove(qtbot, world):  # noqa: F811
    with world.session() as s:
        agreements.start_agreement(s, world.family_id, "Ann Worker")
    tab = AgreementTab(world.store, world.family_id)
    qtbot.addWidget(tab)
    _settle(qtbot, world.store)
    assert tab.view is not None and tab.view.editable and tab.signatures.count() == 0
    assert tab.sign_button.isEnabled()
    assert not tab.remove_button.isEnabled()
