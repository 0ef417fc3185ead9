"""The Progress tab driven as a worker would: take a baseline and a review reading, then read the
spider chart's series back from the chart model."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import shiboken6
from PySide6.QtCore import QDate

from ehdesk.casework import readings
from ehdesk.casework.episode_access import current_episode
from ehdesk.models import Episode, Family, Person
from ehdesk.ui.ops import for_store
from ehdesk.ui.tools.charts import line_series
from ehdesk.ui.tools.tab import ProgressTab

AREAS = [
    "health",
    "feelings",
    "safety",
    "relationships",
    "parenting",
    "learning",
    "home",
    "money",
    "work",
    "support",
]


@pytest.fixture
def family(store):
    with store.session() as s:
        family = Family(reference="EH-UI1", household_name="Nowak")
        s.add(family)
        s.flush()
        mum = Person(
            family_id=family.id, given_name="Ewa", family_name="Nowak", role="adult", gender="female"
        )
        kid = Person(
            family_id=family.id,
            given_name="Kuba",
            family_name="Nowak",
            role="child",
            gender="male",
            date_of_birth=date(2015, 4, 2),
        )
        opened = date.today() - timedelta(days=120)
        s.add_all([mum, kid, Episode(family_id=family.id, opened_on=opened, allocated_on=opened)])
        s.flush()
        return {"family": family.id, "mum": mum.id, "kid": kid.id}


def open_tab(qtbot, store, family_id) -> ProgressTab:
    tab = ProgressTab(store, family_id)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        pass
    return tab


def fill(tab: ProgressTab, values: list[int], days_ago: int, comment: str = "") -> None:
    form = tab.form
    assert form is not None
    when = date.today() - timedelta(days=days_ago)
    form.taken_on.setDate(QDate(when.year, when.month, when.day))
    next(iter(form.participants.values())).setChecked(True)
    for key, value in zip(AREAS, values, strict=True):
        form.scores[key].buttons[value].click()
    if comment:
        form.comment_boxes["home"].setText(comment)


def save(qtbot, tab: ProgressTab) -> None:
    with qtbot.waitSignal(tab.saved, timeout=5000), qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.form.save_button.click()


def test_baseline_and_review_show_as_two_series_with_their_values(qtbot, store, family):
    tab = open_tab(qtbot, store, family["family"])
    assert "No readings yet" in tab.message.text()
    baseline = [3, 4, 2, 5, 3, 6, 2, 3, 4, 5]
    review = [5, 6, 4, 6, 5, 7, 4, 4, 5, 7]

    tab.start_reading()
    assert tab.form.occasion.currentData() == "baseline"
    fill(tab, baseline, days_ago=100, comment="Damp bedroom")
    save(qtbot, tab)

    tab.start_reading()
    assert tab.form.occasion.currentData() == "review"
    fill(tab, review, days_ago=20)
    save(qtbot, tab)

    chart = tab.radar_view.chart()
    lines = line_series(chart)
    assert [s.name().split(" ")[0] for s in lines] == ["Baseline", "Review"]
    # Ten spokes, and the outline is closed back to the first spoke.
    assert [p.y() for p in lines[0].points()] == [*baseline, baseline[0]]
    assert [p.y() for p in lines[1].points()] == [*review, review[0]]
    # Told apart by colour and dash pattern, not colour alone.
    assert lines[0].pen().color() != lines[1].pen().color()
    assert lines[0].pen().style() != lines[1].pen().style()
    assert tab.table.rowCount() == 2
    # A screen reader hears the chart's values (its text alternative).
    assert f"Home {baseline[AREAS.index('home')]}" in tab.radar_view.accessibleDescription()
    tab.area_box.setCurrentIndex(tab.area_box.findData("home"))
    [home] = line_series(tab.timeline_view.chart())
    assert home.name() == "Home"
    assert tab.timeline_view.accessibleDescription().startswith("Home: 2 on ")
    assert [p.y() for p in home.points()] == [2, 4]  # baseline, then review
    tab.area_box.setCurrentIndex(0)  # all areas
    assert len(line_series(tab.timeline_view.chart())) == 10
    with store.session() as s:
        [series] = readings.family_progress(s, family["family"]).series
        assert series.readings[0].comments == {"home": "Damp bedroom"}


def test_an_incomplete_reading_is_refused_with_plain_messages(qtbot, store, family):
    tab = open_tab(qtbot, store, family["family"])
    tab.start_reading()
    tab.form.scores["home"].buttons[3].click()
    tab.form.save_button.click()
    qtbot.waitUntil(lambda: not tab.form.error_label.isHidden(), timeout=5000)
    assert "cannot be saved yet" in tab.form.error_label.text()
    assert tab.form.item_errors["health"].text() == "Health and wellbeing has no answer yet."
    assert tab.form.field_errors["participant_ids"].text() == "Say who took part in this reading."


def test_unfinished_reading_survives_flush_and_comes_back(qtbot, store, family):
    tab = open_tab(qtbot, store, family["family"])
    tab.start_reading()
    tab.form.scores["money"].buttons[8].click()
    tab.form.comment_boxes["money"].setText("New job started")
    tab.flush_pending()
    again = open_tab(qtbot, store, family["family"])
    assert again.form is not None
    assert again.form.scores["money"].value() == 8
    assert again.form.comment_boxes["money"].text() == "New job started"


def take(store, family_id, occasion, days_ago, value):
    with store.session() as s:
        episode_id = current_episode(s, family_id).id
        mum = next(m.id for m in readings.family_progress(s, family_id).members if m.role == "adult")
        data = {
            "occasion": occasion,
            "taken_on": date.today() - timedelta(days=days_ago),
            "participant_ids": [mum],
            "answers": dict.fromkeys(AREAS, value),
        }
        return readings.take_reading(s, episode_id, "family_spider", data)


def test_choosing_an_earlier_reading_adds_a_third_outline(qtbot, store, family):
    take(store, family["family"], "baseline", 100, 2)
    take(store, family["family"], "review", 60, 4)
    take(store, family["family"], "review", 10, 7)
    tab = open_tab(qtbot, store, family["family"])
    lines = line_series(tab.radar_view.chart())
    assert [line.points()[0].y() for line in lines] == [2, 7]  # baseline and latest
    tab.compare_box.setCurrentIndex(1)
    lines = line_series(tab.radar_view.chart())
    assert [line.points()[0].y() for line in lines] == [2, 4, 7]
    assert len({line.pen().style() for line in lines}) == 3
    assert len({line.pen().color().name() for line in lines}) == 3


def test_correcting_a_reading_redraws_the_chart(qtbot, store, family):
    take(store, family["family"], "baseline", 100, 2)
    tab = open_tab(qtbot, store, family["family"])
    tab.table.selectRow(0)
    tab.edit_selected()
    assert tab.form.scores["home"].value() == 2
    tab.form.scores["home"].buttons[5].click()
    save(qtbot, tab)
    [line] = line_series(tab.radar_view.chart())
    assert line.points()[AREAS.index("home")].y() == 5
    assert tab.table.rowCount() == 1


def test_the_chosen_tool_stays_chosen_after_saving(qtbot, store, family):
    take(store, family["family"], "baseline", 100, 2)
    tab = open_tab(qtbot, store, family["family"])
    tab.new_tool_box.setCurrentIndex(tab.new_tool_box.findData("child_wellbeing"))
    tab.start_reading()
    assert tab.form.subject.currentData() == family["kid"]  # the only child, chosen already
    for buttons in tab.form.scores.values():
        buttons.buttons[2].click()
    tab.form.participants[family["kid"]].setChecked(True)
    save(qtbot, tab)
    assert tab.series_box.count() == 2
    assert tab.series_box.currentText() == "Family spider graph"  # the family's tools come first
    tab.series_box.setCurrentIndex(1)
    assert tab.series_box.currentText() == "Child wellbeing scale — Kuba Nowak"
    tab.reload()
    qtbot.waitSignal(tab.loaded, timeout=5000).wait()
    assert tab.series_box.currentText() == "Child wellbeing scale — Kuba Nowak"


def test_flush_while_a_save_is_under_way_does_not_save_twice(qtbot, store, family):
    tab = open_tab(qtbot, store, family["family"])
    tab.start_reading()
    fill(tab, [5] * 10, days_ago=3)
    tab.form.occasion.setCurrentIndex(tab.form.occasion.findData("other"))  # may be taken any number of times
    with qtbot.waitSignal(tab.saved, timeout=5000):
        tab.form.save_button.click()  # saving in the background ...
        tab.flush_pending()  # ... when the laptop locks
    with store.session() as s:
        [series] = readings.family_progress(s, family["family"]).series
        assert len(series.readings) == 1


def test_results_arriving_after_the_tab_closed_are_ignored(qtbot, store, family):
    tab = ProgressTab(store, family["family"])  # starts loading at once
    tab.deleteLater()
    qtbot.wait(50)  # the deletion happens ...
    for_store(store).flush()
    qtbot.wait(50)  # ... and the load result arrives for a widget that is gone, without error
    assert not shiboken6.isValid(tab)
