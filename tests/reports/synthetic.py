"""Synthetic caseloads for the statistics tests, kept as plain records as well as rows so the
tests can work out the expected figures on their own, without the code under test."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from ehdesk.config.pack import CouncilPack
from ehdesk.models import Episode, Family, Person, Referral, Team

START = date(2024, 1, 1)


@dataclass
class Data:
    teams: dict[str, str] = field(default_factory=dict)  # name -> id
    families: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    episodes: list[dict] = field(default_factory=list)
    referrals: list[dict] = field(default_factory=list)


def _day(rng: random.Random, low: date, high: date) -> date:
    while True:
        d = low + timedelta(days=rng.randint(0, (high - low).days))
        if (d.month, d.day) != (2, 29):  # keeps the test's own age sum simple
            return d


def build(session: Session, pack: CouncilPack, families: int = 200, seed: int = 7) -> Data:
    rng = random.Random(seed)
    data = Data()
    for name in ("North", "South"):
        team = Team(name=name)
        session.add(team)
        session.flush()
        data.teams[name] = team.id
    genders = pack.codes("genders")
    ethnicities = pack.codes("ethnicities")
    for i in range(families):
        team_id = rng.choice(list(data.teams.values()))
        deleted_family = i % 37 == 36  # tombstoned families count nowhere
        family = Family(reference=f"T{i:04d}", team_id=team_id, deleted=deleted_family)
        session.add(family)
        session.flush()
        data.families.append({"id": family.id, "team_id": team_id, "deleted": deleted_family})
        for _ in range(rng.randint(1, 4)):
            unborn = rng.random() < 0.07
            adult = not unborn and rng.random() < 0.35
            record = {
                "family_id": family.id,
                "role": "adult" if adult else "child",
                "date_of_birth": None
                if unborn or rng.random() < 0.03
                else _day(rng, date(1970, 1, 1), date(2005, 12, 31))
                if adult
                else _day(rng, date(2006, 1, 1), date(2025, 6, 30)),
                "due_date": _day(rng, date(2025, 7, 1), date(2026, 3, 1)) if unborn else None,
                "gender": "unborn" if unborn else rng.choice(genders),
                "ethnicity_code": rng.choice(ethnicities + ["XXXX"]),
                "deleted": rng.random() < 0.03,
            }
            data.people.append(record)
            session.add(Person(given_name="Test", **record))
        for _ in range(rng.randint(0, 2)):
            received = _day(rng, START, date(2025, 12, 31))
            referral = {
                "family_id": family.id,
                "received_on": received,
                "source": rng.choice(pack.codes("referral_sources") + [""]),
                "outcome": rng.choice(pack.codes("referral_outcomes") + [""]),
                "deleted": rng.random() < 0.03,
            }
            data.referrals.append(referral)
            session.add(Referral(**referral))
        for _ in range(rng.randint(0, 2)):
            opened = _day(rng, START, date(2025, 12, 31))
            closed = opened + timedelta(days=rng.randint(20, 500)) if rng.random() < 0.6 else None
            episode = {
                "family_id": family.id,
                "opened_on": opened,
                "allocated_on": opened,
                "case_type": rng.choice(pack.codes("case_types")),
                "level_of_need": rng.choice([1, 2, 3, 4, None]),
                "presenting_factors": rng.sample(pack.codes("presenting_factors"), rng.randint(0, 3)),
                "status": "closed" if closed else "open",
                "closed_on": closed,
                "closure_reason": rng.choice(pack.codes("closure_reasons") + [""]) if closed else "",
                "extension_signed_off_on": opened + timedelta(days=360) if rng.random() < 0.3 else None,
                "deleted": rng.random() < 0.03,
            }
            row = Episode(**episode)
            session.add(row)
            session.flush()
            episode["id"] = row.id
            data.episodes.append(episode)
    session.flush()
    return data
