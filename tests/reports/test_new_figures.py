"""The figures the FOI replies published and the outcomes, each on a small worked caseload whose
answers are worked out by hand in the comments."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from ehdesk.casework.statistics import compute
from ehdesk.casework.statistics_work import quarter_ends
from ehdesk.config.pack import load_pack
from ehdesk.models import Assessment, Base, Episode, Family, Reading, Referral
from ehdesk.models.plan import PlanAction, PlanOutcome

PACK = load_pack("default")
FROM, TO = date(2025, 4, 1), date(2026, 3, 31)


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()


def family(s: Session) -> str:
    f = Family(reference="F")
    s.add(f)
    s.flush()
    return f.id


def episode(s: Session, family_id: str, opened: date, closed: date | None = None, **kw) -> str:
    e = Episode(
        family_id=family_id, opened_on=opened, closed_on=closed, status="closed" if closed else "open", **kw
    )
    s.add(e)
    s.flush()
    return e.id


def rows(stats, key) -> dict:
    return {label: values for label, values in stats.table(key).rows}


def test_lead_professionals_by_agency_and_role_across_levels(session):
    for agency, role, level in (
        ("school", "Pastoral lead", 2),
        ("school", "pastoral lead", 2),  # the same role typed in lower case
        ("school", "Head of year", 3),
        ("health_visitor", "Health visitor", 2),
        ("", "", None),
    ):
        episode(
            session,
            family(session),
            date(2025, 5, 1),
            lead_professional_agency=agency,
            lead_professional_role=role,
            level_of_need=level,
        )
    episode(session, family(session), date(2025, 5, 1), date(2025, 9, 1), lead_professional_agency="police")
    stats = compute(session, FROM, TO, pack=PACK)
    by_agency = rows(stats, "lead_by_agency")
    # Columns: levels 1-4, then not recorded. The police episode closed before the end: not counted.
    assert by_agency["School"] == (0, 2, 1, 0, 0)
    assert by_agency["Health visiting"] == (0, 1, 0, 0, 0)
    assert by_agency["Police"] == (0, 0, 0, 0, 0)
    assert by_agency["Not recorded"] == (0, 0, 0, 0, 1)
    by_role = {label: values for label, values in rows(stats, "lead_by_role").items() if any(values)}
    # The pack's roles are listed (a typed "Health visitor" is the pack's role); others as typed.
    assert "Youth worker" in rows(stats, "lead_by_role")
    assert by_role == {
        "Head of year": (0, 0, 1, 0, 0),
        "Health visitor": (0, 1, 0, 0, 0),
        "Pastoral lead": (0, 2, 0, 0, 0),
        "Not recorded": (0, 0, 0, 0, 1),
    }


def test_lead_professionals_from_the_team_records_where_they_are_kept(session, monkeypatch):
    """With the team feature's structured leads, a family's lead comes from there (a role code
    from the pack's list); families without one keep the episode's own fields."""
    import ehdesk.casework.statistics_work as work

    kept, typed = family(session), family(session)
    episode(session, kept, date(2025, 5, 1), level_of_need=3, lead_professional_role="old text")
    episode(session, typed, date(2025, 5, 1), level_of_need=2, lead_professional_role="Youth worker")
    monkeypatch.setattr(work, "structured_leads", lambda s, ids, day: {kept: ("school", "school_staff")})
    monkeypatch.setattr(work, "lead_role_labels", lambda pack: [("school_staff", "School staff")])
    stats = compute(session, FROM, TO, pack=PACK)
    assert rows(stats, "lead_by_role") == {"School staff": (0, 0, 1, 0, 0), "Youth worker": (0, 1, 0, 0, 0)}
    assert rows(stats, "lead_by_agency")["School"] == (0, 0, 1, 0, 0)


def test_assessments_completed_and_signed_off_in_the_period(session):
    f = family(session)
    e = episode(session, f, date(2025, 1, 1))
    for status, completed, signed in (
        ("completed", date(2025, 5, 1), None),  # completed in the period
        ("signed_off", date(2025, 3, 1), date(2025, 4, 10)),  # completed before, signed off in
        ("signed_off", date(2025, 6, 1), date(2025, 6, 5)),  # both in
        ("draft", None, None),
        ("completed", date(2026, 5, 1), None),  # after the period
    ):
        session.add(
            Assessment(
                family_id=f,
                episode_id=e,
                form_id="early-help-assessment",
                form_version=1,
                status=status,
                started_on=date(2025, 1, 1),
                completed_on=completed,
                signed_off_on=signed,
            )
        )
    session.flush()
    stats = compute(session, FROM, TO, pack=PACK)
    assert rows(stats, "assessments") == {"Completed in the period": (2,), "Signed off in the period": (2,)}


def test_average_caseload_over_quarter_end_snapshots(session):
    assert quarter_ends(FROM, TO) == [
        date(2025, 6, 30),
        date(2025, 9, 30),
        date(2025, 12, 31),
        date(2026, 3, 31),
    ]
    f = family(session)
    episode(session, f, date(2025, 1, 1))  # open at all four
    episode(session, f, date(2025, 7, 1), date(2025, 12, 31))  # open at 30/09 only (closed on the day)
    episode(session, f, date(2025, 10, 1), case_type="childrens_centre")  # open at the last two
    stats = compute(session, FROM, TO, pack=PACK)
    snapshots = rows(stats, "caseload_snapshots")
    assert snapshots["30/06/2025"][:2] == (1, 0)
    assert snapshots["30/09/2025"][:2] == (2, 0)
    assert snapshots["31/12/2025"][:2] == (1, 1)
    average = {label: value for label, _, value in stats.table("caseload_average").rows}
    assert average["All case types"] == pytest.approx((1 + 2 + 2 + 2) / 4)
    assert average["Children's centre"] == pytest.approx(0.5)


def test_factors_by_group_and_primary_reason(session):
    f = family(session)
    episode(session, f, date(2025, 5, 1), presenting_factors=["behaviour", "school_attendance"])
    episode(session, f, date(2025, 6, 1), presenting_factors=["parenting", "housing"])
    episode(session, f, date(2025, 7, 1), presenting_factors=[])
    for needs, primary in (
        (["housing", "finance"], "housing"),
        (["housing"], ""),  # the only need is the primary reason
        (["behaviour", "finance"], "behaviour"),
        (["finance", "parenting"], ""),  # two needs, none marked: not recorded
        ([], ""),
    ):
        session.add(
            Referral(
                family_id=f, received_on=date(2025, 5, 1), presenting_needs=needs, primary_reason=primary
            )
        )
    session.flush()
    stats = compute(session, FROM, TO, pack=PACK)
    grouped = stats.table("presenting_factors_grouped")
    got = rows(stats, "presenting_factors_grouped")
    assert grouped.base == 2
    assert got["Child: any factor"] == (1,)  # behaviour and attendance are one episode
    assert got["Parent(s): any factor"] == (1,)
    assert got["Family: any factor"] == (1,)
    assert got["· Child's behaviour"] == (1,)
    primary = rows(stats, "requests_by_primary_reason")
    assert primary["Housing or risk of homelessness"] == (2,)
    assert primary["Child's behaviour"] == (1,)
    assert primary["Not recorded"] == (2,)


def test_feedback_added_up_across_form_versions(session):
    f = family(session)
    e = episode(session, f, date(2025, 1, 1), date(2025, 6, 1))
    answers = [
        ({"listened": "always"}, 1),  # the old form: no positive-difference or recommend question
        ({"listened": "mostly", "positive_difference": "a_lot", "recommend": "yes"}, 2),
        ({"listened": "no", "positive_difference": "no_difference", "recommend": "not_sure"}, 2),
        ({"listened": "sometimes", "positive_difference": "a_little", "recommend": "yes"}, 2),
    ]
    for given, version in answers:
        session.add(
            Assessment(
                family_id=f,
                episode_id=e,
                form_id="closure-feedback",
                form_version=version,
                status="completed",
                started_on=date(2025, 6, 1),
                completed_on=date(2025, 6, 1),
                answers=given,
            )
        )
    session.flush()
    stats = compute(session, FROM, TO, pack=PACK)
    got = rows(stats, "feedback")
    assert got["Felt listened to"] == (2, 2)
    assert got["Say it made a positive difference to them and their family"] == (2, 1)
    assert got["Would recommend early help to another family"] == (2, 1)


def test_plan_outcomes_at_closure_and_returns_within_12_months(session):
    f = family(session)
    closed = episode(session, f, date(2025, 1, 1), date(2025, 5, 1))
    for statuses in (["done", "done"], ["done", "in_progress"], ["not_done"], []):
        outcome = PlanOutcome(family_id=f, episode_id=closed)
        session.add(outcome)
        session.flush()
        for status in statuses:
            session.add(PlanAction(family_id=f, episode_id=closed, outcome_id=outcome.id, status=status))
    other = family(session)
    episode(session, other, date(2023, 1, 1), date(2024, 1, 10))
    session.add_all(
        [
            Referral(family_id=f, received_on=date(2025, 9, 1), outcome="step_up"),  # 4 months after: back
            Referral(family_id=f, received_on=date(2025, 4, 20)),  # before that closure: not a return
            Referral(family_id=other, received_on=date(2025, 4, 2)),  # 15 months after: not back
        ]
    )
    session.flush()
    stats = compute(session, FROM, TO, pack=PACK)
    assert rows(stats, "plan_outcomes") == {
        "Achieved": (1,),
        "Partly achieved": (1,),
        "Not achieved": (1,),
        "No actions recorded": (1,),
    }
    back = stats.table("returns")
    assert back.base == 3
    assert dict(back.rows) == {
        "Re-referred within 12 months of closure": (1,),
        "Stepped up to social care within 12 months of closure": (1,),
    }


def test_share_in_need_at_baseline_and_improved_per_area(session):
    f = family(session)
    a = episode(session, f, date(2025, 5, 1))
    b = episode(session, f, date(2025, 5, 1))
    c = episode(session, f, date(2025, 5, 1))

    def reading(episode_id, occasion, day, chart):
        session.add(
            Reading(
                family_id=f,
                episode_id=episode_id,
                tool_id="family_spider",
                tool_version=1,
                occasion=occasion,
                taken_on=day,
                scores={"chart": chart},
            )
        )

    # The spider's scale is 1-10: in need below 5.5.
    reading(a, "baseline", date(2025, 5, 2), {"health": 3, "money": 8})
    reading(a, "review", date(2025, 8, 2), {"health": 6, "money": 7})
    reading(b, "baseline", date(2025, 5, 2), {"health": 5, "money": 2})
    reading(b, "review", date(2025, 8, 2), {"health": 5, "money": 6})
    reading(c, "baseline", date(2025, 5, 2), {"health": 9, "money": 9})  # no later reading
    session.flush()
    stats = compute(session, FROM, TO, pack=PACK)
    need = rows(stats, "need_family_spider")
    assert need["Health"] == (2, 1)  # a (3) and b (5) in need; c (9) not
    assert need["Money"] == (1, 2)
    improved = rows(stats, "improved_family_spider")
    assert improved["Health"] == (1, 1)  # a up 3; b unchanged
    assert improved["Money"] == (1, 1)  # a down 1; b up 4
    assert improved["Overall (average of the areas)"] == (2, 0)  # a +1 on average, b +2
