"""``ehdesk report``: the statistical return for a period, suppressed, as CSV or PDF."""

from __future__ import annotations

from ehdesk.casework import audit
from ehdesk.commands.common import open_profile
from ehdesk.reports import build_report
from ehdesk.reports.arguments import add_report_arguments, checked


def register(sub) -> None:
    report = sub.add_parser("report", help="the statistical return for a period, suppressed (CSV or PDF)")
    report.add_argument("--profile", required=True)
    add_report_arguments(report)
    report.set_defaults(handler=_report)


def _report(args) -> int:
    date_from, date_to = checked(args)
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
