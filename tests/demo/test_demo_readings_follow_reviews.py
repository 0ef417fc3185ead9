"""A demo case's progression readings tell the story its TAF reviews tell, as a manager or a
trainer reading the Progress tab's chart beside the meetings would expect: the reading a review
was completed on moves the way the review went, and the closing reading the way the case closed."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from ehdesk import demo
from ehdesk.models import Reading
from ehdesk.models.closure import EpisodeClosure
from ehdesk.models.meeting import Meeting

TODAY = date(2026, 6, 1)
# Each tool's overall score, and how far it may move for "no change": a point net over the areas
# (the spider's is their average over ten areas, the wellbeing scale's their sum).
OVERALL = {"family_spider": ("overall", 0.1), "child_wellbeing": ("total", 1.0)}
WENT = {"positive_change": "up", "no_change": "level", "deterioration": "down"}
# How the closing reading moves, by why the case closed (other reasons may go any way).
CLOSED = {"goals_achieved": "up", "no_progress_no_risk": "level", "stepped_up": "down"}


def _went(tool_id: str, before: Reading, after: Reading) -> tuple[str, float]:
    key, band = OVERALL[tool_id]
    change = after.scores["subscales"][key] - before.scores["subscales"][key]
    return ("up" if change > band + 1e-9 else "down" if change < -band - 1e-9 else "level"), change


def _demo(store, families: int, seed: int):
    demo.generate(store, families, seed=seed, today=TODAY)
    with store.session() as s:
        meetings = defaultdict(list)
        for m in s.scalars(select(Meeting).where(Meeting.status == "completed")):
            meetings[m.episode_id].append(m)
        series = defaultdict(list)
        for r in s.scalars(select(Reading).where(Reading.deleted.is_(False))):
            series[(r.episode_id, r.tool_id, r.subject_person_id)].append(r)
        closures = {c.episode_id: c.reason for c in s.scalars(select(EpisodeClosure))}
    for found in series.values():
        found.sort(key=lambda r: (r.taken_on, r.created_at))
    return meetings, series, closures


def test_each_review_reading_moves_the_way_the_review_went_and_the_closing_reading_as_the_case_closed(
    store,
):
    """The demo scored its readings apart from its meetings: a review could record "positive
    change" while the spider graph taken for it fell, or "deterioration" while it rose (about one
    review in nine had the reading going the opposite way, and most "no change" reviews had it
    rising). Now, for every TAF review, the latest reading since the meeting before it (the one
    the review was completed on) changed from the reading before it the way the review went: up
    for a positive change, down for deterioration, within a point net over the areas for no
    change; and a closing reading rose for goals achieved, stayed level for no progress and fell
    before a step up. Both tools, the family's spider graph and a child's wellbeing scale."""
    meetings, series, closures = _demo(store, 80, seed=3)
    wrong, checked, closings = [], defaultdict(int), defaultdict(int)
    for (episode_id, tool_id, _), readings in series.items():
        held = sorted(meetings.get(episode_id, []), key=lambda m: m.held_on)
        for i, meeting in enumerate(held):
            if meeting.kind != "taf_review":
                continue
            since = held[i - 1].held_on
            seen = [k for k, r in enumerate(readings) if since < r.taken_on <= meeting.held_on]
            if not seen or seen[-1] == 0:
                continue  # taken late (the manager let the review stand), or the baseline itself
            k = seen[-1]
            went, change = _went(tool_id, readings[k - 1], readings[k])
            checked[meeting.review_outcome] += 1
            if went != WENT[meeting.review_outcome]:
                wrong.append((tool_id, meeting.review_outcome, round(change, 2)))
        for k, reading in enumerate(readings):
            reason = closures.get(episode_id)
            if reading.occasion == "closure" and k and reason in CLOSED:
                went, change = _went(tool_id, readings[k - 1], reading)
                closings[reason] += 1
                if went != CLOSED[reason]:
                    wrong.append((tool_id, f"closed: {reason}", round(change, 2)))
    assert wrong == []
    # The rule was met by reviews of every outcome, and by closings of every kind it names.
    assert min(checked[o] for o in WENT) >= 5, checked
    assert set(closings) == set(CLOSED), closings


def test_the_areas_the_plan_is_about_move_most_and_not_every_area_moves(store):
    """A reading that moves with a review moves believably: the areas linked to the plan's
    outcomes move most, most readings leave some areas where they were, and every score stays on
    the tool's scale."""
    from ehdesk.config.pack import current_pack
    from ehdesk.demo.readings import LINKED_AREAS
    from ehdesk.models.plan import PlanOutcome

    meetings, series, _ = _demo(store, 60, seed=4)
    pack = current_pack()
    need_of = {pack.label("presenting_factors", need): need for need in LINKED_AREAS["family_spider"]}
    with store.session() as s:
        needs = defaultdict(set)
        for outcome in s.scalars(select(PlanOutcome)):
            needs[outcome.episode_id].add(need_of[outcome.linked_need])
    moved = {True: [], False: []}  # by linked or not: how far each area moved, at each reading
    some_left = readings_moved = 0
    for (episode_id, tool_id, _), readings in series.items():
        if tool_id != "family_spider":
            continue
        linked = {a for need in needs[episode_id] for a in LINKED_AREAS[tool_id][need]}
        assert all(1 <= v <= 10 for r in readings for v in r.item_scores.values())
        for before, after in zip(readings, readings[1:], strict=False):
            changes = {a: abs(after.item_scores[a] - v) for a, v in before.item_scores.items()}
            for area, change in changes.items():
                moved[area in linked].append(change)
            readings_moved += 1
            some_left += any(change == 0 for change in changes.values())
    assert readings_moved > 50
    mean = {key: sum(values) / len(values) for key, values in moved.items()}
    assert mean[True] > 2 * mean[False], mean
    assert some_left > readings_moved * 0.8


def test_a_review_on_the_closing_day_finds_what_the_closing_reading_finds():
    """Where the closing reading is the one the last review was completed on (the review was held
    on the closing day), the review's outcome is the closing reading's change."""
    from ehdesk.demo.fates import Course
    from ehdesk.demo.readings import _changes

    first, last = date(2026, 1, 5), date(2026, 3, 2)
    plan = [("baseline", first - timedelta(days=3)), ("closure", last - timedelta(days=2))]
    course = Course(["no_change"], "positive_change")
    assert _changes(random.Random(1), plan, [first, last], course) == ["", "positive_change"]
    assert course.reviews == ["positive_change"]


def test_a_move_keeps_to_the_scale_and_shows_the_change():
    """However low or high the scores start, a moved reading stays on the tool's scale and its
    total shows the change: up or down by at least two points where there is room, or within one
    either way."""
    from ehdesk.demo.readings import DIRECTION, ToolKit, _move

    rng = random.Random(2)
    kit = ToolKit.load()
    for tool in (kit.spider, kit.wellbeing):
        ids = [i.id for i in tool.items]
        low, high = tool.scale.min, tool.scale.max
        for _ in range(300):
            start = rng.choice([low, high, None])  # all at the bottom, all at the top, anywhere
            before = {i: start if start is not None else rng.randint(low, high) for i in ids}
            linked = set(rng.sample(ids, rng.randint(0, 4)))
            for change, sign in DIRECTION.items():
                after = _move(rng, tool, before, change, linked, rng.choice([0.0, 0.6]))
                assert all(low <= v <= high for v in after.values())
                total = sum(after.values()) - sum(before.values())
                room = sum(high - v if sign > 0 else v - low for v in before.values())
                if sign:  # (all at the top cannot go up)
                    assert total * sign >= min(2, room)
                else:
                    assert abs(total) <= 1
