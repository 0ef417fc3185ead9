"""Families and their members: listing, reading, creating, editing, removing (tombstones)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.records import MOVED_OR_REMOVED, live, set_fields
from ehdesk.casework.validation import (
    POSTCODE,
    check_birth_date,
    check_due_date,
    check_name,
    nhs_number_is_valid,
    normalise_nhs_number,
    normalise_postcode,
)
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import ValidationError
from ehdesk.models import Family, Person

FAMILY_FIELDS = (
    "household_name",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "main_language",
    "interpreter_needed",
    "notes",
    "team_id",
)
PERSON_FIELDS = (
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "due_date",
    "gender",
    "ethnicity_code",
    "religion",
    "role",
    "relationship",
    "parental_responsibility",
    "lives_in_household",
    "school_or_setting",
    "disability_sen",
    "nhs_number",
)


@dataclass(frozen=True)
class MemberView:
    id: str
    given_name: str
    family_name: str
    other_names: str
    date_of_birth: date | None
    due_date: date | None
    gender: str
    ethnicity_code: str
    religion: str
    role: str
    relationship: str
    parental_responsibility: bool
    lives_in_household: bool
    school_or_setting: str
    disability_sen: str
    nhs_number: str

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)


@dataclass(frozen=True)
class FamilyView:
    id: str
    reference: str
    household_name: str
    address_line1: str
    address_line2: str
    town: str
    postcode: str
    main_language: str
    interpreter_needed: bool
    notes: str
    team_id: str | None
    members: list[MemberView] = field(default_factory=list)


@dataclass(frozen=True)
class FamilySummary:
    id: str
    reference: str
    household_name: str
    member_names: list[str]


def new_reference() -> str:
    # Made on the laptop, offline: random, so two laptops never hand out the same one.
    return "EH-" + uuid.uuid4().hex[:8].upper()


def _member_view(p: Person) -> MemberView:
    return MemberView(id=p.id, **{name: getattr(p, name) for name in PERSON_FIELDS})


def _family_or_404(session: Session, family_id: str) -> Family:
    return live(session, Family, family_id, "family", MOVED_OR_REMOVED)


def list_families(session: Session) -> list[FamilySummary]:
    families = session.scalars(
        select(Family).where(Family.deleted.is_(False)).order_by(Family.reference)
    ).all()
    names: dict[str, list[str]] = {}
    rows = session.execute(
        select(Person.family_id, Person.given_name, Person.family_name)
        .where(Person.deleted.is_(False))
        .order_by(Person.family_id, Person.role, Person.date_of_birth)
    )
    for family_id, given, family_name in rows:
        names.setdefault(family_id, []).append(" ".join(p for p in (given, family_name) if p))
    return [FamilySummary(f.id, f.reference, f.household_name, names.get(f.id, [])) for f in families]


# A family's members in the order they were recorded, built once with the family bound at each
# call: every agreement, assessment, reading and threshold check reads them, and building a
# statement and working out its cache key cost about as much as running it.
_EVERY_MEMBER = select(Person).where(Person.family_id == bindparam("family_id")).order_by(Person.created_at)
_MEMBERS = _EVERY_MEMBER.where(Person.deleted.is_(False))


def members(session: Session, family_id: str, *, removed_too: bool = False) -> list[Person]:
    """The family's members, in the order they were recorded; ``removed_too``: with those removed
    from the record (an old form still names them)."""
    return list(session.scalars(_EVERY_MEMBER if removed_too else _MEMBERS, {"family_id": family_id}))


def get_family(session: Session, family_id: str, *, audit_view: bool = True) -> FamilyView:
    family = _family_or_404(session, family_id)
    people = members(session, family_id)
    if audit_view:
        audit.record(session, "view", "family", family_id, family_id)
    return FamilyView(
        id=family.id,
        reference=family.reference,
        members=[_member_view(p) for p in people],
        **{name: getattr(family, name) for name in FAMILY_FIELDS},
    )


def clean_family(data: dict) -> dict:
    """Validate a household's details (raises ValidationError naming every wrong field)."""
    errors: dict[str, str] = {}
    unknown = set(data) - set(FAMILY_FIELDS)
    if unknown:
        raise ValueError(f"unknown family fields: {sorted(unknown)}")
    cleaned = dict(data)
    if "household_name" in cleaned:
        cleaned["household_name"] = check_name(
            cleaned["household_name"], "The household name", errors, "household_name"
        )
    if cleaned.get("postcode"):
        cleaned["postcode"] = normalise_postcode(cleaned["postcode"])
        if not POSTCODE.match(cleaned["postcode"]):
            errors["postcode"] = f"{cleaned['postcode']} is not a UK postcode."
    for text_field in ("address_line1", "address_line2", "town", "main_language"):
        if text_field in cleaned:
            cleaned[text_field] = (cleaned[text_field] or "").strip()
    if errors:
        raise ValidationError(errors)
    return cleaned


def create_family(session: Session, data: dict, reference: str | None = None) -> str:
    cleaned = clean_family(data)
    if "household_name" not in cleaned:
        raise ValidationError({"household_name": "The household name is missing."})
    family = Family(reference=reference or new_reference(), **cleaned)
    session.add(family)
    audit.record(session, "change", "family", family.id, family.id, change="create")
    return family.id


def update_family(session: Session, family_id: str, changes: dict) -> None:
    family = _family_or_404(session, family_id)
    cleaned = clean_family(changes)
    if set_fields(family, cleaned):
        audit.record(session, "change", "family", family_id, family_id, fields=sorted(cleaned))


def clean_person(data: dict, pack: CouncilPack | None = None, today: date | None = None) -> dict:
    """Validate a member's details. Raises ValidationError naming every wrong field at once."""
    pack = pack or current_pack()
    today = today or date.today()
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown person fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    cleaned = dict(data)
    cleaned["given_name"] = check_name(data.get("given_name", ""), "The first name", errors, "given_name")
    cleaned["family_name"] = check_name(
        data.get("family_name", ""), "The last name", errors, "family_name", required=False
    )
    role = data.get("role", "child")
    if role not in ("adult", "child"):
        errors["role"] = "Choose whether this member is an adult or a child."
    gender = data.get("gender", "not_known")
    if gender not in pack.codes("genders"):
        errors["gender"] = "Choose a gender from the list."
    if gender == "unborn":
        if data.get("date_of_birth"):
            errors["date_of_birth"] = "An unborn baby has a due date, not a date of birth."
        check_due_date(data.get("due_date"), today, errors)
        if role != "child":
            errors["role"] = "An unborn baby is recorded as a child."
    else:
        check_birth_date(data.get("date_of_birth"), today, errors)
        cleaned["due_date"] = None
    if data.get("ethnicity_code", "NOBT") not in pack.codes("ethnicities"):
        errors["ethnicity_code"] = "Choose an ethnicity from the list."
    relationship = data.get("relationship", "")
    if relationship and relationship not in pack.codes("relationships"):
        errors["relationship"] = "Choose a relationship from the list."
    nhs = normalise_nhs_number(data.get("nhs_number", "") or "")
    if nhs and not nhs_number_is_valid(nhs):
        errors["nhs_number"] = (
            f"{nhs} is not a valid NHS number: it must be 10 digits and its last digit must match the check."
        )
    cleaned["nhs_number"] = nhs
    if errors:
        raise ValidationError(errors)
    return cleaned


def add_person(
    session: Session, family_id: str, data: dict, pack: CouncilPack | None = None, today: date | None = None
) -> str:
    """``today``: the day it is recorded (dates of birth and due dates are checked against it)."""
    _family_or_404(session, family_id)
    person = Person(family_id=family_id, **clean_person(data, pack, today))
    session.add(person)
    audit.record(session, "change", "person", person.id, family_id, change="create")
    return person.id


def update_person(session: Session, person_id: str, changes: dict, pack: CouncilPack | None = None) -> None:
    person = live(session, Person, person_id, "family member")
    current = {name: getattr(person, name) for name in PERSON_FIELDS}
    current.update(changes)
    cleaned = clean_person(current, pack)
    if set_fields(person, {name: cleaned[name] for name in PERSON_FIELDS}):
        audit.record(session, "change", "person", person_id, person.family_id, fields=sorted(changes))


def remove_person(session: Session, person_id: str) -> None:
    person = live(session, Person, person_id, "family member")
    person.deleted = True
    audit.record(session, "change", "person", person_id, person.family_id, change="remove")
