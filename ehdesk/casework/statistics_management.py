"""The management report: operational figures for a team manager (timescale compliance,
caseloads by worker, what is overdue), never suppressed and never for publication. It names
workers, not families, and every copy is audited like any export."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.casework.statistics import (
    _episodes_touching,
    compliance_section,
    facts_as_at,
)
from ehdesk.casework.statistics_tables import CountTable, Section, Statistics
from ehdesk.casework.statistics_work import caseload_tables
from ehdesk.casework.timescales import due_items
from ehdesk.config.dates import show_date
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import EhdeskError

UNALLOCATED = "Unallocated"


def _worker(e) -> str:
    return (e.allocated_worker_name or "").strip() or UNALLOCATED


def caseload_by_worker(episodes, date_from: date, date_to: date) -> CountTable:
    counts: dict[str, list[int]] = {}
    for e in episodes:
        row = counts.setdefault(_worker(e), [0, 0, 0])
        row[0] += date_from <= e.opened_on <= date_to
        row[1] += e.closed_on is not None and date_from <= e.closed_on <= date_to
        row[2] += e.closed_on is None or e.closed_on > date_to
    return CountTable(
        key="caseload_by_worker",
        title="Caseload by allocated worker",
        row_heading="Worker",
        columns=("Opened", "Closed", f"Open at {show_date(date_to)}"),
        rows=tuple((name, tuple(values)) for name, values in sorted(counts.items())),
        chart=False,
    )


def overdue_by_worker(session: Session, pack: CouncilPack, episodes, date_to: date) -> CountTable:
    """What was overdue on the period's last day on the episodes still open then, per worker."""
    open_then = [e for e in episodes if e.closed_on is None or e.closed_on > date_to]
    facts = facts_for_episodes(session, open_then)
    kinds: dict[str, str] = {}
    counts: Counter = Counter()
    workers = {_worker(e) for e in open_then}
    for e in open_then:
        raw = facts.get(e.id)
        if raw is None:
            continue
        for item in due_items(facts_as_at(raw, date_to), pack.timescales, date_to):
            if item.overdue:
                kinds.setdefault(item.code, item.label.split(" (")[0])
                counts[(_worker(e), item.code)] += 1
    codes = sorted(kinds)
    return CountTable(
        key="overdue_by_worker",
        title=f"Overdue on {show_date(date_to)}, by allocated worker (open episodes)",
        row_heading="Worker",
        columns=tuple(kinds[c] for c in codes) or ("Nothing overdue",),
        rows=tuple((w, tuple(counts[(w, c)] for c in codes) or (0,)) for w in sorted(workers)),
        row_totals=bool(codes),
        chart=False,
        note="Each open episode's timescales as they stood at the end of the period's last day.",
    )


def compute_management(
    session: Session,
    date_from: date,
    date_to: date,
    teams: Sequence[str] | None = None,
    pack: CouncilPack | None = None,
) -> Statistics:
    if date_to < date_from:
        raise EhdeskError("The end of the period is before its start.")
    pack = pack or current_pack()
    teams = tuple(teams) if teams is not None else None
    episodes = _episodes_touching(session, date_from, date_to, teams)
    compliance = compliance_section(session, pack, episodes, date_to)
    snapshots, average = caseload_tables(pack, episodes, date_from, date_to)
    sections = (
        Section("Timescale compliance", compliance.tables, compliance.notes),
        Section(
            "Caseloads",
            (caseload_by_worker(episodes, date_from, date_to), snapshots, average),
        ),
        Section("Overdue work", (overdue_by_worker(session, pack, episodes, date_to),)),
    )
    return Statistics(date_from, date_to, teams, pack.council_name, sections)
