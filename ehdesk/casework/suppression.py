"""Safe publication of the statistics: small-number suppression as in the DfE children-in-need
statistics (NOTES.md §6), with the thresholds and the statement taken from the council pack.

Primary: every count from 1 to ``min_count_shown - 1`` (totals included) becomes the pack's
symbol ("c"); 0 is a true zero and stays. Secondary: a published table is a set of sums (each row
adds up to its Total column, each column to its Total row), and a line with exactly one hidden
cell gives that cell away by subtraction, so the smallest other non-zero cell of the line is
hidden too, repeating until no line has exactly one hidden cell. Percentages are to one decimal
and are hidden with their count or their denominator (either would rebuild the other). Averages
resting on too few episodes are withheld the same way. ":" means not available (nothing to count).

Unsuppressed tables (``suppress=False``) are only for a manager's screen: never export them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ehdesk.casework.statistics import CountTable, MeasureTable
from ehdesk.config.pack import Suppression

NOT_AVAILABLE = ":"

Cell = tuple[int, int]


def primary(values: Sequence[Sequence[int]], rules: Suppression) -> set[Cell]:
    return {
        (r, c) for r, row in enumerate(values) for c, v in enumerate(row) if 0 < v < rules.min_count_shown
    }


def secondary(
    values: Sequence[Sequence[int]],
    hidden: set[Cell],
    lines: Sequence[Sequence[Cell]],
    spare: set[Cell] | None = None,
) -> set[Cell]:
    """Grow ``hidden`` until no line (a sum and its parts) holds exactly one hidden cell. Cells in
    ``spare`` (totals, which other tables often publish too) are hidden only when a line has no
    other candidate, so a headline figure is not lost to protect a small one."""
    spare = spare or set()
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for line in lines:
            in_line = [cell for cell in line if cell in hidden]
            if len(in_line) != 1:
                continue
            candidates = [cell for cell in line if cell not in hidden and values[cell[0]][cell[1]] > 0]
            if not candidates:
                continue  # every other part is a true zero: the hidden cell equals nothing else shown
            hidden.add(min(candidates, key=lambda cell: (cell in spare, values[cell[0]][cell[1]], cell)))
            changed = True
    return hidden


def with_totals(
    counts: Sequence[Sequence[int]],
    row_totals: bool,
    column_totals: bool,
    top_rows: Sequence[int] | None = None,
) -> list[list[int]]:
    """The counts with a Total column and a Total row; the Total row adds up ``top_rows`` (the
    rows that are not parts of a sub-total), or every row."""
    grid = [list(row) + ([sum(row)] if row_totals else []) for row in counts]
    if column_totals and grid:
        top = range(len(grid)) if top_rows is None else top_rows
        grid.append([sum(grid[r][c] for r in top) for c in range(len(grid[0]))])
    return grid


def sum_lines(
    n_rows: int,
    n_cols: int,
    row_totals: bool,
    column_totals: bool,
    parts: Sequence[tuple[int, Sequence[int]]] = (),
) -> list[list[Cell]]:
    """The additive lines of a grid built by ``with_totals`` (sizes are of the counts only): each
    row with its Total, each column's top rows with the Total row, each sub-total with its parts."""
    cols = n_cols + (1 if row_totals else 0)
    members = {m for _, group in parts for m in group}
    top = [r for r in range(n_rows) if r not in members]
    lines: list[list[Cell]] = []
    if row_totals:
        lines += [[(r, c) for c in range(cols)] for r in range(n_rows + (1 if column_totals else 0))]
    for c in range(cols):
        if column_totals:
            lines.append([(r, c) for r in top] + [(n_rows, c)])
        for head, group in parts:
            lines.append([(head, c)] + [(r, c) for r in group])
    return lines


def suppress_grid(
    counts: Sequence[Sequence[int]],
    rules: Suppression,
    row_totals: bool,
    column_totals: bool,
    parts: Sequence[tuple[int, Sequence[int]]] = (),
    forced: set[Cell] | None = None,
) -> tuple[list[list[int]], set[Cell]]:
    """The grid with its totals, and the cells that must not be published; ``forced`` cells are
    hidden whatever their value (another table hides the same figure)."""
    members = {m for _, group in parts for m in group}
    top = [r for r in range(len(counts)) if r not in members]
    grid = with_totals(counts, row_totals, column_totals, top)
    hidden = primary(grid, rules) | {
        cell for cell in (forced or set()) if cell[0] < len(grid) and grid[cell[0]][cell[1]] > 0
    }
    if rules.secondary and grid:
        lines = sum_lines(len(counts), len(counts[0]), row_totals, column_totals, parts)
        n_cols = len(counts[0])
        totals = {(r, n_cols) for r in range(len(grid))} if row_totals else set()
        if column_totals:
            totals |= {(len(counts), c) for c in range(len(grid[0]))}
        totals |= {(head, c) for head, _ in parts for c in range(len(grid[0]))}
        hidden = secondary(grid, hidden, lines, totals)
    return grid, hidden


def _hidden_of(table: CountTable, rules: Suppression, forced: set[Cell]) -> set[Cell]:
    counts = [list(values) for _, values in table.rows]
    if not counts:
        return set()
    return suppress_grid(counts, rules, table.row_totals, table.column_totals, table.parts, forced)[1]


def linked_forced(tables: Sequence[CountTable | MeasureTable], rules: Suppression) -> dict[str, set[Cell]]:
    """For tables that publish the same figure (``CountTable.links``), the cells each must hide
    because some table hides that figure: repeated until no shared figure is hidden in one table
    and shown in another. Returns the forced cells by table key."""
    counted = [t for t in tables if isinstance(t, CountTable) and t.links]
    hidden_names: set[str] = set()
    forced: dict[str, set[Cell]] = {t.key: set() for t in counted}
    for _ in range(50):  # each round hides more; a grid has finitely many cells
        for table in counted:
            forced[table.key] = {(r, c) for r, c, name in table.links if name in hidden_names}
        names = set(hidden_names)
        for table in counted:
            hidden = _hidden_of(table, rules, forced[table.key])
            names |= {name for r, c, name in table.links if (r, c) in hidden}
        if names == hidden_names:
            break
        hidden_names = names
    return forced


def percent(part: int, whole: int) -> str:
    if whole == 0:
        return NOT_AVAILABLE
    return f"{part * 100 / whole:.1f}"


@dataclass(frozen=True)
class PublishedTable:
    """A table ready to lay out: every cell already a string, plus chart series (None where a
    value is withheld) over ``categories``."""

    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    chart: bool
    chart_unit: str  # "count" | "%" | value heading
    notes: tuple[str, ...]
    hidden_cells: int
    emphasis_rows: tuple[int, ...] = ()  # sub-totals and the Total row, shown stronger


def publish_counts(
    table: CountTable, rules: Suppression, suppress: bool = True, forced: set[Cell] | None = None
) -> PublishedTable:
    counts = [list(values) for _, values in table.rows]
    n_cols = len(table.columns)
    if not counts:
        counts_grid: list[list[int]] = []
        hidden: set[Cell] = set()
    elif suppress:
        counts_grid, hidden = suppress_grid(
            counts, rules, table.row_totals, table.column_totals, table.parts, forced
        )
    else:
        counts_grid = with_totals(counts, table.row_totals, table.column_totals, table.top_rows)
        hidden = set()
    symbol = rules.symbol

    def shown(r: int, c: int) -> str:
        return symbol if (r, c) in hidden else str(counts_grid[r][c])

    count_names = list(table.columns) + ([table.total_heading] if table.row_totals else [])
    header: list[str] = [table.row_heading]
    for c, name in enumerate(count_names):
        header.append(name)
        if table.percent_of == "column":
            header.append("%")
        elif table.percent_of == "row" and c < n_cols:
            header.append(f"% {name.lower()}")
        elif table.percent_of == "base":
            header.append("%")  # of the base, named in the table's first note
    labels = [label for label, _ in table.rows] + (["Total"] if table.column_totals and counts else [])
    base_hidden = suppress and 0 < table.base < rules.min_count_shown
    total_row = len(counts_grid) - 1

    rows: list[tuple[str, ...]] = []
    for r, label in enumerate(labels):
        cells = [label]
        for c in range(len(count_names)):
            cells.append(shown(r, c))
            if table.percent_of == "column":
                whole_cell = (total_row, c) if table.column_totals else None
                whole = (
                    counts_grid[total_row][c]
                    if whole_cell
                    else sum(counts_grid[r][c] for r in table.top_rows)
                )
                hide = (r, c) in hidden or (whole_cell in hidden)
                cells.append(symbol if hide else percent(counts_grid[r][c], whole))
            elif table.percent_of == "row" and c < n_cols:
                whole = counts_grid[r][n_cols] if table.row_totals else sum(counts_grid[r])
                hide = (r, c) in hidden or (table.row_totals and (r, n_cols) in hidden)
                cells.append(symbol if hide else percent(counts_grid[r][c], whole))
            elif table.percent_of == "base":
                hide = (r, c) in hidden or base_hidden
                cells.append(symbol if hide else percent(counts_grid[r][c], table.base))
        rows.append(tuple(cells))

    # Charts show the top rows only (the sub-totals, not their parts).
    data_rows = table.top_rows
    if table.percent_of == "row":
        # The chart of a rate table is the rate of its first column (e.g. "% met").
        values = []
        for r in data_rows:
            whole = sum(counts_grid[r][:n_cols])
            visible = (r, 0) not in hidden and not (table.row_totals and (r, n_cols) in hidden)
            values.append(counts_grid[r][0] * 100 / whole if visible and whole else None)
        series: tuple[tuple[str, tuple[float | None, ...]], ...] = (
            (f"% {table.columns[0].lower()}", tuple(values)),
        )
        unit = "%"
    else:
        series = tuple(
            (name, tuple(None if (r, c) in hidden else float(counts_grid[r][c]) for r in data_rows))
            for c, name in enumerate(table.columns)
        )
        unit = "count"
    notes = [table.note] if table.note else []
    if table.percent_of == "base":
        base = symbol if base_hidden else str(table.base)
        notes.insert(0, f"{table.base_label}: {base}.")
    return PublishedTable(
        key=table.key,
        title=table.title,
        header=tuple(header),
        rows=tuple(rows),
        categories=tuple(table.rows[r][0] for r in data_rows),
        series=series,
        chart=table.chart,
        chart_unit=unit,
        notes=tuple(notes),
        hidden_cells=len(hidden),
        emphasis_rows=tuple(sorted({head for head, _ in table.parts} | set(table.emphasis)))
        + ((len(rows) - 1,) if table.column_totals and rows else ()),
    )


def publish_measures(table: MeasureTable, rules: Suppression, suppress: bool = True) -> PublishedTable:
    symbol = rules.symbol
    rows, values, hidden = [], [], 0
    for label, n, value in table.rows:
        few = suppress and 0 < n < rules.min_count_shown
        hidden += few
        if value is None or n == 0:
            text, plotted = NOT_AVAILABLE, None
        elif few:
            text, plotted = symbol, None
        else:
            text, plotted = f"{value:.1f}", value
        rows.append((label, symbol if few else str(n), text))
        values.append(plotted)
    return PublishedTable(
        key=table.key,
        title=table.title,
        header=(table.row_heading, table.count_heading, table.value_heading),
        rows=tuple(rows),
        categories=tuple(label for label, _, _ in table.rows),
        series=((table.value_heading, tuple(values)),),
        chart=table.chart,
        chart_unit=table.value_heading,
        notes=(table.note,) if table.note else (),
        hidden_cells=hidden,
    )


def publish(
    table: CountTable | MeasureTable,
    rules: Suppression,
    suppress: bool = True,
    forced: set[Cell] | None = None,
) -> PublishedTable:
    if isinstance(table, MeasureTable):
        return publish_measures(table, rules, suppress)
    return publish_counts(table, rules, suppress, forced)


def publish_all(
    tables: Sequence[CountTable | MeasureTable], rules: Suppression, suppress: bool = True
) -> list[PublishedTable]:
    """Every table of a return, suppressed together so that figures two tables share are hidden
    in both or in neither."""
    forced = linked_forced(tables, rules) if suppress else {}
    return [publish(t, rules, suppress, forced.get(t.key)) for t in tables]
