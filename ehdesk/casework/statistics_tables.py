"""The shapes of the return's figures: tables of counts, tables of measures, sections. Plain
data, shared by every statistics module, the suppression and the report writers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class CountTable:
    """Rows of counts. ``row_totals``: a Total column is the sum across the counts; ``column_totals``:
    a Total row is the sum down each column. Those sums are what secondary suppression protects.
    ``percent_of``: "column" gives each count as a share of its column's total; "base" as a share
    of ``base`` (e.g. episodes assessed, where one episode can have many factors)."""

    key: str
    title: str
    row_heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]
    row_totals: bool = False
    column_totals: bool = True
    percent_of: str = ""  # "" | "column" | "base"
    base: int = 0
    base_label: str = ""
    chart: bool = True
    note: str = ""
    # Sub-totals inside the table: (sub-total row, its member rows). The Total row then sums the
    # rows that are no one's member, and suppression protects each sub-total's sum as well.
    parts: tuple[tuple[int, tuple[int, ...]], ...] = ()
    # Cells of the grid with its totals (the Total column is at len(columns), the Total row at
    # len(rows)) that other tables publish too, under one shared name ("people", "eth:White"):
    # a cell hidden in one table is hidden in every table that shows it, or differencing the two
    # tables would give it away.
    links: tuple[tuple[int, int, str], ...] = ()
    # Rows shown stronger that are not sub-totals (e.g. a group heading counting "any of").
    emphasis: tuple[int, ...] = ()
    total_heading: str = "Total"  # the Total column's heading (e.g. "Eligible": in progress + achieved)

    @property
    def top_rows(self) -> tuple[int, ...]:
        members = {m for _, group in self.parts for m in group}
        return tuple(r for r in range(len(self.rows)) if r not in members)


@dataclass(frozen=True)
class MeasureTable:
    """Averages and rates (not counts). Each row carries the number of episodes it rests on so a
    measure over too few episodes can be withheld."""

    key: str
    title: str
    row_heading: str
    value_heading: str
    rows: tuple[tuple[str, int, float | None], ...]  # label, episodes, value
    chart: bool = False
    note: str = ""
    count_heading: str = "Episodes"  # what the middle number counts


@dataclass(frozen=True)
class Section:
    title: str
    tables: tuple[CountTable | MeasureTable, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Statistics:
    date_from: date
    date_to: date
    teams: tuple[str, ...] | None
    council_name: str
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def table(self, key: str) -> CountTable | MeasureTable:
        for section in self.sections:
            for table in section.tables:
                if table.key == key:
                    return table
        raise KeyError(key)
