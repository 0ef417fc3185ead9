"""Worked examples of the practice rules (issue 15): each rule, its council setting, and the
manager's override where the rule is hard."""

from __future__ import annotations

from datetime import date

import pytest

from ehdesk.casework import assessments, closure, closure_rules, consent, flags, meetings, plans
from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.casework.plans import computed_rag
from ehdesk.casework.timescales import EpisodeFacts, breaches, due_items, timescale_record
from ehdesk.config.pack import Timescales, current_pack
from ehdesk.errors import EhdeskError, ValidationError
from ehdesk.models import Episode, Person

from .rules_helpers import (
    FAMILY_ATTENDS,
    SCHOOL_UPDATE,
    WORKER_ATTENDS,
    add_plan,
    complete_feedback,
    make_family,
    meeting,
    take_reading,
)

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("by_when", "status", "rag"),
    [
        (date(2025, 4, 1), "in_progress", "red"),  # 14 months overdue
        (date(2026, 6, 10), "not_started", "amber"),  # due in 9 days: inside the 14-day window
        (date(2026, 6, 15), "in_progress", "amber"),  # exactly 14 days
        (date(2026, 6, 16), "in_progress", "green"),
        (date(2025, 4, 1), "done", "green"),
        (date(2026, 9, 1), "not_done", "red"),
    ],
)
def test_rag_is_worked_out_from_the_due_date_and_status(by_when, status, rag):
    assert computed_rag(by_when, status, TODAY, current_pack().practice.rag_amber_within_days) == rag


def test_a_worker_sets_the_rag_with_a_reason_and_it_is_printed_with_it(store):
    with store.session() as s:
        ids = make_family(s)
        _, action_id = add_plan(s, ids["episode"], by_when=date(2026, 3, 1))
        plans.update_action(s, action_id, {"rag": "amber", "rag_reason": "School agreed a new start date"})
        [action] = plans.get_plan(s, ids["episode"], today=TODAY).outcomes[0].actions
        assert (action.rag, action.rag_by_worker, action.overdue) == ("amber", True, True)
        plans.update_action(s, action_id, {"rag": ""})  # back to worked out: the reason goes too
        [action] = plans.get_plan(s, ids["episode"], today=TODAY).outcomes[0].actions
    assert (action.rag, action.rag_reason) == ("red", "")


def test_quorum_is_the_councils_setting():
    pack = current_pack()
    family_and_update = [FAMILY_ATTENDS, WORKER_ATTENDS, SCHOOL_UPDATE]
    assert meetings.quorum_problems(family_and_update, pack) == []
    strict = pack.model_copy(
        update={
            "practice": pack.practice.model_copy(
                update={
                    "taf_quorum": pack.practice.taf_quorum.model_copy(update={"written_update_counts": False})
                }
            )
        }
    )
    assert meetings.quorum_problems(family_and_update, strict) == [
        "no agency other than early help took part"
    ]
    # The same agency typed as its label is still one agency, and the worker's own is not "other".
    assert meetings.quorum_problems(
        [FAMILY_ATTENDS, {**WORKER_ATTENDS, "agency": "Early help family service"}], pack
    )


def test_a_manager_may_complete_a_meeting_without_the_quorum_with_a_reason_shown(store):
    with store.session() as s:
        ids = make_family(s)
        add_plan(s, ids["episode"])
        m = meeting(
            s,
            ids["episode"],
            "initial_taf",
            date(2026, 2, 2),
            attendees=[FAMILY_ATTENDS, WORKER_ATTENDS],
            next_on=date(2026, 4, 20),
        )
        with pytest.raises(EhdeskError, match="Only a manager"):
            meetings.complete_meeting(s, m, today=TODAY, override_reason="School sent nothing")
        meetings.complete_meeting(
            s,
            m,
            today=TODAY,
            override_reason="School confirmed by phone; letter to follow",
            actor_role="manager",
        )
        view = meetings.get_meeting(s, m)
        facts = facts_for_episodes(s, [s.get(Episode, ids["episode"])])[ids["episode"]]
    assert view.counts_as_taf and view.override_reason == "School confirmed by phone; letter to follow"
    assert facts.first_taf_on == date(2026, 2, 2)
    # The record keeps which rule was overridden (audit events never reach other laptops).
    assert view.override_missing == ("it was not quorate (no agency other than early help took part)",)


def test_a_managers_override_names_the_rules_it_broke_on_the_familys_record(store):
    with store.session() as s:
        s.info["actor"] = "Margaret Osei"
        ids = make_family(s)
        add_plan(s, ids["episode"])
        first = meeting(s, ids["episode"], "initial_taf", date(2026, 2, 2), next_on=date(2026, 4, 20))
        meetings.complete_meeting(s, first, today=TODAY)
        # A review with no reading since the first TAF, its outcome not reviewed, no agency there.
        review = meeting(
            s,
            ids["episode"],
            "taf_review",
            date(2026, 4, 20),
            attendees=[FAMILY_ATTENDS, WORKER_ATTENDS],
            next_on=date(2026, 7, 6),
            outcome="no_change",
        )
        meetings.complete_meeting(
            s, review, today=TODAY, override_reason="The family were unwell", actor_role="manager"
        )
        view = meetings.get_meeting(s, review)
        found = [f.message for f in flags.episode_flags(s, ids["episode"], today=TODAY)]
    assert view.override_missing == (
        "the plan was not reviewed outcome by outcome",
        "no new progression reading had been taken",
        "it was not quorate (no agency other than early help took part)",
    )
    assert (
        "The meeting of 20 April 2026 was completed by Margaret Osei although the plan was not reviewed "
        "outcome by outcome, no new progression reading had been taken and it was not quorate (no agency "
        "other than early help took part): The family were unwell"
    ) in found


def test_a_meeting_overridden_before_the_rules_were_kept_says_it_broke_a_rule():
    said = meetings.override_wording("Margaret Osei", (), "Paper file")
    assert said == "completed by Margaret Osei although it broke a rule: Paper file"
    one = ("no new progression reading had been taken",)
    said = meetings.override_wording("Margaret Osei", one, "Ill")
    assert said == "completed by Margaret Osei although no new progression reading had been taken: Ill"


def test_a_review_says_each_outcome_moved_or_did_not(store):
    with store.session() as s:
        ids = make_family(s)
        outcome_id, _ = add_plan(s, ids["episode"])
        first = meeting(s, ids["episode"], "initial_taf", date(2026, 2, 2), next_on=date(2026, 4, 20))
        meetings.complete_meeting(s, first, today=TODAY)
        take_reading(s, ids, date(2026, 4, 18))
        review = meeting(
            s,
            ids["episode"],
            "taf_review",
            date(2026, 4, 20),
            next_on=date(2026, 7, 6),
            outcome="no_change",
            reviews=[{"outcome_id": outcome_id, "progress": "no_change", "note": "Still late twice a week"}],
        )
        assert meetings.complete_meeting(s, review, today=TODAY) == 2
        facts = facts_for_episodes(s, [s.get(Episode, ids["episode"])])[ids["episode"]]
        view = meetings.get_meeting(s, review)
    assert facts.review_dates == (date(2026, 4, 20),)
    assert meetings.progress_label(view.outcome_reviews[0]["progress"]) == "Reviewed, no change"


@pytest.mark.parametrize("counts", [True, False])
def test_a_family_group_conference_counts_as_a_taf_only_where_the_pack_says(counts):
    rules = Timescales(family_group_conference_counts_as_taf=counts)
    facts = EpisodeFacts(
        opened_on=date(2026, 1, 5), fgc_dates=(date(2026, 2, 2),), reading_dates=(date(2026, 1, 20),)
    )
    codes = {i.code for i in due_items(facts, rules, date(2026, 2, 10))}
    assert ("review" in codes) is counts and ("first_taf" in codes) is not counts


def test_goals_achieved_closes_when_the_record_bears_it_out(store):
    with store.session() as s:
        ids = make_family(s)
        outcome_id, action_id = add_plan(s, ids["episode"])
        take_reading(s, ids, date(2026, 1, 20), "baseline", 3)
        first = meeting(s, ids["episode"], "initial_taf", date(2026, 2, 2), next_on=date(2026, 4, 20))
        meetings.complete_meeting(s, first, today=TODAY)
        plans.update_action(s, action_id, {"status": "done"})
        take_reading(s, ids, date(2026, 5, 20), "closure", 7)
        complete_feedback(s, ids["family"])
        with pytest.raises(closure.ClosureBlocked) as blocked:
            closure.close_episode(s, ids["episode"], reason="goals_achieved", closed_on=TODAY, today=TODAY)
        assert blocked.value.missing == [
            "Say whether each outcome in the plan was achieved, partly achieved or not: "
            "Tobi gets to school on time every day."
        ]
        with pytest.raises(closure.ClosureBlocked, match="even partly"):
            closure.close_episode(
                s, ids["episode"], reason="goals_achieved", closed_on=TODAY, today=TODAY,
                outcome_results={outcome_id: "not_achieved"},
            )  # fmt: skip
        view = closure.close_episode(
            s, ids["episode"], reason="goals_achieved", closed_on=TODAY, today=TODAY,
            outcome_results={outcome_id: "achieved"},
        )  # fmt: skip
    assert view.missing == () and view.outcome_results == {outcome_id: "achieved"}


def test_each_closure_reason_has_its_own_checks_from_the_pack(store, monkeypatch):
    with store.session() as s:
        ids = make_family(s)
        assert closure.missing_items(s, ids["episode"], "moved_away") == []
        assert closure.missing_items(s, ids["episode"], "consent_withdrawn") == [
            "No withdrawal of consent is recorded: record who withdrew it and when (on the Case tab)."
        ]
        pack = current_pack()
        stricter = pack.model_copy(
            update={
                "practice": pack.practice.model_copy(
                    update={"closure_checks": {"default": ["agreement_signed"]}}
                )
            }
        )
        monkeypatch.setattr(closure_rules, "current_pack", lambda: stricter)
        assert closure.missing_items(s, ids["episode"], "moved_away") == [
            "The family never signed the early help agreement."
        ]


def test_the_safeguarding_exception_is_recorded_when_used(store):
    with store.session() as s:
        ids = make_family(s)
        given = consent.record_consent(
            s, ids["family"], person_id=ids["mum"], scope="assessment", given_on=date(2026, 1, 6), today=TODAY
        )
        with pytest.raises(ValidationError):
            consent.record_safeguarding_share(
                s, given, agency="social_care", reason="x", shared_on=TODAY, today=TODAY
            )
        result = consent.withdraw_consent(s, given, date(2026, 5, 1), today=TODAY)
        with pytest.raises(ValidationError) as err:
            consent.record_safeguarding_share(
                s, given, agency="social_care", reason=" ", shared_on=TODAY, today=TODAY
            )
        assert "risk of significant harm" in err.value.fields["reason"]
        consent.record_safeguarding_share(
            s, given, agency="social_care", reason="Bruise seen on Tobi's arm", shared_on=TODAY, today=TODAY
        )
        [view] = consent.list_consents(s, ids["family"])
        facts = facts_for_episodes(s, [s.get(Episode, ids["episode"])])[ids["episode"]]
    assert result.stops_work
    assert view.safeguarding_shares[0]["reason"] == "Bruise seen on Tobi's arm"
    assert facts.consent_withdrawn_on == date(2026, 5, 1)
    assert breaches(facts, current_pack().timescales, date(2026, 12, 1)) == breaches(
        facts, current_pack().timescales, date(2026, 5, 1)
    )  # no timescale is missed after the work stopped


def test_parental_responsibility_is_prefilled_and_a_change_updates_the_member(store):
    from tests.assessments.helpers import complete_eha_answers, family_of_four

    with store.session() as s:
        family_id, _, people = family_of_four(s)
        aid = assessments.start_assessment(s, family_id, today=TODAY)
        answers = assessments.get_assessment(s, aid).answers
        assert answers[f"adult_parental_responsibility@{people['Daniel']}"] is True
        assert answers[f"adult_lives_in@{people['Daniel']}"] is True
        changed = complete_eha_answers(people) | answers | {f"adult_lives_in@{people['Daniel']}": False}
        assessments.complete_assessment(s, aid, changed, today=TODAY)
        daniel = s.get(Person, people["Daniel"])
        view = assessments.get_assessment(s, aid)
    assert daniel.lives_in_household is False
    assert view.completed_on == TODAY and "completed_on" not in view.answers  # one completion date


def test_the_agreement_review_date_is_due_and_the_timescale_table_lists_met_and_missed():
    facts = EpisodeFacts(
        opened_on=date(2026, 1, 5),
        first_taf_on=date(2026, 2, 2),
        review_dates=(date(2026, 6, 1),),
        agreement_signed_on=date(2026, 1, 20),
        agreement_review_on=date(2026, 4, 14),
        reading_dates=(date(2026, 1, 20), date(2026, 5, 30)),
        status="closed",
        closed_on=date(2026, 7, 1),
    )
    rules = current_pack().timescales
    record = {(t.code, t.met) for t in timescale_record(facts, rules, date(2026, 7, 2))}
    assert ("first_taf", True) in record and ("review", False) in record  # 17 weeks apart
    assert ("agreement", True) in record and ("episode_limit", True) in record
    open_facts = EpisodeFacts(**{**facts.__dict__, "status": "open", "closed_on": None})
    due = {i.code: i.due_on for i in due_items(open_facts, rules, date(2026, 4, 1))}
    assert due["agreement_review"] == date(2026, 4, 14)
