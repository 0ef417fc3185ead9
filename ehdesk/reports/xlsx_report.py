"""The report as an Excel workbook for council analysts: a cover sheet (period, scope, the
suppression rule or the not-for-publication marking, the definitions) and one sheet per section,
each table under its title with numbers stored as numbers. The cells are the published ones:
a suppressed return stays suppressed."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ehdesk.reports.build import PublishedReport

_INT = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13, color="2F5D8A")
MARK = Font(bold=True, color="9E2A2B")
SHADE = PatternFill("solid", fgColor="F0F4F8")


def _value(cell: str):
    """Counts and percentages as numbers (so a spreadsheet can add them up); "c" and ":" stay text.
    Text that a spreadsheet would run as a formula is stored as plain text."""
    if _INT.match(cell):
        return int(cell)
    if _DECIMAL.match(cell):
        return float(cell)
    return cell


def _append(ws, values: list) -> None:
    """A row of cells, none of them a formula: openpyxl takes text starting with "=" as one, and
    labels can be typed by workers (a lead professional's role)."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _sheet_name(title: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", title)[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:28]} {n}", n + 1
    used.add(name.lower())
    return name


def report_xlsx(report: PublishedReport) -> bytes:
    wb = Workbook()
    cover = wb.active
    cover.title = "About"
    used = {"about"}
    lines = [("Report", report.title)]
    if report.marking:
        lines.append(("Marking", report.marking))
    lines += [
        ("Council", report.council_name),
        ("Period from", report.date_from.isoformat()),
        ("Period to", report.date_to.isoformat()),
        ("Scope", report.scope),
        ("Suppression", report.statement if report.suppressed else "NOT SUPPRESSED: not for publication"),
    ]
    lines += [("Definition", text) for text in report.definitions]
    for label, text in lines:
        _append(cover, [label, text])
        cover.cell(cover.max_row, 1).font = BOLD
        if label == "Marking":
            cover.cell(cover.max_row, 2).font = MARK
    cover.column_dimensions["A"].width = 14
    cover.column_dimensions["B"].width = 110
    for row in cover.iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")

    for section in report.sections:
        ws = wb.create_sheet(_sheet_name(section.title, used))
        if report.marking:
            _append(ws, [report.marking])
            ws.cell(ws.max_row, 1).font = MARK
            ws.oddHeader.center.text = report.marking  # printed on every page
        _append(ws, [section.title])
        ws.cell(ws.max_row, 1).font = TITLE
        for note in section.notes:
            _append(ws, [note])
        widths: dict[int, int] = {}
        for table in section.tables:
            _append(ws, [])
            _append(ws, [table.title])
            ws.cell(ws.max_row, 1).font = BOLD
            _append(ws, list(table.header))
            for c in range(1, len(table.header) + 1):
                ws.cell(ws.max_row, c).font = BOLD
                ws.cell(ws.max_row, c).fill = SHADE
            for r, cells in enumerate(table.rows):
                _append(ws, [cells[0], *(_value(c) for c in cells[1:])])
                if r in table.emphasis_rows:
                    for c in range(1, len(cells) + 1):
                        ws.cell(ws.max_row, c).font = BOLD
                for c, text in enumerate(cells, start=1):
                    widths[c] = max(widths.get(c, 0), len(text))
            for c, text in enumerate(table.header, start=1):
                widths[c] = max(widths.get(c, 0), min(len(text), 24))
            for note in table.notes:
                _append(ws, [note])
        for c, width in widths.items():
            ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 9), 60)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
