"""The progress document for a TAF meeting: for each tool used in the family's current (or last)
case, the spider chart of baseline, previous and latest readings, a table of change by area, the
family's own comments, and each area over time."""

from __future__ import annotations

import hashlib
import json

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from ehdesk.casework.document_views import ProgressDocument, ReadingView, Series
from ehdesk.config.dates import show_date
from ehdesk.config.pack import current_pack
from ehdesk.forms.tools.styles import BASELINE, COMPARED, LATEST
from ehdesk.pdf.blocks import (
    DocumentInfo,
    build_pdf,
    field_table,
    grid_table,
    heading,
    page_break,
    para,
    spacer,
)
from ehdesk.pdf.charts import ChartLine, spider_drawing, timeline_drawing


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _change(first: float | None, last: float | None, higher_is_better: bool) -> str:
    if first is None or last is None:
        return "—"
    delta = round(last - first, 2)
    if delta == 0:
        return "no change"
    better = (delta > 0) == higher_is_better
    return f"{delta:+g} ({'better' if better else 'worse'})"


def _shown(series: Series) -> list[tuple[ReadingView, object]]:
    """Baseline, the reading before the latest (the last review), and the latest."""
    baseline, latest = series.baseline, series.latest
    chosen = [(baseline, BASELINE)]
    others = [r for r in series.readings if r is not baseline and r is not latest]
    if others:
        chosen.append((others[-1], COMPARED))
    if latest is not baseline:
        chosen.append((latest, LATEST))
    return chosen


def _series_story(series: Series) -> list[Flowable]:
    tool = series.tool
    story: list[Flowable] = []
    who = "the whole family" if series.subject_person_id is None else series.subject_name
    title = heading(f"{tool.title} — {who}", 2)
    intro = [tool.purpose] if tool.purpose else []
    if tool.wording == "not_included":
        intro.append("The item wording is licensed and not included here; items are shown by number.")
    direction = "Higher scores are better." if tool.higher_is_better else "Lower scores are better."
    intro.append(direction)
    shown = _shown(series)
    axes = series.axes
    low, high = tool.axis_range()
    lines = [ChartLine(view.label, [view.chart.get(key) for key, _ in axes], style) for view, style in shown]
    chart: list[Flowable] = []
    if len(axes) >= 3:
        chart.append(spider_drawing([label for _, label in axes], lines, min(0.0, low), high))
    story.append(KeepTogether([title, para(" ".join(intro), "small"), spacer(2), *chart, spacer(3)]))

    latest = series.latest
    taken = ", ".join(latest.participant_names) or "—"
    story.append(
        field_table(
            [
                (
                    "Readings",
                    f"{len(series.readings)}, from {show_date(series.readings[0].taken_on)} to {show_date(latest.taken_on)}",
                ),
                (
                    "Latest taken with",
                    taken + (f" (by {latest.taken_by_name})" if latest.taken_by_name else ""),
                ),
            ],
            label_width_mm=40,
        )
    )
    header = ["Area" if tool.chart == "items" else "Subscale", *[view.label for view, _ in shown], "Change"]
    rows = []
    for key, label in axes:
        values = [view.chart.get(key) for view, _ in shown]
        rows.append(
            [label, *[_fmt(v) for v in values], _change(values[0], values[-1], tool.higher_is_better)]
        )
    story.append(spacer(2))
    story.append(grid_table(header, rows))
    extra = [s for s in tool.subscales if not s.on_chart or tool.chart == "items"]
    if extra:
        sub_rows = []
        for sub in extra:
            first = series.baseline.scores.subscales.get(sub.id)
            last = latest.scores.subscales.get(sub.id)
            sub_rows.append([sub.label, _fmt(first), _fmt(last), latest.scores.bands.get(sub.id, "") or "—"])
        story.append(spacer(2))
        story.append(
            grid_table(
                ["Score", series.baseline.label, latest.label, "What the latest score means"], sub_rows
            )
        )
    comment_rows = []
    labels = dict(axes)
    for item in sorted(tool.items, key=lambda i: i.number):
        said = [(view.label, view.comments.get(item.id, "")) for view, _ in shown]
        if any(text for _, text in said):
            text = "\n".join(f"{when}: {words}" for when, words in said if words)
            comment_rows.append([labels.get(item.id, item.display()), text])
    if comment_rows:
        story.append(heading("In the family's words", 3))
        story.append(grid_table(["Area", "What the family said"], comment_rows, [45, 129]))
    if len(series.readings) >= 2:
        dates = [r.taken_on for r in series.readings]
        cells = [
            timeline_drawing(label, dates, [r.chart.get(key) for r in series.readings], min(0.0, low), high)
            for key, label in axes
        ]
        grid = [cells[i : i + 3] for i in range(0, len(cells), 3)]
        grid[-1] += [""] * (3 - len(grid[-1]))
        table = Table(grid, colWidths=[58 * mm] * 3, hAlign="LEFT")
        table.setStyle(
            TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)])
        )
        story.append(
            KeepTogether(
                [
                    heading("Each area over time" if tool.chart == "items" else "Each subscale over time", 3),
                    table,
                ]
            )
        )
    return story


def _content_hash(family_ref: str, all_series: list[Series]) -> str:
    frozen = {
        "family": family_ref,
        "readings": [
            {
                "id": r.id,
                "tool": r.tool_id,
                "v": r.tool_version,
                "on": r.taken_on.isoformat(),
                "answers": r.item_scores,
                "comments": r.comments,
            }
            for s in all_series
            for r in s.readings
        ],
    }
    return hashlib.sha256(json.dumps(frozen, sort_keys=True).encode("utf-8")).hexdigest()


def render(doc: ProgressDocument) -> tuple[bytes, DocumentInfo]:
    """The progress document for the family's current (or last) case."""
    progress = doc.progress
    pack = current_pack()
    content_hash = _content_hash(doc.family_reference, progress.series)
    latest = max(r.taken_on for s in progress.series for r in s.readings)
    info = DocumentInfo(
        title="Progress of change",
        council_name=pack.council_name,
        document_id=f"PRG-{content_hash[:10].upper()}",
        subtitle=f"{progress.episode_label} · readings up to {show_date(latest)}",
        content_hash=content_hash,
    )
    members = ", ".join(doc.member_names) or "—"
    story: list[Flowable] = [
        field_table(
            [
                ("Family", f"{doc.household_name} ({doc.family_reference})"),
                ("Members", members),
                ("Case", progress.episode_label),
            ]
        ),
        spacer(2),
        para(
            "Each chart compares where the family started (baseline) with the latest reading, and the "
            "reading before it. Lines differ by colour, dash pattern and marker, so they can be told apart "
            "in black and white."
        ),
    ]
    # Each tool on its own page so a TAF can hand the pages out separately.
    for index, series in enumerate(progress.series):
        if index:
            story.append(page_break())
        story.extend(_series_story(series))
    return build_pdf(info, story), info
