"""Threshold flags on worked examples (issue 15): Level 4, or any child on a child protection or
child in need plan or looked after, puts "manager to decide" on the caseload and a stop flag in
plain words above the family record, and the assessment cannot be signed off until a manager
decides (step up, or continue with a reason), which is audited and shown."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ehdesk.casework import assessments, flags, thresholds
from ehdesk.casework.caseload import caseload
from ehdesk.models import AuditEvent, Episode

from .rules_helpers import make_family

TODAY = date(2026, 6, 1)


def _on_caseload(s, ids) -> tuple[str, ...]:
    s.get(Episode, ids["episode"]).allocated_worker_id = "w1"
    s.flush()
    return caseload(s, "w1", TODAY)[0].flags


def _draft_saying(s, ids, plan: str) -> str:
    """A draft assessment (not yet completed) that records Tobi's other plan."""
    aid = assessments.start_assessment(s, ids["family"], episode_id=ids["episode"])
    assessments.save_draft(s, aid, {"level_of_need": "2", f"child_other_plan@{ids['kid']}": plan})
    return aid


@pytest.mark.parametrize(
    ("plan", "caseload_words", "record_words"),
    [
        (
            "child_protection",
            "Child on a CP plan: manager to decide",
            "Tobi Okafor is on a child protection plan",
        ),
        ("child_in_need", "Child on a CIN plan: manager to decide", "Tobi Okafor is on a child in need plan"),
        (
            "looked_after",
            "Child looked after: manager to decide",
            "Tobi Okafor is looked after by the council",
        ),
    ],
)
def test_a_child_on_a_statutory_plan_at_level_2_is_flagged_on_the_caseload_and_the_record(
    store, plan, caseload_words, record_words
):
    with store.session() as s:
        ids = make_family(s, level=2)
        assert _on_caseload(s, ids) == ()
        _draft_saying(s, ids, plan)
        assert caseload_words in _on_caseload(s, ids)
        stop = [f for f in flags.family_flags(s, ids["family"], TODAY) if f.code == "threshold"]
    assert stop and stop[0].level == "stop"
    assert record_words in stop[0].message
    assert "A manager must decide whether to step up to children's social care" in stop[0].message


def test_level_4_and_a_plan_together_are_named_in_one_caseload_flag(store):
    with store.session() as s:
        ids = make_family(s, level=4)
        assert _on_caseload(s, ids) == ("Level 4: manager to decide",)
        _draft_saying(s, ids, "child_in_need")
        assert _on_caseload(s, ids) == ("Level 4, Child on a CIN plan: manager to decide",)


def test_an_ehcp_or_no_other_plan_raises_no_flag(store):
    with store.session() as s:
        ids = make_family(s, level=3)
        _draft_saying(s, ids, "ehcp")
        assert _on_caseload(s, ids) == ()
        assert not [f for f in flags.family_flags(s, ids["family"], TODAY) if f.code == "threshold"]


def test_the_managers_decision_lifts_the_flag_is_audited_and_shows_the_reason(store):
    from tests.assessments.helpers import complete_eha_answers

    reason = "Social care are stepping the child in need plan down; early help continues with a TAF."
    with store.session() as s:
        ids = make_family(s, level=2)
        aid = assessments.start_assessment(s, ids["family"], episode_id=ids["episode"])
        answers = complete_eha_answers({"Amara": ids["kid"], "Tobi": ids["kid"]})
        answers |= {"level_of_need": "2", f"child_other_plan@{ids['kid']}": "child_in_need"}
        assessments.complete_assessment(s, aid, answers, today=TODAY)
        with pytest.raises(assessments.ThresholdDecisionNeeded) as refused:
            assessments.sign_off_assessment(s, aid, "Morgan Manager", today=TODAY)
        assert "Tobi Okafor is on a child in need plan" in str(refused.value)
        # A practitioner cannot decide, and a manager must give a reason.
        with pytest.raises(thresholds.EhdeskError, match="Only a manager"):
            thresholds.record_decision(
                s, ids["episode"], decision="continue", reason=reason, actor_role="practitioner"
            )
        with pytest.raises(thresholds.ValidationError):
            thresholds.record_decision(
                s, ids["episode"], decision="continue", reason="  ", actor_role="manager"
            )
        thresholds.record_decision(
            s, ids["episode"], decision="continue", reason=reason, actor_role="manager",
            manager_name="Morgan Manager", today=TODAY,
        )  # fmt: skip
        assert _on_caseload(s, ids) == ()
        assessments.sign_off_assessment(s, aid, "Morgan Manager", today=TODAY)
        shown = [f.message for f in flags.family_flags(s, ids["family"], TODAY)]
        audited = s.scalars(select(AuditEvent).where(AuditEvent.entity_id == ids["episode"])).all()
    assert any("Continue with early help: decided by Morgan Manager" in m and reason in m for m in shown)
    decided = [a for a in audited if (a.detail or {}).get("op") == "threshold_decision"]
    assert decided and decided[0].detail["decision"] == "continue"
    assert decided[0].detail["triggers"] == [f"plan:child_in_need:{ids['kid']}"]


def test_a_new_trigger_after_the_decision_raises_the_flag_again(store):
    with store.session() as s:
        ids = make_family(s, level=4)
        thresholds.record_decision(
            s, ids["episode"], decision="continue", reason="Needs are met by the school and the TAF.",
            actor_role="manager", manager_name="Morgan Manager", today=TODAY,
        )  # fmt: skip
        assert _on_caseload(s, ids) == ()
        _draft_saying(s, ids, "child_protection")
        assert _on_caseload(s, ids) == ("Child on a CP plan: manager to decide",)
