"""Demo team around the family, made through the casework operations: the professionals involved
(one the lead, from the pack's roles), the wider network for the ecomap, triage decisions on the
requests (a few still waiting), step-up and step-down handovers, reallocations to colleagues,
supervision with actions, case audits and re-audits, and significant events for the chronology.

An offline demo profile has no staff list from a server, so the step makes one (a demo team: the
worker, three colleagues and a manager) and puts the batch's families in it; a profile that
synced with a server already has its team's staff and uses them."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import (
    allocation,
    case_audit,
    chronology,
    handovers,
    network,
    professionals,
    referrals,
    supervision,
    triage,
)
from ehdesk.config.pack import CouncilPack
from ehdesk.demo.fates import ends_on, fate_of
from ehdesk.demo.managers import MANAGER
from ehdesk.demo.ordering import episodes_in_generation_order
from ehdesk.models import Consent, Family, Person, Referral, Team, User
from ehdesk.models.plan import PlanAction

DEMO_TEAM = "Demo team"
COLLEAGUES = [("Priya Shah", "practitioner"), ("Dan Morris", "practitioner"), ("Grace Adeyemi", "practitioner"),
              (MANAGER, "manager")]  # fmt: skip
# (agency, name, role, pack lead role when they lead)
AGENCY_PEOPLE = [
    ("school", "Ravi Chauhan", "Designated safeguarding lead", "school_pastoral_lead"),
    ("school", "Mrs Patel", "Head of year", "school_pastoral_lead"),
    ("health_visitor", "Jo Pearce", "Health visitor", "health_visitor"),
    ("school_nurse", "Helen Ward", "School nurse", "school_nurse"),
    ("voluntary_sector", "Tom Okoro", "Youth worker", "voluntary_sector_worker"),
    ("early_years", "Amy Clarke", "Nursery manager", "early_years_practitioner"),
    ("housing", "Gary Moss", "Tenancy support officer", "housing_officer"),
    ("gp", "Dr Ahmed", "GP", ""),
    ("camhs", "Dr Lewis", "Clinical psychologist", ""),
    ("police", "PC Reed", "Neighbourhood officer", ""),
    ("substance_misuse", "Kim Doyle", "Recovery worker", ""),
]
OTHER_NAMES = ["Sam Taylor", "Priya Shah", "Chris Evans", "Dana Brooks", "Lee Morgan"]
TIES = [
    ("wider_family", "Nan", "Maternal grandmother"),
    ("wider_family", "Grandad", "Paternal grandfather"),
    ("wider_family", "Aunt Sue", "Mum's sister"),
    ("informal", "Next-door neighbour", "Neighbour"),
    ("informal", "St Mark's church group", "Faith group"),
    ("informal", "Football club", "The children's Saturday team"),
    ("informal", "Friend from school gate", "Friend"),
]
OUTCOME_TO_DECISION = {
    "family_service": "allocate",
    "childrens_centre": "childrens_centre",
    "universal_lead": "universal_lead",
    "advice_closed": "advice_closed",
    "step_up": "step_up",
}
RATIONALES = [
    "Needs across school attendance and home routines; family agree to early help.",
    "Level 2 needs; a children's centre offer fits the youngest child.",
    "School already leading; advice given to the designated safeguarding lead.",
    "Concerns meet the threshold for social care; passed to the front door.",
    "Information and advice given; family will come back if things change.",
]
EVENTS = [
    ("Police called to the home after an argument", "Police notification", True),
    ("Excluded from school for two days", "School", True),
    ("Taken to A&E after a fall", "Health visitor", True),
    ("Mum started a new part-time job", "Family", False),
    ("Family moved to a new tenancy", "Housing", False),
    ("Dad returned to the family home", "Family", False),
]
SUPERVISION_TALK = [
    ("Attendance still low; school meeting booked.", "Keep the plan; review at the next TAF."),
    ("Mum engaging well; routines improving.", "Move towards closure at the next review."),
    ("Worry about the home conditions after the last visit.", "Joint visit with the health visitor."),
]
AUDIT_GRADES = [("outstanding", 8), ("good", 50), ("requires_improvement", 32), ("inadequate", 10)]
# An action from supervision or an audit may stay open past its due date for a few weeks; one due
# longer ago than this is done (a manager would not leave it undone for a year).
ACTION_OVERDUE_AT_MOST_DAYS = 42


def ensure_staff(session: Session, worker: tuple[str, str]) -> str | None:
    """The id of the team this profile's demo families join: the worker's own team, or (offline,
    with no staff list from a server) a demo team of the worker, three colleagues and a manager,
    made the first time."""
    me = session.get(User, worker[0])
    if me is not None:
        return me.team_id
    team = session.scalar(select(Team).where(Team.name == DEMO_TEAM))
    if team is None:
        team = Team(name=DEMO_TEAM)
        session.add(team)
        session.flush()
        session.add(User(id=worker[0], username="demo", display_name=worker[1], role="practitioner",
                         team_id=team.id))  # fmt: skip
        for name, role in COLLEAGUES:
            session.add(User(username=name.split()[0].lower(), display_name=name, role=role, team_id=team.id))
        session.flush()
    return team.id


def _staff(session: Session, worker: tuple[str, str]) -> tuple[str | None, list[str], str]:
    """(team id, the colleagues' user ids, the manager's name) for this profile."""
    team_id = ensure_staff(session, worker)
    staff = allocation.team_workers(session, team_id)
    colleagues = [w.id for w in staff if w.id != worker[0] and w.role == "practitioner"]
    manager = next((w.name for w in staff if w.role == "manager"), MANAGER)
    return team_id, colleagues, manager


def team_step(
    session: Session,
    rng: random.Random,
    pack: CouncilPack,
    today: date,
    worker: tuple[str, str],
    family_ids: list[str],
) -> None:
    team_id, colleagues, manager = _staff(session, worker)
    for family in session.scalars(select(Family).where(Family.id.in_(family_ids), Family.team_id.is_(None))):
        family.team_id = team_id
    order = {f: i for i, f in enumerate(family_ids)}
    found = session.scalars(select(Referral).where(Referral.family_id.in_(family_ids))).all()
    for referral in sorted(found, key=lambda r: (order[r.family_id], r.received_on)):
        _triage(session, rng, referral, worker, manager, today)
    for family_id in family_ids:
        if rng.random() < 0.05:  # a new request for a family already known, waiting for triage
            received = today - timedelta(days=rng.randint(1, 20))
            new = referrals.record_referral(
                session, family_id, {"received_on": received, "source": rng.choice(pack.codes("referral_sources")),
                                     "summary": "A second request from school."},
            )  # fmt: skip
            session.flush()  # the triage below reads the new request
            if rng.random() < 0.4:
                triage.record_triage(
                    session, new,
                    {"forum": "weekly_triage", "decision": "more_information", "decided_on": min(received + timedelta(days=2), today),
                     "decided_by": manager, "rationale": "Ask school for the attendance record first."},
                )  # fmt: skip
    moved = 0
    for episode in episodes_in_generation_order(session, family_ids):
        if episode.opened_on > today:  # the families step opens a few cases in the coming days
            continue
        _team_around(session, rng, pack, episode, worker, today)
        _network(session, rng, episode.family_id)
        _handovers(session, rng, pack, episode, today)
        _events(session, rng, episode, today)
        if fate_of(session, episode) is None:
            if colleagues and rng.random() < 0.3:
                moved += 1  # the team shares the cases out in turn
                on = max(
                    episode.allocated_on or episode.opened_on, today - timedelta(days=rng.randint(5, 60))
                )
                allocation.allocate_episode(
                    session, episode.id, colleagues[moved % len(colleagues)], allocated_on=on,
                    handover_note=rng.choice(["Worker leaving the team; family know and have met the new worker.",
                                              "Rebalancing caseloads; next TAF already booked.",
                                              "New worker speaks the family's first language."]),
                    actor_role="manager", actor_team_id=team_id, today=max(on, today),
                )  # fmt: skip
            if rng.random() < 0.4:
                _supervise(session, rng, episode, manager, today)
        if rng.random() < 0.15:
            _audit(session, rng, pack, episode, manager, today)


def _triage(session, rng, referral, worker, manager, today) -> None:
    decision = OUTCOME_TO_DECISION.get(referral.outcome)
    if decision is None or referral.outcome_on is None:
        return
    forum = rng.choices(["weekly_triage", "allocations_hub", "multi_agency_panel"], [60, 30, 10])[0]
    allocates = decision in ("allocate", "childrens_centre")
    triage.record_triage(
        session, referral.id,
        {"forum": forum, "decision": decision, "decided_on": referral.outcome_on, "decided_by": manager,
         "rationale": rng.choice(RATIONALES), "allocated_to_id": worker[0] if allocates else None},
        today=max(today, referral.outcome_on),
    )  # fmt: skip


def _team_around(session, rng, pack, episode, worker, today) -> None:
    share = session.scalars(
        select(Consent).where(Consent.family_id == episode.family_id, Consent.scope == "share_information")
    ).first()
    start = episode.opened_on
    people = rng.sample(AGENCY_PEOPLE, rng.randint(1, 3))
    # Every agency the plan gives an action to works with the family (the plan's "who" is
    # checked against who is involved, as a worker's would be).
    planned = session.scalars(
        select(PlanAction.who_agency)
        .where(
            PlanAction.episode_id == episode.id, PlanAction.deleted.is_(False), PlanAction.who_agency != ""
        )
        .distinct()
    ).all()
    chosen = {p[0] for p in people}
    for agency in sorted(set(planned) - chosen - {"family_service"}):
        match = [p for p in AGENCY_PEOPLE if p[0] == agency]
        people.append(rng.choice(match) if match else (agency, rng.choice(OTHER_NAMES), "Practitioner", ""))
    # The family worker leads most cases; sometimes a school or health practitioner does.
    lead_index = -1 if rng.random() < 0.65 else rng.randrange(len(people))
    if lead_index >= 0 and not people[lead_index][3]:
        lead_index = -1
    fate = fate_of(session, episode)
    open_case = fate is None
    closes_on = fate.closes_on if fate else None
    # The family worker is always involved (the plan gives them actions), and leads unless another
    # practitioner does.
    leads = lead_index == -1 and open_case
    professionals.add_professional(
        session, episode.family_id,
        {"agency": "family_service", "name": worker[1], "role": "Family worker", "since": start,
         "is_lead": leads, "lead_role": "family_worker" if leads else "", "strength": "strong",
         "until": closes_on},
    )  # fmt: skip
    for i, (agency, name, role, lead_role) in enumerate(people):
        since = start - timedelta(days=rng.randint(0, 400))
        until = closes_on if closes_on and rng.random() < 0.5 else None
        leads = i == lead_index and open_case
        consent_id = share.id if share is not None and agency in (share.agencies or []) else None
        professionals.add_professional(
            session, episode.family_id,
            {"agency": agency, "name": name, "role": role, "since": since, "until": until,
             "is_lead": leads, "lead_role": lead_role if leads else "", "consent_id": consent_id,
             "strength": rng.choice(["strong", "moderate", "moderate", "weak", "stressful"])},
        )  # fmt: skip


def _network(session, rng, family_id) -> None:
    for kind, name, relationship in rng.sample(TIES, rng.randint(1, 3)):
        network.add_tie(
            session, family_id,
            {"kind": kind, "name": name, "relationship": relationship,
             "strength": rng.choice(["strong", "strong", "moderate", "weak", "stressful"])},
        )  # fmt: skip


def _handovers(session, rng, pack, episode, today) -> None:
    fate = fate_of(session, episode)
    if fate is not None and fate.reason == "stepped_up":
        on = fate.closes_on
        decided = on + timedelta(days=rng.randint(1, 10))
        known = decided <= today and rng.random() < 0.75
        handovers.record_handover(
            session, episode.id, "step_up",
            {"handed_over_on": on, "reason": "Risk escalated after a disclosure at school.",
             "information_shared": "Early help assessment, TAF plan and chronology",
             "received_by": "Front door duty social worker",
             "social_care_decision": rng.choice(pack.codes("social_care_decisions")) if known else "",
             "decision_on": decided if known else None, "early_help_continues": False},
            today=max(today, decided),
        )  # fmt: skip
    elif fate is None and rng.random() < 0.05:
        handovers.record_handover(
            session, episode.id, "step_down",
            {"handed_over_on": episode.opened_on, "reason": "Child in need plan ended; family want support to continue.",
             "social_worker": rng.choice(["Pat Green", "Leon Hart", "Maya Singh"]),
             "stepped_down_from": rng.choice(["child_in_need", "child_protection", "assessment"]),
             "joint_visit_on": episode.opened_on + timedelta(days=rng.randint(3, 14))},
            today=max(today, episode.opened_on),
        )  # fmt: skip


def _events(session, rng, episode, today) -> None:
    if rng.random() >= 0.25:
        return
    children = session.scalars(
        select(Person.id).where(Person.family_id == episode.family_id, Person.role == "child")
    ).all()
    end = ends_on(session, episode, today)
    for title, source, about_child in rng.sample(EVENTS, rng.randint(1, 2)):
        on = episode.opened_on + timedelta(days=rng.randint(0, max((end - episode.opened_on).days, 0)))
        chronology.add_event(
            session, episode.family_id,
            {"occurred_on": on, "title": title, "source": source,
             "child_ids": [rng.choice(sorted(children))] if about_child and children else []},
            today=max(today, on),
        )  # fmt: skip


def _supervise(session, rng, episode, manager, today) -> None:
    start = episode.allocated_on or episode.opened_on
    for _ in range(rng.randint(1, 2)):
        held = start + timedelta(days=rng.randint(0, max((today - start).days, 0)))
        talk, decided = rng.choice(SUPERVISION_TALK)
        due = held + timedelta(days=rng.randint(7, 35))
        done = (
            (due - timedelta(days=rng.randint(0, 5))).isoformat()
            # Actions from long ago are done; a recent one may still be open (and show as due).
            if due < today and rng.random() < (0.95 if due < today - timedelta(days=21) else 0.5)
            else ""
        )
        if not done and _long_overdue(due, today):
            # Not done by its date, and done late: it took twice the time it was given (no
            # further draw, so the rest of the story stays as the seed made it).
            done = (due + (due - held)).isoformat()
        supervision.record_supervision(
            session, episode.id,
            {"held_on": held, "manager_name": manager, "discussion": talk, "decisions": decided,
             "actions": [{"what": "Update the plan with the school's attendance figures", "due_on": due,
                          "done_on": done}]},
            actor_role="manager", today=max(today, held),
        )  # fmt: skip


def _audit(session, rng, pack, episode, manager, today) -> None:
    end = ends_on(session, episode, today)
    on = episode.opened_on + timedelta(days=rng.randint(30, max((end - episode.opened_on).days, 30)))
    if on > today:
        return
    grade = rng.choices([g for g, _ in AUDIT_GRADES], [w for _, w in AUDIT_GRADES])[0]
    codes = pack.codes("audit_grades")
    answers = [
        {
            "question": q,
            "grade": codes[min(len(codes) - 1, max(0, codes.index(grade) + rng.choice([-1, 0, 0, 1])))],
        }
        for q in pack.codes("audit_questions")
    ]
    weak = codes.index(grade) >= 2
    first = case_audit.record_audit(
        session, episode.id,
        {"audited_on": on, "auditor_name": manager, "answers": answers, "grade": grade,
         "summary": "Plan outcomes need to be SMARTer." if weak else "Clear voice of the child; plan on track.",
         "actions": [{"what": "Rewrite the plan's outcomes with the family", "due_on": on + timedelta(days=28)}]
         if weak else []},
        actor_role="manager", today=today,
    )  # fmt: skip
    session.flush()  # a re-audit reads the audit it follows
    gap = rng.randint(40, 90)
    reaudit_on = on + timedelta(days=gap)
    # An audit's actions are done halfway to the re-audit (before it, which says so; or, with no
    # re-audit, by when a manager would have chased them): days 20 to 45 after the audit.
    done_after = timedelta(days=gap // 2)
    reaudited = weak and reaudit_on <= today and rng.random() < 0.6
    if weak and (reaudited or _long_overdue(on + timedelta(days=28), today)):
        case_audit.complete_audit_action(session, first, 0, on + done_after)
    if reaudited:
        better = codes[codes.index(grade) - 1]
        due = reaudit_on + timedelta(days=28)
        again = case_audit.record_audit(
            session, episode.id,
            {"audited_on": reaudit_on, "auditor_name": manager,
             "answers": [{"question": q, "grade": better} for q in pack.codes("audit_questions")],
             "grade": better, "summary": "Actions from the last audit completed.", "follows_audit_id": first,
             "actions": [{"what": "Keep the chronology up to date", "due_on": due}]
             if codes.index(better) >= 2 else []},
            actor_role="manager", today=today,
        )  # fmt: skip
        if codes.index(better) >= 2 and _long_overdue(due, today):
            case_audit.complete_audit_action(session, again, 0, reaudit_on + done_after)


def _long_overdue(due: date, today: date) -> bool:
    return due < today - timedelta(days=ACTION_OVERDUE_AT_MOST_DAYS)
