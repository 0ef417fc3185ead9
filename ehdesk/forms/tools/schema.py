"""The tool definition format (``ehdesk-tool/1``): what a progression-of-change tool asks and how
it is scored, as data. One JSON file per tool and version under ``resources/tools/``.

A definition says who the tool is about, its items (or areas) and each item's scale, which items
are reverse-scored, how items combine into subscales (sum or mean, or subscales of subscales),
what score bands mean, and optional lookup tables (e.g. T-scores by age band and gender).
Licensed tools ship with ``wording: "not_included"``: their items carry no text and show as
"Item n" until the council imports its licensed wording (``wording.py``)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FORMAT = "ehdesk-tool/1"


KEYED = re.compile(r"^\[(?P<key>[^\]]+)\] (?P<message>.*)$", re.S)


def _fail(key: str, message: str) -> None:
    """A whole-tool check failed at ``key``; pydantic gives such errors no location of their own,
    so the key travels in the message and the loader takes it back out."""
    raise ValueError(f"[{key}] {message}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(_Strict):
    min: int
    max: int
    # Meaning of some or all points, e.g. {"1": "Very hard right now", "10": "Going well"}.
    labels: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _range(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"the scale's max ({self.max}) must be above its min ({self.min})")
        if self.max - self.min > 20:
            raise ValueError("a scale may have at most 21 points")
        for key in self.labels:
            if not key.lstrip("-").isdigit() or not self.min <= int(key) <= self.max:
                raise ValueError(f"label key {key!r} is not a point on the scale {self.min}–{self.max}")
        return self

    def points(self) -> list[int]:
        return list(range(self.min, self.max + 1))

    def label(self, value: int) -> str:
        return self.labels.get(str(value), "")


class Item(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    number: int = Field(ge=1)
    text: str = ""  # empty for licensed tools until the council imports its wording
    short: str = ""  # a short label for chart axes; falls back to text or "Item n"
    help: str = ""
    scale: Scale | None = None  # None: the tool's scale
    reverse: bool = False

    def display(self) -> str:
        return self.text or f"Item {self.number}"

    def axis_label(self) -> str:
        return self.short or self.text or f"Item {self.number}"


class Subscale(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    items: list[str] = Field(default_factory=list)
    subscales: list[str] = Field(default_factory=list)  # a total made of other subscales
    combine: Literal["sum", "mean"] = "sum"
    # How many of its items may be left unanswered; the rest are pro-rated (mean x count).
    allow_missing: int = Field(default=0, ge=0)
    # Totals of very different size would squash a spider chart; they stay in tables only.
    on_chart: bool = True

    @model_validator(mode="after")
    def _parts(self) -> Subscale:
        if bool(self.items) == bool(self.subscales):
            raise ValueError(f"subscale {self.id!r} needs either items or subscales (exactly one of them)")
        return self


class Band(_Strict):
    min: float
    max: float
    meaning: str


class Threshold(_Strict):
    subscale: str
    on: Literal["raw", "lookup"] = "raw"  # "lookup": the score from the subscale's lookup table
    bands: list[Band]

    @model_validator(mode="after")
    def _ordered(self) -> Threshold:
        ordered = sorted(self.bands, key=lambda b: b.min)
        for band in ordered:
            if band.max < band.min:
                raise ValueError(
                    f"a band of {self.subscale!r} ends ({band.max}) before it starts ({band.min})"
                )
        for a, b in zip(ordered, ordered[1:], strict=False):
            if b.min <= a.max:
                raise ValueError(f"the bands of {self.subscale!r} overlap at {b.min}")
        return self


class LookupRow(_Strict):
    """One norm group: an age band (inclusive, in years) and a gender ("any" matches all)."""

    age_min: int = Field(ge=0)
    age_max: int = Field(ge=0)
    gender: str = "any"
    # raw score -> looked-up score; raw scores between points are interpolated, beyond the
    # ends clamped, so a pro-rated (fractional) raw score still gets a value.
    points: dict[str, float]

    @model_validator(mode="after")
    def _points(self) -> LookupRow:
        if self.age_max < self.age_min:
            raise ValueError("age_max is below age_min")
        if not self.points:
            raise ValueError("a lookup row needs at least one point")
        for key in self.points:
            try:
                float(key)
            except ValueError:
                raise ValueError(f"lookup point {key!r} is not a number") from None
        return self


class Lookup(_Strict):
    subscale: str
    name: str = "T-score"
    rows: list[LookupRow]


class Licence(_Strict):
    status: Literal["own", "structure_only", "grades_only"]
    holder: str = ""
    note: str = ""


class ToolDef(_Strict):
    format: Literal["ehdesk-tool/1"]
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    version: int = Field(ge=1)
    title: str
    about: Literal["family", "child", "parent"]
    purpose: str = ""
    licence: Licence
    wording: Literal["own", "not_included", "imported"] = "own"
    scale: Scale
    items: list[Item] = Field(min_length=1)
    subscales: list[Subscale] = Field(default_factory=list)
    thresholds: list[Threshold] = Field(default_factory=list)
    lookups: list[Lookup] = Field(default_factory=list)
    # What the charts plot: each item (areas of a spider graph) or each subscale.
    chart: Literal["items", "subscales"] = "items"
    higher_is_better: bool = True
    notes: list[str] = Field(default_factory=list)
    integrity: str = ""  # sha256 of the rest of the file, set by ``seal``; checked on load

    @model_validator(mode="after")
    def _consistent(self) -> ToolDef:
        ids = [i.id for i in self.items]
        if len(set(ids)) != len(ids):
            _fail("items", f"item ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
        numbers = sorted(i.number for i in self.items)
        if numbers != list(range(1, len(self.items) + 1)):
            _fail("items", "items must be numbered 1, 2, 3 … with no gaps or repeats")
        sub_ids = [s.id for s in self.subscales]
        if len(set(sub_ids)) != len(sub_ids):
            _fail("subscales", "subscale ids repeat")
        known_items = set(ids)
        seen: set[str] = set()
        for n, sub in enumerate(self.subscales):  # totals only use subscales above them: no cycles
            for item in sub.items:
                if item not in known_items:
                    _fail(
                        f"subscales.{n}.items",
                        f"subscale {sub.id!r} names an item that does not exist: {item!r}",
                    )
            for part in sub.subscales:
                if part not in seen:
                    _fail(
                        f"subscales.{n}.subscales",
                        f"subscale {sub.id!r} uses {part!r}, which must be defined above it",
                    )
            if len(set(sub.items)) != len(sub.items):
                _fail(f"subscales.{n}.items", f"subscale {sub.id!r} lists an item twice")
            if sub.allow_missing >= max(len(sub.items), 1) and sub.items:
                _fail(f"subscales.{n}.allow_missing", f"subscale {sub.id!r} allows every item to be missing")
            seen.add(sub.id)
        for n, threshold in enumerate(self.thresholds):
            if threshold.subscale not in seen:
                _fail(
                    f"thresholds.{n}.subscale",
                    f"a threshold names a subscale that does not exist: {threshold.subscale!r}",
                )
            if threshold.on == "lookup" and threshold.subscale not in {lk.subscale for lk in self.lookups}:
                _fail(
                    f"thresholds.{n}.on",
                    f"threshold on {threshold.subscale!r} uses a lookup table it does not have",
                )
        for n, lookup in enumerate(self.lookups):
            if lookup.subscale not in seen:
                _fail(
                    f"lookups.{n}.subscale",
                    f"a lookup table names a subscale that does not exist: {lookup.subscale!r}",
                )
        if self.chart == "subscales" and not any(s.on_chart for s in self.subscales):
            _fail("chart", "chart is 'subscales' but the tool has none to chart")
        if self.wording == "not_included" and any(i.text for i in self.items):
            _fail("wording", "the wording is marked not included, but items carry text")
        return self

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def scale_of(self, item: Item) -> Scale:
        return item.scale or self.scale

    def subscale(self, subscale_id: str) -> Subscale:
        for sub in self.subscales:
            if sub.id == subscale_id:
                return sub
        raise KeyError(subscale_id)

    def axes(self) -> list[tuple[str, str]]:
        """(key, label) of what the charts plot, in order."""
        if self.chart == "subscales":
            return [(s.id, s.label) for s in self.subscales if s.on_chart]
        return [(i.id, i.axis_label()) for i in sorted(self.items, key=lambda i: i.number)]

    def axis_range(self) -> tuple[float, float]:
        """The bounds a chart axis needs: the scale for items; for subscales the widest range."""
        if self.chart == "items":
            lows = [self.scale_of(i).min for i in self.items]
            highs = [self.scale_of(i).max for i in self.items]
            return (min(lows), max(highs))
        from ehdesk.forms.tools.scoring import subscale_bounds

        bounds = [subscale_bounds(self, s.id) for s in self.subscales if s.on_chart]
        return (min(b[0] for b in bounds), max(b[1] for b in bounds))
