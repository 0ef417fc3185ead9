"""Demo case stories after the assessment: the TAF plan, progression readings, TAF meetings,
PARA sessions and the 12-month sign-off, recorded through the casework operations in the order
they happened, each dated on its day, so every rule a worker meets holds for the demo too (an
initial TAF needs a plan, a review needs each outcome reviewed and a new reading, a TAF needs
the family and another agency). Most episodes keep to the timescales; about one in six misses one
(a late first TAF, a review too far apart, a reading taken late, a case past 12 months with no
sign-off) so caseload and reports show real flags. Where a rule is broken on purpose, the team
manager overrides it with a reason, as a real one would, and the override is kept and shown."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import meetings, plans, sessions
from ehdesk.casework.extensions import sign_off_extension
from ehdesk.casework.timescales import add_months
from ehdesk.config.dates import show_date
from ehdesk.config.pack import CouncilPack
from ehdesk.demo.fates import Course, Fate, fate_of
from ehdesk.demo.managers import as_manager
from ehdesk.demo.names import PROFESSIONALS
from ehdesk.demo.ordering import episodes_in_generation_order
from ehdesk.demo.readings import ToolKit, take_readings
from ehdesk.errors import ValidationError
from ehdesk.models import Episode, Person

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


def _who(rng: random.Random, template: tuple, names: dict) -> tuple[str, str]:
    _, person, agency = template  # noqa: RUF059
    return person.format(**names), agency


@dataclass
class _Action:
    """The demo's own note of an action, to decide how it moves on between meetings."""

    id: str
    outcome_id: str
    what: str
    status: str
    by_when: date


@dataclass
class _Plan:
    """The demo's note of a case's plan: its actions, and the actions that would serve its
    outcomes but are not in it (outcome id, the action's fields but its date), one of which a
    review may add."""

    actions: list[_Action]
    spare: list[tuple[str, dict]]


def plans_step(
    session: Session, rng: random.Random, pack: CouncilPack, today: date, worker, family_ids
) -> None:
    episodes = episodes_in_generation_order(session, family_ids)
    members: dict[str, list[Person]] = {}
    for person in session.scalars(
        select(Person)
        .where(Person.family_id.in_(family_ids))
        .order_by(Person.family_id, Person.role, Person.date_of_birth, Person.given_name)
    ):
        members.setdefault(person.family_id, []).append(person)
    agencies = set(pack.codes("agencies"))
    tools = ToolKit.load()
    for episode in episodes:
        if episode.opened_on > today:  # a few cases open in the coming days: nothing recorded yet
            continue
        _story(
            session, rng, pack, today, worker, episode, members.get(episode.family_id, []), agencies, tools
        )


def _story(session, rng, pack, today, worker, episode: Episode, people, agencies, tools) -> None:
    adults = [p.given_name for p in people if p.role == "adult"]
    # The plan is about the case's lead child (never a baby not yet born).
    born = [p for p in people if p.role == "child" and p.gender != "unborn"]
    lead = next((p for p in born if p.id == episode.lead_child_id), born[0] if born else None)
    adult = (adults or ["Mum"])[0]
    child = lead.given_name if lead else "the child"
    words = {"adult": adult, "child": child}
    eid = episode.id
    fate = fate_of(session, episode)
    start = episode.allocated_on or episode.opened_on
    end = fate.closes_on if fate else today

    # The plan: 2-3 outcomes, 1-2 actions each, every action under the outcome it serves.
    outcome_ids: list[str] = []
    needs: list[str] = []
    plan = _Plan([], [])
    for what, whom, how, need, own_actions in rng.sample(OUTCOMES, rng.randint(2, 3)):
        outcome_id = plans.add_outcome(
            session, eid,
            {"what_will_be_different": what.format(**words), "for_whom": whom.format(**words),
             "how_we_will_know": how.format(**words), "linked_need": pack.label("presenting_factors", need)},
        )  # fmt: skip
        outcome_ids.append(outcome_id)
        needs.append(need)
        chosen = rng.sample(own_actions, rng.randint(1, 2))
        for template in chosen:
            person, agency = _who(rng, template, words)
            by_when = start + timedelta(days=rng.randint(42, 150))
            what_to_do = template[0].format(**words)
            action_id = plans.add_action(
                session, outcome_id,
                {"what": what_to_do, "who_name": person,
                 "who_agency": agency if agency in agencies else "", "by_when": by_when},
            )  # fmt: skip
            plan.actions.append(_Action(action_id, outcome_id, what_to_do, "not_started", by_when))
        for template in own_actions:
            if template not in chosen:
                person, agency = _who(rng, template, words)
                plan.spare.append(
                    (outcome_id, {"what": template[0].format(**words), "who_name": person,
                                  "who_agency": agency if agency in agencies else ""})
                )  # fmt: skip
    actions = plan.actions

    # Meetings: the first TAF usually within 6 weeks; sometimes late or not yet held.
    roll = rng.random()
    first = start + timedelta(days=rng.randint(14, 42) if roll < 0.82 else rng.randint(43, 75))
    held: list[date] = []
    # Not yet held only in a case's first months: a case a year on with no TAF ever held is a
    # failure a manager would long since have acted on, not the overdue first TAF a demo shows.
    if (roll < 0.95 or (end - start).days > NO_TAF_AT_MOST_DAYS) and first <= end:
        held.append(first)
        while True:
            gap = rng.randint(49, 84) if rng.random() < 0.85 else rng.randint(85, 120)
            nxt = held[-1] + timedelta(days=gap)
            if nxt > end:
                break
            held.append(nxt)

    if fate is not None and not held and fate.reason in NEEDS_A_TAF:
        fate.reason = "moved_away"  # see NEEDS_A_TAF
    # Each review's outcome and how the closing reading moves, decided once: the readings taken
    # for the reviews follow them, and the meetings record them.
    course = _course(rng, fate, len(held))
    # The progression tool is scored before each meeting (a few are taken late) and at closing.
    take_readings(session, rng, episode, fate, today, held, course, needs, people, worker, tools)

    attendees = [
        {"name": adult, "role": "Parent", "agency": "", "attendance": "attended"},
        {"name": worker[1], "role": "Lead professional", "agency": pack.label("agencies", "family_service"), "attendance": "attended"},
    ]  # fmt: skip
    # Another agency takes part (present, or by written update), so each meeting is a TAF.
    name, role, agency = rng.choice([p for p in PROFESSIONALS if p[2] != "family_service"])
    away = rng.random() < 0.3
    attendees.append(
        {"name": name, "role": role, "agency": pack.label("agencies", agency),
         "attendance": "apologies" if away else "attended",
         "written_update": "Sent a written update on attendance and how things are at school." if away else ""}
    )  # fmt: skip
    for number, on in enumerate(held, start=1):
        # The review's outcome is where the case is headed (and what its reading showed); what the
        # plan got done since the last meeting goes with it (see _progress_at_review), and the
        # review's notes say so.
        outcome = "" if number == 1 else course.reviews[number - 2]
        meeting_id = meetings.create_meeting(
            session, eid, "initial_taf" if number == 1 else "taf_review", on,
            place=rng.choice(["Family home", "Children's centre", "School"]),
        )  # fmt: skip
        review_notes = _progress_at_review(session, rng, plan, on, outcome, meeting_id) if number > 1 else ""
        meetings.update_meeting(
            session, meeting_id,
            {"attendees": attendees, "confidentiality_read": True,
             "family_updates": [
                 {"name": child, "is_child": True, "text": rng.choice(CHILD_SAYS[outcome])},
                 {"name": adult, "is_child": False, "text": PARENT_SAYS[outcome]}],
             "practitioner_updates": [{"name": name, "agency": pack.label("agencies", agency),
                                       "text": PROFESSIONAL_SAYS[outcome]}],
             "plan_review_notes": review_notes,
             "review_outcome": outcome,
             "next_meeting_on": (booked := on + timedelta(days=rng.choice([56, 70, 84]))),
             # A review records each outcome's progress, in step with the meeting's overall outcome.
             "outcome_reviews": [{"outcome_id": o, "progress": outcome, "note": ""} for o in outcome_ids]
             if number > 1 else []},
        )  # fmt: skip
        try:
            meetings.complete_meeting(session, meeting_id, today=on)
        except ValidationError:
            # The reading was taken after the meeting this time: the manager lets the review stand.
            with as_manager(session):
                meetings.complete_meeting(
                    session, meeting_id, today=on, actor_role="manager",
                    override_reason="The family were unwell on the day; the reading was taken at the next visit.",
                )  # fmt: skip

    if fate is None and held and booked <= today:
        # The next TAF booked at the last one is past and not held: the worker has moved it (the
        # family unwell, the room taken), in two-week steps, as a case still open would show it.
        # (Left as it was, 1 open case in 13 of 300 families said "next booked for" a date up to
        # seven weeks gone.)
        while booked <= today:
            booked += timedelta(days=14)
        meetings.rebook_next_meeting(session, meeting_id, booked)

    # PARA sessions every 3-5 weeks while open (at most 4), and one planned ahead if still open.
    types = pack.codes("session_types")
    on = start + timedelta(days=rng.randint(3, 10))
    count = 0
    while on <= end and count < 4:
        sessions.save_session(
            session, eid,
            {"session_on": on, "session_type": rng.choice(types), "status": "held",
             "duration_minutes": rng.choice([30, 45, 60, 90]), "worker_name": worker[1],
             "notes": SESSION_NOTES[count % len(SESSION_NOTES)],
             "seen": [{"name": adult, "is_child": False},
                      {"name": child, "is_child": True, "seen_alone": rng.random() < 0.4}],
             "outcome_ids": [rng.choice(outcome_ids)]},
        )  # fmt: skip
        on += timedelta(days=rng.randint(21, 35))
        count += 1
    if fate is None:
        sessions.save_session(
            session, eid,
            {"session_on": today + timedelta(days=rng.randint(1, 14)), "session_type": "home_visit",
             "status": "planned", "worker_name": worker[1]},
        )  # fmt: skip

    # How the case will close (closing_step closes it), and the 12-month sign-off for long-open
    # cases (some still waiting for it).
    if fate is not None:
        fate.outcome_results = _close_coherently(session, rng, fate, outcome_ids, actions)
        fate.note = CLOSING_NOTES.get(fate.reason, "") + (
            " Closed after the last TAF review." if held else " Closed before a TAF was held."
        )
        if held and held[-1] < fate.closes_on and fate.outcome_results:
            # The family and the team meet once more to close: each outcome judged at the meeting.
            meeting_id = meetings.create_meeting(session, eid, "closure", fate.closes_on, place="Family home")
            meetings.update_meeting(
                session, meeting_id,
                {"attendees": attendees, "confidentiality_read": True,
                 "family_updates": [{"name": adult, "is_child": False, "text": "We know who to call if things slip."}],
                 "outcome_reviews": [{"outcome_id": o, "progress": result, "note": ""}
                                     for o, result in fate.outcome_results.items()]},
            )  # fmt: skip
            meetings.complete_meeting(session, meeting_id, today=fate.closes_on)
            fate.note = CLOSING_NOTES.get(fate.reason, "") + " Agreed with the family at the closure TAF."
    else:
        limit = add_months(episode.opened_on, 12)
        # A few still wait for the manager, but not for months on end (the draw is made anyway,
        # so the rest of the story stays as the seed made it).
        waited_long = today > limit + timedelta(days=SIGN_OFF_WAITS_AT_MOST_DAYS)
        if today >= limit - timedelta(days=14) and (rng.random() < 0.8 or waited_long):
            signed = min(limit - timedelta(days=rng.randint(-10, 14)), today)  # a few signed off late
            with as_manager(session):
                sign_off_extension(
                    session, eid, reason="Plan nearly complete; school transition in the next term.",
                    close_by=max(limit, today) + timedelta(days=rng.randint(30, 120)), today=signed,
                    actor_role="manager",
                )  # fmt: skip


def _progress_at_review(
    session: Session, rng: random.Random, plan: _Plan, on: date, outcome: str, meeting_id: str
) -> str:
    """Between meetings some actions move on a step; at the review an action past its date is done
    by now or carried over with a new date, so the plan does not carry months-old overdue actions.

    What gets done goes with the review's outcome, as a TAF would see it: a positive change follows
    something in the plan getting done, and a review that found no change (or things worse) does
    not find all that the plan asked for done: at most half the actions still open at the last
    meeting are done at it, the rest still under way or carried over. Returns the review's notes
    on the plan, which say what was done, what was carried over and, where things were done but
    nothing changed, why. A review that finds the plan's actions all done and no change (or things
    worse) agrees a new action, where the plan's outcomes have one to add: the plan is reviewed and
    updated at each TAF review."""
    actions = plan.actions
    before = {a.id: (a.status, a.by_when) for a in actions}
    still_open = [a for a in actions if a.status != "done"]
    better = outcome == "positive_change"
    can_finish = len(still_open) if better else len(still_open) // 2
    finished: list[_Action] = []

    def finish(a: _Action) -> bool:
        if len(finished) >= can_finish:
            return False
        a.status = "done"
        finished.append(a)
        return True

    for a in rng.sample(actions, min(len(actions), rng.randint(1, 2))):
        if a.status == "not_started":
            a.status = "in_progress"
        elif a.status == "in_progress":
            finish(a)  # or still under way: the family's week did not go as planned
    for a in actions:
        if a.status != "done" and a.by_when < on:
            if not (rng.random() < DONE_BY_THE_REVIEW[outcome] and finish(a)):
                a.by_when = on + timedelta(days=rng.randint(28, 84))
    if better and not any(a.status == "done" for a in actions):
        # Things got better because something the plan asked for was done: the action furthest on
        # (done by its own date, not the one it would have been carried over to).
        first = min(still_open, key=lambda a: (a.status != "in_progress", before[a.id][1]))
        finish(first)
        first.by_when = before[first.id][1]
    for a in actions:
        if before[a.id] != (a.status, a.by_when):
            plans.update_action(session, a.id, {"status": a.status, "by_when": a.by_when})
    carried = [a for a in actions if a.status != "done" and a.by_when != before[a.id][1]]
    under_way = [a for a in actions if a.status == "in_progress" and a not in carried]
    waiting = [a for a in actions if a.status == "not_started" and a not in carried]
    notes = []
    if finished:
        notes.append("Done since the last meeting: " + "; ".join(a.what for a in finished) + ".")
    if carried:
        notes.append(
            "Carried over with a new date: "
            + "; ".join(f"{a.what} (by {show_date(a.by_when)})" for a in carried)
            + "."
        )
    if under_way:
        notes.append("Still under way: " + "; ".join(a.what for a in under_way) + ".")
    if waiting:
        notes.append("Not started yet: " + "; ".join(a.what for a in waiting) + ".")
    notes.append(REVIEW_NOTES[outcome, bool(finished), bool(still_open)])
    if better and all(a.status == "done" for a in actions):
        # A plan all done and working: what a manager reading the case asks next is when it closes.
        notes.append(CLOSING_IN_SIGHT)
    if not better and not still_open and plan.spare:
        outcome_id, data = plan.spare.pop(rng.randrange(len(plan.spare)))
        by_when = on + timedelta(days=rng.randint(42, 84))
        action_id = plans.add_action(session, outcome_id, data | {"by_when": by_when}, meeting_id=meeting_id)
        actions.append(_Action(action_id, outcome_id, data["what"], "not_started", by_when))
        notes.append(f"New action agreed: {data['what']} (by {show_date(by_when)}).")
    return " ".join(notes)


# What the notes of a review that found things better, with every action done, add.
CLOSING_IN_SIGHT = (
    "With every action done, the family and the team will talk about closing at the next review if "
    "the changes hold."
)
# How likely an action past its date is done by the review (else it is carried over), by the
# review's outcome: most of it where things got better, less where they did not.
DONE_BY_THE_REVIEW = {"positive_change": 0.75, "no_change": 0.45, "deterioration": 0.3}
# What the review's notes say of the plan, by (outcome, anything done since the last meeting,
# anything still open at the last meeting).
REVIEW_NOTES = {
    ("positive_change", True, True): "The family and the team can see the difference the plan is making.",
    ("positive_change", False, True): "What was done earlier in the plan is making a difference now.",
    ("positive_change", False, False): "The plan's actions are done and the difference is holding.",
    ("no_change", True, True): "What was done is recent and has not made a difference yet; the team"
    " will look for it at the next review and keep the rest of the plan going.",
    ("no_change", False, True): "The plan has not moved on enough to make a difference yet; the"
    " family and the team talked through what got in the way and kept the actions going.",
    ("no_change", False, False): "The plan's actions are done but have not made a difference yet;"
    " the team talked about what else would help.",
    ("deterioration", True, True): "Things have been harder for the family and what was done has not"
    " helped yet; the team agreed the rest of the plan still matters and who will do what next.",
    ("deterioration", False, True): "Things have been harder for the family and the plan has stalled;"
    " the team talked through what got in the way and agreed who will do what next.",
    ("deterioration", False, False): "Things have been harder for the family although the plan's"
    " actions are done; the team talked about what more help is needed.",
}


NO_TAF_AT_MOST_DAYS = 120
# The worker's notes of each session in turn (PARA: purpose, action, reflection, analysis): a case's
# sessions read as visits that follow on from each other, not one note copied four times.
SESSION_NOTES = (
    {
        "purpose": "First visit: get to know the family and agree what to work on first.",
        "action": "Went through the plan together and agreed which actions come first.",
        "reflection": "The family were wary at first and had opened up by the end.",
        "analysis": "The family know what they want to change; the first actions are realistic.",
    },
    {
        "purpose": "Check how the plan's first actions are going.",
        "action": "Went through each action: one done, one given a new date with the family.",
        "reflection": "Open and engaged; they brought their own notes of the week.",
        "analysis": "Small steps forward; the routine is holding on school days.",
    },
    {
        "purpose": "Hear from the children about how things feel at home.",
        "action": "Talked with each child, using the three houses to draw worries, good things and dreams.",
        "reflection": "The children said more than last time.",
        "analysis": "What the children say matches the plan; keep the focus on calmer mornings.",
    },
    {
        "purpose": "Get ready for the TAF review.",
        "action": "Looked at the latest readings together and what the family want to say at the review.",
        "reflection": "The family feel listened to.",
        "analysis": "Progress is steady; the family want the plan to go on as it is.",
    },
)
# What the family and the other agency say at a TAF meeting, by the review's outcome ("": the
# first meeting, where nothing has changed yet). Three things a child may say each, so the draw
# is the same whatever the outcome.
CHILD_SAYS = {
    "": ("I want less shouting.", "I want to get to school on time.", "I worry about Mum."),
    "positive_change": (
        "Things are better at home.",
        "There is less shouting now.",
        "I like my new breakfast club.",
    ),
    "no_change": ("It's the same as before.", "Mornings are still hard.", "I want less shouting."),
    "deterioration": (
        "Things have been harder at home.",
        "There has been more shouting.",
        "I don't want to go to school.",
    ),
}
PARENT_SAYS = {
    "": "We want mornings to be calmer and the arguments to stop.",
    "positive_change": "Mornings are still hard but improving.",
    "no_change": "We are trying, but nothing has really changed yet.",
    "deterioration": "It has been a hard few weeks; we need more help.",
}
PROFESSIONAL_SAYS = {
    "": "Attendance has been low this term; school want to help.",
    "positive_change": "Attendance is improving.",
    "no_change": "Attendance is about the same.",
    "deterioration": "Attendance has dropped since the last meeting.",
}
SIGN_OFF_WAITS_AT_MOST_DAYS = 42
REVIEW_OUTCOMES = ("positive_change", "no_change", "deterioration")
# The worker's closing summary says why the case closed, as a manager signing it off expects.
CLOSING_NOTES = {
    "goals_achieved": "The plan's outcomes are met and the family are managing without us; they"
    " know how to ask for help again and their universal services know them.",
    "no_progress_no_risk": "Little has changed over the last reviews and there is no risk of"
    " significant harm; the family and the team agreed early help has done what it can for now."
    " Stepped down to universal services, who know the worries.",
    "consent_withdrawn": "The family withdrew their consent to early help; the withdrawal is"
    " recorded. No concerns of significant harm.",
    "stepped_up": "Escalated to children's social care; the handover is recorded.",
    "moved_away": "The family moved out of the area; their new council's early help service was"
    " told, with the family's agreement.",
    "other": "Closed by agreement with the family.",
}


def _review_outcome(rng, fate: Fate | None, last: bool) -> str:
    """A TAF review's outcome, in step with where the case is headed: a case that will close
    with its goals achieved does not get worse at its last review, and one that will close for
    lack of progress mostly shows none. One draw whatever the weights, so the rest of the story
    stays as the seed made it."""
    weights = (6, 3, 1)
    if fate is not None and fate.reason == "goals_achieved":
        weights = (6, 2, 0) if last else (6, 3, 1)
    elif fate is not None and fate.reason == "no_progress_no_risk":
        weights = (0, 3, 2) if last else (2, 4, 2)
    elif fate is not None and fate.reason == "stepped_up":
        # Escalated after a disclosure: the last review before it did not find things better.
        weights = (0, 2, 3) if last else (4, 3, 2)
    return rng.choices(REVIEW_OUTCOMES, weights)[0]


# How the closing reading moves from the one before, by the case's closing reason: better for
# goals achieved, level where nothing changed (or the family withdrew), worse before a step up;
# for any other reason as a review might go.
CLOSING_CHANGE = {
    "goals_achieved": "positive_change",
    "no_progress_no_risk": "no_change",
    "consent_withdrawn": "no_change",
    "stepped_up": "deterioration",
}
# A case can close with its goals achieved, or for lack of progress, only after a TAF: one that
# closed before any TAF was held closes as moved away.
NEEDS_A_TAF = ("goals_achieved", "no_progress_no_risk")


def _course(rng, fate: Fate | None, meetings: int) -> Course:
    """The case's course: each TAF review's outcome (every meeting but the first is a review),
    and, for a case headed for closing, how its closing reading moves."""
    reviews = [_review_outcome(rng, fate, last=number == meetings) for number in range(2, meetings + 1)]
    closing = ""
    if fate is not None:
        closing = CLOSING_CHANGE.get(fate.reason) or rng.choices(REVIEW_OUTCOMES, (6, 3, 1))[0]
    return Course(reviews, closing)


def _close_coherently(session, rng, fate: Fate, outcome_ids, actions) -> dict[str, str]:
    """A closure the record bears out: "goals achieved" only after a TAF (see NEEDS_A_TAF) and
    with work done (the last actions finished, every outcome judged), no progress only after a
    TAF. Returns the outcome results."""
    reason = fate.reason
    if reason == "goals_achieved":
        for a in actions:
            if a.status != "done" and (rng.random() < 0.8 or a is actions[0]):
                a.status = "done"
                plans.update_action(session, a.id, {"status": "done"})
        results = {o: rng.choices(["achieved", "partly"], [3, 1])[0] for o in outcome_ids}
        if results and "achieved" not in results.values():
            # "Goals achieved" with no outcome achieved is a closure no manager would sign.
            results[next(iter(results))] = "achieved"
    elif reason == "no_progress_no_risk":
        results = {o: rng.choice(["partly", "not_achieved"]) for o in outcome_ids}
    else:
        results = {}
    return results
