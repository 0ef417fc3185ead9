"""The return as CSV: a block per table (title, header, rows, notes), readable in a spreadsheet
and by a script. UTF-8 with a byte-order mark so Excel shows the text as written."""

from __future__ import annotations

import csv
import io
import re

from ehdesk.reports.build import PublishedReport

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _safe(cell: str) -> str:
    # A text cell starting with = + - @ would run as a formula in a spreadsheet.
    if cell and cell[0] in "=+-@" and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def report_csv(report: PublishedReport) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")

    def row(*cells: str) -> None:
        w.writerow([_safe(str(c)) for c in cells])

    row("Report", report.title)
    if report.marking:
        row("Marking", report.marking)
    row("Council", report.council_name)
    row("Period from", report.date_from.isoformat())
    row("Period to", report.date_to.isoformat())
    row("Scope", report.scope)
    row("Suppression", report.statement if report.suppressed else "NOT SUPPRESSED: not for publication")
    for section in report.sections:
        row()
        row("Section", section.title)
        for note in section.notes:
            row("Note", note)
        for table in section.tables:
            row()
            row("Table", table.title)
            row(*table.header)
            for cells in table.rows:
                row(*cells)
            for note in table.notes:
                row("Note", note)
    if report.definitions:
        row()
    for text in report.definitions:
        row("Definition", text)
    if report.marking:
        row()
        row("Marking", report.marking)
    return out.getvalue().encode("utf-8-sig")
