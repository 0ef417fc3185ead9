"""``ehdesk report``: the statistical return for a period, suppressed, as CSV or PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ehdesk.casework import audit
from ehdesk.commands.common import open_profile
from ehdesk.errors import EhdeskError
from ehdesk.reports import FORMATS, build_report


def parse_day(text: str, which: str) -> date:
    """A YYYY-MM-DD date, or an error that says which date is wrong and how to write it."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise EhdeskError(
            f"The {which} date {text!r} is not a date: write it as YYYY-MM-DD, for example 2026-04-01."
        ) from None


def register(sub) -> None:
    report = sub.add_parser("report", help="the statistical return for a period, suppressed (CSV or PDF)")
    report.add_argument("--profile", required=True)
    report.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD")
    report.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
    report.add_argument("--format", dest="fmt", required=True, choices=FORMATS)
    report.add_argument("--out", required=True, type=Path, metavar="FILE")
    report.set_defaults(handler=_report)


def _report(args) -> int:
    date_from = parse_day(args.date_from, "start")
    date_to = parse_day(args.date_to, "end")
    if date_to < date_from:
        raise EhdeskError("The end of the period is before its start.")
    if not args.out.parent.is_dir():
        raise EhdeskError(f"The folder {args.out.parent} does not exist.")
    store = open_profile(args)
    try:
        with store.session() as s:
            data = build_report(s, date_from, date_to, None, args.fmt)
            audit.record(
                s,
                "export",
                "report",
                "",
                None,
                date_from=str(date_from),
                date_to=str(date_to),
                format=args.fmt,
            )
    finally:
        store.close()
    args.out.write_bytes(data)
    print(f"Wrote the {args.fmt.upper()} return for {date_from} to {date_to} to {args.out}.")
    return 0
