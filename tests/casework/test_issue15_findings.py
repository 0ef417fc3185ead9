"""Each finding of issue 15, replayed through the casework operations: the record must refuse
it, or flag it, rather than claim what did not happen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ehdesk.casework import (
    assessments,
    closure,
    consent,
    extensions,
    flags,
    meetings,
    plans,
    thresholds,
)
from ehdesk.casework.caseload import caseload
from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.casework.timescales import due_items
from ehdesk.config.pack import current_pack
from ehdesk.errors import EhdeskError, ValidationError
from ehdesk.models import Agreement, AuditEvent, Episode

from .rules_helpers import WORKER_ATTENDS, add_plan, make_family, meeting

TODAY = date(2026, 6, 1)


def test_goals_achieved_with_nothing_done_no_agreement_and_no_taf_is_refused(store):
    with store.session() as s:
        ids = make_family(s)
        add_plan(s, ids["episode"])  # every action "Not started"
        with pytest.raises(closure.ClosureBlocked) as blocked:
            closure.close_episode(s, ids["episode"], reason="goals_achieved", closed_on=TODAY, today=TODAY)
    said = " ".join(blocked.value.missing)
    assert "achieved, partly achieved or not" in said
    assert "No Team Around the Family meeting has been held" in said
    assert "No action in the plan is done" in said
    with store.session() as s:
        assert s.get(Episode, ids["episode"]).status == "open"  # nothing changed half-way


def test_a_taf_dated_30_days_ahead_cannot_be_completed_even_by_a_manager(store):
    with store.session() as s:
        ids = make_family(s)
        add_plan(s, ids["episode"])
        ahead = TODAY + timedelta(days=30)
        meeting_id = meeting(s, ids["episode"], "initial_taf", ahead, next_on=ahead + timedelta(days=60))
        with pytest.raises(ValidationError) as err:
            meetings.complete_meeting(
                s, meeting_id, today=TODAY, override_reason="Trust me", actor_role="manager"
            )
    assert "can't be completed before it has happened" in err.value.fields["held_on"]


def test_a_taf_attended_only_by_the_worker_does_not_count_towards_the_six_weeks(store):
    with store.session() as s:
        ids = make_family(s)
        add_plan(s, ids["episode"])
        held = date(2026, 2, 2)
        meeting_id = meeting(
            s, ids["episode"], "initial_taf", held, attendees=[WORKER_ATTENDS], next_on=date(2026, 4, 20)
        )
        with pytest.raises(ValidationError) as err:
            meetings.complete_meeting(s, meeting_id, today=TODAY)
        assert err.value.fields["attendees"] == (
            "This meeting can't count as a TAF: no one from the family took part and no agency other "
            "than early help took part (present, or sending a written update)."
        )
        facts = facts_for_episodes(s, [s.get(Episode, ids["episode"])])[ids["episode"]]
    assert facts.first_taf_on is None
    assert "first_taf" in {i.code for i in due_items(facts, current_pack().timescales, TODAY)}


def test_a_review_with_an_empty_plan_and_no_new_reading_is_refused(store):
    with store.session() as s:
        ids = make_family(s)
        first = meeting(s, ids["episode"], "initial_taf", date(2026, 2, 2), next_on=date(2026, 4, 20))
        with pytest.raises(ValidationError) as err:
            meetings.complete_meeting(s, first, today=TODAY)
        assert "The plan has no outcomes" in err.value.fields["outcome_reviews"]
        add_plan(s, ids["episode"])
        meetings.complete_meeting(s, first, today=TODAY)
        review = meeting(
            s, ids["episode"], "taf_review", date(2026, 4, 20), next_on=date(2026, 7, 6), outcome="no_change"
        )
        with pytest.raises(ValidationError) as err:
            meetings.complete_meeting(s, review, today=TODAY)
    assert "Record the progress of each outcome" in err.value.fields["outcome_reviews"]
    assert "Take a new progression reading" in err.value.fields["readings"]


def test_an_action_14_months_overdue_is_red_and_shown_on_the_caseload_and_plan(store):
    late = TODAY - timedelta(days=14 * 30)
    with store.session() as s:
        ids = make_family(s)
        ep = s.get(Episode, ids["episode"])
        ep.opened_on = ep.allocated_on = late - timedelta(days=30)
        ep.allocated_worker_id = "w1"
        _, action_id = add_plan(s, ids["episode"], by_when=late)
        plans.update_action(s, action_id, {"status": "in_progress"})
        with pytest.raises(ValidationError) as err:
            plans.update_action(s, action_id, {"rag": "green"})  # not without a reason
        assert "Say why you are setting the RAG yourself" in err.value.fields["rag_reason"]
        plan = plans.get_plan(s, ids["episode"], today=TODAY)
        [row] = caseload(s, "w1", TODAY)
        found = flags.episode_flags(s, ids["episode"], TODAY)
    [action] = plan.overdue_actions
    assert (action.status, action.rag) == ("in_progress", "red")
    assert row.overdue_actions == 1
    assert any(f.code == "overdue_actions" and "Morning routine chart" in f.message for f in found)


def test_consent_withdrawn_stops_sharing_and_due_items_and_asks_to_close(store):
    from tests.agreement.factory import sign_all

    today = date.today()  # the agreement is signed today
    with store.session() as s:
        ids = make_family(s)
        s.info["worker_name"] = "Sam Worker"
        sign_all(s, ids["family"])
        [given] = [c for c in consent.list_consents(s, ids["family"]) if c.scope == "share_information"]
        result = consent.withdraw_consent(s, given.id, today, today=today, withdrawn_by_name="Ada Okafor")
        agreement = s.scalars(select(Agreement).where(Agreement.family_id == ids["family"])).one()
        facts = facts_for_episodes(s, [s.get(Episode, ids["episode"])])[ids["episode"]]
        found = flags.episode_flags(s, ids["episode"], today)
        withdrawn = consent.list_consents(s, ids["family"])[0]
    assert result.stops_work and "Sharing with School, Health visiting has stopped" in " ".join(
        result.messages
    )
    assert agreement.sharing_stopped_on == today
    assert (withdrawn.withdrawn_by_name, withdrawn.withdrawal_recorded_by) == ("Ada Okafor", "Sam Worker")
    [only] = due_items(facts, current_pack().timescales, today)
    assert only.label == "Close: consent withdrawn"
    assert found[0].code == "consent_withdrawn" and found[0].level == "stop"


def test_level_4_and_a_child_protection_plan_block_sign_off_until_a_manager_decides(store):
    from tests.assessments.helpers import complete_eha_answers

    with store.session() as s:
        ids = make_family(s, level=4)
        assert "Level 4: manager to decide" in caseload_flags(s, ids)
        aid = assessments.start_assessment(s, ids["family"], episode_id=ids["episode"])
        answers = complete_eha_answers({"Amara": ids["kid"], "Tobi": ids["kid"]})
        answers |= {"level_of_need": "2", f"child_other_plan@{ids['kid']}": "child_protection"}
        assessments.complete_assessment(s, aid, answers, today=TODAY)
        with pytest.raises(assessments.ThresholdDecisionNeeded) as err:
            assessments.sign_off_assessment(s, aid, "Morgan Manager", today=TODAY)
    assert "Tobi Okafor is on a child protection plan" in str(err.value)
    assert "Level 4" in str(err.value)
    with store.session() as s:
        with pytest.raises(EhdeskError, match="Only a manager"):
            thresholds.record_decision(
                s, ids["episode"], decision="continue", reason="x", actor_role="practitioner"
            )
        with pytest.raises(ValidationError):
            thresholds.record_decision(
                s, ids["episode"], decision="continue", reason=" ", actor_role="manager"
            )
        thresholds.record_decision(
            s,
            ids["episode"],
            decision="continue",
            reason="Social care closed the plan last week; early help continues the work.",
            actor_role="manager",
            manager_name="Morgan Manager",
            today=TODAY,
        )
        assessments.sign_off_assessment(s, aid, "Morgan Manager", today=TODAY)
        noted = [f for f in flags.episode_flags(s, ids["episode"], TODAY) if f.code == "threshold_decided"]
    assert "Continue with early help: decided by Morgan Manager" in noted[0].message


def caseload_flags(s, ids) -> tuple[str, ...]:
    ep = s.get(Episode, ids["episode"])
    ep.allocated_worker_id = "w1"
    s.flush()
    return caseload(s, "w1", TODAY)[0].flags


def test_assessment_cannot_complete_when_the_family_was_not_told_they_can_withdraw(store):
    from tests.assessments.helpers import complete_eha_answers, family_of_four

    with store.session() as s:
        family_id, _, people = family_of_four(s)
        aid = assessments.start_assessment(s, family_id, today=TODAY)
        answers = complete_eha_answers(people) | {"withdrawal_explained": False}
        with pytest.raises(ValidationError) as err:
            assessments.complete_assessment(s, aid, answers, today=TODAY)
        assert "can't be completed until they have been told" in err.value.fields["withdrawal_explained"]
        assert assessments.get_assessment(s, aid).status == "draft"


def test_a_case_past_its_signed_off_close_by_date_stays_on_the_managers_list(store):
    with store.session() as s:
        ids = make_family(s)
        extensions.sign_off_extension(
            s, ids["episode"], reason="School move in spring", close_by=date(2027, 3, 1),
            today=date(2027, 1, 6), actor_role="manager",
        )  # fmt: skip
        assert extensions.episodes_needing_signoff(s, "team-a", date(2027, 2, 1)) == []
        [item] = extensions.episodes_needing_signoff(s, "team-a", date(2027, 3, 10))
    assert item.past_close_by and item.days_over == 9
    assert item.status_label == "Past the agreed close-by date (1 March 2027)"


def test_a_manager_override_is_audited_and_shown(store):
    with store.session() as s:
        ids = make_family(s)
        add_plan(s, ids["episode"])
        view = closure.close_episode(
            s,
            ids["episode"],
            reason="goals_achieved",
            closed_on=TODAY,
            today=TODAY,
            override_reason="Family moved abroad; the school confirmed attendance was good.",
            actor_role="manager",
        )
        found = flags.episode_flags(s, ids["episode"], TODAY)
        event = s.scalars(select(AuditEvent).where(AuditEvent.entity == "episode")).all()[-1]
    assert view.override_reason.startswith("Family moved abroad") and view.missing
    assert event.detail["overridden"] and event.detail["override_reason"] == view.override_reason
    assert any(f.code == "closure_override" and "Family moved abroad" in f.message for f in found)
