"""Small widgets the screens share: a date field typed as dd/mm/yyyy, a form that shows each
validation message beside its field, lists of choices, and what keeps every screen within a small
one: tabs whose pages scroll, columns that stack, sizes within the screen's free area. (A heading
is ``style.heading``.)"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QEvent, QModelIndex, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionComboBox,
    QStyleOptionHeader,
    QStyleOptionViewItem,
    QStylePainter,
    QTableView,
    QTableWidget,
    QTabWidget,
    QToolTip,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ehdesk.config.dates import read_typed_date
from ehdesk.errors import TypedDateError
from ehdesk.ui.inputs import ChoiceBox


class MessageLine(QLabel):
    """The line under a screen that says what an action did, or why it failed (in the theme's
    warning colour), for every screen the same way. ``room_when_empty=False``: the line takes no
    height while there is nothing to say, where a screen has none to spare at 150% (the plan, the
    family's flags); elsewhere it keeps its line, so the screen does not jump when a message
    comes. ``calm``: the style of what is not an error ("ok", or "note" where the line mostly
    says that a form was saved)."""

    def __init__(self, *, room_when_empty: bool = True, calm: str = "ok") -> None:
        super().__init__("")
        self.setWordWrap(True)
        self.setObjectName("message")
        self._room_when_empty = room_when_empty
        self._calm = calm
        self.setProperty("role", calm)
        if not room_when_empty:
            self.hide()  # (never ``show`` here: a label with no parent yet would open as a window)

    def say(self, text: str, error: bool = False) -> None:
        role = "error" if error else self._calm
        if self.property("role") != role:
            self.setProperty("role", role)
            self.style().unpolish(self)
            self.style().polish(self)
        self.setText(text)
        if not self._room_when_empty:
            self.setVisible(bool(text))


def _least_size(widget: QWidget) -> QSize:
    """The smallest a layout lets a widget be: its minimum size where one is set, else its hint."""
    return widget.minimumSizeHint().expandedTo(widget.minimumSize())


class _SideBySideWhereTheyFit:
    """What ``Columns`` and ``DraggableColumns`` share, so both decide alike: the panes go side by
    side where the width holds each at its smallest plus the gaps between them, one under the
    other where it does not. Decided again when the width changes and when a pane's smallest
    width does (a table's columns set their floor as its rows arrive, a label's text grows):
    otherwise a pane could be squeezed below its smallest until the window next changed size.
    Never asks for more width than its widest pane, so it never widens the window or makes a
    page scroll sideways. A subclass says what its panes and gap are and how it turns."""

    def _panes(self) -> list[QWidget]:
        raise NotImplementedError

    def _gap(self) -> int:
        raise NotImplementedError

    def _is_side_by_side(self) -> bool:
        raise NotImplementedError

    def _turn(self, side_by_side: bool) -> None:
        raise NotImplementedError

    def _visible_panes(self) -> list[QWidget]:
        return [pane for pane in self._panes() if not pane.isHidden()]  # (a hidden pane takes no room)

    def _fit(self, width: int) -> None:
        panes = self._visible_panes()
        needs = sum(_least_size(p).width() for p in panes) + self._gap() * max(len(panes) - 1, 0)
        side_by_side = width >= needs
        if side_by_side != self._is_side_by_side():
            self._turn(side_by_side)
            self.updateGeometry()  # one under the other needs more height

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        widest = max((_least_size(p).width() for p in self._visible_panes()), default=0)
        return QSize(widest, hint.height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._fit(event.size().width())
        super().resizeEvent(event)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a pane's smallest size may have changed
            self._fit(self.width())
        return super().event(event)


class Columns(_SideBySideWhereTheyFit, QWidget):
    """Widgets side by side where they fit, one above the other where they do not (a form and
    its neighbour on 853 px, a 1,280x720 screen at 150%). Each is a ``(widget, stretch)`` pair."""

    def __init__(self, *columns: tuple[QWidget, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._columns = [column for column, _ in columns]
        for column, stretch in columns:
            self._row.addWidget(column, stretch)

    def _panes(self) -> list[QWidget]:
        return self._columns

    def _gap(self) -> int:
        return self._row.spacing()

    def _is_side_by_side(self) -> bool:
        return self._row.direction() == QBoxLayout.Direction.LeftToRight

    def _turn(self, side_by_side: bool) -> None:
        self._row.setDirection(
            QBoxLayout.Direction.LeftToRight if side_by_side else QBoxLayout.Direction.TopToBottom
        )


class DraggableColumns(_SideBySideWhereTheyFit, QSplitter):
    """``Columns`` with a handle between them that a worker can drag: the Agencies tab's
    professionals beside the ecomap. Beside it they needed 830-856 px (the list is as wide as its
    longest words, "Neighbourhood", "September") on the 789 a page has when the app opens on a
    1,280x720 screen at 150% (837x432), and the page scrolled sideways; now the map goes under
    the list there. A worker's drag is kept while the columns stay side by side."""

    def __init__(self, *columns: tuple[QWidget, int], parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._beside_sizes: list[int] | None = None  # (the columns' widths, to restore)
        for index, (column, stretch) in enumerate(columns):
            self.addWidget(column)
            self.setStretchFactor(index, stretch)

    def _panes(self) -> list[QWidget]:
        return [self.widget(i) for i in range(self.count())]

    def _gap(self) -> int:
        return self.handleWidth()

    def _is_side_by_side(self) -> bool:
        return self.orientation() == Qt.Orientation.Horizontal

    def _turn(self, side_by_side: bool) -> None:
        if not side_by_side and sum(self.sizes()) > 0:  # (none yet before it is first laid out)
            self._beside_sizes = self.sizes()
        self.setOrientation(Qt.Orientation.Horizontal if side_by_side else Qt.Orientation.Vertical)
        if side_by_side and self._beside_sizes:
            self.setSizes(self._beside_sizes)
        elif not side_by_side:
            # Each pane its smallest height, any spare height shared by the stretch factors.
            self.setSizes([_least_size(pane).height() for pane in self._panes()])


def button_row(*buttons: QWidget) -> QWidget:
    """Buttons side by side at the right of their row, apart by the style's usual gap; they stay at
    the right when ``Columns`` puts the row below its neighbour."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6)
    layout.addStretch(1)
    for button in buttons:
        layout.addWidget(button)
    return row


def spaced_row(*parts: QWidget | int | tuple[QWidget, int], end_stretch: int = 1) -> QWidget:
    """Widgets in a row, a number between two of them being the gap in pixels and a
    ``(widget, stretch)`` pair one that takes spare width; then a stretch of ``end_stretch``."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)  # the gaps are the numbers given
    for part in parts:
        if isinstance(part, int):
            layout.addSpacing(part)
        elif isinstance(part, tuple):
            layout.addWidget(*part)
        else:
            layout.addWidget(part)
    layout.addStretch(end_stretch)
    return row


class _PageScroll(QScrollArea):
    """The scroll area a ``ScrollingTabs`` page sits in (in a ``_Page``)."""


class _Page(QWidget):
    """Holds a ``ScrollingTabs`` page. A scroll area gives a page whose height depends on its
    width its *preferred* height for that width (every table and chart at full size), which
    made the Progress tab scroll even at 1,280x720. This asks for the page's minimum height,
    as a tab does, plus what the wrapped text and rows of buttons directly on the page need at
    that width (the Plan tab's status line wraps to three lines at 150% on 1,280x720)."""

    def __init__(self, page: QWidget) -> None:
        super().__init__()
        self.page = page
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        from ehdesk.ui.flow import FlowLayout

        height = self.layout().totalMinimumSize().height()
        layout = self.page.layout()
        if not isinstance(layout, QVBoxLayout):
            return height
        m = layout.contentsMargins()
        inner = width - m.left() - m.right()
        for i in range(layout.count()):
            item = layout.itemAt(i)
            wraps = isinstance(item.widget(), QLabel) or isinstance(item.layout(), FlowLayout)
            if wraps and not item.isEmpty() and item.hasHeightForWidth():
                height += max(0, item.heightForWidth(inner) - item.minimumSize().height())
        return height


class ScrollingTabs(QTabWidget):
    """Tabs whose pages scroll when the window is smaller than a page would like, instead of
    making the window grow: a tab widget is as large as its largest page, so one wide or tall page
    pushed the whole family record off a 1,280x720 screen at 150% (853x480 to lay out). With room
    to spare each page fills its tab exactly as before, and shows no scroll bar.

    ``widget``, ``currentWidget``, ``setCurrentWidget`` and ``indexOf`` speak of the pages
    themselves, never of the scroll areas around them."""

    def addTab(self, page: QWidget, *args) -> int:  # noqa: N802 (Qt's name)
        return super().addTab(self._wrap(page), *args)

    def insertTab(self, index: int, page: QWidget, *args) -> int:  # noqa: N802 (Qt's name)
        return super().insertTab(index, self._wrap(page), *args)

    def widget(self, index: int) -> QWidget | None:
        return self._page(super().widget(index))

    def currentWidget(self) -> QWidget | None:  # noqa: N802 (Qt's name)
        return self._page(super().currentWidget())

    def setCurrentWidget(self, page: QWidget) -> None:  # noqa: N802 (Qt's name)
        super().setCurrentWidget(self._area(page))

    def indexOf(self, page: QWidget) -> int:  # noqa: N802 (Qt's name)
        return super().indexOf(self._area(page))

    @staticmethod
    def _wrap(page: QWidget) -> QScrollArea:
        area = _PageScroll()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        # Not a stop of its own for Tab: focus goes straight to the page's controls, and the
        # area scrolls to whichever of them has it.
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        holder = _Page(page)
        area.setWidget(holder)
        # Drawn as before: the tab's rounded pane shows through (a scroll area paints its own).
        area.viewport().setAutoFillBackground(False)
        holder.setAutoFillBackground(False)
        return area

    @staticmethod
    def _page(area: QWidget | None) -> QWidget | None:
        return area.widget().page if isinstance(area, _PageScroll) else area

    @staticmethod
    def _area(page: QWidget) -> QWidget:
        holder = page.parentWidget()
        if isinstance(holder, _Page) and holder.page is page:
            return holder.parentWidget().parentWidget()  # its viewport's scroll area
        return page


class DateField(QLineEdit):
    """A date typed the British way. Empty means no date; anything unreadable is reported."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("dd/mm/yyyy")
        self.setMaxLength(10)

    def value(self) -> date | None:
        """The date typed (see ``read_typed_date``); raises TypedDateError, a ValueError, when it
        cannot be read."""
        return read_typed_date(self.text())

    def problem(self, label: str = "the date") -> str:
        """What is wrong with the date typed, naming it ``label``; "" when it reads (or is empty)."""
        try:
            read_typed_date(self.text(), label)
        except TypedDateError as exc:
            return exc.message
        return ""

    def set_value(self, value: date | None) -> None:
        self.setText(f"{value:%d/%m/%Y}" if value else "")


class ElidingCombo(ChoiceBox):
    """A choice box that may be narrower than its longest choice (the network form beside the
    ecomap, on 853 px at 150%): it is at least wide enough for ``chars`` characters and its arrow,
    and the choice made is shortened with "…" where the box is narrower than it (Qt would cut it
    off). The list that opens is wide enough for every choice whole (Qt widens it to the longest)."""

    def __init__(self, chars: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(chars)

    def shown_text(self) -> str:
        """The choice made as the box draws it: whole, or shortened to fit."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        # Qt draws the label 1 px in from each side of the field.
        return self.fontMetrics().elidedText(
            option.currentText, Qt.TextElideMode.ElideRight, field.width() - 2
        )

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QStylePainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


def combo(
    choices: list[tuple[object, str]], name: str, blank: str | None = None, *, elide_after: int | None = None
) -> QComboBox:
    """A choice box of ``(code, label)`` choices, ``blank`` first (its code None). ``elide_after``:
    the box may be as narrow as that many characters, a longer choice shortened (``ElidingCombo``)."""
    box = ChoiceBox() if elide_after is None else ElidingCombo(elide_after)
    box.setAccessibleName(name)
    if blank is not None:
        box.addItem(blank, None)
    for code, label in choices:
        box.addItem(label, code)
    return box


def set_combo(box: QComboBox, code) -> None:
    index = box.findData(code)
    box.setCurrentIndex(max(index, 0))


class CheckList(QListWidget):
    """A short multi-choice list from the pack (presenting factors, criteria, agencies)."""

    def __init__(self, choices: list[tuple[str, str]], name: str, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        for code, label in choices:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        rows = min(self.count(), 6)
        self.setMaximumHeight(self.sizeHintForRow(0) * rows + 12 if self.count() else 40)

    def values(self) -> list[str]:
        return [
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_values(self, codes: list[str]) -> None:
        wanted = set(codes or [])
        for i in range(self.count()):
            item = self.item(i)
            state = (
                Qt.CheckState.Checked
                if item.data(Qt.ItemDataRole.UserRole) in wanted
                else Qt.CheckState.Unchecked
            )
            item.setCheckState(state)

    def keyPressEvent(self, event) -> None:  # space toggles the focused item, for keyboard users
        item = self.currentItem()
        if event.key() == Qt.Key.Key_Space and item is not None:
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            return
        super().keyPressEvent(event)


class FieldForm(QWidget):
    """A QFormLayout whose rows each carry an error label under the field."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.layout_.setVerticalSpacing(4)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

    def add(self, name: str, label: str, widget: QWidget) -> QWidget:
        widget.setAccessibleName(label.rstrip(":"))
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        error = QLabel()
        error.setProperty("role", "error")
        error.setWordWrap(True)
        error.hide()
        box.addWidget(error)
        text = QLabel(label)
        text.setBuddy(widget)
        self.layout_.addRow(text, holder)
        self.fields[name] = widget
        self.errors[name] = error
        return widget

    def show_errors(self, errors: dict[str, str]) -> None:
        for name, label in self.errors.items():
            message = errors.get(name, "")
            label.setText(message)
            label.setVisible(bool(message))
            widget = self.fields[name]
            widget.setProperty("invalid", bool(message))
            widget.style().unpolish(widget)
            widget.style().polish(widget)
            widget.setAccessibleDescription(message)

    def error_text(self, name: str) -> str:
        label = self.errors[name]
        return label.text() if not label.isHidden() else ""


def read_widget(widget: QWidget):
    if isinstance(widget, DateField):
        return widget.text()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, CheckList):
        return widget.values()
    raise TypeError(type(widget).__name__)


def write_widget(widget: QWidget, value) -> None:
    if isinstance(widget, DateField):
        widget.setText(value or "")
    elif isinstance(widget, QLineEdit):
        widget.setText(value or "")
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(value or "")
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QComboBox):
        set_combo(widget, value)
    elif isinstance(widget, CheckList):
        widget.set_values(value or [])


def heading_lines_width(metrics: QFontMetrics, text: str) -> int:
    """The width of a heading's widest line: a heading may be set on two lines, its text broken
    with a newline (the Agencies tab's "May share")."""
    return max(metrics.horizontalAdvance(line) for line in text.split("\n"))


def _header(view) -> QHeaderView:
    """The headings across the top of a table, or of a tree (the Plan tab's outcomes and actions)."""
    return view.header() if isinstance(view, QTreeView) else view.horizontalHeader()


def _cells(view, column: int):
    """Every cell of a column, a tree's children under their parents too, each with how far the
    tree indents it (0 in a table, and in a tree's other columns)."""
    model = view.model()
    tree_column = isinstance(view, QTreeView) and column == view.treePosition()
    first = 1 if tree_column and view.rootIsDecorated() else 0
    parents = [(QModelIndex(), first)]  # (the root)
    while parents:
        parent, level = parents.pop()
        for row in range(model.rowCount(parent)):
            index = model.index(row, column, parent)
            yield index, (level * view.indentation() if tree_column else 0)
            if isinstance(view, QTreeView):
                parents.append((model.index(row, 0, parent), level + 1))


def heading_width(table, section: int) -> int:
    """What a column's heading needs: the app's style draws headers in bold, wider than the
    header's font says, and leaves a margin each side."""
    bold = _header(table).font()
    bold.setBold(True)
    text = str(table.model().headerData(section, Qt.Orientation.Horizontal) or "")
    return heading_lines_width(QFontMetrics(bold), text) + 24


def headings_fit(table) -> None:
    """Every column at least as wide as its heading, so a header never cuts off the words that
    matter ("Social care decision", "Past 12 months"). Stretched columns take the rest anyway."""
    from PySide6.QtWidgets import QHeaderView

    header = table.horizontalHeader()
    for section in range(header.count()):
        if header.sectionResizeMode(section) == QHeaderView.ResizeMode.Stretch:
            continue
        need = heading_width(table, section)
        if header.sectionSize(section) < need:
            if header.sectionResizeMode(section) == QHeaderView.ResizeMode.ResizeToContents:
                header.setSectionResizeMode(section, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(section, need)
    headings_stay_whole(table)


def headings_stay_whole(table) -> None:
    """The table is never narrower than its headings side by side, so a narrow window (853 px at
    150% on a 1,280x720 screen) scrolls the page around it rather than squeezing a stretched
    column until its heading is cut off."""
    from PySide6.QtWidgets import QHeaderView

    header = table.horizontalHeader()
    last = header.count() - 1
    width = 2 * table.frameWidth()
    if table.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOn:
        width += table.verticalScrollBar().sizeHint().width()  # (an occasional one eats the slack)
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        need = heading_width(table, section)
        stretched = header.sectionResizeMode(section) == QHeaderView.ResizeMode.Stretch or (
            section == last and header.stretchLastSection()
        )
        if stretched:
            width += need
        elif header.sectionResizeMode(section) == QHeaderView.ResizeMode.ResizeToContents:
            # Its size is worked out lazily: ask what it will be.
            width += max(need, header.sectionSizeHint(section), table.sizeHintForColumn(section))
        else:
            width += max(need, header.sectionSize(section))
    table.setMinimumWidth(width)


def _words(text: str) -> list[str]:
    """The pieces a cell's text wraps between: its words, and a double-barrelled name or
    "one-to-one" after a hyphen before a letter, where Qt breaks them too (never "2024-25")."""
    return [word for word in re.split(r"\s+|(?<=\w-)(?=[^\W\d_])", text) if word]


def _longest_word(table, column: int) -> int:
    """The width of the longest word in a column, and the cell's margins around it (and a tree's
    indent before it)."""
    model = table.model()
    widest = 0
    for index, indent in _cells(table, column):
        text = str(model.data(index) or "")
        if not text:
            continue
        font = model.data(index, Qt.ItemDataRole.FontRole) or table.font()
        metrics = QFontMetrics(font)
        words = max((metrics.horizontalAdvance(word) for word in _words(text)), default=0)
        if words:
            widest = max(widest, indent + words)
    return (
        widest + 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 8 if widest else 0
    )


def _capped(needs: dict[int, int], floors: dict[int, int], room: int) -> dict[int, int]:
    """Widths within ``room`` where the longest text gives way first: every column is capped at
    one width, the widest cap that fits, and none goes below its floor. A name, a role or a date
    stays whole on its line while an agency's or a note's long text wraps (shrinking every column
    by the same share wrapped "Sam Sweep" and "8 April 2025" beside a half-empty agency column).
    Where even the floors do not fit, the floors."""

    def total(cap: int) -> int:
        return sum(max(floors[c], min(needs[c], cap)) for c in needs)

    low, high = 0, max(needs.values())  # total(low) may not fit; total(high) does not
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if total(middle) <= room else (low, middle)
    widths = {c: max(floors[c], min(needs[c], low)) for c in needs}
    spare = room - sum(widths.values())  # fewer pixels than capped columns: one each to some
    for c in [c for c in needs if floors[c] < low < needs[c]][: max(spare, 0)]:
        widths[c] += 1
    return widths


class _WrappedRows(QStyledItemDelegate):
    """A tree's rows as tall as their text wrapped in its column. Qt's tree asks its items' height
    as if each had the width of its one line, so wrapped text was cut at the foot of a one-line
    row (the Plan tab's outcomes). The hint's width stays the one line's: what the column would
    need for the text on one line."""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt's name)
        one_line = QStyleOptionViewItem(option)
        one_line.rect = QRect()
        hint = super().sizeHint(one_line, index)
        view = self.parent()
        cell = view.columnWidth(index.column())
        if index.column() == view.treePosition():
            level, parent = (1 if view.rootIsDecorated() else 0), index.parent()
            while parent.isValid():
                level, parent = level + 1, parent.parent()
            cell -= level * view.indentation()
        if not view.wordWrap() or cell <= 0 or hint.width() <= cell:
            return hint
        wrapped = QStyleOptionViewItem(option)
        wrapped.rect = QRect(0, 0, cell, 1 << 20)
        return QSize(hint.width(), max(hint.height(), super().sizeHint(wrapped, index).height()))


# Where wrapped text must not break: a date in words, as the pack's long and short styles write
# it ("2 December 2026", "2 Dec 2026"), and a number before its word ("2 plan actions").
_DATE_IN_WORDS = re.compile(r"\b(\d{1,2}) ([^\W\d_]+) (\d{4})\b")
_NUMBER_AND_WORD = re.compile(r"\b(\d+) (?=[^\W\d_])")


class ReadableCells(QStyledItemDelegate):
    """A table's cells as the table draws them, but where a cell cuts its text short ("…"), the
    cell's whole text is its tooltip (unless the model gives a tooltip of its own)."""

    def cuts(self, option: QStyleOptionViewItem, index) -> bool:
        """True if the cell, laid out as ``option`` says (its rect, whether it wraps), cuts its text."""
        cell = option.rect
        fitted = QStyleOptionViewItem(option)
        fitted.rect = QRect(0, 0, cell.width(), 1 << 20)  # as tall as the text wraps to
        need = self.sizeHint(fitted, index)
        return need.width() > cell.width() or need.height() > cell.height()

    def helpEvent(self, event, view, option, index) -> bool:  # noqa: N802 (Qt's name)
        if (
            event.type() == QEvent.Type.ToolTip
            and index.isValid()
            and not index.data(Qt.ItemDataRole.ToolTipRole)
            and self.cuts(option, index)
        ):
            QToolTip.showText(event.globalPos(), str(index.data()), view)
            return True
        return super().helpEvent(event, view, option, index)


class ReadableWrappedCells(ReadableCells):
    """``ReadableCells`` for a table that wraps its text: lines break where a reader would. A date
    stays whole ("⚠ Overdue since" over "2 December 2026", not "⚠ Overdue since 2" over
    "December 2026"), a number stays with its word, and a "·" between two things ends a line
    rather than starts one. (Only where the table wraps: working each cell's text over in Python
    made the caseload's paint half as long again, 5 ms to 8 ms, within a search keystroke's frame.)"""

    def initStyleOption(self, option, index) -> None:  # noqa: N802 (Qt's name)
        super().initStyleOption(option, index)
        if " " in option.text:
            text = _DATE_IN_WORDS.sub("\\1\u00a0\\2\u00a0\\3", option.text)
            option.text = _NUMBER_AND_WORD.sub("\\1\u00a0", text).replace(" · ", "\u00a0· ")


class _SharedWidths(QObject):
    """``share_width``'s worker: lays the columns out again whenever the table is resized or its
    rows change."""

    def __init__(
        self,
        table,
        stretch: int,
        shrink: tuple[int, ...],
        scroll: bool,
        whole_rows: bool,
        stretch_share: float = 0.0,
    ) -> None:
        super().__init__(table)
        self.table, self.stretch, self.shrink = table, stretch, set(shrink) | {stretch}
        self.scroll, self.whole_rows, self.stretch_share = scroll, whole_rows, stretch_share
        self.busy = False
        self.later = QTimer(self)
        self.later.setSingleShot(True)
        self.later.timeout.connect(self.apply)
        model = table.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.dataChanged, model.modelReset):
            signal.connect(lambda *_: self.later.start(0))
        table.installEventFilter(self)
        table.viewport().installEventFilter(self)  # narrower as a scroll bar comes beside it

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.apply()
        return False

    def apply(self) -> None:
        if self.busy:
            return
        self.busy = True
        room = self.table.viewport().width()
        try:
            self._apply()
        finally:
            self.busy = False
        if self.table.viewport().width() != room:
            # A scroll bar came or went beside the rows as they grew or shrank: again, at once.
            self.later.start(0)

    def _apply(self) -> None:
        table = self.table
        header = _header(table)
        columns = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        if not columns:
            return
        heads = {c: heading_width(table, c) for c in columns}
        needs = {c: max(heads[c], table.sizeHintForColumn(c)) for c in columns}
        # A column that wraps is never narrower than its longest word: words are never broken.
        floors = {
            c: max(heads[c], min(needs[c], _longest_word(table, c))) if c in self.shrink else needs[c]
            for c in columns
        }
        for c in columns:  # a choice box in a cell never narrower than its choice and arrow
            for index, _indent in _cells(table, c):
                box = table.indexWidget(index)
                if box is not None:
                    # The cell is the column less its grid line.
                    grid = 1 if isinstance(table, QTableView) and table.showGrid() else 0
                    floors[c] = max(floors[c], box.sizeHint().width() + grid)
                    needs[c] = max(needs[c], floors[c])
        room = table.viewport().width()
        frame = table.width() - room  # its frame, row numbers and a scroll bar beside the rows
        widths = dict(needs)
        excess = sum(needs.values()) - room
        if excess <= 0:
            widths[self.stretch] += -excess  # the spare width to the column that takes it
        else:
            widths = _capped(needs, self._stretch_floor(needs, floors, room), room)
        for c in columns:
            if header.sectionResizeMode(c) != QHeaderView.ResizeMode.Interactive:
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(c, widths[c])
        if isinstance(table, QTreeView):
            table.doItemsLayout()  # each row as tall as its text wrapped in the new widths
        elif table.wordWrap():  # text that no longer fits a line wraps onto more; rows never shorter
            usual = table.verticalHeader().defaultSectionSize()
            for row in range(table.rowCount()):
                table.setRowHeight(row, max(usual, table.sizeHintForRow(row)))
        if not self.scroll:
            # Never narrower than its headings whole: the pane around it stacks or wraps instead.
            table.setMinimumWidth(sum(floors.values()) + frame)
        if self.whole_rows:
            height = header.sizeHint().height() + 2 * table.frameWidth()
            height += sum(table.rowHeight(r) for r in range(table.rowCount()))
            if sum(widths.values()) > room:  # its own sideways scroll bar, under its last row
                height += table.horizontalScrollBar().sizeHint().height()
            table.setFixedHeight(height)

    def _stretch_floor(self, needs: dict[int, int], floors: dict[int, int], room: int) -> dict[int, int]:
        """The floors, the stretch column's raised to its share of the room (as far as its text
        needs it, and the other columns' floors leave it)."""
        if not self.stretch_share:
            return floors
        others = sum(floor for c, floor in floors.items() if c != self.stretch)
        share = min(needs[self.stretch], int(room * self.stretch_share), room - others)
        return floors | {self.stretch: max(floors[self.stretch], share)}


def share_width(
    table,
    *,
    stretch: int,
    shrink: tuple[int, ...] = (),
    scroll: bool = False,
    whole_rows: bool = False,
    stretch_share: float = 0.0,
):
    """Columns as wide as their contents, ``stretch`` taking the spare width. Where the table has
    not that width (853 px at 150% on a 1,280x720 screen), the ``shrink`` columns (and ``stretch``)
    give up width, the longest text first, down to their headings, their text wrapping onto more
    lines, rather than the table forcing the page to scroll sideways. Headings are never cut: with
    ``scroll`` the table then scrolls sideways inside itself (a table of figures, every column a
    number to read); without, it is never narrower than its headings. ``whole_rows``: the table is as tall as all its rows
    (the page around it scrolls), and its own scroll bar when it has one (a table's, not a tree's).
    ``stretch_share``: short of width, ``stretch`` keeps that share of it (where its text needs
    it) and the other ``shrink`` columns wrap first: the words a worker reads (the Plan tab's
    outcomes and actions, beside "Child and adolescent mental health services"). ``table`` may
    be a tree: its rows then grow as their text wraps."""
    _header(table).setStretchLastSection(False)
    if isinstance(table, QTreeView):
        table.setItemDelegate(_WrappedRows(table))
    return _SharedWidths(table, stretch, shrink, scroll, whole_rows, stretch_share)


class _NamesHeading(QHeaderView):
    """The names' heading, with the line at its right that the table's own heading draws between
    sections (the style leaves it off a header's only section)."""

    def initStyleOptionForIndex(self, option, logical_index: int) -> None:  # noqa: N802 (Qt's name)
        super().initStyleOptionForIndex(option, logical_index)
        option.position = QStyleOptionHeader.SectionPosition.Beginning


class _Names(QTableView):
    """``FrozenNamesTable``'s view of its names, with a firmer line down its edge while the
    figures scroll: they pass under it, and a column's last pixels beside the names read as
    going under."""

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        if not self.parentWidget().horizontalScrollBar().maximum():
            return  # the figures all in sight: an ordinary table
        rows = self.viewport()
        painter = QPainter(rows)
        painter.fillRect(rows.width() - 2, 0, 2, rows.height(), self.palette().color(QPalette.ColorRole.Dark))
        painter.end()


class FrozenNamesTable(QTableWidget):
    """A table whose first column, the rows' names, stays in place while the other columns
    scroll sideways under it (Qt's "frozen column" example): a table of figures wider than its
    pane (ethnic groups by gender at 150%) scrolled to its last column still shows which row a
    figure is in. The names stay this table's cells, so the keyboard, copying and a screen reader
    reach them as before; ``names``, a view of the same cells laid over the first column, only
    shows them, its rows and its column kept the size of the table's own."""

    def __init__(self, rows: int, columns: int, parent: QWidget | None = None) -> None:
        super().__init__(rows, columns, parent)
        names = self.names = _Names(self)
        heading = _NamesHeading(Qt.Orientation.Horizontal, names)
        heading.setSectionsClickable(True)  # as a table's own heading is made
        heading.setHighlightSections(True)
        names.setHorizontalHeader(heading)
        names.setModel(self.model())
        names.setSelectionModel(self.selectionModel())  # one selection, one current cell
        names.setFrameShape(QFrame.Shape.NoFrame)
        names.verticalHeader().hide()
        names.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        names.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        names.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        names.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        names.setSelectionMode(self.selectionMode())
        names.setSelectionBehavior(self.selectionBehavior())
        # A click on a name focuses the table (the keyboard goes on from there); Tab passes it by.
        names.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        names.setFocusProxy(self)
        names.setAccessibleName("Row names")
        self.viewport().stackUnder(names)
        self.horizontalHeader().sectionResized.connect(self._column_resized)
        self.verticalHeader().sectionResized.connect(lambda row, _old, new: names.setRowHeight(row, new))
        self.horizontalScrollBar().rangeChanged.connect(lambda *_: names.viewport().update())
        self.verticalScrollBar().valueChanged.connect(names.verticalScrollBar().setValue)
        names.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.model().columnsInserted.connect(self._only_names)
        self._only_names()
        # By the pixel: a column partly under the names can be brought just beside them.
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

    def setSelectionMode(self, mode) -> None:  # noqa: N802 (Qt's name)
        super().setSelectionMode(mode)
        self.names.setSelectionMode(mode)

    def setSelectionBehavior(self, behavior) -> None:  # noqa: N802 (Qt's name)
        super().setSelectionBehavior(behavior)
        self.names.setSelectionBehavior(behavior)

    def _only_names(self, *_) -> None:
        for column in range(self.columnCount()):
            self.names.setColumnHidden(column, column != 0)
        self._column_resized(0, 0, self.columnWidth(0))

    def _column_resized(self, column: int, _old: int, new: int) -> None:
        if column == 0:
            self.names.setColumnWidth(0, new)
            self._place()

    def _place(self) -> None:
        """Over the first column and its heading, down to the rows' end (never over the scroll
        bar beneath them)."""
        rows = self.viewport().geometry()  # inside the frame, beside the row numbers, under the heading
        header = rows.top() - self.frameWidth()
        self.names.horizontalHeader().setFixedHeight(header)
        self.names.horizontalHeader().setVisible(header > 0)
        width = min(self.columnWidth(0), rows.width())
        self.names.setGeometry(rows.left(), self.frameWidth(), width, header + rows.height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._place()

    def updateGeometries(self) -> None:  # noqa: N802 (Qt's name)
        super().updateGeometries()  # (the viewport shorter as a scroll bar comes beneath it)
        self._place()

    def scrollTo(self, index, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:  # noqa: N802
        """A name is always in sight: only the rows scroll to it. A figure is brought out from
        under the names, beside them."""
        if not index.isValid():
            return
        if index.column() == 0:
            beside = self.columnAt(self.columnWidth(0))  # the column in sight beside the names
            if beside > 0:
                super().scrollTo(index.siblingAtColumn(beside), hint)
            return
        super().scrollTo(index, hint)
        hidden = self.columnWidth(0) - self.visualRect(index).left()
        if hidden > 0:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - hidden)


SHOWS_ROWS = "ehdesk_shows_rows"  # the property the screenshot sweep checks (ui/sweep.py)
# A table whose columns are meant to fit side by side in it, never scrolling sideways (the
# caseload): the screenshot sweep reports one that does (ui/sweep.py).
FITS_WIDTH = "ehdesk_fits_width"


def show_rows(table, rows: int) -> None:
    """A table that is never squeezed below ``rows`` rows by the form beside it (the Agencies
    tab's professionals at 1,280x720): its minimum height holds the header and that many rows.
    ``table`` may be a tree (the Plan tab's outcomes and actions): its minimum holds that many
    rows of one line, and the sweep counts its rows as they are laid out, a wrapped one as tall
    as its lines (``ui/sweep.py``)."""
    if isinstance(table, QTreeView):
        # A row of one line, as the style sizes an item of text.
        option = QStyleOptionViewItem()
        option.initFrom(table)
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
        option.text = "Xg"
        item = QStyle.ContentsType.CT_ItemViewItem
        row = table.style().sizeFromContents(item, option, QSize(), table).height()
    else:
        row = table.verticalHeader().defaultSectionSize()
    never_sideways = table.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    frame = 2 * table.frameWidth()
    bar = 0 if never_sideways else table.horizontalScrollBar().sizeHint().height()
    table.setMinimumHeight(_header(table).sizeHint().height() + rows * row + frame + bar)
    table.setProperty(SHOWS_ROWS, rows)
    if isinstance(table, QTreeView):
        _TreeRowsInSight(table, rows, table.minimumHeight())


class _TreeRowsInSight(QObject):
    """A tree whose first rows wrap (a long outcome on two or three lines at 150%) keeps them whole
    in sight: its minimum grows to their laid-out height, and the page around it scrolls down
    instead (its status line above, a closed case's missed timescales, took the room). Worked out
    again after each layout of the tree, as its width decides where its rows wrap."""

    def __init__(self, tree: QTreeView, rows: int, least: int) -> None:
        super().__init__(tree)
        self._tree, self._rows, self._least = tree, rows, least
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fit)
        tree.installEventFilter(self)
        tree.expanded.connect(lambda _index: self._timer.start(0))
        self._watched = None
        self._watch(tree.model())

    def _watch(self, model) -> None:
        if model is None or model is self._watched:
            return
        self._watched = model
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
            signal.connect(lambda *_args: self._timer.start(0))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize and event.size().width() != event.oldSize().width():
            self._timer.start(0)
        return False

    def _fit(self) -> None:
        tree = self._tree
        self._watch(tree.model())
        used, shown = 0, 0
        index = tree.model().index(0, 0) if tree.model() is not None else QModelIndex()
        while index.isValid() and shown < self._rows:
            used += tree.visualRect(index).height()
            shown += 1
            index = tree.indexBelow(index)
        rows_height = tree.viewport().height()
        chrome = tree.height() - rows_height  # the header, the frame and any scroll bar
        tree.setMinimumHeight(max(self._least, chrome + used))
