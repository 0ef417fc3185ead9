"""Requests through triage to a worker, and step-up / step-down handovers counted for the return."""

from datetime import date

import pytest

from ehdesk.casework import families, handovers, referrals, triage
from ehdesk.errors import ValidationError
from ehdesk.models import Family, Referral


def _second_family(s, world, name, received_on):
    family_id = families.create_family(s, {"household_name": name})
    s.get(Family, family_id).team_id = world.north
    return family_id, referrals.record_referral(s, family_id, {"received_on": received_on})


def test_triage_decides_allocates_and_the_managers_list_shows_who_is_still_waiting(world):
    with world.session() as s:
        dunn, dunn_ref = _second_family(s, world, "Dunn", date(2026, 5, 1))
        shah, shah_ref = _second_family(s, world, "Shah", date(2026, 5, 20))
        # A South family never appears on North's list.
        south = families.create_family(s, {"household_name": "Far"})
        s.get(Family, south).team_id = world.south
        referrals.record_referral(s, south, {"received_on": date(2026, 4, 1)})
        waiting = triage.unallocated_requests(s, world.north, date(2026, 6, 1))
        assert [(w.household_name, w.status, w.days_waiting) for w in waiting] == [
            ("Hill", "Awaiting triage", 168),
            ("Dunn", "Awaiting triage", 31),
            ("Shah", "Awaiting triage", 12),
        ]
        # Hill: allocated to Ann at the weekly triage; the request's outcome follows.
        triage.record_triage(
            s,
            world.referral_id,
            {
                "forum": "weekly_triage",
                "decision": "allocate",
                "decided_on": date(2026, 1, 2),
                "decided_by": "Mo Manager",
                "rationale": "Level 3 needs; school and health involved.",
                "allocated_to_id": world.ann,
            },
        )
        # Dunn: allocate, but nobody has capacity yet. Shah: more information first.
        dunn_decision = triage.record_triage(
            s,
            dunn_ref,
            {
                "forum": "allocations_hub",
                "decision": "allocate",
                "decided_on": date(2026, 5, 6),
                "decided_by": "Mo Manager",
                "rationale": "Needs a family worker.",
            },
        )
        triage.record_triage(
            s,
            shah_ref,
            {
                "forum": "weekly_triage",
                "decision": "more_information",
                "decided_on": date(2026, 5, 27),
                "decided_by": "Mo Manager",
                "rationale": "Ask school about attendance.",
            },
        )
        waiting = triage.unallocated_requests(s, world.north, date(2026, 6, 1))
        assert [(w.household_name, w.status) for w in waiting] == [
            ("Dunn", "Decided: Allocate to a family worker, no worker yet"),
            ("Shah", "More information needed, bring back"),
        ]
        hill = s.get(Referral, world.referral_id)
        assert (hill.outcome, hill.outcome_on) == ("family_service", date(2026, 1, 2))
        (view,) = triage.list_triage(s, world.family_id)
        assert (view.forum_label, view.decision_label, view.allocated_to_name) == (
            "Weekly triage meeting",
            "Allocate to a family worker",
            "Ann Worker",
        )
        triage.allocate_from_triage(s, dunn_decision, world.bob)
        assert [w.household_name for w in triage.unallocated_requests(s, world.north, date(2026, 6, 1))] == [
            "Shah"
        ]


def test_a_triage_decision_with_mistakes_is_refused_whole(world):
    with world.session() as s, pytest.raises(ValidationError) as caught:
        triage.record_triage(
            s,
            world.referral_id,
            {
                "forum": "pub",
                "decision": "advice_closed",
                "decided_on": date(2025, 12, 1),
                "decided_by": " ",
                "rationale": "",
                "allocated_to_id": world.ann,
            },
            today=date(2026, 6, 1),
        )
    assert caught.value.fields == {
        "forum": "Choose the forum that made the decision.",
        "decided_on": "The date of the decision (1 December 2025) is before the request was received.",
        "decided_by": "Who decided is missing.",
        "rationale": "The reason for the decision is missing.",
        "allocated_to_id": "This decision does not allocate the family to a worker.",
    }
    with world.session() as s:
        assert triage.list_triage(s, world.family_id) == []
        assert s.get(Referral, world.referral_id).outcome == ""


def test_step_up_and_step_down_are_handover_records_counted_for_the_return(world):
    with world.session() as s:
        up = handovers.record_handover(
            s,
            world.episode_id,
            "step_up",
            {
                "handed_over_on": date(2026, 3, 3),
                "reason": "Disclosure at school.",
                "information_shared": "EHA, plan, chronology",
                "received_by": "MASH duty social worker",
                "early_help_continues": True,
            },
        )
        handovers.record_handover(
            s,
            world.episode_id,
            "step_down",
            {
                "handed_over_on": date(2026, 4, 20),
                "reason": "CIN plan ended.",
                "social_worker": "Pat Green",
                "stepped_down_from": "child_in_need",
                "joint_visit_on": date(2026, 4, 24),
            },
        )
        handovers.record_social_care_decision(s, up, "assessment", date(2026, 3, 5))
        ups = handovers.list_handovers(s, world.family_id)
        assert [(h.direction, h.title) for h in ups] == [
            ("step_up", "Stepped up to children's social care"),
            ("step_down", "Stepped down from children's social care"),
        ]
        assert ups[0].social_care_decision_label == "Accepted for a social work assessment"
        assert ups[1].stepped_down_from_label == "Child in need plan"
        counts = handovers.handover_counts(s, date(2026, 1, 1), date(2026, 3, 31))
        assert (counts.step_ups, counts.step_ups_early_help_continues, counts.step_downs) == (1, 1, 0)
        assert counts.step_ups_by_decision == {"assessment": 1}
        whole = handovers.handover_counts(s, date(2026, 1, 1), date(2026, 12, 31), teams=[world.north])
        assert (whole.step_ups, whole.step_downs, whole.step_downs_by_plan) == (1, 1, {"child_in_need": 1})
        assert (
            handovers.handover_counts(s, date(2026, 1, 1), date(2026, 12, 31), teams=[world.south]).step_ups
            == 0
        )


def test_a_handover_missing_what_social_care_needs_is_refused(world):
    with world.session() as s, pytest.raises(ValidationError) as caught:
        handovers.record_handover(
            s,
            world.episode_id,
            "step_up",
            {
                "handed_over_on": date(2026, 3, 3),
                "reason": "Worry",
                "information_shared": "",
                "received_by": "",
                "social_care_decision": "child_protection",
            },
        )
    assert caught.value.fields == {
        "information_shared": "What was shared with social care is missing.",
        "received_by": "Who received it is missing.",
        "decision_on": "Give the date social care made its decision.",
    }
    with world.session() as s, pytest.raises(ValidationError) as caught:
        handovers.record_handover(
            s,
            world.episode_id,
            "step_down",
            {
                "handed_over_on": date(2026, 3, 3),
                "reason": "Ended",
                "social_worker": "",
                "stepped_down_from": "x",
            },
        )
    assert set(caught.value.fields) == {"social_worker", "stepped_down_from"}
