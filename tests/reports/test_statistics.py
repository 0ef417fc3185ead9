"""The figures of the return on a synthetic caseload, checked against figures the test works out
itself from the plain records (not with the code under test)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import JSON, Date, String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ehdesk.casework import episode_facts
from ehdesk.casework.statistics import compute
from ehdesk.casework.suppression import publish
from ehdesk.config.pack import load_pack
from ehdesk.models import Base, Episode, Family
from tests.reports import fake_facts
from tests.reports.synthetic import build

PACK = load_pack("default")


class _OtherBase(DeclarativeBase):
    pass


class FakeAssessment(_OtherBase):
    """The shape of the assessments feature's model, on its own metadata."""

    __tablename__ = "assessment"
    id: Mapped[int] = mapped_column(primary_key=True)
    deleted: Mapped[bool] = mapped_column(default=False)
    episode_id: Mapped[str] = mapped_column(String(36))
    form_id: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(12))
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    answers: Mapped[dict] = mapped_column(JSON)


FROM, TO = date(2025, 1, 1), date(2025, 6, 30)


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()


def rows_of(table) -> dict:
    return {label: values for label, values in table.rows}


def expected_band(person: dict, day: date) -> str:
    dob = person["date_of_birth"]
    if dob is None:
        return "Unborn" if person["due_date"] or person["gender"] == "unborn" else "Age not known"
    if dob > day:
        return "Unborn"
    years = day.year - dob.year - (1 if date(day.year, dob.month, dob.day) > day else 0)
    for label, high in (("0-5", 5), ("6-10", 10), ("11-15", 15), ("16-17", 17)):
        if years <= high:
            return label
    return "18+"


def expectations(data, team_ids=None):
    live = {
        f["id"] for f in data.families if not f["deleted"] and (team_ids is None or f["team_id"] in team_ids)
    }
    eps = [
        e
        for e in data.episodes
        if not e["deleted"]
        and e["family_id"] in live
        and e["opened_on"] <= TO
        and (e["closed_on"] is None or e["closed_on"] >= FROM)
    ]
    opened = [e for e in eps if FROM <= e["opened_on"] <= TO]
    closed = [e for e in eps if e["closed_on"] and FROM <= e["closed_on"] <= TO]
    active = [e for e in eps if not (e["closed_on"] and e["closed_on"] <= TO)]
    first_day: dict[str, date] = {}
    for e in eps:
        day = max(e["opened_on"], FROM)
        first_day[e["family_id"]] = min(first_day.get(e["family_id"], day), day)
    people = [p for p in data.people if not p["deleted"] and p["family_id"] in first_day]
    refs = [
        r
        for r in data.referrals
        if not r["deleted"] and r["family_id"] in live and FROM <= r["received_on"] <= TO
    ]
    return eps, opened, closed, active, first_day, people, refs


def test_episodes_by_case_type_and_level(session):
    data = build(session, PACK)
    stats = compute(session, FROM, TO, pack=PACK)
    eps, opened, closed, active, *_ = expectations(data)
    assert len(opened) > 20 and len(closed) > 10 and len(active) > 20  # the data exercises the figures
    by_type = rows_of(stats.table("episodes_by_case_type"))
    for case_type in PACK.case_types:
        assert by_type[case_type.label] == (
            sum(e["case_type"] == case_type.code for e in opened),
            sum(e["case_type"] == case_type.code for e in closed),
            sum(e["case_type"] == case_type.code for e in active),
            sum(e["case_type"] == case_type.code for e in active if e in opened),
        )
    by_level = rows_of(stats.table("episodes_by_level"))
    assert by_level["Not recorded"][:3] == (
        sum(e["level_of_need"] is None for e in opened),
        sum(e["level_of_need"] is None for e in closed),
        sum(e["level_of_need"] is None for e in active),
    )
    assert by_level["Level 3: targeted / complex"][2] == sum(e["level_of_need"] == 3 for e in active)


def expected_kind(person: dict, day: date) -> str:
    dob = person["date_of_birth"]
    if dob is None:
        return "unborn" if person["due_date"] or person["gender"] == "unborn" else person["role"]
    if dob > day:
        return "unborn"
    years = day.year - dob.year - (1 if date(day.year, dob.month, dob.day) > day else 0)
    return "child" if years < 18 else "adult"


def test_people_by_age_gender_and_ethnicity(session):
    data = build(session, PACK)
    stats = compute(session, FROM, TO, pack=PACK)
    *_, first_day, people, _ = expectations(data)

    def band(p):
        found = expected_band(p, first_day[p["family_id"]])
        if found == "Age not known":
            return "Adult, age not known" if p["role"] == "adult" else "Child, age not known"
        return found

    grid = Counter((band(p), p["gender"]) for p in people)
    table = stats.table("people_by_age_gender")
    genders = [g.code for g in PACK.genders]
    got = rows_of(table)
    for name in ("Unborn", "0-5", "6-10", "11-15", "16-17", "18+", "Child, age not known"):
        assert got[name] == tuple(grid[(name, g)] for g in genders), name
    kinds = Counter(expected_kind(p, first_day[p["family_id"]]) for p in people)
    assert sum(got["Children (under 18)"]) == kinds["child"]
    assert sum(got["Adults (18 and over)"]) == kinds["adult"]
    assert sum(got["Unborn"]) == kinds["unborn"]
    assert sum(kinds.values()) == len(people)

    group = {e.code: e.group for e in PACK.ethnicities}
    cols = ("child", "unborn", "adult")
    by_group = Counter(
        (group.get(p["ethnicity_code"], "Not recorded"), expected_kind(p, first_day[p["family_id"]]))
        for p in people
    )
    got_groups = rows_of(stats.table("people_by_ethnicity"))
    for name in ("White", "Mixed", "Asian or Asian British", "Not recorded"):
        assert got_groups[name] == tuple(by_group[(name, k)] for k in cols), name
    by_code = Counter((p["ethnicity_code"], expected_kind(p, first_day[p["family_id"]])) for p in people)
    assert got_groups["· White British (WBRI)"] == tuple(by_code[("WBRI", k)] for k in cols)
    assert got_groups["· Refused (REFU)"] == tuple(by_code[("REFU", k)] for k in cols)

    by_group_gender = Counter((group.get(p["ethnicity_code"], "Not recorded"), p["gender"]) for p in people)
    cross = rows_of(stats.table("people_by_ethnicity_gender"))
    for name in ("White", "Black or Black British", "Not recorded"):
        assert cross[name] == tuple(by_group_gender[(name, g)] for g in genders), name
    by_group_band = Counter((group.get(p["ethnicity_code"], "Not recorded"), band(p)) for p in people)
    cross_age = stats.table("people_by_ethnicity_age")
    assert cross_age.columns[:2] == ("Unborn", "0-5")
    for name, values in cross_age.rows:
        assert values == tuple(by_group_band[(name, b)] for b in cross_age.columns), name


def test_requests_by_source_and_outcome_with_percentages(session):
    data = build(session, PACK)
    stats = compute(session, FROM, TO, pack=PACK)
    *_, refs = expectations(data)
    sources = Counter(r["source"] for r in refs)
    got = rows_of(stats.table("requests_by_source"))
    for choice in PACK.referral_sources:
        assert got[choice.label] == (sources[choice.code],)
    assert got.get("Not recorded", (0,)) == (sources[""],)
    outcomes = Counter(r["outcome"] for r in refs)
    published = publish(stats.table("requests_by_outcome"), PACK.suppression, suppress=False)
    shown = {row[0]: row[1:] for row in published.rows}
    label = PACK.label("referral_outcomes", "family_service")
    assert shown[label] == (
        str(outcomes["family_service"]),
        f"{outcomes['family_service'] * 100 / len(refs):.1f}",
    )
    assert shown["Total"] == (str(len(refs)), "100.0")


def test_presenting_factors_closures_and_lengths(session):
    data = build(session, PACK)
    stats = compute(session, FROM, TO, pack=PACK)
    _, opened, closed, *_ = expectations(data)
    assessed = [e for e in opened if e["presenting_factors"]]
    factors = stats.table("presenting_factors")
    assert factors.base == len(assessed)
    counts = Counter(f for e in assessed for f in e["presenting_factors"])
    assert rows_of(factors) == {c.label: (counts[c.code],) for c in PACK.presenting_factors}

    reasons = Counter(e["closure_reason"] for e in closed)
    got = rows_of(stats.table("closure_reasons"))
    assert got["Goals achieved"] == (reasons["goals_achieved"],)
    lengths = [(e["closed_on"] - e["opened_on"]).days for e in closed]
    bands = rows_of(stats.table("episode_length"))
    assert bands["Under 3 months"] == (sum(d <= 90 for d in lengths),)
    assert bands["Over 12 months"] == (sum(d > 365 for d in lengths),)
    mean = stats.table("episode_length_days").rows[0]
    assert mean[1] == len(lengths) and mean[2] == pytest.approx(sum(lengths) / len(lengths))


def test_timescales_without_meetings_recorded_and_the_12_month_limit(session, monkeypatch):
    monkeypatch.setattr(episode_facts, "fact_sources", lambda: [])
    data = build(session, PACK)
    stats = compute(session, FROM, TO, pack=PACK)
    eps, *_ = expectations(data)
    end = {e["id"]: e["closed_on"] if e["closed_on"] and e["closed_on"] <= TO else TO for e in eps}
    due_passed = sum(end[e["id"]] > e["allocated_on"] + timedelta(days=42) for e in eps)
    timescales = rows_of(stats.table("timescales"))
    assert timescales["First TAF within 6 weeks of allocation"] == (0, due_passed)
    assert any("No TAF meetings are recorded" in n for s in stats.sections for n in s.notes)
    # The pack's limit is 12 calendar months (the synthetic data has no 29 February).
    past = [e for e in eps if end[e["id"]] > e["opened_on"].replace(year=e["opened_on"].year + 1)]
    signed = sum(1 for e in past if e["extension_signed_off_on"] and e["extension_signed_off_on"] <= TO)
    assert stats.table("past_limit").title == "Episodes open longer than 12 months"
    assert rows_of(stats.table("past_limit")) == {
        "With sign-off": (signed,),
        "Without sign-off": (len(past) - signed,),
    }


def test_team_filter_counts_only_that_teams_families(session):
    data = build(session, PACK)
    north = data.teams["North"]
    stats = compute(session, FROM, TO, teams=[north], pack=PACK)
    _, opened, *_ = expectations(data, {north})
    _, all_opened, *_ = expectations(data)
    total = sum(v[0] for v in rows_of(stats.table("episodes_by_case_type")).values())
    assert total == len(opened) < len(all_opened)


def test_compliance_from_the_fact_sources(session, monkeypatch):
    monkeypatch.setattr(episode_facts, "fact_sources", lambda: [fake_facts.taf_facts])
    family = Family(reference="F1")
    session.add(family)
    session.flush()
    ids = []
    for allocated in (date(2025, 1, 1), date(2025, 1, 1), date(2025, 5, 20), date(2025, 1, 1)):
        e = Episode(family_id=family.id, opened_on=allocated, allocated_on=allocated)
        session.add(e)
        session.flush()
        ids.append(e.id)
    facts = {
        # all on time: TAF in 31 days, agreement and baseline before it, reviews 59 and 80 days apart
        ids[0]: dict(
            first_taf_on=date(2025, 2, 1),
            agreement_signed_on=date(2025, 1, 20),
            reading_dates=(date(2025, 1, 25),),
            review_dates=(date(2025, 4, 1), date(2025, 6, 20)),
        ),
        # TAF late (59 days), agreement after it, no baseline, next review after the period and late
        ids[1]: dict(
            first_taf_on=date(2025, 3, 1),
            agreement_signed_on=date(2025, 3, 5),
            review_dates=(date(2025, 7, 1),),
        ),
        # ids[2]: first TAF not yet due at the end of the period; ids[3]: overdue, no TAF
    }
    monkeypatch.setattr(fake_facts, "FACTS", facts)
    stats = compute(session, FROM, TO, pack=PACK)
    got = rows_of(stats.table("timescales"))
    assert got == {
        "First TAF within 6 weeks of allocation": (1, 2),
        "TAF reviews no more than 12 weeks apart": (1, 1),
        "Baseline progression reading before the first TAF": (1, 1),
        "Agreement signed before the first TAF": (1, 1),
    }
    shown = publish(stats.table("timescales"), PACK.suppression, suppress=False)
    assert shown.rows[0] == ("First TAF within 6 weeks of allocation", "1", "33.3", "2", "66.7", "3")
    assert shown.series[0][1][0] == pytest.approx(100 / 3)
    # Published, these small counts are withheld.
    assert publish(stats.table("timescales"), PACK.suppression).rows[0][1] == "c"


def test_progression_reports_the_change_by_area_the_readings_feature_computes(session, monkeypatch):
    import ehdesk.casework.readings as readings

    stats = compute(session, FROM, TO, pack=PACK)
    assert (
        "No progression readings are recorded"
        in next(s for s in stats.sections if s.title == "Progression of change").notes[0]
    )

    monkeypatch.setattr(
        readings,
        "change_by_area",
        lambda s, ids: {
            "family_spider": {
                "title": "Family spider graph",
                "higher_is_better": True,
                "areas": {
                    "home": {"label": "Home", "episodes": 8, "average_change": 1.5},
                    "money": {"label": "Money", "episodes": 3, "average_change": 2.0},
                },
            }
        },
    )
    stats = compute(session, FROM, TO, pack=PACK)
    table = next(s for s in stats.sections if s.title == "Progression of change").tables[0]
    assert "Family spider graph" in table.title
    assert publish(table, PACK.suppression).rows == (("Home", "8", "1.5"), ("Money", "c", "c"))


@pytest.mark.parametrize("backend", ["postgres"])
def test_statistics_on_postgres(postgres_url, backend):
    """The server's database: the same figures from PostgreSQL, in a throwaway schema."""
    import uuid

    from sqlalchemy import text

    schema = f"reports_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = admin.execution_options(schema_translate_map={None: schema})
    try:
        Base.metadata.create_all(engine)
        with Session(engine) as s:
            data = build(s, PACK, families=80)
            s.commit()
            stats = compute(s, FROM, TO, teams=[data.teams["South"]], pack=PACK)
            eps, opened, closed, active, first_day, people, refs = expectations(data, {data.teams["South"]})
            by_type = rows_of(stats.table("episodes_by_case_type"))
            assert [sum(v[i] for v in by_type.values()) for i in range(3)] == [
                len(opened),
                len(closed),
                len(active),
            ]
            ages = stats.table("people_by_age_gender")
            assert sum(sum(ages.rows[r][1]) for r in ages.top_rows) == len(people)
            # The new figures read PostgreSQL too: caseloads, lead professionals, outcomes.
            assert stats.table("caseload_snapshots").rows and stats.table("lead_by_agency").rows
            assert stats.table("feedback").rows and stats.table("supporting_families_quarters").rows
            sources = rows_of(stats.table("requests_by_source"))
            assert sum(v[0] for v in sources.values()) == len(refs)
    finally:
        engine.dispose()
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_presenting_factors_come_from_the_completed_assessment_when_there_is_one(session, monkeypatch):
    """With the assessments feature installed, "at assessment" means the completed EHA's answers."""
    import ehdesk.models as models

    real = getattr(models, "Assessment", None)  # present once the assessments feature is merged
    if real is None:
        _OtherBase.metadata.create_all(session.get_bind())
        monkeypatch.setattr(models, "Assessment", FakeAssessment, raising=False)
    model = real or FakeAssessment
    family = Family(reference="F")
    session.add(family)
    session.flush()
    episodes = [
        Episode(family_id=family.id, opened_on=date(2025, 2, 1), presenting_factors=["housing"])
        for _ in range(3)
    ]
    session.add_all(episodes)
    session.flush()
    eha = "early-help-assessment"

    def Assessment(**fields):  # noqa: N802
        if real is not None:
            fields.update(family_id=family.id, form_version=1, started_on=date(2025, 2, 2))
        return model(**fields)

    session.add_all(
        [
            # the later completed assessment wins; per-member answers count too
            Assessment(
                episode_id=episodes[0].id,
                form_id=eha,
                status="completed",
                completed_on=date(2025, 2, 10),
                answers={"presenting_factors": ["finance"]},
            ),
            Assessment(
                episode_id=episodes[0].id,
                form_id=eha,
                status="signed_off",
                completed_on=date(2025, 3, 1),
                answers={"presenting_factors@p1": ["domestic_abuse"], "presenting_factors": ["behaviour"]},
            ),
            # a draft does not count: the episode's own factors stand
            Assessment(
                episode_id=episodes[1].id,
                form_id=eha,
                status="draft",
                answers={"presenting_factors": ["finance"]},
            ),
        ]
    )
    session.flush()
    got = rows_of(compute(session, FROM, TO, pack=PACK).table("presenting_factors"))
    label = {c.code: c.label for c in PACK.presenting_factors}
    assert got[label["domestic_abuse"]] == (1,) and got[label["behaviour"]] == (1,)
    assert got[label["finance"]] == (0,)
    assert got[label["housing"]] == (2,)
