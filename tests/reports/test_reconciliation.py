"""Every total of the return agrees with its tables and with the other tables that publish the
same figure, for random caseloads; and the published (suppressed) return never leaves a hidden
cell that one sum, in its own table or in another table sharing a figure, gives away."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, delete
from sqlalchemy.orm import Session

from ehdesk.casework.statistics import compute
from ehdesk.casework.suppression import publish_all, sum_lines
from ehdesk.config.pack import load_pack
from ehdesk.models import Base, Episode, Family, Person, Referral
from ehdesk.reports.build import key_figures, published

PACK = load_pack("default")
FROM, TO = date(2025, 4, 1), date(2026, 3, 31)

person = st.fixed_dictionaries(
    {
        "dob": st.one_of(st.none(), st.dates(date(1950, 1, 1), date(2026, 12, 31))),
        "due": st.one_of(st.none(), st.dates(date(2025, 1, 1), date(2026, 12, 31))),
        "gender": st.sampled_from(PACK.codes("genders") + ["junk"]),
        "ethnicity": st.sampled_from(PACK.codes("ethnicities")[:6] + ["NOBT", "XXXX"]),
        "role": st.sampled_from(["child", "adult"]),
    }
)
episode = st.fixed_dictionaries(
    {
        "opened": st.dates(date(2024, 1, 1), date(2026, 6, 30)),
        "length": st.one_of(st.none(), st.integers(0, 700)),
        "case_type": st.sampled_from(PACK.codes("case_types")),
        "level": st.sampled_from([1, 2, 3, None]),
    }
)
request = st.fixed_dictionaries(
    {
        "received": st.dates(date(2025, 1, 1), date(2026, 6, 30)),
        "source": st.sampled_from(PACK.codes("referral_sources") + [""]),
        "outcome": st.sampled_from(PACK.codes("referral_outcomes") + [""]),
        "needs": st.lists(st.sampled_from(PACK.codes("presenting_factors")), max_size=3, unique=True),
    }
)
family = st.fixed_dictionaries(
    {
        "people": st.lists(person, min_size=1, max_size=5),
        "episodes": st.lists(episode, max_size=2),
        "requests": st.lists(request, max_size=2),
    }
)


@pytest.fixture(scope="module")
def engine():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _fill(s: Session, families: list[dict]) -> None:
    for model in (Person, Episode, Referral, Family):
        s.execute(delete(model))
    for i, f in enumerate(families):
        fam = Family(reference=f"R{i}")
        s.add(fam)
        s.flush()
        for p in f["people"]:
            s.add(
                Person(
                    family_id=fam.id,
                    given_name="X",
                    date_of_birth=p["dob"],
                    due_date=p["due"],
                    gender=p["gender"],
                    ethnicity_code=p["ethnicity"],
                    role=p["role"],
                )
            )
        for r in f.get("requests", []):
            s.add(
                Referral(
                    family_id=fam.id,
                    received_on=r["received"],
                    source=r["source"],
                    outcome=r["outcome"],
                    outcome_on=r["received"] if r["outcome"] else None,
                    presenting_needs=r["needs"],
                )
            )
        for e in f["episodes"]:
            closed = e["opened"] + timedelta(days=e["length"]) if e["length"] is not None else None
            s.add(
                Episode(
                    family_id=fam.id,
                    opened_on=e["opened"],
                    case_type=e["case_type"],
                    level_of_need=e["level"],
                    status="closed" if closed else "open",
                    closed_on=closed,
                )
            )
    s.flush()


def _rows(table) -> dict:
    return {label: values for label, values in table.rows}


def _total_row(table) -> tuple[int, ...]:
    top = table.top_rows
    return tuple(sum(table.rows[r][1][c] for r in top) for c in range(len(table.columns)))


def check_reconciles(stats) -> None:
    age = stats.table("people_by_age_gender")
    eth = stats.table("people_by_ethnicity")
    by_gender = stats.table("people_by_ethnicity_gender")
    by_age = stats.table("people_by_ethnicity_age")
    people = sum(_total_row(age))
    assert people == sum(_total_row(eth)) == sum(_total_row(by_gender)) == sum(_total_row(by_age))
    rows = _rows(age)
    children, unborn, adults = _total_row(eth)
    assert sum(rows["Children (under 18)"]) == children
    assert sum(rows["Adults (18 and over)"]) == adults
    assert sum(rows.get("Unborn", ())) == unborn
    # Each sub-total is the sum of its parts.
    for table in (age, eth):
        for head, members in table.parts:
            assert table.rows[head][1] == tuple(
                sum(table.rows[m][1][c] for m in members) for c in range(len(table.columns))
            )
    # The cross-tabs' margins are the one-way tables' figures.
    assert _total_row(by_gender) == _total_row(age)
    band_totals = {label: sum(values) for label, values in age.rows}
    for c, label in enumerate(by_age.columns):
        assert sum(values[c] for _, values in by_age.rows) == band_totals[label], label
    groups = {label: sum(values) for label, values in eth.rows}
    for label, values in by_gender.rows:
        assert sum(values) == groups[label] == sum(_rows(by_age)[label])
    # Episodes: the case-type and level tables count the same episodes; closures likewise.
    by_type = _total_row(stats.table("episodes_by_case_type"))
    assert by_type == _total_row(stats.table("episodes_by_level"))
    assert by_type[3] <= by_type[2] and by_type[3] <= by_type[0]  # opened and still open
    closed = by_type[1]
    assert sum(_total_row(stats.table("closure_reasons"))) == closed
    assert sum(_total_row(stats.table("episode_length"))) == closed
    # Requests: every breakdown adds up to the requests received.
    received = sum(_total_row(stats.table("requests_by_source")))
    assert received == sum(_total_row(stats.table("requests_by_outcome")))
    assert received == sum(_total_row(stats.table("requests_by_primary_reason")))
    assert stats.table("returns").base == received


def check_no_single_hidden_cell(stats) -> None:
    """Suppressed as published: every sum of every table has none or at least two hidden
    non-zero cells, and a figure shared between tables is hidden in all of them or in none."""
    rules = PACK.suppression
    tables = [t for s in stats.sections for t in s.tables]
    out = publish_all(tables, rules)
    shared: dict[str, set[bool]] = {}
    for table, pub in zip(tables, out, strict=True):
        if not hasattr(table, "columns") or not table.rows:
            continue
        n_rows, n_cols = len(table.rows), len(table.columns)
        count_cols = [i for i, h in enumerate(pub.header) if i and not h.startswith("%")]

        def cell(r, c, pub=pub, count_cols=count_cols):
            return pub.rows[r][count_cols[c]]

        for line in sum_lines(n_rows, n_cols, table.row_totals, table.column_totals, table.parts):
            hidden = [rc for rc in line if cell(*rc) == rules.symbol]
            if len(hidden) == 1:
                others = [rc for rc in line if rc not in hidden]
                assert all(cell(*rc) == "0" for rc in others), (table.key, line)
        for r, c, name in table.links:
            shared.setdefault(name, set()).add(cell(r, c) == rules.symbol)
    assert all(len(states) == 1 for states in shared.values()), shared


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(family, min_size=1, max_size=14))
def test_every_total_reconciles_and_no_hidden_cell_can_be_worked_out(engine, families):
    with Session(engine) as s:
        _fill(s, families)
        stats = compute(s, FROM, TO, pack=PACK)
        check_reconciles(stats)
        check_no_single_hidden_cell(stats)
        report = published(stats, PACK, "All families held")
        figures = dict(key_figures(report))
        eth = stats.table("people_by_ethnicity")
        if figures.get("Children supported (under 18)", "c") != "c":
            assert int(figures["Children supported (under 18)"]) == _total_row(eth)[0]
        s.rollback()


def test_worked_example_children_unborn_and_adults_agree_everywhere(engine):
    """A 17-year-old turning 18 during the period is a child (age on the reference date); an
    unborn baby born during the period is unborn; a father with no date of birth is an adult."""
    families = [
        {
            "people": [
                {
                    "dob": date(2007, 6, 1),
                    "due": None,
                    "gender": "female",
                    "ethnicity": "WBRI",
                    "role": "child",
                },
                {
                    "dob": date(2025, 8, 1),
                    "due": date(2025, 8, 1),
                    "gender": "unborn",
                    "ethnicity": "WBRI",
                    "role": "child",
                },
                {"dob": None, "due": None, "gender": "male", "ethnicity": "WBRI", "role": "adult"},
            ],
            "episodes": [{"opened": date(2025, 5, 1), "length": None, "case_type": "early_help", "level": 2}],
        }
    ]
    with Session(engine) as s:
        _fill(s, families)
        stats = compute(s, FROM, TO, pack=PACK)
        rows = _rows(stats.table("people_by_age_gender"))
        assert sum(rows["16-17"]) == 1 and sum(rows["Unborn"]) == 1
        assert sum(rows["Adult, age not known"]) == 1 and sum(rows["Adults (18 and over)"]) == 1
        assert _rows(stats.table("people_by_ethnicity"))["White"] == (1, 1, 1)
        check_reconciles(stats)
        s.rollback()
