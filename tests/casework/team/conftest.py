"""A team on one laptop: manager Mo and workers Ann and Bob in North, Sue in South; the Hill
family (North) with two children, consent to share with the school and health visiting, and an
open episode allocated to Ann on 5 January 2026."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from ehdesk.casework import consent, episodes, families, referrals
from ehdesk.models import Family, Team, User

TODAY = date(2026, 6, 1)


@dataclass
class World:
    store: object
    north: str
    south: str
    mo: str
    ann: str
    bob: str
    sue: str
    family_id: str
    episode_id: str
    referral_id: str
    consent_id: str
    mum: str
    kai: str
    lily: str

    def session(self):
        return self.store.session()


@pytest.fixture
def world(store) -> World:
    with store.session() as s:
        north, south = Team(name="North"), Team(name="South")
        s.add_all([north, south])
        s.flush()
        users = {}
        for username, name, role, team in (
            ("mo", "Mo Manager", "manager", north),
            ("ann", "Ann Worker", "practitioner", north),
            ("bob", "Bob Worker", "practitioner", north),
            ("sue", "Sue Worker", "practitioner", south),
        ):
            u = User(username=username, display_name=name, role=role, team_id=team.id)
            s.add(u)
            s.flush()
            users[username] = u.id
        family_id = families.create_family(s, {"household_name": "Hill"})
        s.get(Family, family_id).team_id = north.id
        mum = families.add_person(
            s,
            family_id,
            {"given_name": "Jo", "family_name": "Hill", "role": "adult", "relationship": "mother"},
        )
        kai = families.add_person(
            s,
            family_id,
            {"given_name": "Kai", "family_name": "Hill", "role": "child", "date_of_birth": date(2018, 3, 2)},
        )
        lily = families.add_person(
            s,
            family_id,
            {"given_name": "Lily", "family_name": "Hill", "role": "child", "date_of_birth": date(2021, 7, 9)},
        )
        referral_id = referrals.record_referral(
            s, family_id, {"received_on": date(2025, 12, 15), "source": ""}
        )
        consent_id = consent.record_consent(
            s,
            family_id,
            person_id=mum,
            scope="share_information",
            given_on=date(2026, 1, 5),
            agencies=["school", "health_visitor"],
        )
        episode_id = episodes.open_episode(
            s,
            family_id,
            {
                "opened_on": date(2026, 1, 5),
                "allocated_on": date(2026, 1, 5),
                "allocated_worker_id": users["ann"],
                "allocated_worker_name": "Ann Worker",
                "referral_id": referral_id,
            },
        )
    return World(
        store,
        north.id,
        south.id,
        users["mo"],
        users["ann"],
        users["bob"],
        users["sue"],
        family_id,
        episode_id,
        referral_id,
        consent_id,
        mum,
        kai,
        lily,
    )
