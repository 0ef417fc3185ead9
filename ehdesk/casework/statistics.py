"""The figures councils are asked for (../shared/domain FOI replies), as plain tables of counts.

Pure queries over any Session on the ehdesk models: a worker's store (their team's families after
sync) or the server's database (the whole council). No Qt, no formatting and no suppression here:
``suppression.py`` decides what may be published, ``ehdesk.reports`` lays it out.

A period is inclusive at both ends. "Active" means open at the end of the period. People are
counted once each, whatever number of episodes they had; their age is taken on the first day
they were supported in the period. Timescale facts come only from ``episode_facts`` and the rules
only from ``timescales``, so the compliance figures follow whatever features are installed."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.casework.statistics_outcomes import outcomes_section
from ehdesk.casework.statistics_people import (  # noqa: F401 (age_on, age_band re-exported)
    age_band,
    age_on,
    people_by_case_type,
    people_section,
)
from ehdesk.casework.statistics_tables import (  # noqa: F401 (re-exported)
    NOT_RECORDED,
    CountTable,
    MeasureTable,
    Section,
    Statistics,
)
from ehdesk.casework.statistics_work import grouped_factors_table, primary_reason_table, workforce_section
from ehdesk.casework.supporting_families import supporting_families_section
from ehdesk.casework.timescales import EpisodeFacts, add_months, breaches, first_taf_due
from ehdesk.config.dates import show_date
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import EhdeskError
from ehdesk.models import Episode, Family, Referral

# --- selection ------------------------------------------------------------------------------


def _family_filter(teams: Sequence[str] | None):
    live = select(Family.id).where(Family.deleted.is_(False))
    if teams is not None:
        live = live.where(Family.team_id.in_(list(teams)))
    return live


def _episodes_touching(session: Session, date_from: date, date_to: date, teams) -> list[Episode]:
    """Episodes open at any time in the period."""
    return list(
        session.scalars(
            select(Episode).where(
                Episode.deleted.is_(False),
                Episode.family_id.in_(_family_filter(teams)),
                Episode.opened_on <= date_to,
                or_(Episode.closed_on.is_(None), Episode.closed_on >= date_from),
            )
        )
    )


def _is_closed_by(e: Episode, day: date) -> bool:
    return e.closed_on is not None and e.closed_on <= day


def _opened_in(e: Episode, date_from: date, date_to: date) -> bool:
    return date_from <= e.opened_on <= date_to


def _closed_in(e: Episode, date_from: date, date_to: date) -> bool:
    return e.closed_on is not None and date_from <= e.closed_on <= date_to


# --- episodes -------------------------------------------------------------------------------


def _movement_table(
    key: str, title: str, heading: str, labels: list[tuple[object, str]], value, episodes, date_from, date_to
) -> CountTable:
    counts = {code: [0, 0, 0, 0] for code, _ in labels}
    other = [0, 0, 0, 0]
    for e in episodes:
        bucket = counts.get(value(e), other)
        opened = _opened_in(e, date_from, date_to)
        if opened:
            bucket[0] += 1
        if _closed_in(e, date_from, date_to):
            bucket[1] += 1
        if not _is_closed_by(e, date_to):
            bucket[2] += 1
            bucket[3] += opened
    rows = [(label, tuple(counts[code])) for code, label in labels]
    if any(other):
        rows.append((NOT_RECORDED, tuple(other)))
    return CountTable(
        key=key,
        title=title,
        row_heading=heading,
        columns=("Opened", "Closed", f"Active at {show_date(date_to)}", "Opened and still open"),
        rows=tuple(rows),
        note="Opened and still open: opened in the period and not closed by its last day (part of Active).",
    )


def episode_section(
    session: Session, pack: CouncilPack, episodes: list[Episode], date_from: date, date_to: date
) -> Section:
    by_type = _movement_table(
        "episodes_by_case_type",
        "Episodes opened, closed and active, by case type",
        "Case type",
        [(c.code, c.label) for c in pack.case_types],
        lambda e: e.case_type,
        episodes,
        date_from,
        date_to,
    )
    by_level = _movement_table(
        "episodes_by_level",
        "Episodes opened, closed and active, by level of need",
        "Level of need",
        [(lv.code, lv.label) for lv in pack.levels_of_need],
        lambda e: e.level_of_need,
        episodes,
        date_from,
        date_to,
    )
    people = people_by_case_type(session, pack, episodes, date_from, date_to)
    return Section("Episodes of early help", (by_type, by_level, people))


# --- requests for support -------------------------------------------------------------------


def _share_table(key, title, heading, labels, values, empty_label) -> CountTable:
    counts = Counter(values)
    rows = [(label, (counts.pop(code, 0),)) for code, label in labels]
    left = sum(counts.values())
    if left:
        rows.append((empty_label, (left,)))
    return CountTable(key, title, heading, ("Requests",), tuple(rows), percent_of="column")


def referrals_received(session: Session, date_from: date, date_to: date, teams) -> list[Referral]:
    return list(
        session.scalars(
            select(Referral).where(
                Referral.deleted.is_(False),
                Referral.family_id.in_(_family_filter(teams)),
                Referral.received_on >= date_from,
                Referral.received_on <= date_to,
            )
        )
    )


def requests_section(pack: CouncilPack, referrals: list[Referral]) -> Section:
    by_source = _share_table(
        "requests_by_source",
        "Requests for support received, by source",
        "Source",
        [(c.code, c.label) for c in pack.referral_sources],
        [r.source for r in referrals],
        NOT_RECORDED,
    )
    by_outcome = _share_table(
        "requests_by_outcome",
        "Requests for support received, by outcome",
        "Outcome",
        [(c.code, c.label) for c in pack.referral_outcomes],
        [r.outcome for r in referrals],
        "Not yet decided",
    )
    return Section("Requests for support", (by_source, by_outcome, primary_reason_table(pack, referrals)))


# --- presenting factors, closure ------------------------------------------------------------


EHA_FORM = "early-help-assessment"  # the form whose answers hold the factors "at assessment"


def assessed_factors(session: Session, episode_ids: list[str]) -> dict[str, list[str]]:
    """Factors on each episode's latest completed early help assessment, when the assessments
    feature is installed (looked up by name so the figures work with or without it)."""
    import ehdesk.models as models

    assessment = getattr(models, "Assessment", None)
    if assessment is None:
        return {}
    latest: dict[str, tuple[date, list[str]]] = {}
    for start in range(0, len(episode_ids), 500):
        rows = session.execute(
            select(assessment.episode_id, assessment.completed_on, assessment.answers).where(
                assessment.deleted.is_(False),
                assessment.form_id == EHA_FORM,
                assessment.status.in_(("completed", "signed_off")),
                assessment.episode_id.in_(episode_ids[start : start + 500]),
            )
        )
        for episode_id, completed_on, answers in rows:
            # A question in a per-member section is keyed "presenting_factors@<member id>".
            codes = {
                code
                for key, value in (answers or {}).items()
                if key.split("@")[0] == "presenting_factors" and isinstance(value, list)
                for code in value
            }
            on = completed_on or date.min
            if episode_id not in latest or on >= latest[episode_id][0]:
                latest[episode_id] = (on, sorted(codes))
    return {episode_id: codes for episode_id, (_, codes) in latest.items()}


def factors_section(
    session: Session, pack: CouncilPack, episodes: list[Episode], date_from: date, date_to: date
) -> Section:
    opened = [e for e in episodes if _opened_in(e, date_from, date_to)]
    from_assessment = assessed_factors(session, [e.id for e in opened])
    factors = {e.id: from_assessment.get(e.id, e.presenting_factors or []) for e in opened}
    assessed = [e for e in opened if factors[e.id]]
    counts = Counter(code for e in assessed for code in set(factors[e.id]))
    table = CountTable(
        key="presenting_factors",
        title="Presenting factors at assessment (episodes opened in the period)",
        row_heading="Factor",
        columns=("Episodes",),
        rows=tuple((c.label, (counts.get(c.code, 0),)) for c in pack.presenting_factors),
        column_totals=False,
        percent_of="base",
        base=len(assessed),
        base_label="Episodes with factors recorded",
        note="Factors from the episode's latest completed early help assessment, or as recorded when "
        "the episode was opened. An episode can have several, so the percentages add up to more than 100.",
    )
    grouped = grouped_factors_table(pack, factors, [e.id for e in opened])
    return Section("Presenting factors", (table,) if grouped is None else (table, grouped))


LENGTH_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("Under 3 months", 0, 90),
    ("3 to 6 months", 91, 182),
    ("6 to 12 months", 183, 365),
    ("Over 12 months", 366, None),
)


def closure_section(pack: CouncilPack, episodes: list[Episode], date_from: date, date_to: date) -> Section:
    closed = [e for e in episodes if _closed_in(e, date_from, date_to)]
    reasons = _share_table(
        "closure_reasons",
        "Episodes closed in the period, by closure reason",
        "Closure reason",
        [(c.code, c.label) for c in pack.closure_reasons],
        [e.closure_reason for e in closed],
        NOT_RECORDED,
    )
    reasons = dataclasses.replace(reasons, columns=("Episodes",))
    lengths = [(e.closed_on - e.opened_on).days for e in closed if e.closed_on]
    band_counts = [
        sum(1 for d in lengths if d >= low and (high is None or d <= high)) for _, low, high in LENGTH_BANDS
    ]
    length_table = CountTable(
        key="episode_length",
        title="Episodes closed in the period, by length",
        row_heading="Length",
        columns=("Episodes",),
        rows=tuple((label, (n,)) for (label, _, _), n in zip(LENGTH_BANDS, band_counts, strict=True)),
        percent_of="column",
    )
    ordered = sorted(lengths)
    median = None
    if ordered:
        mid = len(ordered) // 2
        median = float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    average = MeasureTable(
        key="episode_length_days",
        title="Length of episodes closed in the period (days)",
        row_heading="Measure",
        value_heading="Days",
        rows=(
            ("Average (mean) length", len(ordered), sum(ordered) / len(ordered) if ordered else None),
            ("Median length", len(ordered), median),
        ),
    )
    return Section("Closures", (reasons, length_table, average))


def limit_date(opened_on: date, rules) -> date:
    """The last day an episode may stay open without sign-off, by the pack's limit (calendar
    months when it sets them, as the caseload's due dates count it)."""
    if rules.episode_limit_months:
        return add_months(opened_on, rules.episode_limit_months)
    return opened_on + timedelta(days=rules.episode_limit_days)


def limit_words(rules) -> str:
    if rules.episode_limit_months:
        n = rules.episode_limit_months
        return f"{n} months" if n != 1 else "1 month"
    return f"{rules.episode_limit_days} days"


# --- timescales -----------------------------------------------------------------------------


def facts_as_at(facts: EpisodeFacts, day: date) -> EpisodeFacts:
    """The facts as they stood at the end of ``day``: later meetings, readings, signatures and
    closures are not yet known, so a report for a past period does not change afterwards."""
    closed = facts.closed_on is not None and facts.closed_on <= day
    return dataclasses.replace(
        facts,
        status="closed" if closed else "open",
        closed_on=facts.closed_on if closed else None,
        first_taf_on=facts.first_taf_on if facts.first_taf_on and facts.first_taf_on <= day else None,
        review_dates=tuple(d for d in facts.review_dates if d <= day),
        agreement_signed_on=facts.agreement_signed_on
        if facts.agreement_signed_on and facts.agreement_signed_on <= day
        else None,
        reading_dates=tuple(d for d in facts.reading_dates if d <= day),
    )


COMPLIANCE_ROWS = (
    ("first_taf", "First TAF within {weeks_taf} weeks of allocation"),
    ("review", "TAF reviews no more than {weeks_review} weeks apart"),
    ("baseline_reading", "Baseline progression reading before the first TAF"),
    ("agreement", "Agreement signed before the first TAF"),
)


def compliance_counts(
    facts: dict[str, EpisodeFacts], pack: CouncilPack, date_to: date
) -> dict[str, tuple[int, int]]:
    """For each rule: (episodes where it applied and was met, where it applied and was missed)."""
    rules = pack.timescales
    result = {code: [0, 0] for code, _ in COMPLIANCE_ROWS}
    for raw in facts.values():
        f = facts_as_at(raw, date_to)
        missed = {b.code for b in breaches(f, rules, date_to)}
        end = f.closed_on or date_to
        applies = {
            # Measured once the first TAF was held or its due date passed while the case was open.
            "first_taf": f.first_taf_on is not None or end > first_taf_due(f, rules),
            # Measured once a review has been held or one fell due.
            "review": f.first_taf_on is not None and (bool(f.review_dates) or "review" in missed),
            "baseline_reading": f.first_taf_on is not None,
            "agreement": f.first_taf_on is not None,
        }
        for code, applied in applies.items():
            if applied:
                result[code][1 if code in missed else 0] += 1
    return {code: (met, not_met) for code, (met, not_met) in result.items()}


def compliance_section(
    session: Session, pack: CouncilPack, episodes: list[Episode], date_to: date
) -> Section:
    facts = facts_for_episodes(session, episodes)
    counts = compliance_counts(facts, pack, date_to)
    rules = pack.timescales
    words = {
        "weeks_taf": round(rules.first_taf_within_days / 7, 1)
        if rules.first_taf_within_days % 7
        else rules.first_taf_within_days // 7,
        "weeks_review": round(rules.review_interval_max_days / 7, 1)
        if rules.review_interval_max_days % 7
        else rules.review_interval_max_days // 7,
    }
    table = CountTable(
        key="timescales",
        title="Timescales met (episodes open during the period)",
        row_heading="Timescale",
        columns=("Met", "Not met"),
        rows=tuple((label.format(**words), counts[code]) for code, label in COMPLIANCE_ROWS),
        row_totals=True,
        column_totals=False,
        percent_of="row",
        note="Each episode counts once per timescale, from the time the timescale fell due.",
    )

    with_sign_off = without = 0
    for e in episodes:
        end = e.closed_on if e.closed_on and _is_closed_by(e, date_to) else date_to
        if end > limit_date(e.opened_on, rules):
            signed = e.extension_signed_off_on is not None and e.extension_signed_off_on <= date_to
            if signed:
                with_sign_off += 1
            else:
                without += 1
    long_open = CountTable(
        key="past_limit",
        title=f"Episodes open longer than {limit_words(rules)}",
        row_heading="Manager's sign-off",
        columns=("Episodes",),
        rows=(("With sign-off", (with_sign_off,)), ("Without sign-off", (without,))),
        chart=False,
    )
    notes = []
    all_facts = list(facts.values())
    if not any(f.first_taf_on for f in all_facts):
        notes.append(
            "No TAF meetings are recorded for these episodes, so every first TAF that fell due shows as "
            "not met and the other TAF measures have nothing to count."
        )
    if not any(f.reading_dates for f in all_facts):
        notes.append("No progression readings are recorded for these episodes.")
    if not any(f.agreement_signed_on for f in all_facts):
        notes.append("No signed agreements are recorded for these episodes.")
    return Section("Timescales", (table, long_open), tuple(notes))


# --- progression of change ------------------------------------------------------------------


def progression_section(session: Session, episodes: list[Episode]) -> Section:
    """Average change per area from each episode's first to its latest reading, per tool, as
    ``ehdesk.casework.readings.change_by_area`` computes it (the same figures the caseload uses)."""
    from ehdesk.casework.readings import change_by_area

    changes = change_by_area(session, [e.id for e in episodes]) or {}
    tables = []
    for tool_id, tool in changes.items():
        direction = "higher is better" if tool.get("higher_is_better", True) else "lower is better"
        rows = tuple(
            (area["label"], int(area["episodes"]), area["average_change"]) for area in tool["areas"].values()
        )
        if not rows:
            continue
        tables.append(
            MeasureTable(
                key=f"progression_{tool_id}",
                title=f"Average change from first to latest reading: {tool.get('title', tool_id)} ({direction})",
                row_heading="Area",
                value_heading="Average change",
                rows=rows,
                chart=True,
            )
        )
    if not tables:
        return Section(
            "Progression of change", (), ("No progression readings are recorded for these episodes.",)
        )
    return Section("Progression of change", tuple(tables))


# --- the whole return -----------------------------------------------------------------------


def compute(
    session: Session,
    date_from: date,
    date_to: date,
    teams: Sequence[str] | None = None,
    pack: CouncilPack | None = None,
) -> Statistics:
    """Every figure of the return for the period ``date_from``..``date_to`` (inclusive) and the
    given team ids (None: every family the session can see)."""
    if date_to < date_from:
        raise EhdeskError("The end of the period is before its start.")
    pack = pack or current_pack()
    teams = tuple(teams) if teams is not None else None
    episodes = _episodes_touching(session, date_from, date_to, teams)
    referrals = referrals_received(session, date_from, date_to, teams)
    sections: tuple[Section, ...] = (
        episode_section(session, pack, episodes, date_from, date_to),
        people_section(session, pack, episodes, date_from),
        requests_section(pack, referrals),
        factors_section(session, pack, episodes, date_from, date_to),
        closure_section(pack, episodes, date_from, date_to),
        compliance_section(session, pack, episodes, date_to),
        workforce_section(session, pack, episodes, _family_filter(teams), date_from, date_to),
        outcomes_section(session, episodes, referrals, _family_filter(teams), date_from, date_to),
        _team_section(session, pack, date_from, date_to, teams),
        progression_section(session, episodes),
    )
    families = supporting_families_section(session, pack, episodes, date_from, date_to)
    if families is not None:
        sections += (families,)
    return Statistics(date_from, date_to, teams, pack.council_name, sections)


def _team_section(session, pack, date_from, date_to, teams) -> Section:
    # The team-around-the-family records (issue 16) count themselves; imported late because
    # that module builds on the tables defined here.
    from ehdesk.casework.team_return import team_section

    return team_section(session, pack, date_from, date_to, teams)
