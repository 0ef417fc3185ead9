"""Walks every screen of the desktop app the way a worker would and checks what a worker would
notice on a small laptop: the window never grows by itself nor needs more than the screen's free
area (853x480 on a 1,280x720 screen at 150%, where the app opens at 837x432), every button lies
inside the window and shows its whole label, no label is cut off, no page or form strip scrolls
sideways (a table may, inside itself, unless it is meant to fit: the caseload), no choice box is
narrower than its choice and arrow, a table or tree keeps in sight the rows it is meant to show,
every focusable control has a name a screen reader can say. Used by the screenshot sweep (``docs/screenshots/sweep.py``) and by the tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTabBar,
    QTreeView,
    QWidget,
)

from ehdesk.ui.widgets import FITS_WIDTH, SHOWS_ROWS, heading_lines_width

SWEEP_PASSWORD = "sweep-password-123"
SWEEP_WORKER = "Sam Sweep"


@dataclass
class Problems:
    screen: str
    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.items.append(text)


def _describe(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, QAbstractButton | QLabel):
        text = widget.text().replace("&", "")[:40]
    name = widget.accessibleName() or widget.objectName()
    return f"{type(widget).__name__}({text or name!r})"


def _scroll_viewport(widget: QWidget) -> QWidget | None:
    """The viewport of the scroll area the widget sits in (its content can be scrolled to)."""
    parent = widget.parentWidget()
    while parent is not None:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and grand.viewport() is parent:
            return parent
        parent = grand
    return None


def _clipped(widget: QWidget, top: QWidget) -> bool:
    """True if part of the widget is cut off by an ancestor (up to a scroll viewport or the window)."""
    rect = QRect(QPoint(0, 0), widget.size())
    child = widget
    parent = widget.parentWidget()
    while parent is not None:
        rect = rect.translated(child.pos())
        if (
            isinstance(parent.parentWidget(), QAbstractScrollArea)
            and parent.parentWidget().viewport() is parent
        ):
            return False  # scrolled content: reachable by scrolling
        if not QRect(QPoint(0, 0), parent.size()).adjusted(-1, -1, 1, 1).contains(rect):
            return True
        if parent is top:
            return False
        child, parent = parent, parent.parentWidget()
    return False


def _visible_widgets(top: QWidget, kind) -> Iterator:
    for widget in top.findChildren(kind):
        if widget.isVisibleTo(top) and widget.window() is top:
            yield widget


def check_fit(top: QWidget, screen: str, expected_size=None, room=None) -> Problems:
    """``room``: the free area of the screen (logical pixels) the window and its smallest size
    must fit in: 853×480 on a 1,280×720 screen at 150%."""
    problems = Problems(screen)
    if expected_size is not None and top.size() != expected_size:
        problems.add(
            f"the window changed size by itself to {top.width()}×{top.height()}"
            f" (was {expected_size.width()}×{expected_size.height()})"
        )
    if room is not None:
        # A window never shrinks below its layout's minimum: if that is larger than the screen,
        # the window grows past the screen's edge (with "Back to caseload" out of reach).
        smallest = top.minimumSizeHint().expandedTo(top.minimumSize())
        for what, size in (("the window", top.size()), ("the window's smallest size", smallest)):
            if size.width() > room.width() or size.height() > room.height():
                problems.add(
                    f"{what} is {size.width()}×{size.height()}, more than the screen's free"
                    f" {room.width()}×{room.height()}"
                )
    for button in _visible_widgets(top, QAbstractButton):
        if isinstance(button.parentWidget(), QTabBar):
            continue  # the tab bar's own scroll buttons
        if _clipped(button, top):
            problems.add(f"{_describe(button)} is cut off by the window or its panel")
        elif button.text() and button.sizeHint().width() > button.width() + 1:
            problems.add(f"{_describe(button)} is too narrow for its label")
    for label in _visible_widgets(top, QLabel):
        if not label.text() or label.wordWrap() or label.pixmap() is not None and not label.pixmap().isNull():
            continue
        if label.sizeHint().width() > label.width() + 1 and not _in_scroll(label):
            problems.add(f"{_describe(label)} is cut off ({label.width()} of {label.sizeHint().width()} px)")
    for header in _visible_widgets(top, QHeaderView):
        if header.orientation() != Qt.Orientation.Horizontal or header.model() is None:
            continue
        metrics = header.fontMetrics()
        for section in range(header.count()):
            if header.isSectionHidden(section) or header.sectionSize(section) == 0:
                continue
            text = str(header.model().headerData(section, Qt.Orientation.Horizontal) or "")
            # Room for the text plus Qt's margins (and the sort arrow where there is one).
            if text and heading_lines_width(metrics, text) + 8 > header.sectionSize(section):
                problems.add(f"column {text!r} is cut off ({header.sectionSize(section)} px)")
    for table in _visible_widgets(top, QAbstractItemView):
        if table.property(FITS_WIDTH):
            # Its columns side by side in sight: what is at its right (what is overdue, on the
            # caseload) never needs a sideways scroll to be read.
            header = table.header() if isinstance(table, QTreeView) else table.horizontalHeader()
            over = header.length() - table.viewport().width()
            if over > 0 or table.horizontalScrollBar().maximum() > 0:
                problems.add(
                    f"{_describe(table)} scrolls sideways: its columns take {header.length()} px"
                    f" of its {table.viewport().width()}"
                )
        rows = table.property(SHOWS_ROWS)
        if not rows:
            continue
        if isinstance(table, QTreeView):
            # A tree's rows are as tall as their wrapped text: count the whole ones it shows.
            whole, total = tree_rows_shown(table)
            if whole < min(rows, total):
                problems.add(
                    f"{_describe(table)} shows {whole} whole rows of {total}, fewer than {rows}"
                    f" ({table.viewport().height()} px)"
                )
        elif table.viewport().height() < rows * table.verticalHeader().defaultSectionSize():
            problems.add(f"{_describe(table)} shows fewer than {rows} rows ({table.viewport().height()} px)")
    for area in _visible_widgets(top, QScrollArea):
        # A page or a form strip that needs a sideways scroll: what is at its right is out of
        # sight, a choice box's arrow included (tables scroll sideways by design: not these,
        # but those marked FITS_WIDTH, above).
        sideways = area.horizontalScrollBar().maximum()
        if sideways > 0:
            problems.add(f"{_describe(area)} scrolls sideways by {sideways} px")
    for box in _visible_widgets(top, QComboBox):
        need = box.minimumSizeHint().width()
        if box.sizeAdjustPolicy() == QComboBox.SizeAdjustPolicy.AdjustToContents:
            # Meant to show its longest choice whole; its minimum may predate choices added since.
            need = max(need, box.sizeHint().width())
        if box.width() + 1 < need:
            problems.add(f"{_describe(box)} is narrower than its choice and arrow ({box.width()} px)")
    for bar in _visible_widgets(top, QTabBar):
        for i in range(bar.count()):
            if (
                bar.tabRect(i).width() + 1 < bar.tabSizeHint(i).width()
                and bar.elideMode() != Qt.TextElideMode.ElideNone
            ):
                problems.add(f"tab {bar.tabText(i).replace('&', '')!r} is elided")
    return problems


def tree_rows_shown(tree: QTreeView) -> tuple[int, int]:
    """How many of a tree's rows its viewport shows whole from its first, each as tall as it is
    laid out (a wrapped outcome two or three lines), and how many rows it has (its expanded
    children counted). A row cut at the viewport's foot is not counted."""
    room = tree.viewport().height()
    whole = total = used = 0
    index = tree.model().index(0, 0) if tree.model() is not None else QModelIndex()
    while index.isValid():
        total += 1
        used += tree.visualRect(index).height()
        if used <= room:
            whole += 1
        index = tree.indexBelow(index)
    return whole, total


def _in_scroll(widget: QWidget) -> bool:
    return _scroll_viewport(widget) is not None and not _clipped(widget, widget.window())


def nameless_controls(top: QWidget) -> list[str]:
    """Focusable controls a screen reader would announce with no name."""
    found = []
    for widget in _visible_widgets(top, QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or not widget.isEnabled():
            continue
        if isinstance(widget.parentWidget(), QComboBox) or widget.focusProxy() is not None:
            continue  # a combo box's line edit and proxies speak through their owner
        if isinstance(widget, QTabBar) or widget.metaObject().className() in ("QScrollBar",):
            continue  # a tab bar's tabs are named by their titles; scroll bars need no name
        if (
            isinstance(widget.parentWidget(), QAbstractScrollArea)
            and widget is widget.parentWidget().viewport()
        ):
            continue
        iface = QAccessible.queryAccessibleInterface(widget)
        name = iface.text(QAccessible.Text.Name) if iface is not None else widget.accessibleName()
        if not (name or "").strip():
            found.append(_describe(widget))
    return found


def low_contrast(top: QWidget, minimum: float = 4.5) -> list[str]:
    """Text drawn with less than ``minimum`` contrast against its background, measured on the
    rendered pixels: the background is a widget's commonest colour, its text the colour that
    stands out most from it (anti-aliased edges only ever stand out less)."""
    from array import array
    from collections import Counter

    from PySide6.QtGui import QColor, QImage

    from ehdesk.ui.style import contrast

    found = []
    widgets = [
        w for w in _visible_widgets(top, QLabel) if w.text() and (w.pixmap() is None or w.pixmap().isNull())
    ]
    widgets += [w for w in _visible_widgets(top, QAbstractButton) if w.text()]
    for widget in widgets:
        if not widget.isEnabled() or widget.width() < 4 or widget.height() < 4:
            continue  # disabled controls are exempt (WCAG 1.4.3)
        # What is really on screen there (a flat button's background is its parent's).
        seen = widget.visibleRegion().boundingRect()  # clipped by scroll areas and panels
        area = QRect(widget.mapTo(top, seen.topLeft()), seen.size()).intersected(top.rect())
        if area.width() < 4 or area.height() < widget.fontMetrics().height():
            continue  # scrolled out of sight, or only an edge in sight: no whole line of text to measure
        image = top.grab(area).toImage().convertToFormat(QImage.Format.Format_RGB32)
        pixels = array("I", bytes(image.constBits()))
        counts = Counter(pixels)
        if len(counts) < 2:
            continue
        background = QColor.fromRgb(counts.most_common(1)[0][0])
        floor = max(3, len(pixels) // 2000)
        best = max(
            (contrast(QColor.fromRgb(rgb), background) for rgb, n in counts.items() if n >= floor),
            default=0.0,
        )
        if best and best < minimum:
            found.append(f"{_describe(widget)}: {best:.2f}:1")
    return found


# -- the walk ---------------------------------------------------------------------------------


def make_sweep_profile(data_dir: Path, families: int = 24) -> None:
    """A manager's profile (so the sign-offs screen shows) with demo families that have
    everything: assessments, an agreement, a plan, meetings, sessions and readings."""
    from ehdesk.demo import generate
    from ehdesk.store import ProfileManager

    manager = ProfileManager(data_dir)
    manager.create(SWEEP_WORKER, SWEEP_PASSWORD, role="manager")
    store = manager.unlock(SWEEP_WORKER, SWEEP_PASSWORD)
    try:
        generate(store, families, seed=3)
    finally:
        store.close()


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    import time

    app = QApplication.instance()
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()
    return True


def settle() -> None:
    app = QApplication.instance()
    for _ in range(5):
        app.processEvents()


def _richest_family(window) -> str | None:
    """The open case with the longest story, so every part of the record has something to show
    (assessments, agreement, plan, meetings, sessions, readings): the longest-allocated case that
    has held its first TAF and signed its agreement (a demo case may still be waiting for either)."""
    rows = window.workspace.page.model.rows
    waiting = ("First TAF", "Early help agreement signed")
    held = [r for r in rows if r.allocated_on and not r.next_due_label.startswith(waiting)]
    if held:
        return min(held, key=lambda r: r.allocated_on).family_id
    return rows[0].family_id if rows else None


def walk(window, dialogs: bool = True) -> Iterator[tuple[str, QWidget]]:
    """Drive the window through every screen, yielding (name, the top-level widget to check)
    with the screen shown. The window must be showing the sign-in tiles with the sweep profile."""
    signin = window.signin
    signin.refresh(select=SWEEP_WORKER)
    settle()
    yield "signin", window
    if dialogs:
        from ehdesk.ui.signin.add_worker import AddWorkerDialog

        dialog = AddWorkerDialog(window)
        yield from _dialog("dialog-add-worker", dialog)
        yield from _app_dialogs(window)
    signin.password.setText(SWEEP_PASSWORD)
    signin.try_sign_in()
    if not wait_until(
        lambda: (
            window.workspace is not None
            and window.workspace.caseload_loaded
            and window.workspace.index is not None
        )
    ):
        raise RuntimeError("signing in to the sweep profile took too long")
    workspace = window.workspace
    workspace.show_caseload()
    settle()
    yield "caseload", window
    family_id = _richest_family(window)
    if family_id is not None:
        yield from _family_record(window, family_id, "family")
        # And a second demo family, the one with the longest words in its plan: the first's
        # may be all short words ("School", "Mia"), and a page that fits them may not fit
        # "Voluntary or community organisation" (the Plan tab's outcomes were squeezed to 28 px).
        wordy = _wordiest_family(window, other_than=family_id)
        if wordy is not None:
            yield from _family_record(window, wordy, "wordy-family")
    for key in list(workspace.nav_buttons):
        if key == "caseload":
            continue
        workspace.nav_buttons[key].click()
        screen = workspace.stack.currentWidget()
        _wait_loaded(screen)
        settle()
        yield key, window
        if _show_figures(screen):  # the reports, with their figures
            yield f"{key}-figures", window
        if dialogs:
            yield from _team_dialogs(key, screen)
    workspace.show_caseload()
    settle()


def _wordiest_family(window, other_than: str) -> str | None:
    """The family, other than ``other_than``, whose plan says the most in one "who" (a name and
    an agency: "Voluntary or community organisation") and then in all its outcomes and actions."""
    from sqlalchemy import select

    from ehdesk.config.pack import current_pack
    from ehdesk.models.plan import PlanAction, PlanOutcome

    pack = current_pack()
    longest: dict[str, int] = {}
    words: dict[str, int] = {}
    with window.store.session() as s:
        actions = s.execute(
            select(PlanAction.family_id, PlanAction.what, PlanAction.who_name, PlanAction.who_agency).where(
                PlanAction.deleted.is_(False)
            )
        )
        for family_id, what, name, agency in actions:
            who = ", ".join(p for p in (name, pack.label("agencies", agency) if agency else "") if p)
            longest[family_id] = max(longest.get(family_id, 0), len(who))
            words[family_id] = words.get(family_id, 0) + len(what) + len(who)
        outcomes = s.execute(
            select(PlanOutcome.family_id, PlanOutcome.what_will_be_different).where(
                PlanOutcome.deleted.is_(False)
            )
        )
        for family_id, what in outcomes:
            words[family_id] = words.get(family_id, 0) + len(what)
    others = [f for f in longest if f != other_than]
    return max(others, key=lambda f: (longest[f], words[f], f), default=None)


def _family_record(window, family_id: str, prefix: str) -> Iterator[tuple[str, QWidget]]:
    """Each tab of a family's record, and the views inside it, named ``{prefix}-{tab}``."""
    workspace = window.workspace
    workspace.open_family(family_id)
    if not wait_until(lambda: workspace.record is not None and workspace.record.is_loaded):
        raise RuntimeError("the family record took too long to open")
    record = workspace.record
    for i in range(record.tabs.count()):
        record.tabs.setCurrentIndex(i)
        page = record.tabs.widget(i)
        _wait_loaded(page)
        settle()
        title = record.tabs.tabText(i).replace("&", "").lower().replace(" ", "-")
        yield f"{prefix}-{title}", window
        yield from _inner_views(f"{prefix}-{title}", page, window)
    workspace.show_caseload()
    settle()


def _inner_views(name: str, page: QWidget, window) -> Iterator[tuple[str, QWidget]]:
    """The views inside a tab that only show after a choice: an open assessment form, a
    meeting or session record, the over-time chart."""
    summaries = getattr(page, "summaries", None)
    if summaries and hasattr(page, "open_assessment"):
        page.open_assessment(summaries[0].id)
        if wait_until(lambda: page.editor is not None, 10):
            settle()
            yield f"{name}-form", window
            page._back_to_list()
            settle()
    chooser = getattr(page, "list", None)
    if chooser is not None and hasattr(chooser, "setCurrentRow") and chooser.count():
        chooser.setCurrentRow(0)
        settle()
        yield f"{name}-record", window
    if hasattr(page, "add_outcome") and hasattr(page, "tree"):  # the plan's dialogs
        from ehdesk.ui.plan.dialogs import (
            ActionDialog,
            CloseDialog,
            OutcomeDialog,
            ReopenDialog,
            SignoffDialog,
        )

        outcomes = [
            page.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)[1]
            for i in range(page.tree.topLevelItemCount())
        ]
        yield from _dialog(f"{name}-dialog-outcome", OutcomeDialog(page))
        yield from _dialog(f"{name}-dialog-action", ActionDialog(page, outcomes=outcomes))
        yield from _dialog(
            f"{name}-dialog-close",
            CloseDialog(page, ["The closing progression reading", "The feedback form"], True),
        )
        yield from _dialog(f"{name}-dialog-signoff", SignoffDialog(page))
        yield from _dialog(f"{name}-dialog-reopen", ReopenDialog(page))
    if hasattr(page, "sign_and_freeze"):  # the agreement's confirmation before freezing
        from PySide6.QtWidgets import QMessageBox

        from ehdesk.ui.agreement.tab import FREEZE_MEANS

        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Sign and freeze the agreement?",
            FREEZE_MEANS,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            page,
        )
        yield from _dialog(f"{name}-dialog-freeze", box)
    if hasattr(page, "start_reading") and hasattr(page, "cancel_reading") and page.take_button.isEnabled():
        page.start_reading()  # the form for a reading with the family; cancelled, nothing saved
        if wait_until(lambda: page.form is not None, 10):
            settle()
            yield f"{name}-reading-form", window
            page.cancel_reading()
            settle()
    sections = getattr(page, "sections", None)
    if isinstance(sections, QTabBar):  # what a page shows in turns (the plan, then its history)
        for i in range(1, sections.count()):
            sections.setCurrentIndex(i)
            settle()
            yield f"{name}-{sections.tabText(i).replace('&', '').lower().replace(' ', '-')}", window
        sections.setCurrentIndex(0)
        settle()
    charts = getattr(page, "charts", None)
    if charts is not None and hasattr(charts, "setCurrentIndex") and charts.count() > 1:
        charts.setCurrentIndex(1)
        settle()
        yield f"{name}-over-time", window
        charts.setCurrentIndex(0)


def _show_figures(screen: QWidget) -> bool:
    show = getattr(screen, "show_button", None)
    if show is None:
        return False
    figures: list[bool] = []
    screen.loaded.connect(lambda: figures.append(True))
    show.click()
    if wait_until(lambda: bool(figures), 30):
        settle()
        return True
    return False


def _wait_loaded(widget: QWidget) -> None:
    # Feature tabs load off the UI thread; give their first load a moment to arrive.
    import time

    end = time.monotonic() + 3.0
    while time.monotonic() < end:
        QApplication.instance().processEvents()
        busy = [
            w
            for w in widget.findChildren(QLabel)
            if w.isVisibleTo(widget) and w.text().startswith(("Loading", "Opening", "Reading"))
        ]
        if not busy:
            break
        time.sleep(0.02)


def _dialog(name: str, dialog: QDialog) -> Iterator[tuple[str, QWidget]]:
    dialog.setModal(False)
    dialog.show()
    settle()
    yield name, dialog
    dialog.reject()
    dialog.deleteLater()
    settle()


def _app_dialogs(window) -> Iterator[tuple[str, QWidget]]:
    """The app-wide dialogs (settings, shortcuts) when they exist."""
    for attr, name in (
        ("make_settings_dialog", "dialog-settings"),
        ("make_shortcuts_dialog", "dialog-shortcuts"),
    ):
        make = getattr(window, attr, None)
        if make is not None:
            yield from _dialog(name, make())


def _team_dialogs(key: str, screen: QWidget) -> Iterator[tuple[str, QWidget]]:
    """The team screen's dialogs (reallocate, supervision, audit, move, triage), on its first case."""
    if not hasattr(screen, "supervise"):
        return
    from types import SimpleNamespace

    from ehdesk.casework.allocation import Worker
    from ehdesk.ui.team.dialogs import AuditDialog, MoveRequestDialog, SupervisionDialog, TriageDialog
    from ehdesk.ui.team.screen import ReallocateDialog

    # A team of its own on a local profile may have no cases yet: the dialogs are the same.
    flags = getattr(screen, "case_flags", None) or [
        SimpleNamespace(
            household_name="Okonkwo-Fitzgerald",
            reference="EH-000123",
            worker_id="w1",
            worker_name=SWEEP_WORKER,
        )
    ]
    workers = getattr(screen.data, "workers", None) or [
        Worker("w1", SWEEP_WORKER, "manager", None),
        Worker("w2", "Bernadette Oyelaran-Whitfield", "practitioner", None),
    ]
    case, me = flags[0], SWEEP_WORKER
    yield from _dialog(f"{key}-dialog-reallocate", ReallocateDialog(screen, case, workers))
    yield from _dialog(f"{key}-dialog-supervision", SupervisionDialog(screen, case.household_name, me))
    yield from _dialog(
        f"{key}-dialog-audit", AuditDialog(screen, case.household_name, me, [("a1", "1 April 2026: Good")])
    )
    yield from _dialog(
        f"{key}-dialog-move", MoveRequestDialog(screen, case.household_name, [("t2", "North team")])
    )
    yield from _dialog(f"{key}-dialog-triage", TriageDialog(screen, case.household_name, workers, me))
