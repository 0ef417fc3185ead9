"""Synthetic households, their requests for support, consent and cases, recorded through the
casework operations a worker's entry goes through (``create_family``, ``add_person``,
``record_referral`` and ``record_outcome``, ``record_consent``, ``open_episode``)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy.orm import Session

from ehdesk.casework import consent, episodes, families, referrals
from ehdesk.config.pack import CouncilPack
from ehdesk.demo.fates import plan_closure
from ehdesk.demo.names import CULTURES, PROFESSIONALS, SCHOOLS, STREETS, TOWNS, surname_for


def valid_nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        digits[0] = rng.randint(4, 9)
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _postcode(rng: random.Random, prefix: str) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{prefix}{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


CHILD_DAYS = 17 * 365 + 364  # the oldest a child of the household is drawn (``_birth(rng, today, 0, 17)``)


def _birth(rng: random.Random, today: date, min_age: int, max_age: int) -> date:
    days = rng.randint(min_age * 365, max_age * 365 + 364)
    return today - timedelta(days=days)


def make_family(
    session: Session,
    rng: random.Random,
    pack: CouncilPack,
    index: int,
    seed: int,
    today: date,
    worker: tuple[str, str],
) -> str:
    weights = [c[1] for c in CULTURES]
    codes, _, female, male, surnames, language, interpreter_share = rng.choices(CULTURES, weights)[0]
    surname = rng.choice(surnames)
    town, prefix = rng.choice(TOWNS)
    family_id = families.create_family(
        session,
        {
            "household_name": surname,
            "address_line1": f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
            "town": town,
            "postcode": _postcode(rng, prefix),
            "main_language": language,
            "interpreter_needed": rng.random() < interpreter_share,
        },
        reference=f"EH-{seed:02d}{index:06d}",
    )

    used: set[str] = set()  # no two in one family share a first name (a mother and daughter Zofia)

    def first_name(names: list[str]) -> str:
        name = rng.choice([n for n in names if n not in used] or names)
        used.add(name)
        return name

    def member(**data) -> str:
        return families.add_person(session, family_id, data, pack, today=today)

    # (id, has parental responsibility) of each adult; (id, date of birth) of each child born.
    mother_born = _birth(rng, today, 19, 48)
    parents_born = [mother_born]
    adults: list[tuple[str, bool]] = [
        (
            member(
                given_name=first_name(female),
                family_name=surname_for(surname, "female"),
                date_of_birth=mother_born,
                gender="female",
                ethnicity_code=rng.choice(codes),
                role="adult",
                relationship="mother",
                parental_responsibility=True,
                nhs_number=valid_nhs_number(rng),
            ),
            True,
        )
    ]
    if rng.random() < 0.55:
        data = dict(
            given_name=first_name(male),
            family_name=surname,
            date_of_birth=_birth(rng, today, 21, 55),
            gender="male",
            ethnicity_code=rng.choice(codes),
            role="adult",
            relationship=rng.choice(["father", "father", "step_parent", "partner_of_parent"]),
        )
        responsible = rng.random() < 0.8
        if data["relationship"] == "father":
            parents_born.append(data["date_of_birth"])
        adults.append(
            (
                member(**data, parental_responsibility=responsible, nhs_number=valid_nhs_number(rng)),
                responsible,
            )
        )
    children: list[tuple[str, date]] = []
    # No child older than a parent's age less 16 (a 19-year-old mother had a son of 13): the age
    # drawn is scaled into that span, so the draws, and the rest of the story, stay the same.
    oldest = min(CHILD_DAYS, min((today - born).days for born in parents_born) - 16 * 365)
    for _ in range(rng.choices([1, 2, 3, 4], [35, 35, 20, 10])[0]):
        girl = rng.random() < 0.5
        dob = today - timedelta(days=(today - _birth(rng, today, 0, 17)).days * oldest // CHILD_DAYS)
        age = (today - dob).days // 365
        child_id = member(
            given_name=first_name(female if girl else male),
            family_name=surname_for(surname, "female" if girl else "male"),
            date_of_birth=dob,
            gender="female" if girl else "male",
            ethnicity_code=rng.choice(codes),
            role="child",
            relationship="daughter" if girl else "son",
            school_or_setting=rng.choice(SCHOOLS) if age >= 3 else "",
            disability_sen="Speech and language needs; on SEN support" if rng.random() < 0.12 else "",
            nhs_number=valid_nhs_number(rng),
        )
        children.append((child_id, dob))
    if rng.random() < 0.08:
        member(
            given_name="Baby",
            family_name=surname,
            due_date=today + timedelta(days=rng.randint(20, 200)),
            gender="unborn",
            ethnicity_code=rng.choice(codes),
            role="child",
            relationship="unborn_child",
        )

    received = today - timedelta(days=rng.randint(10, 700))
    factors = rng.sample(pack.codes("presenting_factors"), rng.randint(1, 4))
    level = rng.choices([1, 2, 3, 4], [5, 55, 35, 5])[0]
    outcome = rng.choices(pack.codes("referral_outcomes"), [8, 5, 4, 8, 15, 55, 5])[0]
    decided_on = received + timedelta(days=rng.randint(0, 5))
    referral_id = referrals.record_referral(
        session,
        family_id,
        {
            "received_on": received,
            "source": rng.choice(pack.codes("referral_sources")),
            "presenting_needs": factors,
            "primary_reason": factors[0] if factors else "",
            "level_of_need": level,
            "consent_obtained": outcome != "no_consent",
            "summary": "Request for support received from a partner agency.",
        },
        pack,
        today=today,
    )
    referrals.record_outcome(session, referral_id, outcome, decided_on, pack)
    if outcome == "no_consent":
        return family_id

    for adult_id, responsible in adults:
        if responsible:
            for scope in ("assessment", "store_records", "share_information"):
                agencies = rng.sample(pack.codes("agencies"), 3) if scope == "share_information" else []
                consent.record_consent(
                    session,
                    family_id,
                    person_id=adult_id,
                    scope=scope,
                    given_on=min(received + timedelta(days=rng.randint(1, 10)), today),
                    method="signed" if rng.random() < 0.9 else "verbal",
                    agencies=agencies,
                    pack=pack,
                    today=today,
                )

    if outcome not in ("family_service", "childrens_centre"):
        return family_id
    # A case is opened and allocated once the request is decided, never on a date still to come.
    opened = min(decided_on + timedelta(days=rng.randint(1, 10)), today)
    allocated = min(opened + timedelta(days=rng.randint(0, 6)), today)
    _, _, lead_agency = rng.choice(PROFESSIONALS)
    age_days = (today - opened).days
    # Early help is short-term: most cases close within the year, so few stay open past 12 months.
    closed = age_days > 200 and rng.random() < (0.6 if age_days < 330 else 0.9)
    lead_child = max(children, key=lambda c: c[1])[0]
    episode_id = episodes.open_episode(
        session,
        family_id,
        {
            "referral_id": referral_id,
            "case_type": "childrens_centre" if outcome == "childrens_centre" else "early_help",
            "opened_on": opened,
            "allocated_worker_id": worker[0],
            "allocated_worker_name": worker[1],
            "allocated_on": allocated,
            "lead_professional_name": worker[1],
            "lead_professional_role": "Family worker",
            "lead_professional_agency": lead_agency,
            "level_of_need": min(level, 3) if level > 1 else 2,
            "criteria_met": rng.sample(pack.codes("early_help_criteria"), rng.randint(2, 3)),
            "presenting_factors": factors,
            "lead_child_id": lead_child,
        },
        pack,
        today=today,
    )
    if closed:  # closed last, through the casework operation, once its story is recorded
        closes_on = opened + timedelta(days=rng.randint(90, min(age_days, 400)))
        reason = rng.choices(pack.codes("closure_reasons"), [55, 15, 10, 8, 7, 5])[0]
        plan_closure(session, episode_id, closes_on, reason)
    return family_id
