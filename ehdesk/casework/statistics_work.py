"""Figures about the work itself: who holds the cases, assessments done, caseloads over the
year, presenting factors by group and the primary reason for each request.

Each function returns plain tables (``statistics_tables``); the definitions are in the tables'
notes and in ``docs/reports.md``."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ehdesk.casework.statistics_tables import NOT_RECORDED, CountTable, MeasureTable, Section
from ehdesk.config.pack import CouncilPack
from ehdesk.models import Assessment, Episode, Referral

EHA_FORM = "early-help-assessment"


def _active_at(e: Episode, day: date) -> bool:
    return e.opened_on <= day and (e.closed_on is None or e.closed_on > day)


# --- lead professionals ---------------------------------------------------------------------


def lead_role_labels(pack: CouncilPack) -> list[tuple[str, str]]:
    """The pack's list of lead professional roles (practitioner groups) when it has one, at the
    top level or in its team-practice section; else none (roles are then as workers typed them)."""
    roles = getattr(pack, "lead_professional_roles", None)
    if roles is None:
        roles = getattr(getattr(pack, "team_practice", None), "lead_professional_roles", None)
    return [(r.code, r.label) for r in roles or []]


def structured_leads(session: Session, family_ids: list[str], day: date) -> dict[str, tuple[str, str]]:
    """(agency code, role code) of each family's lead professional on ``day`` from the team
    records (``ehdesk.models.team.Professional``) where that feature is installed; {} without it."""
    try:
        from ehdesk.models.team import Professional
    except ModuleNotFoundError as exc:
        if exc.name not in ("ehdesk.models.team", "ehdesk.models"):
            raise  # the feature is there but broken: a bug to see, not a figure to hide
        return {}
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(family_ids), 500):
        for family_id, agency, role in session.execute(
            select(Professional.family_id, Professional.agency, Professional.lead_role).where(
                Professional.deleted.is_(False),
                Professional.is_lead.is_(True),
                Professional.family_id.in_(family_ids[start : start + 500]),
                or_(Professional.since.is_(None), Professional.since <= day),
                or_(Professional.until.is_(None), Professional.until >= day),
            )
        ):
            found[family_id] = (agency or "", role or "")
    return found


def _typed_role(e: Episode) -> str:
    """The role as typed, first letter capital, so "family support worker" and "Family support
    worker" are one row."""
    role = (e.lead_professional_role or "").strip()
    return role[:1].upper() + role[1:]


def _by_level_table(key, title, heading, labels, value, episodes, pack) -> CountTable:
    levels = [lv.code for lv in pack.levels_of_need]
    known_levels = set(levels)
    counts = Counter(
        (value(e), e.level_of_need if e.level_of_need in known_levels else None) for e in episodes
    )
    known = {code for code, _ in labels}
    rows = [(label, tuple(counts[(code, lv)] for lv in [*levels, None])) for code, label in labels]
    other: Counter[int | None] = Counter()
    for (code, lv), n in counts.items():
        if code not in known:
            other[lv] += n
    if other:
        rows.append((NOT_RECORDED, tuple(other[lv] for lv in [*levels, None])))
    return CountTable(
        key=key,
        title=title,
        row_heading=heading,
        columns=tuple(lv.label for lv in pack.levels_of_need) + (NOT_RECORDED,),
        rows=tuple(rows),
        row_totals=True,
        chart=False,
        note="Episodes open at the end of the period, by their lead professional and level of need.",
    )


def lead_professional_tables(
    session: Session, pack: CouncilPack, episodes: list[Episode], date_to: date
) -> tuple[CountTable, CountTable]:
    """Episodes active at the end of the period by the lead professional's agency and role,
    each across the levels of need. The lead comes from the team records where they are kept
    (a structured role from the pack's list), else from the episode's own lead fields."""
    active = [e for e in episodes if e.closed_on is None or e.closed_on > date_to]
    leads = structured_leads(session, list({e.family_id for e in active}), date_to)
    coded = dict(lead_role_labels(pack))
    # A role typed before the pack had a list ("health visitor") counts as that pack role.
    by_label = {label.casefold(): code for code, label in coded.items()}

    def agency(e: Episode) -> str:
        return leads[e.family_id][0] if e.family_id in leads else e.lead_professional_agency

    def role(e: Episode) -> str:
        if e.family_id in leads:
            return leads[e.family_id][1]
        typed = _typed_role(e)
        if typed in coded:
            return typed
        return by_label.get(typed.casefold(), typed)

    by_agency = _by_level_table(
        "lead_by_agency",
        "Lead professionals by agency and level of need",
        "Lead professional's agency",
        [(a.code, a.label) for a in pack.agencies],
        agency,
        active,
        pack,
    )
    typed = sorted({role(e) for e in active if e.family_id not in leads} - {""})
    roles = [*coded.items(), *((r, r) for r in typed if r not in coded)]
    by_role = _by_level_table(
        "lead_by_role",
        "Lead professionals by role and level of need",
        "Lead professional's role",
        roles,
        role,
        active,
        pack,
    )
    return by_agency, by_role


# --- assessments ----------------------------------------------------------------------------


def assessments_table(session: Session, teams_filter, date_from: date, date_to: date) -> CountTable:
    """Early help assessments completed, and signed off by a manager, in the period."""
    rows = session.execute(
        select(Assessment.completed_on, Assessment.signed_off_on, Assessment.status).where(
            Assessment.deleted.is_(False),
            Assessment.form_id == EHA_FORM,
            Assessment.family_id.in_(teams_filter),
            or_(
                Assessment.completed_on.between(date_from, date_to),
                Assessment.signed_off_on.between(date_from, date_to),
            ),
        )
    ).all()
    completed = sum(
        1 for done, _, status in rows if done and date_from <= done <= date_to and status != "draft"
    )
    signed = sum(
        1
        for _, signed_on, status in rows
        if signed_on and date_from <= signed_on <= date_to and status == "signed_off"
    )
    return CountTable(
        key="assessments",
        title="Early help assessments completed and signed off in the period",
        row_heading="Assessments",
        columns=("Assessments",),
        rows=(("Completed in the period", (completed,)), ("Signed off in the period", (signed,))),
        column_totals=False,
        chart=False,
        note="Completed: the assessment's completion date is in the period (and it was not reopened to "
        "a draft). Signed off: a manager signed it off in the period, whenever it was completed.",
    )


# --- caseloads ------------------------------------------------------------------------------


def quarter_ends(date_from: date, date_to: date) -> list[date]:
    """The ends of the quarters (31 March, 30 June, 30 September, 31 December) in the period;
    the period's last day when none falls in it."""
    ends = []
    for year in range(date_from.year, date_to.year + 1):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            d = date(year, month, day)
            if date_from <= d <= date_to:
                ends.append(d)
    return ends or [date_to]


def caseload_tables(
    pack: CouncilPack, episodes: list[Episode], date_from: date, date_to: date
) -> tuple[CountTable, MeasureTable]:
    """Open episodes at each quarter end, by case type, and the average of those snapshots (as
    Nottinghamshire's children's centres gave theirs)."""
    ends = quarter_ends(date_from, date_to)
    types = [(c.code, c.label) for c in pack.case_types]
    codes = {code for code, _ in types}
    rows = []
    for day in ends:
        counts = Counter(
            e.case_type if e.case_type in codes else None for e in episodes if _active_at(e, day)
        )
        rows.append((f"{day:%d/%m/%Y}", tuple(counts[code] for code, _ in types) + (counts[None],)))
    snapshots = CountTable(
        key="caseload_snapshots",
        title="Caseload at each quarter end (open episodes), by case type",
        row_heading="Quarter end",
        columns=tuple(label for _, label in types) + (NOT_RECORDED,),
        rows=tuple(rows),
        row_totals=True,
        column_totals=False,
        chart=False,
        note="Episodes open at the end of each quarter-end day in the period.",
    )
    measures = []
    for c, (_, label) in enumerate([*types, (None, NOT_RECORDED)]):
        values = [values[c] for _, values in rows]
        measures.append((label, min(values), sum(values) / len(values)))
    totals = [sum(values) for _, values in rows]
    measures.append(("All case types", min(totals), sum(totals) / len(totals)))
    average = MeasureTable(
        key="caseload_average",
        title=f"Average caseload over {len(ends)} quarter-end snapshot{'s' if len(ends) != 1 else ''}",
        row_heading="Case type",
        value_heading="Average open episodes",
        count_heading="Smallest snapshot",
        rows=tuple(measures),
        note="Withheld where any snapshot it averages is small.",
    )
    return snapshots, average


# --- factors and reasons ----------------------------------------------------------------------


def grouped_factors_table(
    pack: CouncilPack, factors: dict[str, list[str]], opened_ids: list[str]
) -> CountTable | None:
    """Presenting factors under the pack's groups (child, parent(s), family), each group row
    counting the episodes with any factor of the group; None when the pack has no groups."""
    if not pack.presenting_factor_groups:
        return None
    assessed = [i for i in opened_ids if factors.get(i)]
    counts = Counter(code for i in assessed for code in set(factors[i]))
    group_of = {f.code: f.group for f in pack.presenting_factors}
    rows: list[tuple[str, tuple[int, ...]]] = []
    emphasis: list[int] = []
    for group in pack.presenting_factor_groups:
        members = [f for f in pack.presenting_factors if f.group == group.code]
        emphasis.append(len(rows))
        any_of = sum(1 for i in assessed if any(group_of.get(c) == group.code for c in factors[i]))
        rows.append((f"{group.label}: any factor", (any_of,)))
        rows += [(f"· {f.label}", (counts.get(f.code, 0),)) for f in members]
    return CountTable(
        key="presenting_factors_grouped",
        title="Presenting factors at assessment, by group (episodes opened in the period)",
        row_heading="Factor",
        columns=("Episodes",),
        rows=tuple(rows),
        column_totals=False,
        percent_of="base",
        base=len(assessed),
        base_label="Episodes with factors recorded",
        emphasis=tuple(emphasis),
        chart=False,
        note="Groups as the council pack sets them. A group's row counts the episodes with at least one "
        "of its factors, so it is not the sum of the rows under it.",
    )


def primary_reason(r: Referral) -> str:
    if getattr(r, "primary_reason", ""):
        return r.primary_reason
    needs = r.presenting_needs or []
    return needs[0] if len(needs) == 1 else ""


def primary_reason_table(pack: CouncilPack, referrals: list[Referral]) -> CountTable:
    """Requests received in the period by their primary reason: the one the worker marked, or
    the only presenting need when just one was recorded."""
    counts = Counter(primary_reason(r) for r in referrals)
    rows = [(f.label, (counts.pop(f.code, 0),)) for f in pack.presenting_factors]
    left = sum(counts.values())
    if left:
        rows.append((NOT_RECORDED, (left,)))
    return CountTable(
        key="requests_by_primary_reason",
        title="Requests for support received, by primary reason",
        row_heading="Primary reason",
        columns=("Requests",),
        rows=tuple(rows),
        percent_of="column",
        chart=False,
        note="The primary reason marked on the request, or its only presenting need when it has one.",
    )


def workforce_section(
    session: Session, pack: CouncilPack, episodes: list[Episode], teams_filter, date_from: date, date_to: date
) -> Section:
    by_agency, by_role = lead_professional_tables(session, pack, episodes, date_to)
    snapshots, average = caseload_tables(pack, episodes, date_from, date_to)
    return Section(
        "Lead professionals, assessments and caseloads",
        (
            by_agency,
            by_role,
            assessments_table(session, teams_filter, date_from, date_to),
            snapshots,
            average,
        ),
    )
