"""``ehdesk report``: the statistical return for a period, suppressed, as CSV, PDF or XLSX; or
(for a manager) the management report or the Supporting Families return, not suppressed and
marked not for publication. Every file is audited."""

from __future__ import annotations

from ehdesk.casework import audit
from ehdesk.commands.common import open_profile
from ehdesk.errors import EhdeskError
from ehdesk.paths import write_private_file
from ehdesk.reports import build_report
from ehdesk.reports.arguments import (
    MANAGER_ONLY_KINDS,
    REPORT_HELP,
    add_report_arguments,
    checked,
    compare_period,
    kind_words,
)


def register(sub) -> None:
    report = sub.add_parser("report", help=REPORT_HELP)
    report.add_argument("--profile", required=True)
    add_report_arguments(report)
    report.set_defaults(handler=_report)


def _report(args) -> int:
    date_from, date_to = checked(args)
    compare = compare_period(args)
    store = open_profile(args)
    try:
        if args.kind in MANAGER_ONLY_KINDS and getattr(store.profile, "role", "") not in ("manager", "admin"):
            raise EhdeskError(
                f"Only a manager or an admin can make the {args.kind} report: it shows small numbers."
            )
        with store.session() as s:
            data = build_report(s, date_from, date_to, None, args.fmt, kind=args.kind, compare=compare)
            audit.record(
                s,
                "export",
                "report",
                "",
                None,
                date_from=str(date_from),
                date_to=str(date_to),
                format=args.fmt,
                kind=args.kind,
                **({"compare": f"{compare[0]}..{compare[1]}"} if compare else {}),
            )
            # Written inside the transaction: if the file cannot be written, nothing is audited.
            write_private_file(args.out, data)
    finally:
        store.close()
    print(f"Wrote the {args.fmt.upper()} {kind_words(args.kind)} for {date_from} to {date_to} to {args.out}.")
    return 0
