"""A mouse wheel turned over a drop-down, date box or number box the worker has not clicked into
scrolls the page and changes nothing: scrolling the Case tab at 150% with the pointer passing over
"Their role" used to change it, and the form saves as it goes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from ehdesk.ui.inputs import ChoiceBox, DateBox, NumberBox
from ehdesk.ui.widgets import ScrollingTabs
from tests.ui.test_plan_tabs import family  # noqa: F401  (the fixture)

UI = Path(__file__).resolve().parents[2] / "ehdesk" / "ui"
# Qt's boxes that step with the wheel: each is made from its counterpart in ehdesk/ui/inputs.py.
WHEEL_STEPPED = {
    "QComboBox",
    "QFontComboBox",
    "QDateEdit",
    "QTimeEdit",
    "QDateTimeEdit",
    "QSpinBox",
    "QDoubleSpinBox",
}


def turn_wheel_over(widget: QWidget, notches: int = -3) -> None:
    """A wheel turned ``notches`` (down when negative) over the widget's middle, delivered through
    its window as the system delivers one (so Qt hands it on to the page when the box ignores it)."""
    top = widget.window()
    QTest.wheelEvent(
        top.windowHandle(), QPointF(widget.mapTo(top, widget.rect().center())), QPoint(0, 120 * notches)
    )
    QApplication.processEvents()


def test_the_wheel_over_the_case_tabs_role_scrolls_the_page_and_leaves_the_role(qtbot, store, family):  # noqa: F811
    from ehdesk.ui.family.case_forms import EpisodeForm

    form = EpisodeForm(store, family)
    tabs = ScrollingTabs()
    tabs.addTab(form, "Case")
    qtbot.addWidget(tabs)
    form.show_episode(None, None)
    tabs.resize(700, 260)  # shorter than the form: the page scrolls, as the Case tab does at 150%
    tabs.show()
    qtbot.waitExposed(tabs)
    role = form.form.fields["lead_professional_role"]
    chosen = role.currentText()
    area = tabs.findChild(QScrollArea)
    scroll = area.verticalScrollBar()
    assert scroll.maximum() > 0

    turn_wheel_over(role)
    assert role.currentText() == chosen
    assert not role.hasFocus()
    assert scroll.value() > 0, "the page did not scroll"

    # Clicked into, the wheel changes the choice as in any Qt app.
    role.setFocus()
    qtbot.waitUntil(role.hasFocus)
    area.ensureWidgetVisible(role)
    turn_wheel_over(role)
    assert role.currentText() != chosen


@pytest.mark.parametrize("make", [ChoiceBox, DateBox, NumberBox])
def test_each_box_steps_with_the_wheel_only_once_clicked_into(qtbot, make):
    page = QWidget()
    layout = QVBoxLayout(page)
    box = make()
    if isinstance(box, ChoiceBox):
        box.addItems(["one", "two", "three"])
    elif isinstance(box, NumberBox):
        box.setRange(0, 10)
        box.setValue(5)
    typing = QLineEdit()  # where the worker is typing: the box does not have focus
    layout.addWidget(typing)
    layout.addWidget(box)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    typing.setFocus()
    qtbot.waitUntil(typing.hasFocus)

    def value():
        return box.currentIndex() if isinstance(box, ChoiceBox) else box.text()

    before = value()
    turn_wheel_over(box)
    assert value() == before
    assert not box.hasFocus(), "the wheel gave the box focus"
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    turn_wheel_over(box, notches=-1 if isinstance(box, ChoiceBox) else 1)  # down the list; up a step
    assert value() != before


def test_every_such_box_in_the_app_is_made_from_the_ones_that_leave_the_wheel_to_the_page():
    made_directly = []
    for path in sorted(UI.rglob("*.py")):
        if path.name == "inputs.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Call):
                names = [node.func]
            elif isinstance(node, ast.ClassDef):
                names = node.bases
            for name in names:
                label = name.id if isinstance(name, ast.Name) else getattr(name, "attr", "")
                if label in WHEEL_STEPPED:
                    made_directly.append(f"{path.relative_to(UI)}:{node.lineno} {label}")
    assert made_directly == []
