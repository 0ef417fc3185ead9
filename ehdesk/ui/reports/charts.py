"""A QtCharts bar chart of one published table. Withheld figures draw no bar, as in the PDF."""

from __future__ import annotations

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter

from ehdesk.casework.suppression import PublishedTable
from ehdesk.ui.style import style_chart

PALETTE = ["#2f5d8a", "#e09f3e", "#6a994e", "#9e2a2b", "#7b6d8d", "#3a9da4"]
# Of each category's band, the share its bars take (Qt's default, 0.5, left four bars of a
# category 9 px each, under labels 15 px high: "88" was printed over "90").
BAR_SHARE = 0.85
# The chart's height beyond its bars: legend, axis labels, margins.
CHART_FRAME = 80
CHART_MAX_HEIGHT = 600


def chart_view(table: PublishedTable) -> QChartView | None:
    series_data = [
        (name, values)
        for name, values in table.series
        if any(v is not None and (v or table.chart_unit == "%") for v in values)
    ]
    if not table.chart or not series_data or not table.categories:
        return None
    series = QHorizontalBarSeries()
    # Horizontal bars run bottom-up; reversed, the first row of the table is at the top.
    categories = list(reversed(table.categories))
    # A category's bars run bottom-up too: the sets go in last first, so they read down in the
    # order of the table's columns (the legend is turned back to that order below).
    for i, (name, values) in reversed(list(enumerate(series_data))):
        bar_set = QBarSet(name)
        bar_set.setColor(QColor(PALETTE[i % len(PALETTE)]))
        for value in reversed(values):
            bar_set.append(0.0 if value is None else float(value))
        series.append(bar_set)
    series.setBarWidth(BAR_SHARE)
    series.setLabelsVisible(True)
    series.setLabelsFormat("@value")
    series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart = QChart()
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append(categories)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    axis_x = QValueAxis()
    axis_x.setMin(0)
    if table.chart_unit == "%":
        axis_x.setMax(100)
    else:
        top = max((v for _, vals in series_data for v in vals if v is not None), default=1)
        axis_x.setMax(max(1.0, top * 1.15))
        axis_x.applyNiceNumbers()
        axis_x.setLabelFormat("%d")
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    chart.legend().setVisible(len(series_data) > 1)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
    chart.legend().setReverseMarkers(True)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    style_chart(chart)  # the theme's background, ink and grid (bar colours stay distinct)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    # Each bar at least as thick as its figure's label is high, so no label lies over the next.
    label = QFontMetrics(chart.font()).height() + 2
    band = label * len(series_data) / BAR_SHARE
    view.setMinimumHeight(min(CHART_MAX_HEIGHT, CHART_FRAME + round(len(categories) * band)))
    view.setAccessibleName(f"Chart: {table.title}")
    # The chart's text alternative: its figures, as in the table printed under it.
    view.setAccessibleDescription(
        "; ".join(
            f"{category}: "
            + ", ".join(f"{name} {'withheld' if vals[i] is None else vals[i]}" for name, vals in series_data)
            for i, category in enumerate(table.categories)
        )
    )
    return view
