"""Supporting Families (2022-25 outcome framework): each family's needs against the pack's
headline outcomes, the evidence of significant and sustained progress on each with its dates,
and where each family stands for the quarterly return.

A family (per episode) is:
- **eligible** with at least ``min_needs_for_claim`` needs identified (3 in the framework) and,
  where the pack sets ``min_criteria`` (Devon: 2 of its 6 early help criteria), at least that
  many criteria met on the episode;
- **achieved** when eligible and every need identified shows significant progress sustained for
  at least ``sustained_days`` by the date asked about (a results claim covers all the needs);
- **in progress** when eligible and not yet achieved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.episode_access import episode_or_404
from ehdesk.casework.records import live
from ehdesk.config.dates import show_date
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import ValidationError
from ehdesk.models import Episode, FamilyOutcome

NOT_ELIGIBLE, IN_PROGRESS, ACHIEVED = "not_eligible", "in_progress", "achieved"
STATUS_LABELS = {NOT_ELIGIBLE: "Not eligible", IN_PROGRESS: "Eligible, in progress", ACHIEVED: "Achieved"}


@dataclass(frozen=True)
class OutcomeView:
    id: str
    outcome: str
    label: str
    need_identified_on: date
    need_note: str
    progress_from: date | None
    sustained_to: date | None
    evidence: str
    sustained: bool  # significant and sustained progress, as at the record's dates


def outcome_codes(pack: CouncilPack) -> list[str]:
    return [o.code for o in pack.supporting_families.outcomes]


def _sustained(row: FamilyOutcome, pack: CouncilPack, as_at: date | None = None) -> bool:
    """Progress evidenced from ``progress_from`` to ``sustained_to`` (as known on ``as_at``) for
    at least the pack's sustained_days."""
    if row.progress_from is None or row.sustained_to is None:
        return False
    end = row.sustained_to if as_at is None else min(row.sustained_to, as_at)
    return (end - row.progress_from).days >= pack.supporting_families.sustained_days


def _clean_dates(
    pack: CouncilPack,
    identified: date | None,
    progress_from: date | None,
    sustained_to: date | None,
    today: date,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if identified is None:
        errors["need_identified_on"] = "The date the need was identified is missing."
    elif identified > today:
        errors["need_identified_on"] = f"The date {show_date(identified)} is in the future."
    if sustained_to is not None and progress_from is None:
        errors["progress_from"] = (
            "Give the date progress was first evidenced before the date it was sustained to."
        )
    if progress_from is not None:
        if progress_from > today:
            errors["progress_from"] = f"The date {show_date(progress_from)} is in the future."
        elif identified is not None and progress_from < identified:
            errors["progress_from"] = "Progress cannot start before the need was identified."
    if sustained_to is not None and progress_from is not None:
        if sustained_to > today:
            errors["sustained_to"] = f"The date {show_date(sustained_to)} is in the future."
        elif sustained_to < progress_from:
            errors["sustained_to"] = "Progress cannot be sustained to a date before it started."
    return errors


def record_need(
    session: Session,
    episode_id: str,
    outcome: str,
    identified_on: date | None,
    note: str = "",
    recorded_by: str = "",
    pack: CouncilPack | None = None,
    today: date | None = None,
) -> str:
    """A need identified against one headline outcome; one record per outcome per episode."""
    pack = pack or current_pack()
    today = today or date.today()
    episode = episode_or_404(session, episode_id)
    errors = _clean_dates(pack, identified_on, None, None, today)
    if outcome not in outcome_codes(pack):
        errors["outcome"] = "Choose the outcome from the Supporting Families list."
    elif any(o.outcome == outcome for o in _rows(session, [episode_id])):
        errors["outcome"] = "This need is already recorded for this case: add the progress to it instead."
    if errors:
        raise ValidationError(errors)
    row = FamilyOutcome(
        family_id=episode.family_id,
        episode_id=episode_id,
        outcome=outcome,
        need_identified_on=identified_on,
        need_note=(note or "").strip(),
        recorded_by=recorded_by,
    )
    session.add(row)
    audit.record(session, "change", "family_outcome", row.id, episode.family_id, change="create")
    return row.id


def record_progress(
    session: Session,
    record_id: str,
    progress_from: date | None,
    sustained_to: date | None,
    evidence: str,
    pack: CouncilPack | None = None,
    today: date | None = None,
) -> None:
    """The evidence of significant progress on a need and the dates it covers."""
    pack = pack or current_pack()
    today = today or date.today()
    row = live(session, FamilyOutcome, record_id, "Supporting Families need", "is no longer on record")
    errors = _clean_dates(pack, row.need_identified_on, progress_from, sustained_to, today)
    evidence = (evidence or "").strip()
    if progress_from is not None and not evidence:
        errors["evidence"] = "Say what shows the progress (for example attendance figures or a tenancy)."
    if errors:
        raise ValidationError(errors)
    row.progress_from, row.sustained_to, row.evidence = progress_from, sustained_to, evidence
    audit.record(session, "change", "family_outcome", row.id, row.family_id, change="progress")


def _rows(session: Session, episode_ids: Sequence[str]) -> list[FamilyOutcome]:
    found: list[FamilyOutcome] = []
    ids = list(episode_ids)
    for start in range(0, len(ids), 500):
        found += session.scalars(
            select(FamilyOutcome).where(
                FamilyOutcome.deleted.is_(False), FamilyOutcome.episode_id.in_(ids[start : start + 500])
            )
        ).all()
    return found


def list_outcomes(session: Session, episode_id: str, pack: CouncilPack | None = None) -> list[OutcomeView]:
    pack = pack or current_pack()
    labels = {o.code: o.label for o in pack.supporting_families.outcomes}
    order = {o.code: i for i, o in enumerate(pack.supporting_families.outcomes)}
    rows = sorted(_rows(session, [episode_id]), key=lambda r: order.get(r.outcome, 99))
    return [
        OutcomeView(
            id=r.id,
            outcome=r.outcome,
            label=labels.get(r.outcome, r.outcome),
            need_identified_on=r.need_identified_on,
            need_note=r.need_note,
            progress_from=r.progress_from,
            sustained_to=r.sustained_to,
            evidence=r.evidence,
            sustained=_sustained(r, pack),
        )
        for r in rows
    ]


def status_of(rows: list[FamilyOutcome], episode: Episode, pack: CouncilPack, as_at: date) -> str:
    """Where one episode's family stands on ``as_at`` (needs and progress known by then)."""
    rules = pack.supporting_families
    known = [r for r in rows if r.need_identified_on <= as_at and r.outcome in outcome_codes(pack)]
    if len({r.outcome for r in known}) < rules.min_needs_for_claim:
        return NOT_ELIGIBLE
    if rules.min_criteria is not None and len(set(episode.criteria_met or [])) < rules.min_criteria:
        return NOT_ELIGIBLE
    if all(_sustained(r, pack, as_at) for r in known):
        return ACHIEVED
    return IN_PROGRESS


def episode_status(
    session: Session, episode_id: str, pack: CouncilPack | None = None, as_at: date | None = None
) -> str:
    pack = pack or current_pack()
    episode = episode_or_404(session, episode_id)
    return status_of(_rows(session, [episode_id]), episode, pack, as_at or date.today())


def statuses(
    session: Session, episodes: list[Episode], pack: CouncilPack, as_at: date
) -> tuple[dict[str, str], list[FamilyOutcome]]:
    """Each episode's status on ``as_at`` and the outcome records they rest on."""
    rows = _rows(session, [e.id for e in episodes])
    by_episode: dict[str | None, list[FamilyOutcome]] = {}
    for r in rows:
        by_episode.setdefault(r.episode_id, []).append(r)
    return {e.id: status_of(by_episode.get(e.id, []), e, pack, as_at) for e in episodes}, rows


# --- the figures ----------------------------------------------------------------------------


def _quarter_start(end: date) -> date:
    """The first day of the quarter ``end`` falls in (``end`` is a quarter end, or the period's
    last day when the period holds none: a report for January)."""
    return date(end.year, (end.month - 1) // 3 * 3 + 1, 1)


def supporting_families_section(
    session: Session, pack: CouncilPack, episodes: list[Episode], date_from: date, date_to: date
):
    """The quarterly counts of families eligible, in progress and achieved, and the needs and
    sustained progress per headline outcome (None when the pack lists no outcomes)."""
    from ehdesk.casework.statistics_tables import CountTable, Section
    from ehdesk.casework.statistics_work import quarter_ends

    if not pack.supporting_families.outcomes:
        return None
    rows = []
    for end in quarter_ends(date_from, date_to):
        start = max(date_from, _quarter_start(end))
        live = [e for e in episodes if e.opened_on <= end and (e.closed_on is None or e.closed_on >= start)]
        found, _ = statuses(session, live, pack, end)
        values = list(found.values())
        # A published row label, the same in every council's return (not the pack's date style).
        rows.append((f"Quarter to {end:%d/%m/%Y}", (values.count(IN_PROGRESS), values.count(ACHIEVED))))
    quarterly = CountTable(
        key="supporting_families_quarters",
        title="Supporting Families: families eligible, in progress and achieved, by quarter",
        row_heading="Quarter",
        columns=("In progress", "Achieved"),
        total_heading="Eligible",
        rows=tuple(rows),
        row_totals=True,
        column_totals=False,
        chart=False,
        note=f"Families (episodes) open at any time in the quarter, as things stood at its end. Eligible: at "
        f"least {pack.supporting_families.min_needs_for_claim} needs identified"
        + (
            f" and at least {pack.supporting_families.min_criteria} of the early help criteria met"
            if pack.supporting_families.min_criteria
            else ""
        )
        + f"; achieved: significant progress on every need, sustained for {pack.supporting_families.sustained_days} "
        "days. Eligible is in progress and achieved together.",
    )
    found, records = statuses(session, episodes, pack, date_to)
    needs: dict[str, list[set[str | None]]] = {code: [set(), set()] for code in outcome_codes(pack)}
    for r in records:
        if r.outcome in needs and r.need_identified_on <= date_to:
            needs[r.outcome][0].add(r.episode_id)
            if _sustained(r, pack, date_to):
                needs[r.outcome][1].add(r.episode_id)
    per_outcome = CountTable(
        key="supporting_families_outcomes",
        title="Supporting Families: needs identified and sustained progress, by headline outcome",
        row_heading="Headline outcome",
        columns=("Need identified", "Sustained progress"),
        rows=tuple(
            (o.label, (len(needs[o.code][0]), len(needs[o.code][1])))
            for o in pack.supporting_families.outcomes
        ),
        column_totals=False,
        chart=False,
        note="Families (episodes) open at any time in the period, as at its last day. A family with several "
        "needs is counted against each.",
    )
    return Section("Supporting Families outcomes", (quarterly, per_outcome))
