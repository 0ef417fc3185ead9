"""From statistics to a publishable report, and from a report to bytes in a chosen format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework.statistics import Statistics, compute
from ehdesk.casework.suppression import PublishedTable, publish_all
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import EhdeskError
from ehdesk.models import Team

FORMATS = ("csv", "pdf")
TITLE = "Early help statistical return"

# How each figure is counted, printed with the return so a reader can compare councils fairly.
DEFINITIONS = (
    "The period includes its first and last days. Opened and closed: episodes whose opening or "
    "closing date falls in the period. Active: episodes open at the end of the period.",
    "Children and adults: every member of a family with an episode open at any time in the period, "
    "counted once. Age is taken on the first day the family was supported in the period; a child "
    "not yet born on that day counts as unborn.",
    "Requests for support: requests received in the period, by where they came from and what was decided.",
    "Presenting factors: episodes opened in the period with factors recorded at assessment.",
    "Timescales: episodes open at any time in the period, judged on what was recorded by its last "
    "day. A timescale is counted once it has fallen due.",
    "Progression of change: average change per area between each episode's first and latest "
    "reading. Averages over fewer episodes than the suppression threshold are withheld.",
)


@dataclass(frozen=True)
class PublishedSection:
    title: str
    notes: tuple[str, ...]
    tables: tuple[PublishedTable, ...]


@dataclass(frozen=True)
class PublishedReport:
    title: str
    council_name: str
    date_from: date
    date_to: date
    scope: str  # which teams, in words
    statement: str  # the suppression rule, as the pack states it ("" when not suppressed)
    suppressed: bool
    sections: tuple[PublishedSection, ...]

    @property
    def period(self) -> str:
        return f"{self.date_from:%d %B %Y} to {self.date_to:%d %B %Y}"


def _find(report: PublishedReport, key: str) -> PublishedTable | None:
    for section in report.sections:
        for table in section.tables:
            if table.key == key:
                return table
    return None


def key_figures(report: PublishedReport) -> list[tuple[str, str]]:
    """The headline numbers (already suppressed as published), for the top of the report."""
    figures: list[tuple[str, str]] = []
    episodes = _find(report, "episodes_by_case_type")
    if episodes and episodes.rows and episodes.rows[-1][0] == "Total":
        total = episodes.rows[-1]
        figures += [
            ("Episodes opened in the period", total[1]),
            ("Episodes closed in the period", total[2]),
            (episodes.header[3].replace("Active", "Episodes active"), total[3]),
        ]
    requests = _find(report, "requests_by_source")
    if requests and requests.rows and requests.rows[-1][0] == "Total":
        figures.append(("Requests for support received", requests.rows[-1][1]))
    people = _find(report, "people_by_ethnicity")
    if people and people.rows and people.rows[-1][0] == "Total":
        # The same cells as the age table's sub-totals: one definition of a child (statistics_people).
        total = dict(zip(people.header, people.rows[-1], strict=True))
        figures += [
            ("Children supported (under 18)", total.get("Children", "")),
            ("Unborn children", total.get("Unborn", "")),
            ("Adults supported", total.get("Adults", "")),
        ]
    return figures


def team_scope(session: Session, teams: Sequence[str] | None) -> str:
    if teams is None:
        return "All families held"
    names = dict(session.execute(select(Team.id, Team.name).where(Team.id.in_(list(teams)))).all())
    return "Teams: " + ", ".join(sorted(names.get(t, t) for t in teams))


def published(stats: Statistics, pack: CouncilPack, scope: str, suppress: bool = True) -> PublishedReport:
    rules = pack.suppression
    # Suppressed together: tables that share a figure hide it in all of them or in none.
    flat = iter(publish_all([t for s in stats.sections for t in s.tables], rules, suppress))
    sections = tuple(
        PublishedSection(s.title, s.notes, tuple(next(flat) for _ in s.tables)) for s in stats.sections
    )
    return PublishedReport(
        title=TITLE,
        council_name=stats.council_name,
        date_from=stats.date_from,
        date_to=stats.date_to,
        scope=scope,
        statement=rules.statement if suppress else "",
        suppressed=suppress,
        sections=sections,
    )


def render(report: PublishedReport, fmt: str) -> bytes:
    if fmt == "csv":
        from ehdesk.reports.csv_report import report_csv

        return report_csv(report)
    if fmt == "pdf":
        from ehdesk.reports.pdf_report import report_pdf

        return report_pdf(report)
    raise EhdeskError(f"The format must be one of {', '.join(FORMATS)}, not {fmt!r}.")


def build_report(
    session: Session,
    date_from: date,
    date_to: date,
    teams: Sequence[str] | None = None,
    fmt: str = "pdf",
    pack: CouncilPack | None = None,
) -> bytes:
    """The suppressed return for the period and teams (None: every family the session holds) as
    CSV or PDF bytes. Never unsuppressed: files leave the manager's screen."""
    if fmt not in FORMATS:
        raise EhdeskError(f"The format must be one of {', '.join(FORMATS)}, not {fmt!r}.")
    pack = pack or current_pack()
    stats = compute(session, date_from, date_to, teams, pack)
    return render(published(stats, pack, team_scope(session, teams), suppress=True), fmt)
