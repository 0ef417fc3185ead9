"""Small-number suppression on hand-made tables: nothing hidden can be worked back from what is
shown. The attacker here solves every line (a sum and its parts) that has one unknown, again
and again, which is exactly what someone with the published table could do by hand."""

from __future__ import annotations

from ehdesk.casework.statistics import CountTable, MeasureTable
from ehdesk.casework.suppression import publish, sum_lines, suppress_grid
from ehdesk.config.pack import Suppression

RULES = Suppression(min_count_shown=6, symbol="c", secondary=True, statement="Counts of 1 to 5 are hidden.")


def recoverable(grid, hidden, lines) -> set:
    """Hidden cells an attacker can compute from the shown cells by repeated subtraction."""
    known = {(r, c) for r in range(len(grid)) for c in range(len(grid[0]))} - set(hidden)
    found = True
    while found:
        found = False
        for line in lines:
            unknown = [cell for cell in line if cell not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                found = True
    return set(hidden) & known


def table(rows, row_totals=False, column_totals=True, columns=("N",), **kw) -> CountTable:
    return CountTable("t", "T", "Row", tuple(columns), tuple(rows), row_totals, column_totals, **kw)


def test_counts_of_one_to_five_become_c_and_zero_stays_zero():
    published = publish(table([("a", (0,)), ("b", (1,)), ("c", (5,)), ("d", (6,)), ("e", (40,))]), RULES)
    shown = {row[0]: row[1] for row in published.rows}
    assert shown["a"] == "0"
    assert shown["b"] == "c" and shown["c"] == "c"
    assert shown["d"] == "6" and shown["e"] == "40"
    assert shown["Total"] == "52"


def test_a_total_that_would_reveal_the_only_hidden_cell_forces_a_second_one():
    # 55 - 40 - 12 would give away the 3; so the next smallest (12) is hidden too.
    published = publish(table([("a", (3,)), ("b", (40,)), ("c", (12,))]), RULES)
    assert [row[1] for row in published.rows] == ["c", "40", "c", "55"]


def test_a_small_total_is_itself_hidden():
    published = publish(table([("a", (3,)), ("b", (0,))]), RULES)
    assert [row[1] for row in published.rows] == ["c", "0", "c"]


def test_secondary_suppression_spreads_across_rows_columns_and_totals():
    counts = [[4, 20], [0, 30], [9, 11]]
    grid, hidden = suppress_grid(counts, RULES, row_totals=True, column_totals=True)
    lines = sum_lines(3, 2, True, True)
    assert grid[-1] == [13, 61, 74]
    assert (0, 0) in hidden
    # No line is left with a single hidden cell, and no hidden value can be computed.
    assert all(sum(cell in hidden for cell in line) != 1 for line in lines)
    assert recoverable(grid, hidden, lines) == set()
    # Zeros are never hidden: 0 is a true zero.
    assert (1, 0) not in hidden


def test_random_tables_never_leak_a_hidden_cell():
    import random

    rng = random.Random(3)
    for _ in range(300):
        rows, cols = rng.randint(1, 6), rng.randint(1, 5)
        counts = [[rng.choice([0, 0, 1, 2, 4, 5, 6, 7, 9, 15, 30]) for _ in range(cols)] for _ in range(rows)]
        both = rng.random() < 0.5
        grid, hidden = suppress_grid(counts, RULES, row_totals=both, column_totals=True)
        lines = sum_lines(rows, cols, both, True)
        assert recoverable(grid, hidden, lines) == set(), counts
        assert all(0 < grid[r][c] for r, c in hidden)
        assert all(not 0 < v < 6 or (r, c) in hidden for r, row in enumerate(grid) for c, v in enumerate(row))


def test_percentages_are_one_decimal_and_hidden_with_their_count():
    published = publish(
        table([("a", (2,)), ("b", (7,)), ("c", (8,)), ("d", (300,))], percent_of="column"), RULES
    )
    rows = {row[0]: row[1:] for row in published.rows}
    assert rows["a"] == ("c", "c")
    assert rows["b"] == ("c", "c")  # the next smallest, so 317 - 8 - 300 reveals nothing
    assert rows["c"] == ("8", "2.5")
    assert rows["d"] == ("300", "94.6")
    assert rows["Total"] == ("317", "100.0")


def test_the_pack_sets_the_threshold_and_the_symbol():
    rules = Suppression(min_count_shown=10, symbol="x", secondary=False, statement="Under 10 hidden.")
    published = publish(table([("a", (7,)), ("b", (50,))]), rules)
    assert [row[1] for row in published.rows] == ["x", "50", "57"]


def test_unsuppressed_figures_are_the_raw_counts():
    published = publish(table([("a", (3,)), ("b", (40,)), ("c", (12,))]), RULES, suppress=False)
    assert [row[1] for row in published.rows] == ["3", "40", "12", "55"]
    assert published.hidden_cells == 0


def test_averages_over_too_few_episodes_are_withheld():
    measures = MeasureTable(
        "m", "M", "Area", "Average change", (("Home", 8, 1.24), ("Money", 3, 2.0), ("Work", 0, None))
    )
    rows = publish(measures, RULES).rows
    assert rows == (("Home", "8", "1.2"), ("Money", "c", "c"), ("Work", "0", ":"))


def test_chart_series_leave_out_hidden_values():
    published = publish(table([("a", (3,)), ("b", (40,)), ("c", (12,))]), RULES)
    assert published.series == (("N", (None, 40.0, None)),)


def test_a_group_subtotal_cannot_give_away_a_hidden_code_within_it():
    # White (sub-total) = White British + Traveller; Mixed = one code. Traveller's 2 is hidden,
    # and without the sub-total line, 52 - 50 would reveal it.
    rows = [("White", (52,)), ("· WBRI", (50,)), ("· WIRT", (2,)), ("Mixed", (30,)), ("· MWBC", (30,))]
    grouped = table(rows, parts=((0, (1, 2)), (3, (4,))))
    published = publish(grouped, RULES)
    shown = [row[1] for row in published.rows]
    assert shown[2] == "c"
    assert shown[1] == "c" or shown[0] == "c"
    assert shown[-1] == "82"  # the Total adds the groups, not groups and codes twice
    counts = [list(v) for _, v in rows]
    grid, hidden = suppress_grid(counts, RULES, False, True, grouped.parts)
    lines = sum_lines(5, 1, False, True, grouped.parts)
    assert recoverable(grid, hidden, lines) == set()
    assert published.categories == ("White", "Mixed")


def test_random_grouped_tables_never_leak_a_hidden_cell():
    import random

    rng = random.Random(11)
    for _ in range(300):
        cols = rng.randint(1, 3)
        counts, parts = [], []
        for _ in range(rng.randint(1, 4)):
            members = [
                [rng.choice([0, 0, 1, 3, 5, 6, 8, 20]) for _ in range(cols)] for _ in range(rng.randint(1, 4))
            ]
            head = len(counts)
            counts.append([sum(m[c] for m in members) for c in range(cols)])
            counts += members
            parts.append((head, tuple(range(head + 1, len(counts)))))
        both = rng.random() < 0.5
        grid, hidden = suppress_grid(counts, RULES, both, True, parts)
        lines = sum_lines(len(counts), cols, both, True, parts)
        assert recoverable(grid, hidden, lines) == set(), counts
