"""The report command's arguments, shared by ``ehdesk report`` and ``ehdesk-server report`` so
both take the same dates and formats and explain mistakes the same way."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from ehdesk.errors import EhdeskError
from ehdesk.paths import check_output_file
from ehdesk.reports.build import FORMATS, KINDS, build_report

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FIRST_YEAR, LAST_YEAR = 1900, 2099
# Kinds that show small numbers: only a manager or an admin may make them.
MANAGER_ONLY_KINDS = ("management", "supporting-families")
REPORT_HELP = (
    "the statistical return for a period, suppressed; or a manager's management report or"
    " Supporting Families return, not suppressed (CSV, PDF or XLSX)"
)


def kind_words(kind: str) -> str:
    """What a command says it wrote: "return", or "management report (not for publication)"."""
    return "return" if kind == "return" else f"{kind} report (not for publication)"


def parse_day(text: str, which: str) -> date:
    """A YYYY-MM-DD date, or an error that says which date is wrong and how to write it."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise EhdeskError(
            f"The {which} date {text!r} is not a date: write it as YYYY-MM-DD, for example 2026-04-01."
        ) from None
    # A mistyped year (0206 for 2026) would make a report of thousands of quarters, or none.
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise EhdeskError(
            f"The {which} date {text!r} is out of range: a report's dates are in the years "
            f"{FIRST_YEAR} to {LAST_YEAR}."
        )
    return day


def parse_period(date_from: str, date_to: str) -> tuple[date, date]:
    start, end = parse_day(date_from, "start"), parse_day(date_to, "end")
    if end < start:
        raise EhdeskError("The end of the period is before its start.")
    return start, end


def add_report_arguments(parser) -> None:
    parser.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--format", dest="fmt", required=True, choices=FORMATS)
    parser.add_argument("--out", required=True, type=Path, metavar="FILE")
    parser.add_argument(
        "--kind",
        default="return",
        choices=KINDS,
        help="return: the published return, suppressed (default); management: timescales, caseloads "
        "and overdue work, not suppressed, not for publication; supporting-families: the quarterly "
        "Supporting Families figures, not suppressed",
    )
    parser.add_argument(
        "--compare-from", dest="compare_from", metavar="YYYY-MM-DD", help="an earlier period, side by side"
    )
    parser.add_argument("--compare-to", dest="compare_to", metavar="YYYY-MM-DD")


def compare_period(args) -> tuple[date, date] | None:
    given = (getattr(args, "compare_from", None), getattr(args, "compare_to", None))
    if given == (None, None):
        return None
    if None in given:
        raise EhdeskError("Give both --compare-from and --compare-to to put two periods side by side.")
    start, end = parse_day(given[0], "comparison start"), parse_day(given[1], "comparison end")
    if end < start:
        raise EhdeskError("The end of the comparison period is before its start.")
    return start, end


def checked(args) -> tuple[date, date]:
    """The period of parsed ``args``, after checking everything a user could get wrong."""
    period = parse_period(args.date_from, args.date_to)
    compare_period(args)
    check_output_file(args.out, f"report.{args.fmt}")
    return period


FILE_STEMS = {
    "return": "early-help-return",
    "management": "early-help-management-NOT-FOR-PUBLICATION",
    "supporting-families": "supporting-families-return-NOT-FOR-PUBLICATION",
}


def report_filename(date_from: date, date_to: date, fmt: str, kind: str = "return") -> str:
    return f"{FILE_STEMS.get(kind, FILE_STEMS['return'])}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{fmt}"


def download(
    session: Session,
    date_from: str,
    date_to: str,
    fmt: str,
    teams: list[str] | None = None,
    kind: str = "return",
) -> tuple[bytes, str, str]:
    """For a web endpoint: (body, media type, file name) of the report, from the raw query
    values; a mistake raises EhdeskError with the sentence to send back. The caller checks the
    user may see the kind (every kind here is for managers and admins)."""
    if fmt not in FORMATS:
        raise EhdeskError(f"The format must be one of {', '.join(FORMATS)}, not {fmt!r}.")
    if kind not in KINDS:
        raise EhdeskError(f"The report must be one of {', '.join(KINDS)}, not {kind!r}.")
    start, end = parse_period(date_from, date_to)
    body = build_report(session, start, end, teams, fmt, kind=kind)
    return body, MEDIA_TYPES[fmt], report_filename(start, end, fmt, kind)
