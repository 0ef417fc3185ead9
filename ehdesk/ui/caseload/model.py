"""The caseload table: one row per family shown (the worker's open cases, or search results)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont

from ehdesk.casework.caseload import CaseloadRow
from ehdesk.config.dates import show_date
from ehdesk.ui.style import warning_colour

COLUMNS = ("Family", "Reference", "Lead child", "Level", "Allocated", "Next due", "When")
FAMILY_ID_ROLE = Qt.ItemDataRole.UserRole + 2
# Roles as plain ints: the view passes ints, and turning each into an enum (Python's enum call,
# about 900 times a keystroke) cost more than the rest of data().
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_FONT = Qt.ItemDataRole.FontRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
# Texts made for a row, kept across refreshes (a keystroke shows mostly the rows it showed
# before); emptied when it grows past this.
TEXTS_KEPT = 20_000


@dataclass(frozen=True)
class Row:
    family_id: str
    household_name: str
    reference: str
    lead_child: str = ""
    level_of_need: int | None = None
    level_label: str = ""
    allocated_on: date | None = None
    next_due_label: str = ""
    next_due_on: date | None = None
    overdue: bool = False
    on_caseload: bool = True
    members: str = ""
    overdue_actions: int = 0
    flags: tuple[str, ...] = ()
    anything_overdue: bool = False  # (``CaseloadRow.anything_overdue``)

    @classmethod
    def from_caseload(cls, r: CaseloadRow) -> Row:
        return cls(
            r.family_id,
            r.household_name,
            r.reference,
            r.lead_child,
            r.level_of_need,
            r.level_label,
            r.allocated_on,
            r.next_due_label,
            r.next_due_on,
            r.overdue,
            overdue_actions=r.overdue_actions,
            flags=r.flags,
            anything_overdue=r.anything_overdue,
        )


class CaseloadModel(QAbstractTableModel):
    """Rows are filtered and sorted here in Python, in one go: a sort proxy would call back into
    Python thousands of times per keystroke, which is what made typing feel slow."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.all_rows: list[Row] = []
        self.rows: list[Row] = []
        self._texts: dict[int, tuple[str, ...]] = {}
        self._texts_by_row: dict[Row, tuple[str, ...]] = {}
        self.mode = "all"
        # Each family's reference on a second line under its name (the page's rows of two lines,
        # where the Reference column has no room).
        self.reference_under_name = False
        self.sort_column = 6
        self.sort_order = Qt.SortOrder.AscendingOrder
        self._warning = warning_colour()
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: list[Row]) -> None:
        self.all_rows = rows
        self._refresh()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self._refresh()

    def set_reference_under_name(self, on: bool) -> None:
        if on == self.reference_under_name:
            return
        self.reference_under_name = on
        self._texts, self._texts_by_row = {}, {}
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self._refresh()

    def _accepts(self, row: Row) -> bool:
        if self.mode == "overdue":
            return row.anything_overdue
        if self.mode.startswith("level:"):
            return row.level_of_need == int(self.mode.split(":")[1])
        return True

    def _refresh(self) -> None:
        self.beginResetModel()
        column = self.sort_column
        rows = [r for r in self.all_rows if self._accepts(r)]
        rows.sort(
            key=lambda r: (self._sort_key(r, column), r.household_name.casefold()),
            reverse=self.sort_order == Qt.SortOrder.DescendingOrder,
        )
        self.rows = rows
        self._texts: dict[int, tuple[str, ...]] = {}
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=_DISPLAY):
        # Called for every role of every visible cell on each repaint: roles we do not use return
        # at once and texts are made once per row, so typing in the search box stays quick.
        if role.__class__ is not int:
            role = role.value  # an enum from our own code (or a test)
        if role == _DISPLAY or role == _ACCESSIBLE:
            r = index.row()
            texts = self._texts.get(r)
            if texts is None:
                texts = self._texts[r] = self._row_texts(self.rows[r])
            return texts[index.column()]
        if role == _FOREGROUND or role == _FONT:
            # "When" is marked when the next thing due is late; "Next due" when anything is,
            # a plan action past its date included (it says so in words there).
            column = index.column()
            if column == 6:
                late = self.rows[index.row()].overdue
            elif column == 5:
                late = self.rows[index.row()].anything_overdue
            else:
                return None
            if late:
                return self._warning if role == _FOREGROUND else self._bold
            return None
        if role == FAMILY_ID_ROLE:
            return self.rows[index.row()].family_id
        if role == _TOOLTIP and index.column() == 0:
            return self.rows[index.row()].members or None
        return None

    def _row_texts(self, row: Row) -> tuple[str, ...]:
        texts = self._texts_by_row.get(row)
        if texts is None:
            if len(self._texts_by_row) > TEXTS_KEPT:
                self._texts_by_row.clear()
            texts = tuple(self._text(row, c) for c in range(len(COLUMNS)))
            if self.reference_under_name and row.reference:
                texts = (f"{texts[0]}\n{row.reference}", *texts[1:])
            self._texts_by_row[row] = texts
        return texts

    @staticmethod
    def _text(row: Row, col: int) -> str:
        if col == 0:
            return row.household_name
        if col == 1:
            return row.reference
        if col == 2:
            return row.lead_child if row.on_caseload else row.members
        if col == 3:
            return str(row.level_of_need) if row.level_of_need else ""
        if col == 4:
            return f"{show_date(row.allocated_on)}" if row.allocated_on else ""
        if col == 5:
            if not row.on_caseload:
                return "Not on your caseload"
            extra = [*row.flags]
            if row.overdue_actions:
                late = f"{row.overdue_actions} plan {'action' if row.overdue_actions == 1 else 'actions'} overdue"
                if not row.overdue:
                    # What is late comes first: it is why the row is marked, and a cell cut to
                    # one line at 100% would otherwise cut exactly that.
                    return " · ".join([late, row.next_due_label, *extra])
                extra.append(late)
            return " · ".join([row.next_due_label, *extra]) if extra else row.next_due_label
        if col == 6:
            if row.next_due_on is None:
                return ""
            # Overdue is said in words and marked with a symbol, not only with colour.
            return (
                f"⚠ Overdue since {show_date(row.next_due_on)}"
                if row.overdue
                else f"{show_date(row.next_due_on)}"
            )
        return ""

    @staticmethod
    def _sort_key(row: Row, col: int):
        if col in (4, 6):
            value = row.allocated_on if col == 4 else row.next_due_on
            return (value or date.max).toordinal()
        if col == 3:
            return row.level_of_need or 0
        return CaseloadModel._text(row, col).casefold()
