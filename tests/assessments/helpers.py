"""A family of four with an open episode, for the assessment tests."""

from __future__ import annotations

from datetime import date

from ehdesk.models import Episode, Family, Person


def family_of_four(session) -> tuple[str, str, dict[str, str]]:
    """Returns (family_id, episode_id, {given name: person id})."""
    family = Family(reference="EH-T0001", household_name="Okafor", town="Ambridge")
    session.add(family)
    session.flush()
    people = [
        Person(
            family_id=family.id,
            given_name="Grace",
            family_name="Okafor",
            role="adult",
            relationship="mother",
            date_of_birth=date(1988, 3, 2),
            parental_responsibility=True,
        ),
        Person(
            family_id=family.id,
            given_name="Daniel",
            family_name="Okafor",
            role="adult",
            relationship="father",
            date_of_birth=date(1985, 7, 9),
            parental_responsibility=True,
        ),
        Person(
            family_id=family.id,
            given_name="Amara",
            family_name="Okafor",
            role="child",
            relationship="daughter",
            date_of_birth=date(2014, 5, 1),
        ),
        Person(
            family_id=family.id,
            given_name="Tobi",
            family_name="Okafor",
            role="child",
            relationship="son",
            date_of_birth=date(2019, 11, 20),
        ),
    ]
    session.add_all(people)
    episode = Episode(family_id=family.id, opened_on=date(2026, 9, 1), lead_professional_name="Sam Lead")
    session.add(episode)
    session.flush()
    return family.id, episode.id, {p.given_name: p.id for p in people}


def complete_eha_answers(ids: dict[str, str]) -> dict:
    """Answers that complete the default Early Help Assessment for ``family_of_four``."""
    answers = {
        "started_on": "2026-09-10",
        "assessor_name": "Test Worker",
        "risk_of_significant_harm": False,
        "consent_to_assess": {
            "agreed": True,
            "name": "Grace Okafor",
            "date": "2026-09-10",
            "method": "signed",
        },
        "consent_to_share": True,
        "share_with": ["school", "gp"],
        "withdrawal_explained": True,
        "reason": "School raised worries about Amara's attendance.",
        "family_hopes": "Mornings that start calmly and Amara back in school every day.",
        "outcomes": "Amara attends at least 95% of sessions by the spring half term.",
        "next_step": "taf",
        "analysis": "A loving family stretched by Daniel's night shifts.",
        "family_view": "Grace says they want help with routines.",
        "level_of_need": "2",
        "criteria_met": ["education", "children_need_help"],
    }
    for side in ("child_needs", "parenting", "family_environment"):
        answers[f"{side}_strengths"] = f"{side} strengths noted"
        answers[f"{side}_needs"] = f"{side} needs noted"
    for child in ("Amara", "Tobi"):
        answers[f"voice_how@{ids[child]}"] = "talked"
        answers[f"voice_words@{ids[child]}"] = f"{child} said she likes drawing."
    return answers
