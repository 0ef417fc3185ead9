"""The report as a PDF: the suppression statement (or the not-for-publication marking, on every
page) first, then each section's charts and tables, laid out with the shared ehdesk building
blocks in a compact grid: small type, tight rows, figure columns just wide enough for their
longest word so a header never breaks inside a word, and the row labels taking the rest."""

from __future__ import annotations

import hashlib

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, Table, TableStyle

from ehdesk.pdf.blocks import RULE, SHADE, DocumentInfo, build_pdf, field_table, heading, para, spacer, styles
from ehdesk.pdf.fonts import SANS, SANS_BOLD, markup
from ehdesk.reports.build import PublishedReport, key_figures
from ehdesk.reports.charts import bar_chart
from ehdesk.reports.csv_report import report_csv

PAGE_WIDTH = 174 * mm
FONT_SIZE = 7.5
PAD = 2.5  # points each side of a cell
MIN_LABEL = 42 * mm
ROOMY = 24 * mm
LONG_TABLE_ROWS = 14  # a table this long may split across pages (its header repeats)


def _styles() -> dict[str, ParagraphStyle]:
    base = styles()["body"]
    cell = ParagraphStyle("cell", parent=base, fontSize=FONT_SIZE, leading=FONT_SIZE + 1.6)
    return {
        "cell": cell,
        "number": ParagraphStyle("number", parent=cell, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=cell, fontName=SANS_BOLD),
        "head_number": ParagraphStyle("head_number", parent=cell, fontName=SANS_BOLD, alignment=TA_RIGHT),
    }


def column_widths(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[float]:
    """Each figure column as wide as its longest header word or value (so no word is broken),
    the first column the rest of the page; where the figures leave it too little, they share
    what is left and headers wrap between words only."""
    figures, roomy = [], []
    for c, name in enumerate(header[1:], start=1):
        longest_word = max((stringWidth(w, SANS_BOLD, FONT_SIZE) for w in name.split()), default=0)
        longest_value = max((stringWidth(r[c], SANS, FONT_SIZE) for r in rows), default=0)
        least = max(longest_word, longest_value, 14) + 2 * PAD + 1
        figures.append(least)
        # Room for the header on two lines or fewer, when the page has it.
        whole = stringWidth(name, SANS_BOLD, FONT_SIZE) + 2 * PAD + 1
        roomy.append(max(least, min(whole / 2 + longest_word / 2, ROOMY)))
    if PAGE_WIDTH - sum(roomy) >= MIN_LABEL + 20 * mm:
        figures = roomy
    label = PAGE_WIDTH - sum(figures)
    if label < MIN_LABEL:
        # Too many columns for the words to sit whole: shrink the figure columns evenly, never
        # below their longest value.
        spare = PAGE_WIDTH - MIN_LABEL
        scale = spare / sum(figures)
        figures = [max(w * scale, 22) for w in figures]
        label = max(PAGE_WIDTH - sum(figures), 30 * mm)
    return [label, *figures]


def compact_grid(header, rows, emphasis_rows=()) -> Table:
    st = _styles()
    data = [[Paragraph(markup(h), st["head"] if i == 0 else st["head_number"]) for i, h in enumerate(header)]]
    data += [
        [Paragraph(markup(cell), st["cell"] if i == 0 else st["number"]) for i, cell in enumerate(row)]
        for row in rows
    ]
    table = Table(data, colWidths=column_widths(tuple(header), tuple(rows)), repeatRows=1, hAlign="LEFT")
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("BOX", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ]
    # Sub-totals and totals shaded like the header (row 0 of the grid is the header).
    commands += [("BACKGROUND", (0, r + 1), (-1, r + 1), SHADE) for r in emphasis_rows]
    table.setStyle(TableStyle(commands))
    return table


def report_pdf(report: PublishedReport) -> bytes:
    content_hash = hashlib.sha256(report_csv(report)).hexdigest()
    kind = "return" if report.suppressed else "report"
    info = DocumentInfo(
        title=report.title,
        council_name=report.council_name,
        document_id=f"{kind}-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}",
        subtitle=f"{report.period} · {report.scope}",
        content_hash=content_hash,
        marking=report.marking or ("" if report.suppressed else "NOT SUPPRESSED: NOT FOR PUBLICATION"),
    )
    story: list = []
    if report.suppressed:
        story += [heading("How figures are protected", 3), para(report.statement, "small")]
        legend = '"c": withheld to protect families. ":": not available (nothing to count). Charts draw '
        legend += "no bar for a withheld figure."
    else:
        story.append(heading(report.marking or "Not suppressed: not for publication", 3))
        legend = '":": not available (nothing to count). Small numbers are shown as they are.'
    story.append(para(legend, "small"))
    figures = key_figures(report)
    if figures:
        story += [heading("Key figures", 2), field_table(figures, label_width_mm=80), spacer(1)]
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
                block += [chart, spacer(1)]
            grid = compact_grid(table.header, table.rows, table.emphasis_rows)
            notes = [para(note, "small") for note in table.notes]
            if len(table.rows) >= LONG_TABLE_ROWS:
                # A long table may split across pages; its title and chart stay with its start.
                story.append(KeepTogether(block))
                story += [grid, *notes, spacer(2)]
            else:
                story.append(KeepTogether([*block, grid, *notes]))
                story.append(spacer(2))
    if report.definitions:
        story.append(heading("How the figures are counted", 2))
        story += [para(text, "small") for text in report.definitions]
    return build_pdf(info, story)
