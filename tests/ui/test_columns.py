"""``Columns`` and ``DraggableColumns`` decide alike when their panes go side by side: where the
width holds each pane at its smallest plus the gaps, and again as that width or a pane's smallest
width changes."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ehdesk.ui.widgets import Columns, DraggableColumns


def _pane(width: int) -> QWidget:
    pane = QWidget()
    pane.setMinimumSize(width, 40)
    return pane


def _in_a_window(qtbot, columns: QWidget, width: int) -> QWidget:
    # In a layout, as on a screen: the window's smallest width is then the columns' own hint.
    window = QWidget()
    QVBoxLayout(window).addWidget(columns)
    qtbot.addWidget(window)
    window.resize(width, 300)
    window.show()
    qtbot.waitExposed(window)
    return window


def _side_by_side(columns: QWidget) -> bool:
    first, second = columns._panes()
    return first.geometry().top() == second.geometry().top() and first.x() < second.x()


@pytest.mark.parametrize("kind", [Columns, DraggableColumns])
def test_side_by_side_when_wide_one_under_the_other_when_narrow_and_back_when_widened(qtbot, kind):
    columns = kind((_pane(200), 1), (_pane(150), 1))
    window = _in_a_window(qtbot, columns, 600)
    qtbot.waitUntil(lambda: _side_by_side(columns))
    # Never asks for more than its widest pane, so it never widens the window.
    assert columns.minimumSizeHint().width() == 200
    assert window.minimumSizeHint().width() < 350

    window.resize(300, 300)  # less than 200 + 150 and the gap
    qtbot.waitUntil(lambda: not _side_by_side(columns))
    first, second = columns._panes()
    assert second.y() >= first.geometry().bottom()

    window.resize(600, 300)
    qtbot.waitUntil(lambda: _side_by_side(columns))


@pytest.mark.parametrize("kind", [Columns, DraggableColumns])
def test_a_pane_growing_past_the_width_puts_it_under_without_the_window_changing_size(qtbot, kind):
    # A pane's smallest width can grow while the window keeps its size (a table's rows arrive, a
    # label's text lengthens): the panes go one under the other rather than squeeze it.
    first, second = _pane(200), _pane(150)
    columns = kind((first, 1), (second, 1))
    window = _in_a_window(qtbot, columns, 500)
    qtbot.waitUntil(lambda: _side_by_side(columns))
    second.setMinimumWidth(400)
    qtbot.waitUntil(lambda: not _side_by_side(columns))
    assert window.width() == 500
    second.setMinimumWidth(150)
    qtbot.waitUntil(lambda: _side_by_side(columns))


def test_a_workers_drag_is_kept_across_going_under_and_back(qtbot):
    columns = DraggableColumns((_pane(200), 1), (_pane(150), 1))
    window = _in_a_window(qtbot, columns, 600)
    columns.setSizes([400, 196])
    dragged = columns.sizes()
    window.resize(300, 300)
    qtbot.waitUntil(lambda: not _side_by_side(columns))
    window.resize(600, 300)
    qtbot.waitUntil(lambda: _side_by_side(columns))
    assert columns.sizes() == dragged
