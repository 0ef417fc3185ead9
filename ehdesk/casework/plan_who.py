"""The plan's "who": chosen from the family's professionals (casework/professionals.py), the
household's members or "the family", so "who does what" can be checked against "who is involved".

A professional chosen for an action is linked (``who_professional_id``), so the action follows
them if their name or agency is corrected, and an action still open with someone who has stopped
working with the family is named on the plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework.professionals import list_professionals
from ehdesk.config.pack import current_pack
from ehdesk.errors import ValidationError
from ehdesk.models.family import Person
from ehdesk.models.plan import PlanAction
from ehdesk.models.team import Professional

FAMILY = "The family"


@dataclass(frozen=True)
class WhoChoice:
    label: str  # what the worker sees in the list
    who_name: str
    who_agency: str
    professional_id: str  # empty for a household member or the family
    kind: str  # professional | member | family


def who_choices(session: Session, family_id: str, on: date | None = None) -> list[WhoChoice]:
    """The professionals involved on ``on`` (the lead first), then the household, then "the family"."""
    on = on or date.today()
    choices = [
        WhoChoice(
            f"{p.name or p.role} ({p.agency_label})" + (" - lead professional" if p.is_lead else ""),
            p.name or p.role,
            p.agency,
            p.id,
            "professional",
        )
        for p in list_professionals(session, family_id, on)
    ]
    members = session.scalars(
        select(Person)
        .where(Person.family_id == family_id, Person.deleted.is_(False))
        .order_by(
            Person.role, Person.date_of_birth, Person.given_name
        )  # adults first, then the children by age
    ).all()
    for m in members:
        name = f"{m.given_name} {m.family_name}".strip()
        what = m.relationship or ("child" if m.role == "child" else "adult")
        choices.append(WhoChoice(f"{name} ({what})", name, "", "", "member"))
    choices.append(WhoChoice(FAMILY, FAMILY, "", "", "family"))
    return choices


def link_professional(session: Session, family_id: str, clean: dict) -> dict:
    """Check the professional an action names belongs to this family; fill the name and agency
    from the list when the worker left them empty."""
    professional_id = clean.get("who_professional_id") or ""
    if not professional_id:
        return clean
    row = session.get(Professional, professional_id)
    if row is None or row.deleted or row.family_id != family_id:
        raise ValidationError({"who_name": "Choose someone from the family's list of professionals."})
    clean = dict(clean)
    clean["who_name"] = clean.get("who_name") or row.name or row.role
    clean["who_agency"] = clean.get("who_agency") or row.agency
    if clean["who_agency"] != row.agency:
        raise ValidationError(
            {"who_agency": "That agency is not the one on the family's list for this professional."}
        )
    return clean


@dataclass(frozen=True)
class WhoGap:
    action_id: str
    what: str
    who: str
    why: str


def who_not_involved(session: Session, episode_id: str, on: date | None = None) -> list[WhoGap]:
    """Open actions whose "who" is not working with the family on ``on``: a linked professional
    whose involvement has ended (or who was removed), or an agency with nobody on the list."""
    from ehdesk.casework.plans import OPEN_STATUSES

    on = on or date.today()
    actions = session.scalars(
        select(PlanAction).where(
            PlanAction.episode_id == episode_id,
            PlanAction.deleted.is_(False),
            PlanAction.status.in_(OPEN_STATUSES),
        )
    ).all()
    if not actions:
        return []
    family_id = actions[0].family_id
    involved = {p.id: p for p in list_professionals(session, family_id, on)}
    agencies = {p.agency for p in involved.values()}
    pack = current_pack()
    gaps = []
    for a in actions:
        agency = pack.label("agencies", a.who_agency) if a.who_agency else ""
        who = ", ".join(p for p in (a.who_name, agency) if p)
        if a.who_professional_id:
            if a.who_professional_id not in involved:
                gaps.append(WhoGap(a.id, a.what, who, "no longer working with the family"))
        elif a.who_agency and a.who_agency not in agencies:
            gaps.append(WhoGap(a.id, a.what, who, "their agency is not on the family's list"))
    return gaps
