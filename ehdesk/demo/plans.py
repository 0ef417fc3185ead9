"""Demo TAF plans, meetings, PARA sessions, closures and 12-month sign-offs for the demo
episodes. Most episodes keep to the timescales; about one in six misses one (a late first TAF,
a review too far apart, a case past 12 months with no sign-off) so caseload and reports show
real flags. Rows are built directly (no per-row validation) so 10,000 families stay quick."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework.plans import computed_rag, describe_changes, is_overdue
from ehdesk.casework.timescales import add_months
from ehdesk.config.pack import CouncilPack
from ehdesk.demo.fates import Fate, fate_of
from ehdesk.demo.names import PROFESSIONALS
from ehdesk.demo.ordering import episodes_in_generation_order
from ehdesk.models import Episode, Person
from ehdesk.models.meeting import Meeting
from ehdesk.models.plan import PlanAction, PlanOutcome, PlanVersion
from ehdesk.models.session_note import SessionNote
from ehdesk.models.types import new_id

# Each outcome with the actions that serve it (an action never sits under an unrelated outcome).
OUTCOMES = [
    (
        "{child} gets to school on time every day",
        "{child}",
        "Attendance above 95% for a term",
        "school_attendance",
        [
            ("Make a morning routine chart together", "", "family_service"),
            ("Offer a breakfast club place", "", "school"),
            ("Weekly check-in with the school's pastoral lead", "", "school"),
        ],
    ),
    (
        "{adult} feels calmer and has people to turn to",
        "{adult}",
        "{adult} scores 7 or more on feeling calm",
        "parental_mental_health",
        [
            ("Refer to the parents' support group", "", "voluntary_sector"),
            ("Book a GP appointment about sleep", "{adult}", ""),
        ],
    ),
    (
        "Bedtimes and mornings follow a routine",
        "The whole family",
        "Routine kept 5 days a week",
        "parenting",
        [
            ("Agree a bedtime routine and write it on the fridge", "{adult}", ""),
            ("Place on the parenting course at the children's centre", "", "childrens_centre"),
        ],
    ),
    (
        "{child} can talk about worries with an adult",
        "{child}",
        "{child} names a trusted adult",
        "child_mental_health",
        [
            ("Keep a worry diary with {child}", "{adult}", ""),
            ("Six sessions with the school nurse", "", "school_nurse"),
        ],
    ),
    (
        "The family's money covers rent and food",
        "{adult}",
        "No arrears for 3 months",
        "finance",
        [
            ("Benefits check and budgeting session", "", "housing"),
            ("Apply for the household support fund", "{adult}", ""),
        ],
    ),
]
STEPS = ("not_started", "in_progress", "done")


def _who(rng: random.Random, template: tuple, names: dict) -> tuple[str, str]:
    _, person, agency = template  # noqa: RUF059
    return person.format(**names), agency


def plans_step(
    session: Session, rng: random.Random, pack: CouncilPack, today: date, worker, family_ids
) -> None:
    episodes = episodes_in_generation_order(session, family_ids)
    people: dict[str, dict] = {}
    for family_id, given, role in session.execute(
        select(Person.family_id, Person.given_name, Person.role)
        .where(Person.family_id.in_(family_ids))
        .order_by(Person.family_id, Person.role, Person.date_of_birth, Person.given_name)
    ):
        people.setdefault(family_id, {"adult": [], "child": []})[role].append(given)
    agencies = set(pack.codes("agencies"))
    for episode in episodes:
        names = people.get(episode.family_id, {"adult": ["Mum"], "child": ["the child"]})
        _episode(session, rng, pack, today, worker, episode, names, agencies)


def _episode(session, rng, pack, today, worker, episode: Episode, names, agencies) -> None:
    adult = (names["adult"] or ["Mum"])[0]
    child = (names["child"] or ["the child"])[0]
    words = {"adult": adult, "child": child}
    fid, eid = episode.family_id, episode.id
    start = episode.allocated_on or episode.opened_on
    fate = fate_of(session, episode)
    end = fate.closes_on if fate else today
    rows: list = []

    # The plan: 2-3 outcomes, 1-2 actions each.
    outcomes, actions = [], []
    for pos, (what, whom, how, need, own_actions) in enumerate(rng.sample(OUTCOMES, rng.randint(2, 3))):
        o = PlanOutcome(
            id=new_id(), family_id=fid, episode_id=eid, position=pos,
            what_will_be_different=what.format(**words), for_whom=whom.format(**words),
            how_we_will_know=how.format(**words), linked_need=pack.label("presenting_factors", need),
        )  # fmt: skip
        outcomes.append(o)
        for apos, template in enumerate(rng.sample(own_actions, rng.randint(1, 2))):
            person, agency = _who(rng, template, words)
            actions.append(
                PlanAction(
                    id=new_id(), family_id=fid, episode_id=eid, outcome_id=o.id, position=apos,
                    what=template[0].format(**words), who_name=person,
                    who_agency=agency if agency in agencies else "", status="not_started", rag="",
                    by_when=start + timedelta(days=rng.randint(42, 150)),
                )
            )  # fmt: skip
    rows += outcomes + actions

    # Meetings: the first TAF usually within 6 weeks; sometimes late or not yet held.
    roll = rng.random()
    first = start + timedelta(days=rng.randint(14, 42) if roll < 0.82 else rng.randint(43, 75))
    held: list[date] = []
    if roll < 0.95 and first <= end:
        held.append(first)
        while True:
            gap = rng.randint(49, 84) if rng.random() < 0.85 else rng.randint(85, 120)
            nxt = held[-1] + timedelta(days=gap)
            if nxt > end:
                break
            held.append(nxt)
    attendees = [
        {"name": adult, "role": "Parent", "agency": "", "attendance": "attended", "written_update": ""},
        {"name": worker[1], "role": "Lead professional", "agency": "Family service", "attendance": "attended",
         "written_update": ""},
    ]  # fmt: skip
    # Another agency takes part (present, or by written update), so each meeting is a TAF.
    name, role, agency = rng.choice([p for p in PROFESSIONALS if p[2] != "family_service"])
    away = rng.random() < 0.3
    attendees.append(
        {"name": name, "role": role, "agency": pack.label("agencies", agency),
         "attendance": "apologies" if away else "attended",
         "written_update": "Sent a written update: attendance is improving." if away else ""}
    )  # fmt: skip
    previous: list[dict] = []
    for number, on in enumerate(held, start=1):
        if number > 1:  # progress between meetings
            for a in rng.sample(actions, min(len(actions), rng.randint(1, 2))):
                a.status = STEPS[min(STEPS.index(a.status) + 1, 2)] if a.status in STEPS else a.status
            # The review goes through the plan as a TAF would: an action past its date is done by
            # now or given a new date, so the plan does not carry months-old overdue actions.
            for a in actions:
                if a.status != "done" and a.by_when < on:
                    if rng.random() < 0.6:
                        a.status = "done"
                    else:
                        a.by_when = on + timedelta(days=rng.randint(28, 84))
        outcome = (
            ""
            if number == 1
            else rng.choices(["positive_change", "no_change", "deterioration"], [6, 3, 1])[0]
        )
        planned = on + timedelta(days=rng.choice([56, 70, 84]))
        # A review records each outcome's progress, in step with the meeting's overall outcome.
        reviews = (
            [{"outcome_id": o.id, "progress": outcome, "note": ""} for o in outcomes] if number > 1 else []
        )
        meeting = Meeting(
            id=new_id(), family_id=fid, episode_id=eid, kind="initial_taf" if number == 1 else "taf_review",
            held_on=on, place=rng.choice(["Family home", "Children's centre", "School"]), attendees=attendees,
            confidentiality_read=True,
            family_updates=[
                {"name": child, "is_child": True, "text": rng.choice(["Things are better at home.", "I want less shouting.",
                                                                      "I like my new breakfast club."])},
                {"name": adult, "is_child": False, "text": "Mornings are still hard but improving."},
            ],
            practitioner_updates=[{"name": name, "agency": pack.label("agencies", agency), "text": "Attendance is improving."}],
            plan_review_notes="", review_outcome=outcome, next_meeting_on=planned,
            status="completed", completed_on=on, plan_version=number, outcome_reviews=reviews,
            counts_as_taf=True,
        )  # fmt: skip
        rows.append(meeting)
        snap = _snapshot(outcomes, actions, on, pack)
        rows.append(
            PlanVersion(
                id=new_id(), family_id=fid, episode_id=eid, meeting_id=meeting.id, version=number, recorded_on=on,
                review_outcome=outcome, snapshot=snap, changes=describe_changes(previous, snap),
            )
        )  # fmt: skip
        previous = snap

    # PARA sessions every 3-5 weeks while open (at most 4), and one planned ahead if still open.
    types = pack.codes("session_types")
    on = start + timedelta(days=rng.randint(3, 10))
    count = 0
    while on <= end and count < 4:
        rows.append(
            SessionNote(
                id=new_id(), family_id=fid, episode_id=eid, session_on=on, session_type=rng.choice(types),
                status="held", duration_minutes=rng.choice([30, 45, 60, 90]), worker_name=worker[1],
                notes={"purpose": "Check how the plan is going.", "action": "Talked through the week.",
                       "reflection": "Open and engaged.", "analysis": "Small steps forward."},
                seen=[{"person_id": "", "name": adult, "is_child": False, "seen_alone": False},
                      {"person_id": "", "name": child, "is_child": True, "seen_alone": rng.random() < 0.4}],
                outcome_ids=[rng.choice(outcomes).id],
            )
        )  # fmt: skip
        on += timedelta(days=rng.randint(21, 35))
        count += 1
    if fate is None:
        rows.append(
            SessionNote(
                id=new_id(), family_id=fid, episode_id=eid, session_on=today + timedelta(days=rng.randint(1, 14)),
                session_type="home_visit", status="planned", worker_name=worker[1], notes={}, seen=[], outcome_ids=[],
            )
        )  # fmt: skip

    # How the case will close (closing_step closes it), and the 12-month sign-off for long-open
    # cases (some still waiting for it).
    if fate is not None:
        fate.outcome_results = _close_coherently(rng, fate, held, outcomes, actions)
        fate.note = "Closed at the closure TAF." if held else "Closed before a TAF was held."
    else:
        limit = add_months(episode.opened_on, 12)
        if today >= limit - timedelta(days=14) and rng.random() < 0.8:
            signed = limit - timedelta(days=rng.randint(-10, 14))  # a few signed off late
            episode.extension_signed_off_on = min(signed, today)
            episode.extension_signed_off_by = "Team manager"
            episode.extension_reason = "Plan nearly complete; school transition in the next term."
            episode.extension_close_by = max(limit, today) + timedelta(days=rng.randint(30, 120))
    session.add_all(rows)


def _close_coherently(rng, fate: Fate, held: list[date], outcomes, actions) -> dict[str, str]:
    """A closure the record bears out: "goals achieved" only after a TAF and with work done
    (the last actions finished, every outcome judged), no progress only after a TAF; a case
    that closed before any TAF was held closes as moved away. Returns the outcome results."""
    reason = fate.reason
    if not held and reason in ("goals_achieved", "no_progress_no_risk"):
        reason = "moved_away"
    if reason == "goals_achieved":
        for a in actions:
            if rng.random() < 0.8 or a is actions[0]:
                a.status = "done"
        results = {o.id: rng.choices(["achieved", "partly"], [3, 1])[0] for o in outcomes}
    elif reason == "no_progress_no_risk":
        results = {o.id: rng.choice(["partly", "not_achieved"]) for o in outcomes}
    else:
        results = {}
    fate.reason = reason
    return results


def _snapshot(outcomes, actions, on: date, pack: CouncilPack) -> list[dict]:
    """The plan as frozen at a meeting on ``on``: RAG worked out as the live plan does."""
    window = pack.practice.rag_amber_within_days
    return [
        {
            "id": o.id,
            "what_will_be_different": o.what_will_be_different,
            "for_whom": o.for_whom,
            "how_we_will_know": o.how_we_will_know,
            "linked_need": o.linked_need,
            "actions": [
                {
                    "id": a.id,
                    "what": a.what,
                    "who": ", ".join(
                        p
                        for p in (a.who_name, pack.label("agencies", a.who_agency) if a.who_agency else "")
                        if p
                    ),
                    "by_when": a.by_when.isoformat(),
                    "status": a.status,
                    "rag": computed_rag(a.by_when, a.status, on, window),
                    "rag_reason": "",
                    "overdue": is_overdue(a.by_when, a.status, on),
                }
                for a in actions
                if a.outcome_id == o.id
            ],
        }  # fmt: skip
        for o in outcomes
    ]
