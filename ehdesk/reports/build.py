"""From statistics to a publishable report, and from a report to bytes in a chosen format."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework.statistics import Statistics, compute
from ehdesk.casework.suppression import NOT_AVAILABLE, PublishedTable, publish_all
from ehdesk.config.dates import show_date
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import EhdeskError
from ehdesk.models import Team

FORMATS = ("csv", "pdf", "xlsx")
KINDS = ("return", "management", "supporting-families")
TITLE = "Early help statistical return"
TITLES = {
    "return": TITLE,
    "management": "Early help management report",
    "supporting-families": "Supporting Families quarterly return",
}
# The kinds that are never suppressed: for a manager's use or the department's return, never
# for publication, and marked so on every page and sheet.
UNSUPPRESSED_KINDS = ("management", "supporting-families")
MARKINGS = {
    "management": "NOT FOR PUBLICATION: management information, small numbers not suppressed",
    "supporting-families": "NOT FOR PUBLICATION: for the Supporting Families return, small numbers not suppressed",
}

# How each figure is counted, printed with the return (and in docs/reports.md) so a reader can
# compare councils fairly.
DEFINITIONS = (
    "The period includes its first and last days. Opened and closed: episodes whose opening or "
    "closing date falls in the period. Active: episodes open at the end of the period. Opened and "
    "still open: opened in the period and not closed by its last day.",
    "Children, unborn children and adults: every member of a family with an episode open at any "
    "time in the period, counted once, on the family's reference date (the first day it was "
    "supported in the period). Unborn: not yet born on that date, or a due date and no date of "
    "birth. Child: under 18 on that date. Adult: 18 or over. With no date of birth, the member's "
    "recorded role decides. Every people table counts from this one list, so their totals agree.",
    "People by case type: everyone in a family with an episode of that type opened, closed or "
    "active; a person whose family had two types is in both rows.",
    "Requests for support: requests received in the period, by where they came from, what was "
    "decided and their primary reason (the one marked on the request, or its only presenting need).",
    "Presenting factors: episodes opened in the period with factors recorded at assessment (the "
    "latest completed early help assessment, else the episode's own list); a group's row counts "
    "episodes with any factor of that group.",
    "Timescales: episodes open at any time in the period, judged on what was recorded by its last "
    "day. A timescale is counted once it has fallen due. The limit on an episode's length is the "
    "pack's (calendar months where it sets them).",
    "Lead professionals: episodes open at the end of the period, by the lead professional's agency "
    "and role and the episode's level of need.",
    "Early help assessments: completed (completion date in the period) and signed off by a manager "
    "in the period.",
    "Caseload: episodes open at the end of each quarter-end day (31 March, 30 June, 30 September, "
    "31 December) in the period; the average is the mean of those snapshots.",
    '"How was it for you?": feedback forms completed in the period; each question counts the forms '
    "that answered it.",
    "Plan outcomes at closure: each TAF plan outcome of an episode closed in the period, by its "
    "actions: all done is achieved, some done partly achieved, none done not achieved.",
    "Back within 12 months: requests received in the period from a family whose earlier episode "
    "closed in the 12 months before; stepped up: that request's outcome was a step-up to social care.",
    "Progression tools: in need at baseline means the area's baseline score is in the worse half "
    "of the tool's scale; improved means the latest reading is better than the first (overall: the "
    "average change across the areas is). Average change is between each episode's first and latest "
    "reading.",
    "Supporting Families: eligible with at least the pack's number of needs identified against the "
    "headline outcomes (and, where the pack sets it, the number of early help criteria met); "
    "achieved when every need shows significant progress sustained for the pack's number of days.",
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
    marking: str = ""  # e.g. "NOT FOR PUBLICATION", on every page and sheet
    definitions: tuple[str, ...] = DEFINITIONS
    compared: str = ""  # the earlier period's label when two periods stand side by side

    @property
    def period(self) -> str:
        return f"{show_date(self.date_from)} to {show_date(self.date_to)}"


def _find(report: PublishedReport, key: str) -> PublishedTable | None:
    for section in report.sections:
        for table in section.tables:
            if table.key == key:
                return table
    return None


def key_figures(report: PublishedReport) -> list[tuple[str, str]]:
    """The headline numbers (already suppressed as published), for the top of the report."""
    figures: list[tuple[str, str]] = []
    if report.compared:
        return figures
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


def published(
    stats: Statistics,
    pack: CouncilPack,
    scope: str,
    suppress: bool = True,
    title: str = TITLE,
    marking: str = "",
) -> PublishedReport:
    rules = pack.suppression
    # Suppressed together: tables that share a figure hide it in all of them or in none.
    flat = iter(publish_all([t for s in stats.sections for t in s.tables], rules, suppress))
    sections = tuple(
        PublishedSection(s.title, s.notes, tuple(next(flat) for _ in s.tables)) for s in stats.sections
    )
    return PublishedReport(
        title=title,
        marking=marking,
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
    if fmt == "xlsx":
        from ehdesk.reports.xlsx_report import report_xlsx

        return report_xlsx(report)
    raise EhdeskError(f"The format must be one of {', '.join(FORMATS)}, not {fmt!r}.")


def period_label(date_from: date, date_to: date) -> str:
    """ "2025-26" for a financial year, else the dates."""
    if (date_from.month, date_from.day, date_to.month, date_to.day) == (4, 1, 3, 31) and (
        date_to.year == date_from.year + 1
    ):
        return f"{date_from.year}-{date_to.year % 100:02d}"
    return f"{date_from:%d/%m/%Y}-{date_to:%d/%m/%Y}"


def side_by_side(current: PublishedReport, earlier: PublishedReport) -> PublishedReport:
    """Two periods' published tables side by side (each already suppressed on its own, so the
    pair discloses nothing either does not): every figure column twice, this period then the
    earlier one, rows matched by their label."""
    a = period_label(current.date_from, current.date_to)
    b = period_label(earlier.date_from, earlier.date_to)
    tables_b = {t.key: t for s in earlier.sections for t in s.tables}
    sections = []
    for section in current.sections:
        tables = []
        for table in section.tables:
            other = tables_b.get(table.key)
            other_rows = {row[0]: row for row in other.rows} if other else {}
            other_col = {h: i for i, h in enumerate(other.header)} if other else {}
            header = [table.header[0]]
            for h in table.header[1:]:
                header += [f"{h} {a}", f"{h} {b}"]
            rows = []
            for row in table.rows:
                match = other_rows.get(row[0])
                cells = [row[0]]
                for i, h in enumerate(table.header[1:], start=1):
                    j = other_col.get(h)
                    cells += [row[i], match[j] if match is not None and j is not None else NOT_AVAILABLE]
                rows.append(tuple(cells))
            tables.append(dataclasses.replace(table, header=tuple(header), rows=tuple(rows), chart=False))
        sections.append(PublishedSection(section.title, section.notes, tuple(tables)))
    return dataclasses.replace(
        current,
        sections=tuple(sections),
        compared=b,
        scope=f"{current.scope} · {a} beside {b}",
    )


def report_for(
    session: Session,
    date_from: date,
    date_to: date,
    teams: Sequence[str] | None = None,
    kind: str = "return",
    pack: CouncilPack | None = None,
    compare: tuple[date, date] | None = None,
) -> PublishedReport:
    """The report of ``kind`` as it is published: the return always suppressed; the management
    report and the Supporting Families return never, and marked not for publication."""
    if kind not in KINDS:
        raise EhdeskError(f"The report must be one of {', '.join(KINDS)}, not {kind!r}.")
    pack = pack or current_pack()
    scope = team_scope(session, teams)

    def one(start: date, end: date) -> PublishedReport:
        if kind == "management":
            from ehdesk.casework.statistics_management import compute_management

            stats = compute_management(session, start, end, teams, pack)
        else:
            stats = compute(session, start, end, teams, pack)
            if kind == "supporting-families":
                stats = dataclasses.replace(
                    stats,
                    sections=tuple(s for s in stats.sections if s.title.startswith("Supporting Families")),
                )
        suppress = kind not in UNSUPPRESSED_KINDS
        report = published(stats, pack, scope, suppress, TITLES[kind], MARKINGS.get(kind, ""))
        if kind != "return":
            report = dataclasses.replace(report, definitions=())
        return report

    report = one(date_from, date_to)
    if compare is not None:
        report = side_by_side(report, one(*compare))
    return report


def build_report(
    session: Session,
    date_from: date,
    date_to: date,
    teams: Sequence[str] | None = None,
    fmt: str = "pdf",
    pack: CouncilPack | None = None,
    kind: str = "return",
    compare: tuple[date, date] | None = None,
) -> bytes:
    """The report for the period and teams (None: every family the session holds) as CSV, PDF
    or XLSX bytes. The return is never unsuppressed: files leave the manager's screen."""
    if fmt not in FORMATS:
        raise EhdeskError(f"The format must be one of {', '.join(FORMATS)}, not {fmt!r}.")
    return render(report_for(session, date_from, date_to, teams, kind, pack, compare), fmt)
