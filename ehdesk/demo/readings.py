"""Demo progression readings: a baseline before the first TAF meeting, a reading before each TAF
review (a few cases miss one: taken after the meeting), and a closing reading for cases headed for
closing, with change that is mostly upward, sometimes flat, occasionally backwards. Each is
recorded through ``casework.readings.take_reading`` on its day, so the engine checks and scores it
as it would a worker's."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from ehdesk.casework.readings import take_reading
from ehdesk.demo.fates import Fate
from ehdesk.forms.tools import registry
from ehdesk.forms.tools.schema import ToolDef
from ehdesk.models import Episode, Person

COMMENTS = {
    "home": ["Damp in the children's bedroom", "Moved to a bigger flat", "Landlord has fixed the heating"],
    "money": ["Rent arrears worrying us", "Budgeting plan is helping", "Universal Credit sorted now"],
    "learning": ["Attendance has picked up", "Struggling with the school run", "Nursery place started"],
    "feelings": ["Mum feeling low", "Counselling has helped", "Fewer arguments at bedtime"],
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
        closing = max(end - timedelta(days=rng.randint(0, 7)), taken[-1][1] + timedelta(days=1))
        if closing <= end:
            taken.append(("closure", closing))
        elif len(taken) > 1:  # the last review was on the closing day: it was the closing reading
            taken[-1] = ("closure", taken[-1][1])
    return taken


# How a family's scores move, reading to reading, with how often each happens: by where the case
# is headed, so a case closed with its goals achieved reads as better and one closed for lack of
# progress does not (one draw whatever the weights, so the seed's story is otherwise unchanged).
TRENDS = (1.0, 0.4, 0.0, -0.5)
TREND_WEIGHTS = {
    "goals_achieved": (70, 30, 0, 0),
    "no_progress_no_risk": (0, 15, 55, 30),
    "stepped_up": (0, 15, 40, 45),
}
ANY_TREND = (55, 25, 12, 8)


def _walk(rng: random.Random, tool: ToolDef, count: int, fate: Fate | None = None) -> list[dict[str, int]]:
    """Answers for ``count`` readings: a start per item, then a family-wide trend with noise."""
    trend = rng.choices(TRENDS, TREND_WEIGHTS.get(fate.reason, ANY_TREND) if fate else ANY_TREND)[0]
    values: list[dict[str, int]] = []
    current: dict[str, float] = {}
    for item in tool.items:
        scale = tool.scale_of(item)
        span = scale.max - scale.min
        current[item.id] = scale.min + span * rng.uniform(0.1, 0.55)
    for _ in range(count):
        answers = {}
        for item in tool.items:
            scale = tool.scale_of(item)
            step = (scale.max - scale.min) / 9
            value = round(current[item.id])
            answers[item.id] = max(scale.min, min(scale.max, value))
            current[item.id] += (trend + rng.gauss(0, 0.7)) * step
        values.append(answers)
    return values


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


def take_readings(
    session: Session,
    rng: random.Random,
    episode: Episode,
    fate: Fate | None,
    today: date,
    held: list[date],
    members: list[Person],
    worker: tuple[str, str],
    tools: ToolKit,
) -> None:
    """Score the case's tools through ``casework.readings.take_reading``, each on its day: a
    baseline before the first TAF, one before each review (``held``: the TAF dates), one at
    closing."""
    meetings = [("initial_taf" if i == 0 else "taf_review", on) for i, on in enumerate(held)]
    plan = _dates(rng, episode, fate, today, meetings)
    if not plan:
        return
    members = sorted(members, key=lambda p: (p.role, p.relationship, p.given_name))
    adults = [p.id for p in members if p.role == "adult"]
    jobs: list[tuple[ToolDef, Person | None]] = [(tools.spider, None)]
    child = next((p for p in members if p.id == episode.lead_child_id), None)
    if child and child.date_of_birth and (today - child.date_of_birth).days > 8 * 365 and rng.random() < 0.35:
        jobs.append((tools.wellbeing, child))
    for tool, subject in jobs:
        walk = _walk(rng, tool, len(plan), fate)
        for (occasion, taken_on), raw in zip(plan, walk, strict=True):
            comments = {}
            if subject is None and rng.random() < 0.5:
                area = rng.choice(sorted(COMMENTS))
                comments[area] = rng.choice(COMMENTS[area])
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
