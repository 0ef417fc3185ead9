"""QtCharts for progression readings: a spider (radar) chart overlaying readings, and a line chart
of areas or subscales over time. Every line gets a colour, a dash pattern and a marker shape
(``forms.tools.styles``) so charts still read in greyscale print."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCharts import (
    QCategoryAxis,
    QChart,
    QLegend,
    QLineSeries,
    QPolarChart,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, QPointF, Qt, QTime
from PySide6.QtGui import QColor, QFont, QPen

from ehdesk.casework.readings import ReadingView, Series
from ehdesk.config.dates import date_style, show_date
from ehdesk.forms.tools.styles import LineStyle, cycle
from ehdesk.ui import style as theme

DASH = {
    "solid": Qt.PenStyle.SolidLine,
    "dash": Qt.PenStyle.DashLine,
    "dot": Qt.PenStyle.DotLine,
    "dashdot": Qt.PenStyle.DashDotLine,
}
MARKER = {
    "circle": QScatterSeries.MarkerShape.MarkerShapeCircle,
    "square": QScatterSeries.MarkerShape.MarkerShapeRectangle,
    "triangle": QScatterSeries.MarkerShape.MarkerShapeTriangle,
    "diamond": QScatterSeries.MarkerShape.MarkerShapeRotatedRectangle,
}


def _font(size: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(size)
    font.setBold(bold)
    return font


def _style_chart(chart: QChart, title: str) -> None:
    chart.setTitle(title)
    chart.setTitleFont(_font(12, bold=True))
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    legend = chart.legend()
    legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
    legend.setFont(_font(10))
    # Draw each legend entry as a short stretch of its own line, dashes included.
    legend.setMarkerShape(QLegend.MarkerShape.MarkerShapeFromSeries)


def _style_axis(axis, title: str = "") -> None:
    axis.setLabelsFont(_font(9))
    if title:
        axis.setTitleText(title)
        axis.setTitleFont(_font(9, bold=True))


def _ticks(axis: QValueAxis, low: float, high: float) -> None:
    """One tick per scale point on short scales (up to 6 points); otherwise about five steps, whole
    where possible. Eleven labels (0 to 10) do not fit the chart's height on a 1,280x720 laptop: Qt
    Charts then cuts every one of them to "…"."""
    span = high - low
    if span == int(span) and span <= 6:
        axis.setTickCount(int(span) + 1)
        axis.setLabelFormat("%d")
        return
    steps = next((n for n in (5, 6, 4, 3) if (span / n).is_integer()), 5)
    axis.setTickCount(steps + 1)
    axis.setLabelFormat("%d" if (span / steps).is_integer() and low == int(low) else "%.1f")


def _add_line(
    chart: QChart, name: str, points: Sequence[QPointF], marks: Sequence[QPointF], style: LineStyle, axes
) -> QLineSeries:
    pen = QPen(QColor(style.colour))
    pen.setWidthF(style.width)
    pen.setStyle(DASH[style.dash])
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    line = QLineSeries()
    line.setName(name)
    line.setPen(pen)
    line.append(list(points))
    chart.addSeries(line)
    # Qt's line series cannot vary its point shape, so the markers are a scatter series drawn
    # on top, hidden from the legend (the legend shows the line with its dashes).
    dots = QScatterSeries()
    dots.setName(f"{name} (points)")
    dots.setMarkerShape(MARKER[style.marker])
    dots.setMarkerSize(10 if style.marker != "triangle" else 12)
    dots.setColor(QColor(style.colour))
    dots.setBorderColor(QColor(theme.current().base))  # a halo in the chart's background colour
    dots.append(list(marks))
    chart.addSeries(dots)
    for axis in axes:
        line.attachAxis(axis)
        dots.attachAxis(axis)
    for marker in chart.legend().markers(dots):
        marker.setVisible(False)
    return line


def line_series(chart: QChart) -> list[QLineSeries]:
    """The readings' lines (not their marker overlays), for tests and accessibility."""
    return [s for s in chart.series() if isinstance(s, QLineSeries) and not isinstance(s, QScatterSeries)]


def radar_chart(series: Series, shown: Sequence[tuple[ReadingView, LineStyle]]) -> QPolarChart:
    """Spider chart of ``series``'s axes with one closed outline per reading in ``shown``."""
    tool = series.tool
    chart = QPolarChart()
    who = "" if series.subject_person_id is None else f" — {series.subject_name}"
    # Outward means "more"; say which way is good so nobody reads a worsening as progress.
    direction = "" if tool.higher_is_better else " (lower is better)"
    _style_chart(chart, f"{tool.title}{who}{direction}")
    axes = series.axes
    count = len(axes)
    angular = QCategoryAxis()
    angular.setRange(0, count)
    angular.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    # Areas sit half a step round from the top, so the scale's numbers (drawn up the 0° line)
    # fall between two areas rather than under their data points.
    for index, (_, label) in enumerate(axes):
        angular.append(label, index + HALF)
    _style_axis(angular)
    angular.setLabelsFont(_font(10, bold=True))
    low, high = tool.axis_range()
    low = min(0.0, low)
    radial = QValueAxis()
    radial.setRange(low, high)
    _ticks(radial, low, high)
    _style_axis(radial)
    chart.addAxis(angular, QPolarChart.PolarOrientation.PolarOrientationAngular)
    chart.addAxis(radial, QPolarChart.PolarOrientation.PolarOrientationRadial)
    for reading, line_style in shown:
        points = [
            QPointF(index + HALF, reading.chart[key])
            for index, (key, _) in enumerate(axes)
            if reading.chart.get(key) is not None
        ]
        if not points:
            continue
        closed = points
        if points[0].x() == HALF and points[-1].x() == count - HALF:
            # Close the outline through the 0° line, where the straight edge between the last
            # and the first area crosses it.
            closed = [*points, QPointF(count + HALF, points[0].y())]
        _add_line(chart, reading.label, closed, points, line_style, (angular, radial))
    theme.style_chart(chart)
    return chart


HALF = 0.5


def _msecs(day: date) -> float:
    return float(QDateTime(day, QTime(12, 0)).toMSecsSinceEpoch())


def timeline_chart(series: Series, keys: Sequence[str]) -> QChart:
    """Each chosen area or subscale as a line over the readings' dates."""
    tool = series.tool
    labels = dict(series.axes)
    chart = QChart()
    who = "" if series.subject_person_id is None else f" — {series.subject_name}"
    _style_chart(chart, f"{tool.title}{who}: over time")
    # Category labels placed on each reading's date, so ticks mark the readings themselves
    # rather than evenly spaced calendar dates.
    x_axis = QCategoryAxis()
    x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    _style_axis(x_axis, "Date of reading")
    dates = sorted({r.taken_on for r in series.readings}) or [date.today()]
    pad = max((dates[-1] - dates[0]).days * 0.08, 10) * 86_400_000
    x_axis.setRange(_msecs(dates[0]) - pad, _msecs(dates[-1]) + pad)
    x_axis.setStartValue(_msecs(dates[0]) - pad)
    # A reading too close to the last labelled one keeps its point but not a label, so the date
    # labels never overlap (about a seventh of the axis each).
    span = max(_msecs(dates[-1]) - _msecs(dates[0]) + 2 * pad, 1)
    last_labelled = None
    for day in dates:
        if last_labelled is not None and (_msecs(day) - _msecs(last_labelled)) < span * 0.14:
            continue
        # The pack's style, kept short on an axis ("5 Dec 2026" rather than "5 December 2026").
        x_axis.append(show_date(day, "numeric" if date_style() == "numeric" else "short"), _msecs(day))
        last_labelled = day
    low, high = tool.axis_range()
    y_axis = QValueAxis()
    y_axis.setRange(min(0.0, low), high)
    _ticks(y_axis, min(0.0, low), high)
    _style_axis(y_axis, "Score" if tool.higher_is_better else "Score (lower is better)")
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    for index, key in enumerate(keys):
        points = [
            QPointF(_msecs(r.taken_on), r.chart[key]) for r in series.readings if r.chart.get(key) is not None
        ]
        _add_line(chart, labels.get(key, key), points, points, cycle(index), (x_axis, y_axis))
    theme.style_chart(chart)
    return chart


# -- the charts as text (what a screen reader says instead of the picture) ---------------------


def radar_text(series: Series, shown: Sequence[tuple[ReadingView, LineStyle]]) -> str:
    """Each outline's value per area: "Baseline 08 Jul 2026: Health 4, Feelings 3 …"."""
    parts = []
    for reading, _ in shown:
        values = [
            f"{label} {reading.chart[key]:g}"
            for key, label in series.axes
            if reading.chart.get(key) is not None
        ]
        parts.append(f"{reading.label}: {', '.join(values)}")
    return f"{series.tool.title}. " + ". ".join(parts) if parts else f"{series.tool.title}: no readings."


def timeline_text(series: Series, keys: Sequence[str]) -> str:
    """Each area's values in date order: "Home: 2 on 08 Jul 2026, 4 on 18 Sep 2026"."""
    labels = dict(series.axes)
    parts = []
    for key in keys:
        values = [
            f"{r.chart[key]:g} on {show_date(r.taken_on)}"
            for r in series.readings
            if r.chart.get(key) is not None
        ]
        if values:
            parts.append(f"{labels.get(key, key)}: {', '.join(values)}")
    return "; ".join(parts) or "No readings."
