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
from PySide6.QtGui import QColor, QPainter

from ehdesk.casework.suppression import PublishedTable
from ehdesk.ui.style import style_chart

PALETTE = ["#2f5d8a", "#e09f3e", "#6a994e", "#9e2a2b", "#7b6d8d", "#3a9da4"]


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
    for i, (name, values) in enumerate(series_data):
        bar_set = QBarSet(name)
        bar_set.setColor(QColor(PALETTE[i % len(PALETTE)]))
        for value in reversed(values):
            bar_set.append(0.0 if value is None else float(value))
        series.append(bar_set)
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
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    style_chart(chart)  # the theme's background, ink and grid (bar colours stay distinct)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(min(520, 80 + len(categories) * (12 * len(series_data) + 10)))
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
