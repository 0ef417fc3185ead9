"""The family's network for the ecomap: the household at the centre, then wider family,
friends and informal supports (``NetworkTie`` rows the worker adds) and the agencies working with
the family now (from the professionals list), each with the strength of the tie (pack list:
strong, moderate, weak, stressful). The screen and the PDF draw the same ``Ecomap``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit, professionals
from ehdesk.casework.families import _family_or_404
from ehdesk.casework.families import members as members_of
from ehdesk.casework.record_checks import require_text, text
from ehdesk.casework.records import live
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import ValidationError
from ehdesk.models import Family
from ehdesk.models.team import NetworkTie
from ehdesk.models.types import new_id

FIELDS = ("kind", "name", "relationship", "strength", "notes")


def clean_tie(data: dict, pack: CouncilPack) -> dict:
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown network fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    kind = text(data, "kind")
    # Household members come from the family record and agencies from the professionals list.
    if kind not in ("wider_family", "informal") or kind not in pack.codes("network_kinds"):
        errors["kind"] = "Choose wider family, or friends and informal support."
    name = require_text(data, "name", "The name", errors, 200)
    strength = text(data, "strength")
    if strength not in pack.codes("tie_strengths"):
        errors["strength"] = "Choose how strong the tie is."
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "name": name,
        "relationship": text(data, "relationship"),
        "strength": strength,
        "notes": text(data, "notes"),
    }


def add_tie(session: Session, family_id: str, data: dict, pack: CouncilPack | None = None) -> str:
    pack = pack or current_pack()
    _family_or_404(session, family_id)
    row = NetworkTie(id=new_id(), family_id=family_id, **clean_tie(data, pack))
    session.add(row)
    audit.record(session, "change", "network_tie", row.id, family_id, change="add")
    return row.id


def update_tie(session: Session, tie_id: str, changes: dict, pack: CouncilPack | None = None) -> None:
    pack = pack or current_pack()
    row = live(session, NetworkTie, tie_id, "person", "is no longer in the family's network")
    current = {n: getattr(row, n) for n in FIELDS} | changes
    for name, value in clean_tie(current, pack).items():
        setattr(row, name, value)
    audit.record(session, "change", "network_tie", row.id, row.family_id, change="edit")


def remove_tie(session: Session, tie_id: str) -> None:
    row = live(session, NetworkTie, tie_id, "person", "is no longer in the family's network")
    row.deleted = True
    audit.record(session, "change", "network_tie", row.id, row.family_id, change="remove")


@dataclass(frozen=True)
class EcomapNode:
    id: str
    kind: str  # a pack network_kinds code
    kind_label: str
    label: str
    detail: str
    strength: str  # a pack tie_strengths code, "" when not said
    strength_label: str
    is_lead: bool = False


@dataclass(frozen=True)
class Ecomap:
    household_name: str
    household: list[str]  # members living in the household, drawn in the centre
    nodes: list[EcomapNode]  # around it, grouped by kind


def ecomap(
    session: Session, family_id: str, on: date | None = None, pack: CouncilPack | None = None
) -> Ecomap:
    pack = pack or current_pack()
    on = on or date.today()
    family: Family = _family_or_404(session, family_id)
    members = members_of(session, family_id)
    household = [p.given_name for p in members if p.lives_in_household]
    nodes: list[EcomapNode] = []
    # Members living elsewhere (a father, a grandparent) belong to the wider family.
    for p in members:
        if not p.lives_in_household:
            nodes.append(
                EcomapNode(
                    p.id,
                    "wider_family",
                    pack.label("network_kinds", "wider_family"),
                    p.full_name,
                    pack.label("relationships", p.relationship),
                    "",
                    "",
                )
            )
    for t in session.scalars(
        select(NetworkTie).where(NetworkTie.family_id == family_id, NetworkTie.deleted.is_(False))
    ):
        nodes.append(
            EcomapNode(
                t.id,
                t.kind,
                pack.label("network_kinds", t.kind),
                t.name,
                t.relationship,
                t.strength,
                pack.label("tie_strengths", t.strength) if t.strength else "",
            )
        )
    for v in professionals.list_professionals(session, family_id, on, pack):
        nodes.append(
            EcomapNode(
                v.id,
                "agency",
                pack.label("network_kinds", "agency"),
                v.agency_label,
                v.name or v.role,
                v.strength,
                pack.label("tie_strengths", v.strength) if v.strength else "",
                v.is_lead,
            )
        )
    order = {code: i for i, code in enumerate(pack.codes("network_kinds"))}
    nodes.sort(key=lambda n: (order.get(n.kind, 99), n.label))
    return Ecomap(family.household_name, household, nodes)
