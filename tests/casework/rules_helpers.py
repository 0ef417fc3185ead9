"""A family worked through the casework operations, for the practice-rule tests (issue 15)."""

from __future__ import annotations

from datetime import date

from ehdesk.casework import assessments, meetings, plans, readings
from ehdesk.models import Episode, Family, Person

OPENED = date(2026, 1, 5)
SPIDER = [
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
FAMILY_ATTENDS = {"name": "Ada Okafor", "role": "Mother", "agency": "", "attendance": "attended"}
WORKER_ATTENDS = {
    "name": "Sam Worker",
    "role": "Family worker",
    "agency": "family_service",
    "attendance": "attended",
}
SCHOOL_UPDATE = {
    "name": "Ms Ali",
    "role": "Pastoral lead",
    "agency": "school",
    "attendance": "apologies",
    "written_update": "Tobi's attendance is up to 93%.",
}


def make_family(session, level: int | None = 2) -> dict:
    family = Family(reference="EH-R1", household_name="Okafor household", team_id="team-a")
    session.add(family)
    session.flush()
    mum = Person(
        family_id=family.id,
        given_name="Ada",
        family_name="Okafor",
        role="adult",
        relationship="mother",
        gender="female",
        date_of_birth=date(1990, 3, 1),
        parental_responsibility=True,
    )
    kid = Person(
        family_id=family.id,
        given_name="Tobi",
        family_name="Okafor",
        role="child",
        relationship="son",
        gender="male",
        date_of_birth=date(2016, 9, 1),
    )
    episode = Episode(family_id=family.id, opened_on=OPENED, allocated_on=OPENED, level_of_need=level)
    session.add_all([mum, kid, episode])
    session.flush()
    return {"family": family.id, "mum": mum.id, "kid": kid.id, "episode": episode.id}


def add_plan(session, episode_id: str, by_when: date = date(2026, 3, 1)) -> tuple[str, str]:
    outcome_id = plans.add_outcome(
        session,
        episode_id,
        {
            "what_will_be_different": "Tobi gets to school on time every day",
            "for_whom": "Tobi",
            "how_we_will_know": "Attendance above 95% for a term",
        },
    )
    action_id = plans.add_action(
        session, outcome_id, {"what": "Morning routine chart", "who_name": "Ada", "by_when": by_when}
    )
    return outcome_id, action_id


def take_reading(session, ids: dict, on: date, occasion: str = "review", value: int = 5) -> str:
    data = {
        "occasion": occasion,
        "taken_on": on,
        "participant_ids": [ids["mum"]],
        "answers": dict.fromkeys(SPIDER, value),
    }
    return readings.take_reading(session, ids["episode"], "family_spider", data)


def meeting(session, episode_id, kind, on, *, attendees=None, next_on=None, reviews=None, outcome=""):
    """A draft meeting with its details filled in (not yet completed)."""
    meeting_id = meetings.create_meeting(session, episode_id, kind, on, "Family home")
    meetings.update_meeting(
        session,
        meeting_id,
        {
            "attendees": attendees
            if attendees is not None
            else [FAMILY_ATTENDS, WORKER_ATTENDS, SCHOOL_UPDATE],
            "confidentiality_read": True,
            "next_meeting_on": next_on,
            "outcome_reviews": reviews or [],
            "review_outcome": outcome,
        },
    )
    return meeting_id


def complete_feedback(session, family_id: str) -> None:
    aid = assessments.start_assessment(session, family_id, assessments.FEEDBACK_FORM)
    assessments.complete_assessment(session, aid, {"overall": 4, "listened": "mostly", "quotes_ok": False})
