"""Scoring a reading: checking the answers against the tool, reversing, combining items into
subscales and subscales into totals, looking up norm scores and naming the band a score falls in.

Pure functions over a ``ToolDef`` and a dict of answers, so the same numbers come out on the
laptop, in the PDF and in the reports."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from ehdesk.errors import ValidationError
from ehdesk.forms.tools.schema import Item, Lookup, Threshold, ToolDef


@dataclass(frozen=True)
class Subject:
    """Who the reading is about, as far as norm tables care."""

    age: int | None = None
    gender: str = ""

    @classmethod
    def from_birth(cls, born: date | None, gender: str, on: date) -> Subject:
        if born is None:
            return cls(None, gender)
        years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        return cls(max(years, 0), gender)


@dataclass(frozen=True)
class Scores:
    items: dict[str, float]  # after reverse-scoring
    subscales: dict[str, float | None]
    lookups: dict[str, float | None] = field(default_factory=dict)
    bands: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "items": self.items,
            "subscales": self.subscales,
            "lookups": self.lookups,
            "bands": self.bands,
        }

    @classmethod
    def from_json(cls, data: dict) -> Scores:
        return cls(
            items=dict(data.get("items", {})),
            subscales=dict(data.get("subscales", {})),
            lookups=dict(data.get("lookups", {})),
            bands=dict(data.get("bands", {})),
        )


def _scored(tool: ToolDef, item: Item, value: int) -> int:
    scale = tool.scale_of(item)
    return scale.min + scale.max - value if item.reverse else value


def clean_answers(tool: ToolDef, answers: dict) -> dict[str, int]:
    """The answers as {item id: int}, or ValidationError naming every wrong item in plain words.

    An item may be left out only where every subscale holding it allows that many gaps; items in
    no subscale (the areas of a spider graph) must all be scored."""
    errors: dict[str, str] = {}
    known = {i.id for i in tool.items}
    for key in answers:
        if key not in known:
            errors[str(key)] = f"{tool.title} has no item called {key!r}."
    cleaned: dict[str, int] = {}
    for item in tool.items:
        value = answers.get(item.id)
        if value is None:
            continue
        scale = tool.scale_of(item)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or int(value) != value
        ):
            errors[item.id] = (
                f"{item.display()}: the answer must be a whole number from {scale.min} to {scale.max}."
            )
        elif not scale.min <= value <= scale.max:
            errors[item.id] = (
                f"{item.display()}: {value:g} is not on the scale; choose from {scale.min} to {scale.max}."
            )
        else:
            cleaned[item.id] = int(value)
    allowed_gaps: dict[str, int] = {}
    in_subscale: set[str] = set()
    for sub in tool.subscales:
        in_subscale.update(sub.items)
        missing = [i for i in sub.items if i not in cleaned and i not in errors]
        if len(missing) > sub.allow_missing:
            for item_id in missing:
                allowed_gaps[item_id] = -1
    for item in tool.items:
        if item.id in cleaned or item.id in errors:
            continue
        if item.id not in in_subscale or allowed_gaps.get(item.id) == -1:
            errors[item.id] = f"{item.display()} has no answer yet."
    if errors:
        raise ValidationError(errors)
    return cleaned


def _combine(values: list[float], how: str, count: int) -> float:
    mean = sum(values) / len(values)
    # A sum with gaps is pro-rated so it stays comparable with a complete one.
    return mean if how == "mean" else mean * count


def subscale_bounds(tool: ToolDef, subscale_id: str) -> tuple[float, float]:
    sub = tool.subscale(subscale_id)
    if sub.items:
        parts = [(tool.scale_of(tool.item(i)).min, tool.scale_of(tool.item(i)).max) for i in sub.items]
    else:
        parts = [subscale_bounds(tool, s) for s in sub.subscales]
    lows, highs = [p[0] for p in parts], [p[1] for p in parts]
    if sub.combine == "mean":
        return (sum(lows) / len(lows), sum(highs) / len(highs))
    return (float(sum(lows)), float(sum(highs)))


def _lookup(lookup: Lookup, raw: float, subject: Subject) -> float | None:
    if subject.age is None:
        return None
    for row in lookup.rows:
        if row.age_min <= subject.age <= row.age_max and row.gender in ("any", subject.gender):
            points = sorted((float(k), v) for k, v in row.points.items())
            if raw <= points[0][0]:
                return points[0][1]
            if raw >= points[-1][0]:
                return points[-1][1]
            for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
                if x0 <= raw <= x1:
                    return round(y0 + (y1 - y0) * (raw - x0) / (x1 - x0), 2)
    return None


def _band(threshold: Threshold, value: float) -> str:
    # Bands are read as [min, next band's min) so a pro-rated 12.5 between 0–12 and 13–22 still
    # lands somewhere; past the last band's max it lands nowhere.
    ordered = sorted(threshold.bands, key=lambda b: b.min)
    for band, after in zip(ordered, [*ordered[1:], None], strict=True):
        upper_ok = value <= band.max if after is None else value < after.min
        if band.min <= value and upper_ok:
            return band.meaning
    return ""


def score(tool: ToolDef, answers: dict, subject: Subject | None = None) -> Scores:
    """Score a complete (or allowably incomplete) set of answers. Raises ValidationError."""
    cleaned = clean_answers(tool, answers)
    subject = subject or Subject()
    items = {
        item.id: float(_scored(tool, item, cleaned[item.id])) for item in tool.items if item.id in cleaned
    }
    subs: dict[str, float | None] = {}
    for sub in tool.subscales:
        if sub.items:
            values = [items[i] for i in sub.items if i in items]
            value = _combine(values, sub.combine, len(sub.items)) if values else None
        else:
            parts = [subs[s] for s in sub.subscales]
            value = None if any(p is None for p in parts) else _combine(parts, sub.combine, len(parts))
        subs[sub.id] = None if value is None else round(value, 2)
    looked: dict[str, float | None] = {}
    for lookup in tool.lookups:
        raw = subs.get(lookup.subscale)
        looked[lookup.subscale] = None if raw is None else _lookup(lookup, raw, subject)
    bands: dict[str, str] = {}
    for threshold in tool.thresholds:
        value = subs.get(threshold.subscale) if threshold.on == "raw" else looked.get(threshold.subscale)
        if value is not None:
            meaning = _band(threshold, value)
            if meaning:
                bands[threshold.subscale] = meaning
    return Scores(items=items, subscales=subs, lookups=looked, bands=bands)


def chart_values(tool: ToolDef, answers: dict, scores: Scores) -> dict[str, float | None]:
    """The values the charts plot, keyed as ``tool.axes()``: items after reverse-scoring (so
    "further out" always means the same direction on every spoke), or subscale scores."""
    if tool.chart == "items":
        return {key: scores.items.get(key) for key, _ in tool.axes()}
    return {key: scores.subscales.get(key) for key, _ in tool.axes()}
