"""Demo progression readings: a baseline before the first TAF meeting, a reading before each TAF
review (the meetings the plans step made; a few cases miss one), and a closing reading for
closed cases, with change that is mostly upward, sometimes flat, occasionally backwards.
Readings are built directly (the answers are valid by construction) and scored with the real
engine, so the charts and reports see true scores."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.config.pack import CouncilPack
from ehdesk.demo.fates import fate_of
from ehdesk.demo.ordering import episodes_in_generation_order
from ehdesk.forms.tools import registry
from ehdesk.forms.tools.schema import ToolDef
from ehdesk.forms.tools.scoring import Subject, chart_values, score
from ehdesk.models import Episode, Person, Reading
from ehdesk.models.meeting import Meeting
from ehdesk.models.types import new_id

COMMENTS = {
    "home": ["Damp in the children's bedroom", "Moved to a bigger flat", "Landlord has fixed the heating"],
    "money": ["Rent arrears worrying us", "Budgeting plan is helping", "Universal Credit sorted now"],
    "learning": ["Attendance has picked up", "Struggling with the school run", "Nursery place started"],
    "feelings": ["Mum feeling low", "Counselling has helped", "Fewer arguments at bedtime"],
}


def _dates(
    session: Session, rng: random.Random, episode: Episode, today: date, meetings: list[tuple[str, date]]
) -> list[tuple[str, date]]:
    """When readings were taken: before the first TAF and before each review (as the guidance
    asks; a few cases miss one), and at closure. Without meetings, on a 9–12 week rhythm."""
    start = episode.allocated_on or episode.opened_on
    fate = fate_of(session, episode)
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


def _walk(rng: random.Random, tool: ToolDef, count: int) -> list[dict[str, int]]:
    """Answers for ``count`` readings: a start per item, then a family-wide trend with noise."""
    trend = rng.choices([1.0, 0.4, 0.0, -0.5], [55, 25, 12, 8])[0]
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


def readings_step(
    session: Session,
    rng: random.Random,
    pack: CouncilPack,
    today: date,
    worker: tuple[str, str],
    family_ids: list[str],
) -> None:
    tools = registry.available()
    spider = tools.get("family_spider")
    wellbeing = tools.get("child_wellbeing")
    episodes = episodes_in_generation_order(session, family_ids)
    if not episodes:
        return
    meetings: dict[str, list[tuple[str, date]]] = {}
    rows_found = session.execute(
        select(Meeting.episode_id, Meeting.kind, Meeting.held_on).where(
            Meeting.episode_id.in_([e.id for e in episodes]),
            Meeting.kind.in_(("initial_taf", "taf_review")),
            Meeting.deleted.is_(False),
        )
    )
    for episode_id, kind, held_on in rows_found:
        meetings.setdefault(episode_id, []).append((kind, held_on))
    for found in meetings.values():
        found.sort(key=lambda m: m[1])
    people: dict[str, list[Person]] = {}
    for person in session.scalars(
        select(Person).where(Person.family_id.in_({e.family_id for e in episodes}))
    ):
        people.setdefault(person.family_id, []).append(person)
    rows: list[Reading] = []
    # Ids are random, so order by the batch's own (seeded) family order: same seed, same data.
    order = {family_id: index for index, family_id in enumerate(family_ids)}
    for episode in sorted(episodes, key=lambda e: (order.get(e.family_id, 0), e.opened_on)):
        members = sorted(
            people.get(episode.family_id, []), key=lambda p: (p.role, p.relationship, p.given_name)
        )
        adults = [p.id for p in members if p.role == "adult"]
        plan = _dates(session, rng, episode, today, meetings.get(episode.id, []))
        if not plan:
            continue
        jobs: list[tuple[ToolDef, Person | None]] = [(spider, None)]
        child = next((p for p in members if p.id == episode.lead_child_id), None)
        if (
            child
            and child.date_of_birth
            and (today - child.date_of_birth).days > 8 * 365
            and rng.random() < 0.35
        ):
            jobs.append((wellbeing, child))
        for tool, subject in jobs:
            walk = _walk(rng, tool, len(plan))
            for (occasion, taken_on), raw in zip(plan, walk, strict=True):
                answers = _reverse(tool, raw) if subject else raw
                who = (
                    Subject.from_birth(subject.date_of_birth, subject.gender, taken_on)
                    if subject
                    else Subject()
                )
                scores = score(tool, answers, who)
                comments = {}
                if subject is None and rng.random() < 0.5:
                    area = rng.choice(sorted(COMMENTS))
                    comments[area] = rng.choice(COMMENTS[area])
                participants = adults[: rng.randint(1, max(len(adults), 1))]
                if subject is not None:
                    participants = [subject.id]
                rows.append(
                    Reading(
                        id=new_id(),
                        family_id=episode.family_id,
                        episode_id=episode.id,
                        tool_id=tool.id,
                        tool_version=tool.version,
                        subject_person_id=subject.id if subject else None,
                        occasion=occasion,
                        taken_on=taken_on,
                        participant_ids=participants,
                        participants_other="",
                        taken_by_name=worker[1],
                        item_scores=answers,
                        comments=comments,
                        scores={**scores.to_json(), "chart": chart_values(tool, answers, scores)},
                        note="",
                    )
                )
    session.add_all(rows)
