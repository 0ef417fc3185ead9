"""The report command's arguments, shared by ``ehdesk report`` and ``ehdesk-server report`` so
both take the same dates and formats and explain mistakes the same way."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from ehdesk.errors import EhdeskError
from ehdesk.reports.build import FORMATS, build_report

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


def parse_day(text: str, which: str) -> date:
    """A YYYY-MM-DD date, or an error that says which date is wrong and how to write it."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise EhdeskError(
            f"The {which} date {text!r} is not a date: write it as YYYY-MM-DD, for example 2026-04-01."
        ) from None


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


def checked(args) -> tuple[date, date]:
    """The period of parsed ``args``, after checking everything a user could get wrong."""
    period = parse_period(args.date_from, args.date_to)
    if not args.out.parent.is_dir():
        raise EhdeskError(f"The folder {args.out.parent} does not exist.")
    return period


def report_filename(date_from: date, date_to: date, fmt: str) -> str:
    return f"early-help-return-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{fmt}"


def download(
    session: Session, date_from: str, date_to: str, fmt: str, teams: list[str] | None = None
) -> tuple[bytes, str, str]:
    """For a web endpoint: (body, media type, file name) of the suppressed return, from the raw
    query values; a mistake raises EhdeskError with the sentence to send back."""
    if fmt not in FORMATS:
        raise EhdeskError(f"The format must be one of {', '.join(FORMATS)}, not {fmt!r}.")
    start, end = parse_period(date_from, date_to)
    body = build_report(session, start, end, teams, fmt)
    return body, MEDIA_TYPES[fmt], report_filename(start, end, fmt)
