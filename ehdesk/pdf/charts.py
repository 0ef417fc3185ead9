"""Progress charts drawn with reportlab.graphics for printed documents: a spider (radar) chart
overlaying readings, and small line charts of one area over time. Like the screen charts, every
reading has a colour, a dash pattern and a marker shape, so a greyscale print still reads."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from ehdesk.forms.tools.styles import BASELINE, LineStyle
from ehdesk.pdf.fonts import SANS, SANS_BOLD, register_fonts

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
GRID = colors.HexColor("#c3ccd5")
DASHES: dict[str, list[float] | None] = {
    "solid": None,
    "dash": [6, 3],
    "dot": [0.1, 3.2],  # round caps turn near-zero dashes into dots
    "dashdot": [6, 2.5, 0.1, 2.5],
}


@dataclass(frozen=True)
class ChartLine:
    label: str
    values: Sequence[float | None]
    style: LineStyle


def _marker(shape: str, x: float, y: float, colour, size: float = 2.8):
    common = {"fillColor": colour, "strokeColor": colors.white, "strokeWidth": 0.6}
    if shape == "square":
        return Rect(x - size * 0.9, y - size * 0.9, size * 1.8, size * 1.8, **common)
    if shape == "triangle":
        s = size * 1.25
        return Polygon([x - s, y - s * 0.8, x + s, y - s * 0.8, x, y + s * 1.1], **common)
    if shape == "diamond":
        s = size * 1.25
        return Polygon([x, y - s, x + s, y, x, y + s, x - s, y], **common)
    return Circle(x, y, size, **common)


def _stroke(points: list[float], style: LineStyle) -> PolyLine:
    line = PolyLine(points, strokeColor=colors.HexColor(style.colour), strokeWidth=style.width * 0.75)
    line.strokeDashArray = DASHES[style.dash]
    line.strokeLineCap = 1  # round
    line.strokeLineJoin = 1
    return line


def _legend(drawing: Drawing, lines: Sequence[ChartLine], y: float, width: float) -> None:
    """Entries centred in a row (wrapping when needed), each a stretch of its line and marker."""
    font_size = 8.5
    entries = [(line, 26 + stringWidth(line.label, SANS, font_size) + 14) for line in lines]
    rows: list[list[tuple[ChartLine, float]]] = [[]]
    for entry in entries:
        if rows[-1] and sum(w for _, w in rows[-1]) + entry[1] > width:
            rows.append([])
        rows[-1].append(entry)
    for row_index, row in enumerate(rows):
        x = (width - sum(w for _, w in row)) / 2
        row_y = y - row_index * 13
        for line, entry_width in row:
            colour = colors.HexColor(line.style.colour)
            drawing.add(_stroke([x, row_y + 3, x + 22, row_y + 3], line.style))
            drawing.add(_marker(line.style.marker, x + 11, row_y + 3, colour, 2.4))
            drawing.add(String(x + 26, row_y, line.label, fontName=SANS, fontSize=font_size, fillColor=INK))
            x += entry_width


def spider_drawing(
    axes: Sequence[str],
    lines: Sequence[ChartLine],
    low: float,
    high: float,
    width: float = 170 * mm,
    height: float = 120 * mm,
) -> Drawing:
    """A radar chart: one spoke per area (clockwise from the top), a ring per scale step."""
    register_fonts()
    drawing = Drawing(width, height)
    legend_rows = 1 + len(lines) // 4
    cx, cy = width / 2, (height + legend_rows * 13 + 6) / 2
    radius = min(width * 0.30, (height - legend_rows * 13 - 30) / 2)
    count = len(axes)
    span = high - low
    steps = int(span) if span == int(span) and span <= 10 else 5

    def point(index: float, value: float) -> tuple[float, float]:
        angle = math.pi / 2 - 2 * math.pi * index / count
        r = radius * (value - low) / span
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    for step in range(1, steps + 1):
        value = low + span * step / steps
        ring: list[float] = []
        for index in range(count):
            ring.extend(point(index, value))
        drawing.add(Polygon(ring, fillColor=None, strokeColor=GRID, strokeWidth=0.5 if step < steps else 0.9))
    for index, label in enumerate(axes):
        x, y = point(index, high)
        drawing.add(Line(cx, cy, x, y, strokeColor=GRID, strokeWidth=0.5))
        lx, ly = point(index, high + span * 0.09)
        dx = lx - cx
        anchor = "start" if dx > radius * 0.15 else "end" if dx < -radius * 0.15 else "middle"
        drawing.add(
            String(lx, ly - 3, label, fontName=SANS_BOLD, fontSize=8.5, fillColor=INK, textAnchor=anchor)
        )
    for step in range(0, steps + 1):
        value = low + span * step / steps
        x, y = point(0, value)
        text = f"{value:g}"
        drawing.add(
            Rect(x + 2, y - 3.5, stringWidth(text, SANS, 7) + 2, 8, fillColor=colors.white, strokeColor=None)
        )
        drawing.add(String(x + 3, y - 2.5, text, fontName=SANS, fontSize=7, fillColor=MUTED))
    for line in lines:
        spots = [(i, v) for i, v in enumerate(line.values) if v is not None]
        if not spots:
            continue
        coords: list[float] = []
        for index, value in spots:
            coords.extend(point(index, value))
        if spots[0][0] == 0 and len(spots) > 2:
            coords.extend(coords[:2])  # close the outline
        drawing.add(_stroke(coords, line.style))
        colour = colors.HexColor(line.style.colour)
        for index, value in spots:
            drawing.add(_marker(line.style.marker, *point(index, value), colour))
    _legend(drawing, lines, 4 + (legend_rows - 1) * 13, width)
    return drawing


def timeline_drawing(
    title: str,
    dates: Sequence[date],
    values: Sequence[float | None],
    low: float,
    high: float,
    width: float = 56 * mm,
    height: float = 40 * mm,
    style: LineStyle = BASELINE,
) -> Drawing:
    """One area or subscale over time: dates placed in proportion, the value printed by each point."""
    register_fonts()
    drawing = Drawing(width, height)
    left, right, bottom, top = 16, 6, 16, 16
    plot_w, plot_h = width - left - right, height - bottom - top
    drawing.add(String(left, height - 10, title, fontName=SANS_BOLD, fontSize=8, fillColor=INK))
    span = high - low
    steps = (
        int(span)
        if span == int(span) and span <= 5
        else (int(span) // 2 if span == int(span) and span <= 10 else 4)
    )
    for step in range(steps + 1):
        value = low + span * step / steps
        y = bottom + plot_h * step / steps
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(
            String(
                left - 3,
                y - 2.3,
                f"{value:g}",
                fontName=SANS,
                fontSize=6.5,
                fillColor=MUTED,
                textAnchor="end",
            )
        )
    first, last = min(dates), max(dates)
    days = max((last - first).days, 1)

    def xy(day: date, value: float) -> tuple[float, float]:
        x = left + 6 + (plot_w - 12) * ((day - first).days / days if last != first else 0.5)
        return x, bottom + plot_h * (value - low) / span

    spots = [(d, v) for d, v in zip(dates, values, strict=True) if v is not None]
    if len(spots) > 1:
        coords: list[float] = []
        for day, value in spots:
            coords.extend(xy(day, value))
        drawing.add(_stroke(coords, style))
    colour = colors.HexColor(style.colour)
    for day, value in spots:
        x, y = xy(day, value)
        drawing.add(_marker(style.marker, x, y, colour, 2.2))
        drawing.add(
            String(
                x, y + 4, f"{value:g}", fontName=SANS_BOLD, fontSize=6.5, fillColor=INK, textAnchor="middle"
            )
        )
    shown = list(dict.fromkeys(dates))
    if len(shown) > 4:
        shown = [shown[0], shown[len(shown) // 2], shown[-1]]
    for day in shown:
        x, _ = xy(day, low)
        drawing.add(
            String(
                x,
                5,
                day.strftime("%d %b %y"),
                fontName=SANS,
                fontSize=6,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    return drawing
