"""Children, unborn children and adults supported: one definition of each, used by every table.

A person is counted once, whatever number of episodes their family had, on the family's
reference date: the first day the family was supported in the period (the period's first day
for a family already open then). On that date a person not yet born (or with a due date and no
date of birth) is unborn; anyone else with a date of birth is a child under 18 or an adult from
18; without a date of birth the person's recorded role (child or adult) decides. Every people
table is cut from the same list of (person, kind, band), so their totals agree by construction,
and the tables name the figures they share (``CountTable.links``) so suppression hides a shared
figure in all of them or in none."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework.statistics_tables import CountTable, Section
from ehdesk.config.dates import show_date
from ehdesk.config.pack import CouncilPack
from ehdesk.models import Episode, Person

ADULT_AGE = 18  # the Children Act's "child": under 18, the same in every council
UNBORN, CHILD, ADULT = "unborn", "child", "adult"
KINDS = (CHILD, UNBORN, ADULT)
KIND_COLUMNS = {CHILD: "Children", UNBORN: "Unborn", ADULT: "Adults"}
NOT_RECORDED = "Not recorded"
CHILD_AGE_NOT_KNOWN = "Child, age not known"
ADULT_AGE_NOT_KNOWN = "Adult, age not known"


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_unborn(person: Person, day: date) -> bool:
    if person.date_of_birth is not None:
        return person.date_of_birth > day
    return person.due_date is not None or person.gender == "unborn"


def person_kind(person: Person, day: date) -> str:
    """unborn, child or adult on ``day`` (see the module's definition)."""
    if is_unborn(person, day):
        return UNBORN
    if person.date_of_birth is not None:
        return CHILD if age_on(person.date_of_birth, day) < ADULT_AGE else ADULT
    return ADULT if person.role == "adult" else CHILD


def band_is_adult(band) -> bool:
    return band.min is not None and band.min >= ADULT_AGE


def age_band(pack: CouncilPack, person: Person, day: date) -> str:
    """The pack's band for a person on ``day``; without a date of birth, "Child, age not known"
    or "Adult, age not known" so that the band always agrees with ``person_kind``."""
    kind = person_kind(person, day)
    if kind == UNBORN:
        for band in pack.age_bands:
            if band.unborn:
                return band.label
        return KIND_COLUMNS[UNBORN]
    if person.date_of_birth is not None:
        age = age_on(person.date_of_birth, day)
        for band in pack.age_bands:
            if band.unborn:
                continue
            if (band.min is None or age >= band.min) and (band.max is None or age <= band.max):
                return band.label
    return ADULT_AGE_NOT_KNOWN if kind == ADULT else CHILD_AGE_NOT_KNOWN


@dataclass(frozen=True)
class Counted:
    """One person as every people table counts them."""

    person: Person
    day: date  # the family's reference date
    kind: str
    band: str
    gender: str  # a pack gender code ("not_known" for anything else)
    group: str  # the pack's ethnic group, or "Not recorded"
    code: str  # the pack's ethnicity code, or ""


def reference_days(episodes: list[Episode], date_from: date) -> dict[str, date]:
    """The first day each family was supported in the period."""
    first_day: dict[str, date] = {}
    for e in episodes:
        day = max(e.opened_on, date_from)
        first_day[e.family_id] = min(first_day.get(e.family_id, day), day)
    return first_day


def counted_people(
    session: Session, pack: CouncilPack, episodes: list[Episode], date_from: date
) -> list[Counted]:
    first_day = reference_days(episodes, date_from)
    people: list[Person] = []
    family_ids = list(first_day)
    for start in range(0, len(family_ids), 500):  # keeps IN lists within every backend's limit
        people += session.scalars(
            select(Person).where(
                Person.deleted.is_(False), Person.family_id.in_(family_ids[start : start + 500])
            )
        ).all()
    genders = set(pack.codes("genders"))
    group_of = {e.code: e.group for e in pack.ethnicities}
    result = []
    for p in people:
        day = first_day[p.family_id]
        result.append(
            Counted(
                person=p,
                day=day,
                kind=person_kind(p, day),
                band=age_band(pack, p, day),
                gender=p.gender if p.gender in genders else "not_known",
                group=group_of.get(p.ethnicity_code, NOT_RECORDED),
                code=p.ethnicity_code if p.ethnicity_code in group_of else "",
            )
        )
    return result


def band_columns(pack: CouncilPack, people: list[Counted]) -> list[tuple[str, str]]:
    """(band label, kind) in the order of the age table: unborn, children's bands, children with
    no date of birth, adults' bands, adults with no date of birth (the last of each only when
    someone is in it)."""
    seen = {c.band for c in people}
    unborn = [(b.label, UNBORN) for b in pack.age_bands if b.unborn]
    child = [(b.label, CHILD) for b in pack.age_bands if not b.unborn and not band_is_adult(b)]
    adult = [(b.label, ADULT) for b in pack.age_bands if not b.unborn and band_is_adult(b)]
    if CHILD_AGE_NOT_KNOWN in seen:
        child.append((CHILD_AGE_NOT_KNOWN, CHILD))
    if ADULT_AGE_NOT_KNOWN in seen:
        adult.append((ADULT_AGE_NOT_KNOWN, ADULT))
    return unborn + child + adult


def ethnic_groups(pack: CouncilPack, people: list[Counted]) -> list[str]:
    groups = list(dict.fromkeys(e.group for e in pack.ethnicities))
    if any(c.group == NOT_RECORDED for c in people):
        groups.append(NOT_RECORDED)
    return groups


# --- the tables -----------------------------------------------------------------------------


def age_gender_table(pack: CouncilPack, people: list[Counted]) -> CountTable:
    """Bands by gender, with "Children (under 18)" and "Adults (18 and over)" sub-totals and the
    unborn apart: the children and adults of every other table are these sub-totals."""
    genders = [(g.code, g.label) for g in pack.genders]
    grid = Counter((c.band, c.gender) for c in people)
    bands = band_columns(pack, people)
    rows: list[tuple[str, tuple[int, ...]]] = []
    parts: list[tuple[int, tuple[int, ...]]] = []
    links: list[tuple[int, int, str]] = []
    total_col = len(genders)

    def add(label: str) -> int:
        rows.append((label, tuple(grid[(label, code)] for code, _ in genders)))
        links.append((len(rows) - 1, total_col, f"band:{label}"))
        return len(rows) - 1

    for label, kind in bands:
        if kind == UNBORN:
            links.append((add(label), total_col, f"kind:{UNBORN}"))
    for kind, title in ((CHILD, "Children (under 18)"), (ADULT, f"Adults ({ADULT_AGE} and over)")):
        members = [label for label, k in bands if k == kind]
        head = len(rows)
        rows.append((title, tuple(sum(grid[(label, code)] for label in members) for code, _ in genders)))
        links.append((head, total_col, f"kind:{kind}"))
        parts.append((head, tuple(add(label) for label in members)))
    n = len(rows)
    links += [(n, c, f"gender:{code}") for c, (code, _) in enumerate(genders)]
    links.append((n, total_col, "people"))
    return CountTable(
        key="people_by_age_gender",
        title="Children, unborn children and adults supported, by age band and gender",
        row_heading="Age band",
        columns=tuple(label for _, label in genders),
        rows=tuple(rows),
        row_totals=True,
        parts=tuple(parts),
        links=tuple(links),
        note="Age on the family's reference date (the first day it was supported in the period).",
    )


def ethnicity_table(pack: CouncilPack, people: list[Counted]) -> CountTable:
    # One table with group sub-totals rather than a group table and a code table: suppressed
    # separately, a group total in one could give away a code hidden in the other.
    by_group = Counter((c.group, c.kind) for c in people)
    by_code = Counter((c.code, c.kind) for c in people)
    rows: list[tuple[str, tuple[int, ...]]] = []
    parts: list[tuple[int, tuple[int, ...]]] = []
    links: list[tuple[int, int, str]] = []
    total_col = len(KINDS)
    for group in ethnic_groups(pack, people):
        head = len(rows)
        rows.append((group, tuple(by_group[(group, k)] for k in KINDS)))
        links.append((head, total_col, f"eth:{group}"))
        if group == NOT_RECORDED:
            continue
        for e in (e for e in pack.ethnicities if e.group == group):
            rows.append((f"· {e.label} ({e.code})", tuple(by_code[(e.code, k)] for k in KINDS)))
        parts.append((head, tuple(range(head + 1, len(rows)))))
    n = len(rows)
    links += [(n, c, f"kind:{k}") for c, k in enumerate(KINDS)]
    links.append((n, total_col, "people"))
    return CountTable(
        key="people_by_ethnicity",
        title="Children, unborn children and adults supported, by ethnic group and ethnicity (DfE codes)",
        row_heading="Ethnicity",
        columns=tuple(KIND_COLUMNS[k] for k in KINDS),
        rows=tuple(rows),
        row_totals=True,
        parts=tuple(parts),
        links=tuple(links),
        note="Groups as the council pack defines them; codes within each group are marked ·.",
    )


def _ethnicity_cross(
    key: str, title: str, pack: CouncilPack, people: list[Counted], columns, value, name
) -> CountTable:
    counts = Counter((c.group, value(c)) for c in people)
    groups = ethnic_groups(pack, people)
    total_col = len(columns)
    rows = tuple((g, tuple(counts[(g, code)] for code, _ in columns)) for g in groups)
    links = [(r, total_col, f"eth:{g}") for r, g in enumerate(groups)]
    links += [(len(groups), c, name(code)) for c, (code, _) in enumerate(columns)]
    links.append((len(groups), total_col, "people"))
    return CountTable(
        key=key,
        title=title,
        row_heading="Ethnic group",
        columns=tuple(label for _, label in columns),
        rows=rows,
        row_totals=True,
        links=tuple(links),
        chart=False,
        note="Children, unborn children and adults together, by the pack's ethnic groups.",
    )


def ethnicity_gender_table(pack: CouncilPack, people: list[Counted]) -> CountTable:
    return _ethnicity_cross(
        "people_by_ethnicity_gender",
        "People supported, by ethnic group and gender",
        pack,
        people,
        [(g.code, g.label) for g in pack.genders],
        lambda c: c.gender,
        lambda code: f"gender:{code}",
    )


def ethnicity_age_table(pack: CouncilPack, people: list[Counted]) -> CountTable:
    bands = [(label, label) for label, _ in band_columns(pack, people)]
    return _ethnicity_cross(
        "people_by_ethnicity_age",
        "People supported, by ethnic group and age band",
        pack,
        people,
        bands,
        lambda c: c.band,
        lambda label: f"band:{label}",
    )


def people_section(session: Session, pack: CouncilPack, episodes: list[Episode], date_from: date) -> Section:
    people = counted_people(session, pack, episodes, date_from)
    return Section(
        "Children and adults supported",
        (
            age_gender_table(pack, people),
            ethnicity_table(pack, people),
            ethnicity_gender_table(pack, people),
            ethnicity_age_table(pack, people),
        ),
    )


def people_by_case_type(
    session: Session, pack: CouncilPack, episodes: list[Episode], date_from: date, date_to: date
) -> CountTable:
    """People in families with an episode of each case type opened, closed or active (Leicester
    gave its cases this way). A person whose family had two kinds of episode is in both rows, so
    the table has no Total row."""
    members: dict[str, list[str]] = {}
    family_ids = list({e.family_id for e in episodes})
    for start in range(0, len(family_ids), 500):
        for person_id, family_id in session.execute(
            select(Person.id, Person.family_id).where(
                Person.deleted.is_(False), Person.family_id.in_(family_ids[start : start + 500])
            )
        ):
            members.setdefault(family_id, []).append(person_id)
    sets: dict[object, list[set[str]]] = {}
    for e in episodes:
        cols = sets.setdefault(e.case_type, [set(), set(), set()])
        people = members.get(e.family_id, [])
        if date_from <= e.opened_on <= date_to:
            cols[0].update(people)
        if e.closed_on is not None and date_from <= e.closed_on <= date_to:
            cols[1].update(people)
        if e.closed_on is None or e.closed_on > date_to:
            cols[2].update(people)
    labels = [(c.code, c.label) for c in pack.case_types]
    rows = [(label, tuple(len(s) for s in sets.get(code, [set()] * 3))) for code, label in labels]
    other: list[set[str]] = [set(), set(), set()]
    for code, cols in sets.items():
        if code not in dict(labels):
            for i in range(3):
                other[i] |= cols[i]
    if any(other):
        rows.append((NOT_RECORDED, tuple(len(s) for s in other)))
    return CountTable(
        key="people_by_case_type",
        title="People in the families supported, by case type",
        row_heading="Case type",
        columns=("Opened", "Closed", f"Active at {show_date(date_to)}"),
        rows=tuple(rows),
        column_totals=False,
        chart=False,
        note="Everyone in a family with an episode of that type opened, closed or active. A person "
        "whose family had episodes of two types is counted in both.",
    )
