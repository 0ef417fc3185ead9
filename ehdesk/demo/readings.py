"""Demo progression readings: a baseline before the first TAF meeting, a reading before each TAF
review (a few cases miss one: taken after the meeting), and a closing reading for cases headed for
closing. Each reading moves the way the review it was taken for went (up for a positive change,
about level for no change, down for deterioration; the case's ``Course`` holds the outcomes, which
the meetings record), and the closing reading the way the case closed, so the Progress tab's chart
and the meetings tell the same story. Each is recorded through ``casework.readings.take_reading``
on its day, so the engine checks and scores it as it would a worker's."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from ehdesk.casework.readings import take_reading
from ehdesk.demo.fates import Course, Fate
from ehdesk.forms.tools import registry
from ehdesk.forms.tools.schema import ToolDef
from ehdesk.models import Episode, Person

# What the family say of an area of the spider graph, as it went since the last reading (the
# baseline's say what is hard).
COMMENTS = {
    "home": {
        "worse": ("Damp in the children's bedroom", "The landlord wants the flat back"),
        "better": ("Moved to a bigger flat", "Landlord has fixed the heating"),
    },
    "money": {
        "worse": ("Rent arrears worrying us", "Universal Credit was stopped for a month"),
        "better": ("Budgeting plan is helping", "Universal Credit sorted now"),
    },
    "learning": {
        "worse": ("Struggling with the school run", "Late for school most mornings again"),
        "better": ("Attendance has picked up", "Nursery place started"),
    },
    "feelings": {
        "worse": ("Mum feeling low", "More arguments at bedtime"),
        "better": ("Counselling has helped", "Fewer arguments at bedtime"),
    },
}


def _dates(
    rng: random.Random, episode: Episode, fate: Fate | None, today: date, meetings: list[tuple[str, date]]
) -> list[tuple[str, date]]:
    """When readings were taken: before the first TAF and before each review (as the guidance
    asks; a few cases miss one), and at closure. Without meetings, on a 9–12 week rhythm."""
    start = episode.allocated_on or episode.opened_on
    end = fate.closes_on if fate else today
    taken: list[tuple[str, date]] = []
    if meetings:
        for index, (_, held_on) in enumerate(meetings):
            if held_on > end:
                break
            before = held_on - timedelta(days=rng.randint(1, 12))
            if rng.random() < 0.07:  # missed: taken late, after the meeting
                before = held_on + timedelta(days=rng.randint(3, 20))
            earliest = taken[-1][1] + timedelta(days=1) if taken else episode.opened_on
            day = min(max(before, earliest), end)
            if day < earliest:
                break
            taken.append(("baseline" if index == 0 else "review", day))
    else:
        if rng.random() < 0.08:  # some cases missed the baseline before the first TAF
            start += timedelta(days=rng.randint(45, 70))
        day = start + timedelta(days=rng.randint(3, 30))
        if day > end:
            return taken
        taken.append(("baseline", day))
        while True:
            day += timedelta(days=rng.randint(63, 84))
            if day >= end - timedelta(days=10):
                break
            taken.append(("review", day))
    if taken and fate is not None and rng.random() < 0.9:
        # After the last TAF (where it can be), so it is the closing reading, not the last review's.
        last = max([taken[-1][1], *(on for _, on in meetings if on <= end)])
        closing = max(end - timedelta(days=rng.randint(0, 7)), last + timedelta(days=1))
        if closing <= end:
            taken.append(("closure", closing))
        elif len(taken) > 1:  # the last review was on the closing day: it was the closing reading
            taken[-1] = ("closure", taken[-1][1])
    return taken


# Which areas of each tool a plan outcome (by the need it is linked to) is about: they start low
# and move most from reading to reading; the other areas move now and then, either way.
LINKED_AREAS = {
    "family_spider": {
        "school_attendance": ("learning", "parenting"),
        "parental_mental_health": ("feelings", "health", "support"),
        "parenting": ("parenting", "relationships", "safety"),
        "child_mental_health": ("feelings", "relationships"),
        "finance": ("money", "home", "work"),
    },
    "child_wellbeing": {
        "school_attendance": ("school",),
        "parental_mental_health": ("safe",),
        "parenting": ("sleep", "cross"),
        "child_mental_health": ("worry", "happy", "talk"),
        "finance": ("myself",),
    },
}
# How a reading moves from the one before, by the change it shows (a review's outcome): the
# tool's areas added up (each the better way up) rise by at least MOVES_AT_LEAST points for a
# positive change, fall by as much for deterioration, and stay within LEVEL either way for no change.
DIRECTION = {"positive_change": 1, "no_change": 0, "deterioration": -1}
MOVES_AT_LEAST = 2
LEVEL = 1
# ... and by at most this share of the scale, on average over the areas, to reach ``at_least``.
MOVES_AT_MOST = 0.3
# The closing reading of a case that met its goals reaches at least a share of the way up the
# tool's scale, on average over its areas, drawn from this range: "getting there" at least, never
# "many areas are hard", and for some "mostly managing".
GOALS_MET_AT_LEAST = (0.45, 0.7)
# The change of a reading no review looks at (a case with no TAF yet scores on its own rhythm).
ANY_CHANGE = (6, 3, 1)


def _start(rng: random.Random, tool: ToolDef, linked: set[str]) -> dict[str, int]:
    """The baseline: low in the areas the plan is about, middling to low elsewhere."""
    answers = {}
    for item in tool.items:
        scale = tool.scale_of(item)
        share = rng.uniform(0.1, 0.4) if item.id in linked else rng.uniform(0.2, 0.65)
        answers[item.id] = round(scale.min + (scale.max - scale.min) * share)
    return answers


def _move(
    rng: random.Random,
    tool: ToolDef,
    before: dict[str, int],
    change: str,
    linked: set[str],
    at_least: float = 0.0,
) -> dict[str, int]:
    """The next reading's answers (each the better way up), moved from ``before`` the way
    ``change`` goes: most of the areas the plan is about move that way (by less, and less often,
    as they near the end of the scale), a few others move a point, mostly the same way, and the
    total is then nudged until it shows the change (see MOVES_AT_LEAST and LEVEL) and, going up,
    reaches ``at_least`` (a share of the way up the scale, on average). Every answer stays on the
    tool's scale."""
    sign = DIRECTION[change]
    after = dict(before)
    for item in tool.items:
        scale = tool.scale_of(item)
        span = scale.max - scale.min
        value = before[item.id]
        room = (scale.max - value if sign > 0 else value - scale.min) / span
        if sign and item.id in linked:
            if room and rng.random() < 0.35 + room:
                value += sign * (2 if span >= 9 and rng.random() < room else 1)
        elif rng.random() < (0.3 if sign else 0.2):  # another area moves a point, mostly with the rest
            value += (sign if rng.random() < 0.75 else -sign) if sign else rng.choice((-1, 1))
        after[item.id] = max(scale.min, min(scale.max, value))
    total = sum(after.values()) - sum(before.values())

    def nudge(step: int, movable) -> bool:
        """Move one area a point (an area the plan is about, where one can move)."""
        found = [i for i in tool.items if movable(i)]
        near = [i for i in found if i.id in linked] or found
        if near:
            after[near[rng.randrange(len(near))].id] += step
        return bool(near)

    if sign:
        needed = MOVES_AT_LEAST
        if sign > 0 and at_least:
            scales = [tool.scale_of(i) for i in tool.items]
            floor = math.ceil(sum(s.min + (s.max - s.min) * at_least for s in scales)) - sum(before.values())
            most = int(sum(s.max - s.min for s in scales) * MOVES_AT_MOST)
            needed = max(needed, min(floor, most))
        on_scale = lambda i: tool.scale_of(i).min <= after[i.id] + sign <= tool.scale_of(i).max  # noqa: E731
        while total * sign < needed and nudge(sign, on_scale):
            total += sign
    else:
        while abs(total) > LEVEL:
            back = -1 if total > 0 else 1  # one point back in an area that moved the way the total did
            if not nudge(back, lambda i, back=back: (after[i.id] - before[i.id]) * back < 0):
                break
            total += back
    return after


def _serves(days: list[date], held: list[date]) -> tuple[list[int | None], set[int]]:
    """For each reading, the TAF review it was taken for (an index into ``held``), or None; and
    the readings a review sees. A review sees the latest reading since the meeting before it
    (``casework.meetings``' rule); a reading no review sees was taken late for the review before
    it."""
    serves: list[int | None] = [None] * len(days)
    for j in range(1, len(held)):
        inside = [k for k, day in enumerate(days) if held[j - 1] < day <= held[j]]
        if inside and inside[-1] > 0:
            serves[inside[-1]] = j
    seen = {k for k, j in enumerate(serves) if j is not None}
    for k in range(1, len(days)):
        if k not in seen:
            before = [j for j, on in enumerate(held) if on < days[k]]
            serves[k] = before[-1] if before and before[-1] > 0 else None
    return serves, seen


def _changes(rng: random.Random, plan: list[tuple[str, date]], held: list[date], course: Course) -> list[str]:
    """How each reading moves from the one before ("" for the first): with the review it was
    taken for, the closing reading as the case closed, any other with ANY_CHANGE. Where the
    closing reading is also the one a review sees (the review was held on the closing day), that
    review finds what the closing reading finds: ``course`` is updated."""
    serves, seen = _serves([day for _, day in plan], held)
    changes = [""]
    for k in range(1, len(plan)):
        review = serves[k]
        if plan[k][0] == "closure" and course.closing:
            if k in seen and review is not None:
                course.reviews[review - 1] = course.closing
            changes.append(course.closing)
        elif review is not None:
            changes.append(course.reviews[review - 1])
        else:
            changes.append(rng.choices(tuple(DIRECTION), ANY_CHANGE)[0])
    return changes


def _reverse(tool: ToolDef, answers: dict[str, int]) -> dict[str, int]:
    # The walk moves every item "upwards = better"; reverse-worded items are answered the other way.
    out = {}
    for item in tool.items:
        scale = tool.scale_of(item)
        out[item.id] = scale.min + scale.max - answers[item.id] if item.reverse else answers[item.id]
    return out


@dataclass(frozen=True)
class ToolKit:
    """The tools the demo scores: the family spider, and the child wellbeing scale for some
    older children."""

    spider: ToolDef
    wellbeing: ToolDef

    @classmethod
    def load(cls) -> ToolKit:
        tools = registry.available()
        return cls(tools.get("family_spider"), tools.get("child_wellbeing"))


def _comment(rng: random.Random, before: dict[str, int] | None, after: dict[str, int]) -> dict[str, str]:
    """Half the family's spider readings carry a comment: at the baseline on what is hard, later
    on an area that moved, the way it moved."""
    if rng.random() >= 0.5:
        return {}
    if before is None:
        area = rng.choice(sorted(COMMENTS))
        return {area: rng.choice(COMMENTS[area]["worse"])}
    moved = [area for area in sorted(COMMENTS) if after[area] != before[area]]
    if not moved:
        return {}
    area = rng.choice(moved)
    return {area: rng.choice(COMMENTS[area]["better" if after[area] > before[area] else "worse"])}


def take_readings(
    session: Session,
    rng: random.Random,
    episode: Episode,
    fate: Fate | None,
    today: date,
    held: list[date],
    course: Course,
    needs: list[str],
    members: list[Person],
    worker: tuple[str, str],
    tools: ToolKit,
) -> None:
    """Score the case's tools through ``casework.readings.take_reading``, each on its day: a
    baseline before the first TAF, one before each review (``held``: the TAF dates), one at
    closing. Each moves as ``course`` says the review it was taken for (or the closing) went, the
    areas linked to the plan's outcomes (``needs``) most."""
    meetings = [("initial_taf" if i == 0 else "taf_review", on) for i, on in enumerate(held)]
    plan = _dates(rng, episode, fate, today, meetings)
    if not plan:
        return
    changes = _changes(rng, plan, held, course)
    members = sorted(members, key=lambda p: (p.role, p.relationship, p.given_name))
    adults = [p.id for p in members if p.role == "adult"]
    jobs: list[tuple[ToolDef, Person | None]] = [(tools.spider, None)]
    child = next((p for p in members if p.id == episode.lead_child_id), None)
    if child and child.date_of_birth and (today - child.date_of_birth).days > 8 * 365 and rng.random() < 0.35:
        jobs.append((tools.wellbeing, child))
    for tool, subject in jobs:
        areas = LINKED_AREAS.get(tool.id, {})
        linked = {area for need in needs for area in areas.get(need, ())}
        before: dict[str, int] | None = None
        for (occasion, taken_on), change in zip(plan, changes, strict=True):
            if before is None:
                raw = _start(rng, tool, linked)
            else:
                met = occasion == "closure" and fate is not None and fate.reason == "goals_achieved"
                at_least = rng.uniform(*GOALS_MET_AT_LEAST) if met else 0.0
                raw = _move(rng, tool, before, change, linked, at_least)
            comments = _comment(rng, before, raw) if subject is None else {}
            before = raw
            participants = adults[: rng.randint(1, max(len(adults), 1))]
            take_reading(
                session,
                episode.id,
                tool.id,
                {
                    "occasion": occasion,
                    "taken_on": taken_on,
                    "subject_person_id": subject.id if subject else None,
                    "participant_ids": [subject.id] if subject else participants,
                    "answers": _reverse(tool, raw) if subject else raw,
                    "comments": comments,
                },
                tool_version=tool.version,
                taken_by_name=worker[1],
                today=taken_on,
            )
