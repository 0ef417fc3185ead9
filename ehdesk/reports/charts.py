"""Bar charts for the PDF (reportlab.graphics). Withheld figures get no bar: a chart must not
show what the table hides."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm

from ehdesk.casework.suppression import PublishedTable
from ehdesk.pdf.fonts import SANS, register_fonts

PALETTE = [
    colors.HexColor("#2f5d8a"),
    colors.HexColor("#e09f3e"),
    colors.HexColor("#6a994e"),
    colors.HexColor("#9e2a2b"),
    colors.HexColor("#7b6d8d"),
    colors.HexColor("#3a9da4"),
]
LABEL_WIDTH = 66 * mm
BAR = 4.5  # points per bar


def _short(label: str, limit: int = 50) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(table: PublishedTable, width: float = 174 * mm) -> Drawing | None:
    """A horizontal bar chart of the table's series; None when there is nothing to draw."""
    register_fonts()
    # A rate of 0% is a finding worth drawing; a column of zero counts is not.
    series = [
        (name, values)
        for name, values in table.series
        if any(v is not None and (v or table.chart_unit == "%") for v in values)
    ]
    if not series or not table.categories:
        return None
    categories = [_short(c) for c in table.categories]
    # Up to three keys on one line; more go in two rows so the legend stays inside the page.
    legend_rows = 1 if len(series) <= 3 else 2
    legend_height = (4 + 12 * legend_rows) if len(series) > 1 else 0
    bar = BAR * 2 if len(series) == 1 and table.chart_unit == "%" else BAR  # a rate chart has few rows
    group = bar * len(series) + 5
    plot_height = group * len(categories)
    height = plot_height + 22 + legend_height
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x = LABEL_WIDTH
    chart.y = 16
    chart.width = width - LABEL_WIDTH - 24
    chart.height = plot_height
    # Bars of a group are drawn bottom-up; reversed, the first series sits at the top, as in
    # the legend and the table.
    chart.data = [list(values) for _, values in reversed(series)]
    chart.categoryAxis.categoryNames = categories
    chart.categoryAxis.reverseDirection = 1  # first row at the top, as in the table
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.categoryAxis.strokeColor = colors.HexColor("#9aa5b1")
    chart.valueAxis.valueMin = 0
    if table.chart_unit == "%":
        chart.valueAxis.valueMax = 100
        chart.valueAxis.valueStep = 20
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = colors.HexColor("#9aa5b1")
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e4e7eb")
    chart.barSpacing = 0.5
    chart.groupSpacing = 5
    chart.barLabelFormat = "%.1f" if table.chart_unit != "count" else "%.0f"
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = 6
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    for i in range(len(series)):
        chart.bars[i].fillColor = PALETTE[(len(series) - 1 - i) % len(PALETTE)]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    if len(series) > 1:
        legend = Legend()
        legend.x = LABEL_WIDTH
        legend.y = height - 4
        legend.fontName = SANS
        legend.fontSize = 7
        legend.alignment = "right"
        legend.columnMaximum = legend_rows
        legend.deltay = 11
        legend.deltax = min(90, (width - LABEL_WIDTH - 10) / -(-len(series) // legend_rows))
        legend.dx = 6
        legend.dy = 6
        legend.colorNamePairs = [
            (PALETTE[i % len(PALETTE)], _short(name, 28)) for i, (name, _) in enumerate(series)
        ]
        drawing.add(legend)
    return drawing
