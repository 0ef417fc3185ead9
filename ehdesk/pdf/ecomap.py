"""The ecomap on paper (reportlab.graphics), drawn from the same ``casework.network.Ecomap`` as
the screen: the household in the middle, the network around it, each tie's strength shown by the
line itself (thick, plain, dashed, zig-zag) so it reads in greyscale too."""

from __future__ import annotations

import math
from functools import lru_cache

from reportlab.graphics.shapes import Drawing, Ellipse, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr
from reportlab.platypus import KeepTogether

from ehdesk.casework.document_views import Ecomap
from ehdesk.pdf.blocks import heading, para
from ehdesk.pdf.fonts import ARABIC, ARABIC_BOLD, SANS, SANS_BOLD, register_fonts, script_runs

INK = colors.HexColor("#1f2933")
KIND_COLOURS = {"wider_family": "#7b4fa0", "informal": "#2f855a", "agency": "#2f5d8a"}
WIDTH, HEIGHT = 170 * mm, 120 * mm
BOX_W, BOX_H = 34 * mm, 11 * mm


@lru_cache(maxsize=1024)
def _piece(run: str, font: str, size: float) -> tuple[str, float]:
    """One run as it is drawn, and its width. A ``String`` is not shaped by reportlab, so an Arabic
    run is shaped here with HarfBuzz (reportlab's ``shapeStr``): the result holds the joined
    letter forms in visual order, right to left, and renderPDF draws it glyph by glyph at
    HarfBuzz's advances, which are also what its width is summed from."""
    if font in (ARABIC, ARABIC_BOLD):
        shaped = shapeStr(run, font, size)
        if isinstance(shaped, ShapedStr):
            return shaped, sum(g.x_advance for g in shaped.__shapeData__) * size / 1000
    return run, stringWidth(run, font, size)


def _pieces(text: str, font: str, size: float) -> list[tuple[str, float, str]]:
    """``text`` as (drawn run, width, font) pieces: a String has one font, and DejaVu Sans has no
    Chinese, Japanese, Korean or Arabic, so each script's run is drawn in the font that has it."""
    return [(*_piece(run, face, size), face) for run, face in script_runs(text, font)]


def _width(text: str, font: str, size: float) -> float:
    return sum(width for _, width, _ in _pieces(text, font, size))


def _label(
    d: Drawing, x: float, y: float, text: str, font: str, size: float, colour, middle: bool = False
) -> None:
    """Draw ``text`` from ``x`` (or centred on it), one String per script run, side by side."""
    pieces = _pieces(text, font, size)
    if middle:
        x -= sum(width for _, width, _ in pieces) / 2
    for shown, width, face in pieces:
        d.add(String(x, y, shown, fontName=face, fontSize=size, fillColor=colour))
        x += width


def _fit(text: str, font: str, size: float, width: float) -> str:
    while text and _width(text, font, size) > width:
        text = text[:-2] + "…" if len(text) > 2 else ""
    return text


def _lines(text: str, font: str, size: float, width: float, most: int = 2) -> list[str]:
    """``text`` wrapped at words into at most ``most`` lines, the last shortened with "…" if need be
    (an agency's name, "Early years setting / nursery", reads whole rather than cut off)."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < most - 1:
        line = words.pop(0)
        while words and _width(f"{line} {words[0]}", font, size) <= width:
            line += " " + words.pop(0)
        if _width(line, font, size) > width:  # one long word: leave it to the last line
            words.insert(0, line)
            break
        lines.append(line)
    if words:
        lines.append(_fit(" ".join(words), font, size, width))
    return lines


def _tie(d: Drawing, x1: float, y1: float, x2: float, y2: float, strength: str) -> None:
    if strength == "stressful":
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / length, dx / length
        steps = max(int(length / 7), 2)
        points = [x1, y1]
        for i in range(1, steps):
            t, side = i / steps, 3 if i % 2 else -3
            points += [x1 + dx * t + nx * side, y1 + dy * t + ny * side]
        points += [x2, y2]
        d.add(PolyLine(points, strokeColor=colors.HexColor("#b42318"), strokeWidth=1.2))
        return
    line = Line(x1, y1, x2, y2, strokeColor=INK, strokeWidth={"strong": 2.6, "weak": 0.8}.get(strength, 1.2))
    if strength == "weak":
        line.strokeDashArray = [4, 3]
    d.add(line)


def ecomap_drawing(data: Ecomap) -> Drawing:
    register_fonts()
    d = Drawing(WIDTH, HEIGHT)
    cx, cy = WIDTH / 2, HEIGHT / 2 + 6 * mm
    rx, ry = WIDTH * 0.36, HEIGHT * 0.36
    count = len(data.nodes)
    for i, node in enumerate(data.nodes):
        angle = math.pi / 2 - 2 * math.pi * i / max(count, 1)
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        _tie(d, cx, cy, x, y, node.strength)
        colour = colors.HexColor(KIND_COLOURS.get(node.kind, "#52606d"))
        label = _lines(node.label + (" (lead)" if node.is_lead else ""), SANS_BOLD, 7, BOX_W - 4)
        height = BOX_H + (len(label) - 1) * 3 * mm
        top = y + height / 2
        d.add(Rect(x - BOX_W / 2, top - height, BOX_W, height, fillColor=colors.white, strokeColor=colour,
                   strokeWidth=1.8 if node.is_lead else 0.8))  # fmt: skip
        for n, line in enumerate(label):
            _label(d, x - BOX_W / 2 + 2, top - 4 * mm - n * 3 * mm, line, SANS_BOLD, 7, colour)
        sub = " · ".join(p for p in (node.detail, node.strength_label) if p)
        _label(d, x - BOX_W / 2 + 2, top - height + 2.2 * mm, _fit(sub, SANS, 6.5, BOX_W - 4), SANS, 6.5, INK)
    d.add(
        Ellipse(
            cx, cy, 24 * mm, 12 * mm, fillColor=colors.HexColor("#f0f4f8"), strokeColor=INK, strokeWidth=1.2
        )
    )
    household = _fit(f"{data.household_name} household", SANS_BOLD, 8, 44 * mm)
    _label(d, cx, cy + 2 * mm, household, SANS_BOLD, 8, INK, middle=True)
    _label(d, cx, cy - 3 * mm, _fit(", ".join(data.household), SANS, 7, 44 * mm), SANS, 7, INK, middle=True)
    x = 2 * mm
    for strength, words in (
        ("strong", "Strong"),
        ("moderate", "Moderate"),
        ("weak", "Weak"),
        ("stressful", "Stressful"),
    ):
        _tie(d, x, 3 * mm, x + 10 * mm, 3 * mm, strength)
        d.add(String(x + 11 * mm, 2 * mm, words, fontName=SANS, fontSize=7, fillColor=INK))
        x += 11 * mm + stringWidth(words, SANS, 7) + 5 * mm
    return d


def ecomap_story(data: Ecomap) -> list:
    """A heading and the drawing, or nothing when no network is recorded (so a document for a
    family without one is unchanged)."""
    if not data.nodes:
        return []
    # Kept together: the heading alone at the foot of a page, with the drawing overleaf, reads
    # as a section left empty.
    return [
        KeepTogether(
            [
                heading("The family's network (ecomap)", 2),
                para("Ties: thick strong, plain moderate, dashed weak, zig-zag stressful.", "small"),
                ecomap_drawing(data),
            ]
        )
    ]
