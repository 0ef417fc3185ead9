"""Outcomes added up: what families said at the end ("How was it for you?"), how far the plan's
outcomes were met at closure, who came back within 12 months, and who was in need and improved
on each area of a progression tool.

Every figure is a table of counts with its share, so suppression hides a share with its count."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework.statistics_tables import CountTable, Section
from ehdesk.casework.timescales import add_months
from ehdesk.models import Assessment, Episode, Reading, Referral
from ehdesk.models.plan import PlanAction, PlanOutcome

FEEDBACK_FORM = "closure-feedback"
RETURN_MONTHS = 12
_CHUNK = 500

# (question id, row label, answer codes that count as "yes"). A question a form version does not
# ask is simply not answered on it: v1 asked only whether the family felt listened to.
FEEDBACK_QUESTIONS = (
    ("listened", "Felt listened to", {"always", "mostly"}),
    (
        "positive_difference",
        "Say it made a positive difference to them and their family",
        {"a_lot", "a_little"},
    ),
    ("recommend", "Would recommend early help to another family", {"yes"}),
)


def _chunks(ids: list[str]):
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def feedback_table(session: Session, families, date_from: date, date_to: date) -> CountTable:
    answers = session.scalars(
        select(Assessment.answers).where(
            Assessment.deleted.is_(False),
            Assessment.form_id == FEEDBACK_FORM,
            Assessment.status.in_(("completed", "signed_off")),
            Assessment.family_id.in_(families),
            Assessment.completed_on.between(date_from, date_to),
        )
    ).all()
    rows = []
    for question, label, yes in FEEDBACK_QUESTIONS:
        given = [a.get(question) for a in answers if a and a.get(question) not in (None, "")]
        said_yes = sum(1 for v in given if v in yes)
        rows.append((label, (said_yes, len(given) - said_yes)))
    return CountTable(
        key="feedback",
        title='"How was it for you?": what families said when early help ended',
        row_heading="Question",
        columns=("Yes", "No"),
        rows=tuple(rows),
        row_totals=True,
        column_totals=False,
        percent_of="row",
        note="Feedback forms completed in the period; each question counts the forms that answered it. "
        'Listened: "Yes, always" or "Mostly". Positive difference: "Yes, a lot" or "Yes, a little". '
        'Recommend: "Yes".',
    )


ACHIEVED, PARTLY, NOT_ACHIEVED, NO_ACTIONS = (
    "Achieved",
    "Partly achieved",
    "Not achieved",
    "No actions recorded",
)


def outcome_result(statuses: list[str]) -> str:
    """A plan outcome at closure, from its actions: every action done is achieved, some done is
    partly achieved, none done is not achieved."""
    if not statuses:
        return NO_ACTIONS
    done = sum(1 for s in statuses if s == "done")
    if done == len(statuses):
        return ACHIEVED
    return PARTLY if done else NOT_ACHIEVED


def plan_outcomes_table(session: Session, closed: list[Episode]) -> CountTable:
    ids = [e.id for e in closed]
    outcomes: dict[str, list[str]] = {}
    for chunk in _chunks(ids):
        for outcome_id in session.scalars(
            select(PlanOutcome.id).where(PlanOutcome.deleted.is_(False), PlanOutcome.episode_id.in_(chunk))
        ):
            outcomes[outcome_id] = []
        for outcome_id, status in session.execute(
            select(PlanAction.outcome_id, PlanAction.status).where(
                PlanAction.deleted.is_(False), PlanAction.episode_id.in_(chunk)
            )
        ):
            if outcome_id in outcomes:
                outcomes[outcome_id].append(status)
    results = [outcome_result(statuses) for statuses in outcomes.values()]
    labels = (ACHIEVED, PARTLY, NOT_ACHIEVED, NO_ACTIONS)
    return CountTable(
        key="plan_outcomes",
        title="Plan outcomes at closure (episodes closed in the period)",
        row_heading="Outcome",
        columns=("Plan outcomes",),
        rows=tuple((label, (results.count(label),)) for label in labels),
        percent_of="column",
        chart=False,
        note="Each outcome of the TAF plan, judged by its actions when the episode closed: all done is "
        "achieved, some done is partly achieved, none done is not achieved.",
    )


def returns_table(session: Session, referrals: list[Referral], families) -> CountTable:
    """Requests received in the period from a family whose early help episode closed in the 12
    months before (re-referrals), and those of them stepped up to children's social care."""
    family_ids = list({r.family_id for r in referrals})
    closures: dict[str, list[date]] = defaultdict(list)
    for chunk in _chunks(family_ids):
        for family_id, closed_on in session.execute(
            select(Episode.family_id, Episode.closed_on).where(
                Episode.deleted.is_(False), Episode.family_id.in_(chunk), Episode.closed_on.is_not(None)
            )
        ):
            closures[family_id].append(cast(date, closed_on))  # the query keeps closed ones only

    def returned(r: Referral) -> bool:
        return any(c < r.received_on <= add_months(c, RETURN_MONTHS) for c in closures[r.family_id])

    back = [r for r in referrals if returned(r)]
    stepped = [r for r in back if r.outcome == "step_up"]
    return CountTable(
        key="returns",
        title=f"Families back within {RETURN_MONTHS} months of an early help closure",
        row_heading="Measure",
        columns=("Requests",),
        rows=(
            (f"Re-referred within {RETURN_MONTHS} months of closure", (len(back),)),
            (f"Stepped up to social care within {RETURN_MONTHS} months of closure", (len(stepped),)),
        ),
        column_totals=False,
        percent_of="base",
        base=len(referrals),
        base_label="Requests received in the period",
        chart=False,
        note="A request received in the period from a family whose earlier episode closed in the "
        f"{RETURN_MONTHS} months before it; stepped up: that request's outcome was a step-up.",
    )


# --- progression tools ----------------------------------------------------------------------


def _tool_set():
    from ehdesk.forms.tools import registry

    try:
        return registry.available()
    except Exception:  # noqa: BLE001 - no tool files: the figures say nothing is recorded
        return None


def progression_tables(session: Session, episodes: list[Episode]) -> tuple[CountTable, ...]:
    """Per tool: how many families were in need in each area at baseline (the worse half of the
    tool's scale, for tools scored per area), and how many improved in each area and overall
    from their first to their latest reading."""
    ids = [e.id for e in episodes]
    readings: dict[tuple[str, str, str | None], list] = defaultdict(list)
    for chunk in _chunks(ids):
        for episode_id, tool_id, subject, occasion, taken_on, created, chart in session.execute(
            select(
                Reading.episode_id,
                Reading.tool_id,
                Reading.subject_person_id,
                Reading.occasion,
                Reading.taken_on,
                Reading.created_at,
                Reading.scores["chart"],
            ).where(Reading.deleted.is_(False), Reading.episode_id.in_(chunk))
        ):
            readings[(episode_id, tool_id, subject)].append(
                (occasion != "baseline", taken_on, created, chart or {})
            )
    tools = _tool_set()
    need: dict[str, dict[str, dict[str, bool]]] = defaultdict(lambda: defaultdict(dict))
    change: dict[str, dict[str, dict[str, list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for (episode_id, tool_id, _), found in readings.items():
        try:
            tool = tools.get(tool_id) if tools is not None else None
        except KeyError:
            tool = None
        if tool is None:
            continue
        better = 1 if tool.higher_is_better else -1
        found.sort(key=lambda r: (r[0], r[1], r[2]))  # the baseline first, else the earliest
        first = found[0][3]
        if tool.chart == "items":
            low, high = tool.axis_range()
            middle = (low + high) / 2
            for key, _ in tool.axes():
                value = first.get(key)
                if value is not None:
                    worse = value < middle if tool.higher_is_better else value > middle
                    need[tool_id][episode_id][key] = need[tool_id][episode_id].get(key, False) or worse
        if len(found) > 1:
            latest = max(found[1:], key=lambda r: (r[1], r[2]))[3]
            for key, _ in tool.axes():
                if first.get(key) is not None and latest.get(key) is not None:
                    change[tool_id][episode_id][key].append(better * (latest[key] - first[key]))
    tables: list[CountTable] = []
    for tool_id in sorted(set(need) | set(change)):
        tool = tools.get(tool_id)
        axes = tool.axes()
        if need.get(tool_id):
            rows: list[tuple[str, tuple[int, ...]]] = []
            for key, label in axes:
                flags = [areas[key] for areas in need[tool_id].values() if key in areas]
                rows.append((label, (sum(flags), len(flags) - sum(flags))))
            tables.append(
                CountTable(
                    key=f"need_{tool_id}",
                    title=f"Families in need at baseline, by area: {tool.title}",
                    row_heading="Area",
                    columns=("In need", "Not in need"),
                    rows=tuple(rows),
                    row_totals=True,
                    column_totals=False,
                    percent_of="row",
                    chart=False,
                    note="In need: the baseline score is in the worse half of the tool's scale "
                    f"({', '.join(str(v) for v in tool.axis_range())}).",
                )
            )
        if change.get(tool_id):
            rows = []
            overall = [0, 0]
            for key, label in axes:
                moved = [sum(v[key]) / len(v[key]) for v in change[tool_id].values() if v.get(key)]
                up = sum(1 for m in moved if m > 0)
                rows.append((label, (up, len(moved) - up)))
            for areas in change[tool_id].values():
                means = [sum(v) / len(v) for v in areas.values() if v]
                if means:
                    overall[0 if sum(means) / len(means) > 0 else 1] += 1
            rows.append(("Overall (average of the areas)", tuple(overall)))
            tables.append(
                CountTable(
                    key=f"improved_{tool_id}",
                    title=f"Families improved from first to latest reading: {tool.title}",
                    row_heading="Area",
                    columns=("Improved", "Not improved"),
                    rows=tuple(rows),
                    row_totals=True,
                    column_totals=False,
                    percent_of="row",
                    chart=False,
                    emphasis=(len(rows) - 1,),
                    note="Episodes with at least two readings of the tool; improved: the latest score is "
                    "better than the first (overall: the average change across the areas is).",
                )
            )
    return tuple(tables)


def outcomes_section(
    session: Session,
    episodes: list[Episode],
    referrals: list[Referral],
    families,
    date_from: date,
    date_to: date,
) -> Section:
    closed = [e for e in episodes if e.closed_on is not None and date_from <= e.closed_on <= date_to]
    return Section(
        "Outcomes",
        (
            feedback_table(session, families, date_from, date_to),
            plan_outcomes_table(session, closed),
            returns_table(session, referrals, families),
            *progression_tables(session, episodes),
        ),
    )
