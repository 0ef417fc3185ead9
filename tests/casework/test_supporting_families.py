"""Supporting Families: needs against the headline outcomes, dated evidence of sustained progress,
and where each family stands (eligible, in progress, achieved) on worked examples."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from ehdesk.casework import supporting_families as sf
from ehdesk.casework.statistics import compute
from ehdesk.config.pack import load_pack
from ehdesk.errors import ValidationError
from ehdesk.models import AuditEvent, Base, Episode, Family, FamilyOutcome

PACK = load_pack("default")
TODAY = date(2026, 3, 31)


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()


def episode(s, opened=date(2025, 4, 1), criteria=()) -> str:
    f = Family(reference="F")
    s.add(f)
    s.flush()
    e = Episode(family_id=f.id, opened_on=opened, criteria_met=list(criteria))
    s.add(e)
    s.flush()
    return e.id


def need(s, episode_id, outcome, on=date(2025, 4, 10), progress=None, sustained=None):
    rid = sf.record_need(s, episode_id, outcome, on, pack=PACK, today=TODAY)
    if progress:
        sf.record_progress(
            s, rid, progress, sustained, "School attendance 96% for two terms", pack=PACK, today=TODAY
        )
    return rid


def test_the_pack_has_the_ten_headline_outcomes():
    assert len(PACK.supporting_families.outcomes) == 10
    assert PACK.supporting_families.min_needs_for_claim == 3


def test_eligible_in_progress_then_achieved_as_progress_is_sustained(session):
    e = episode(session)
    need(session, e, "education", progress=date(2025, 5, 1), sustained=date(2025, 12, 1))
    need(session, e, "housing", progress=date(2025, 6, 1), sustained=date(2026, 1, 1))
    assert sf.episode_status(session, e, PACK, as_at=TODAY) == sf.NOT_ELIGIBLE  # two needs: no claim
    third = need(session, e, "finance")
    assert sf.episode_status(session, e, PACK, as_at=TODAY) == sf.IN_PROGRESS
    sf.record_progress(
        session, third, date(2025, 7, 1), date(2025, 9, 1), "Debt plan kept", pack=PACK, today=TODAY
    )
    assert sf.episode_status(session, e, PACK, as_at=TODAY) == sf.IN_PROGRESS  # 2 months is not sustained
    sf.record_progress(
        session, third, date(2025, 7, 1), date(2026, 1, 15), "Debt plan kept", pack=PACK, today=TODAY
    )
    assert sf.episode_status(session, e, PACK, as_at=TODAY) == sf.ACHIEVED
    # Seen from before the progress was sustained, the same family was in progress.
    assert sf.episode_status(session, e, PACK, as_at=date(2025, 10, 1)) == sf.IN_PROGRESS
    views = sf.list_outcomes(session, e, PACK)
    assert [v.label for v in views] == ["Getting a good education", "Secure housing", "Financial stability"]
    assert all(v.sustained for v in views)
    assert (
        session.query(AuditEvent).filter_by(entity="family_outcome").count() == 7
    )  # 3 needs, 4 progress notes


def test_mistakes_are_refused_and_change_nothing(session):
    e = episode(session)
    with pytest.raises(ValidationError) as err:
        sf.record_need(session, e, "astrology", date(2025, 4, 1), pack=PACK, today=TODAY)
    assert "Supporting Families list" in str(err.value.fields)
    with pytest.raises(ValidationError):
        sf.record_need(session, e, "housing", date(2026, 5, 1), pack=PACK, today=TODAY)  # future
    rid = need(session, e, "housing")
    with pytest.raises(ValidationError) as err:
        sf.record_need(session, e, "housing", date(2025, 4, 1), pack=PACK, today=TODAY)
    assert "already recorded" in str(err.value.fields)
    with pytest.raises(ValidationError) as err:
        sf.record_progress(session, rid, date(2025, 4, 1), None, "x", pack=PACK, today=TODAY)
    assert "before the need was identified" in str(err.value.fields)
    with pytest.raises(ValidationError) as err:
        sf.record_progress(session, rid, date(2025, 6, 1), date(2025, 5, 1), "x", pack=PACK, today=TODAY)
    assert "before it started" in str(err.value.fields)
    with pytest.raises(ValidationError) as err:
        sf.record_progress(session, rid, date(2025, 6, 1), None, "", pack=PACK, today=TODAY)
    assert "what shows the progress" in str(err.value.fields)
    row = session.get(FamilyOutcome, rid)
    assert row.progress_from is None and row.evidence == ""
    assert session.query(FamilyOutcome).count() == 1


def test_a_council_rule_of_two_of_six_criteria(session):
    devon = PACK.model_copy(
        update={"supporting_families": PACK.supporting_families.model_copy(update={"min_criteria": 2})}
    )
    one = episode(session, criteria=["education"])
    two = episode(session, criteria=["education", "health"])
    for e in (one, two):
        for outcome in ("education", "health", "relationships"):
            sf.record_need(session, e, outcome, date(2025, 4, 10), pack=devon, today=TODAY)
    assert sf.episode_status(session, one, devon, TODAY) == sf.NOT_ELIGIBLE
    assert sf.episode_status(session, two, devon, TODAY) == sf.IN_PROGRESS
    assert sf.episode_status(session, one, PACK, TODAY) == sf.IN_PROGRESS  # the default sets no rule


def test_quarterly_return_and_needs_per_outcome(session):
    a = episode(session)
    for outcome in ("education", "housing", "finance"):
        need(session, a, outcome, progress=date(2025, 4, 20), sustained=date(2025, 11, 1))
    b = episode(session, opened=date(2025, 8, 1))
    for outcome in ("education", "health", "crime"):
        need(session, b, outcome, on=date(2025, 8, 5))
    stats = compute(session, date(2025, 4, 1), date(2026, 3, 31), pack=PACK)
    quarters = dict(stats.table("supporting_families_quarters").rows)
    # a achieves once 182 days have passed since 20/04/2025 (19/10/2025); b is eligible from August.
    assert quarters == {
        "Quarter to 30/06/2025": (1, 0),
        "Quarter to 30/09/2025": (2, 0),
        "Quarter to 31/12/2025": (1, 1),
        "Quarter to 31/03/2026": (1, 1),
    }
    per_outcome = dict(stats.table("supporting_families_outcomes").rows)
    assert per_outcome["Getting a good education"] == (2, 1)
    assert per_outcome["Crime prevention and tackling crime"] == (1, 0)
    assert per_outcome["Secure housing"] == (1, 1)


def test_the_primary_reason_must_be_one_of_the_requests_needs(session):
    from ehdesk.casework import referrals

    f = Family(reference="P")
    session.add(f)
    session.flush()
    data = {
        "received_on": date(2025, 5, 1),
        "presenting_needs": ["housing", "finance"],
        "primary_reason": "behaviour",
    }
    with pytest.raises(ValidationError) as err:
        referrals.record_referral(session, f.id, data, PACK)
    assert "one of the presenting needs" in err.value.fields["primary_reason"]
    rid = referrals.record_referral(session, f.id, {**data, "primary_reason": "finance"}, PACK)
    assert referrals.list_referrals(session, f.id)[0].primary_reason == "finance"
    assert rid
