"""How readings are told apart on every chart, on screen and in print: a colour AND a line style
AND a marker, so a chart still reads when printed in greyscale or seen by someone colour-blind.
Plain names here; the Qt and PDF chart code map them to their own pens and shapes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LineStyle:
    colour: str  # hex
    dash: str  # solid | dash | dot | dashdot
    marker: str  # circle | square | triangle | diamond
    width: float = 2.5


# Baseline, latest, and a chosen earlier reading on the spider chart. Colours are from the
# Okabe–Ito colour-blind-safe set, chosen to differ in lightness too (dark / mid / light).
BASELINE = LineStyle("#0b3c6b", "solid", "circle", 2.8)
LATEST = LineStyle("#d55e00", "dash", "square", 2.8)
COMPARED = LineStyle("#009e73", "dot", "triangle", 2.4)

# For several lines on one chart (areas over time): cycles of colour, dash and marker whose
# lengths share no factor, so no two of the first 60 lines look alike.
_COLOURS = ("#0b3c6b", "#d55e00", "#009e73", "#cc79a7", "#8a6d00")
_DASHES = ("solid", "dash", "dot", "dashdot")
_MARKERS = ("circle", "square", "triangle")


def cycle(index: int) -> LineStyle:
    return LineStyle(
        _COLOURS[index % len(_COLOURS)], _DASHES[index % len(_DASHES)], _MARKERS[index % len(_MARKERS)], 2.2
    )


def reading_styles(count_compared: bool) -> list[LineStyle]:
    return [BASELINE, COMPARED, LATEST] if count_compared else [BASELINE, LATEST]
