"""The return as a PDF: the suppression statement first, then each section's charts and tables,
laid out with the shared ehdesk building blocks."""

from __future__ import annotations

import hashlib

from reportlab.platypus import KeepTogether, TableStyle

from ehdesk.pdf.blocks import SHADE, DocumentInfo, build_pdf, field_table, grid_table, heading, para, spacer
from ehdesk.reports.build import DEFINITIONS, PublishedReport, key_figures
from ehdesk.reports.charts import bar_chart
from ehdesk.reports.csv_report import report_csv

PAGE_WIDTH_MM = 174
FIRST_COLUMN_MM = 62


def _widths(columns: int) -> list[float]:
    if columns == 1:
        return [PAGE_WIDTH_MM]
    first = FIRST_COLUMN_MM if columns <= 5 else 40
    rest = (PAGE_WIDTH_MM - first) / (columns - 1)
    return [first] + [rest] * (columns - 1)


def report_pdf(report: PublishedReport) -> bytes:
    content_hash = hashlib.sha256(report_csv(report)).hexdigest()
    info = DocumentInfo(
        title=report.title,
        council_name=report.council_name,
        document_id=f"return-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}",
        subtitle=f"{report.period} · {report.scope}",
        content_hash=content_hash,
    )
    story: list = []
    if report.suppressed:
        story += [heading("How figures are protected", 3), para(report.statement)]
    else:
        story.append(heading("Not suppressed: not for publication", 3))
    story.append(
        para(
            '"c": withheld to protect families. ":": not available (nothing to count). Charts draw no '
            "bar for a withheld figure.",
            "small",
        )
    )
    figures = key_figures(report)
    if figures:
        story += [heading("Key figures", 2), field_table(figures, label_width_mm=80), spacer(2)]
    for section in report.sections:
        # The section heading travels with its first table, never alone at the foot of a page.
        lead = [heading(section.title, 2)] + [para(note, "small") for note in section.notes]
        if not section.tables:
            story += lead
        for table in section.tables:
            block = lead + [heading(table.title, 3)]
            lead = []
            chart = bar_chart(table) if table.chart else None
            if chart is not None:
                block += [chart, spacer(2)]
            long_table = len(table.rows) >= 14
            if long_table:
                story.append(KeepTogether(block))
                block = []
            grid = grid_table(table.header, table.rows, _widths(len(table.header)))
            # Sub-totals and totals shaded like the header (row 0 of the grid is the header).
            grid.setStyle(
                TableStyle([("BACKGROUND", (0, r + 1), (-1, r + 1), SHADE) for r in table.emphasis_rows])
            )
            block.append(grid)
            block += [para(note, "small") for note in table.notes]
            block.append(spacer(3))
            # A long table may split across pages; a short one stays with its chart.
            story += block if long_table else [KeepTogether(block)]
    story.append(heading("How the figures are counted", 2))
    for text in DEFINITIONS:
        story += [para(text, "small"), spacer(1)]
    return build_pdf(info, story)
