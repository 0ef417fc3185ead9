"""A family with an open case, for reading tests."""

from __future__ import annotations

from datetime import date

from ehdesk.models import Episode, Family, Person

TODAY = date(2026, 6, 1)


def make_case(session, opened=date(2026, 1, 5)) -> dict:
    family = Family(reference="EH-T1", household_name="Okafor")
    session.add(family)
    session.flush()
    mum = Person(
        family_id=family.id,
        given_name="Ada",
        family_name="Okafor",
        role="adult",
        gender="female",
        date_of_birth=date(1990, 3, 1),
    )
    kid = Person(
        family_id=family.id,
        given_name="Tobi",
        family_name="Okafor",
        role="child",
        gender="male",
        date_of_birth=date(2016, 9, 1),
    )
    episode = Episode(family_id=family.id, opened_on=opened, allocated_on=opened)
    session.add_all([mum, kid, episode])
    session.flush()
    return {"family": family.id, "mum": mum.id, "kid": kid.id, "episode": episode.id}


def spider_answers(value: int = 4) -> dict:
    keys = [
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
    return {k: value for k in keys}


def spider_data(ids, occasion="baseline", taken_on=date(2026, 1, 20), value=4, **extra) -> dict:
    data = {
        "occasion": occasion,
        "taken_on": taken_on,
        "participant_ids": [ids["mum"]],
        "answers": spider_answers(value),
        "comments": {"home": "Damp in the back bedroom"},
    }
    data.update(extra)
    return data
