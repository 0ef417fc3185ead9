"""The professionals and agencies working with a family: one structured list that the TAF
attendee picker, the plan's "who", the agreement's sharing list and the assessment's
"professionals involved" all draw on, so "who attended" can be checked against "who is involved".

The lead professional is one of them, with a role and agency from the pack's lists (every FOI
reply asked which practitioner groups act as lead professional). Marking a lead also writes the
lead onto the family's open episode, where the existing screens and reports read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.episode_access import open_episode_of
from ehdesk.casework.families import _family_or_404
from ehdesk.casework.record_checks import check_date, text
from ehdesk.casework.records import live, set_fields
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import ValidationError
from ehdesk.models import Consent
from ehdesk.models.meeting import Meeting
from ehdesk.models.team import Professional
from ehdesk.models.types import new_id

FIELDS = (
    "agency",
    "name",
    "role",
    "contact",
    "since",
    "until",
    "consent_id",
    "is_lead",
    "lead_role",
    "strength",
)


@dataclass(frozen=True)
class ProfessionalView:
    id: str
    family_id: str
    agency: str
    agency_label: str
    name: str
    role: str
    contact: str
    since: date | None
    until: date | None
    consent_id: str | None
    # True only while the linked consent stands (withdrawing consent stops sharing at once).
    may_share: bool
    is_lead: bool
    lead_role: str
    lead_role_label: str
    strength: str

    def involved_on(self, day: date) -> bool:
        return (self.since is None or self.since <= day) and (self.until is None or self.until >= day)

    @property
    def display(self) -> str:
        who = self.name or self.role or "Someone"
        return f"{who} ({self.agency_label})"


def _view(p: Professional, consents: dict[str, Consent], pack: CouncilPack) -> ProfessionalView:
    consent = consents.get(p.consent_id or "")
    return ProfessionalView(
        id=p.id,
        family_id=p.family_id,
        agency=p.agency,
        agency_label=pack.label("agencies", p.agency),
        name=p.name,
        role=p.role,
        contact=p.contact,
        since=p.since,
        until=p.until,
        consent_id=p.consent_id,
        may_share=consent is not None and consent.active,
        is_lead=p.is_lead,
        lead_role=p.lead_role,
        lead_role_label=pack.label("lead_professional_roles", p.lead_role) if p.lead_role else "",
        strength=p.strength,
    )


def clean_professional(
    session: Session, family_id: str, data: dict, pack: CouncilPack | None = None, today: date | None = None
) -> dict:
    pack = pack or current_pack()
    today = today or date.today()
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown professional fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    agency = text(data, "agency")
    if agency not in pack.codes("agencies"):
        errors["agency"] = "Choose the agency from the list."
    name = text(data, "name")
    role = text(data, "role")
    if not name and not role:
        errors["name"] = "Give the professional's name, or at least their role."
    for value, field, limit in (
        (name, "name", 200),
        (role, "role", 120),
        (text(data, "contact"), "contact", 300),
    ):
        if len(value) > limit:
            errors[field] = f"That is too long (at most {limit} characters)."
    since, until = data.get("since"), data.get("until")
    check_date(since, "The date they started working with the family", errors, "since", today, required=False)
    if until is not None and since is not None and until < since:
        errors["until"] = "The date they stopped is before the date they started."
    consent_id = data.get("consent_id") or None
    if consent_id:
        consent = session.get(Consent, consent_id)
        if consent is None or consent.deleted or consent.family_id != family_id:
            errors["consent_id"] = "Choose a consent recorded for this family."
        elif consent.scope != "share_information":
            errors["consent_id"] = "Choose the family's consent to share information."
        elif consent.agencies and agency and agency not in consent.agencies:
            errors["consent_id"] = (
                f"That consent does not name {pack.label('agencies', agency)}; record a consent that does."
            )
    is_lead = bool(data.get("is_lead"))
    lead_role = text(data, "lead_role")
    if is_lead:
        if lead_role not in pack.codes("lead_professional_roles"):
            errors["lead_role"] = "Choose the lead professional's role from the list."
        if until is not None and until < today:
            errors["is_lead"] = (
                "Someone who has stopped working with the family cannot be the lead professional."
            )
    else:
        lead_role = ""
    strength = text(data, "strength")
    if strength and strength not in pack.codes("tie_strengths"):
        errors["strength"] = "Choose how strong the tie is from the list."
    if errors:
        raise ValidationError(errors)
    return {
        "agency": agency,
        "name": name,
        "role": role,
        "contact": text(data, "contact"),
        "since": since,
        "until": until,
        "consent_id": consent_id,
        "is_lead": is_lead,
        "lead_role": lead_role,
        "strength": strength,
    }


# Built once, their values bound at each call: every list of the team around a family, and every
# lead marked, reads these, and building a statement and working out its cache key cost about as
# much as running it.
_CONSENTS = select(Consent).where(Consent.family_id == bindparam("family_id"), Consent.deleted.is_(False))
_PROFESSIONALS = select(Professional).where(
    Professional.family_id == bindparam("family_id"), Professional.deleted.is_(False)
)
_OTHER_LEADS = _PROFESSIONALS.where(
    Professional.id != bindparam("professional_id"), Professional.is_lead.is_(True)
)


def _consents(session: Session, family_id: str) -> dict[str, Consent]:
    return {c.id: c for c in session.scalars(_CONSENTS, {"family_id": family_id})}


def list_professionals(
    session: Session, family_id: str, on: date | None = None, pack: CouncilPack | None = None
) -> list[ProfessionalView]:
    """Everyone recorded, the lead first, then by agency; with ``on``, only those involved that day."""
    pack = pack or current_pack()
    rows = session.scalars(_PROFESSIONALS, {"family_id": family_id}).all()
    consents = _consents(session, family_id)
    views = [_view(p, consents, pack) for p in rows]
    if on is not None:
        views = [v for v in views if v.involved_on(on)]
    return sorted(views, key=lambda v: (not v.is_lead, v.agency_label, v.name))


def _row(session: Session, professional_id: str) -> Professional:
    return live(session, Professional, professional_id, "professional", "is no longer in the family's record")


def _apply_lead(session: Session, row: Professional, pack: CouncilPack) -> None:
    """One lead professional per family: marking one unmarks the others, and the open episode
    names them (the episode's lead fields are what closure, the PDFs and the return read)."""
    if not row.is_lead:
        return
    for other in session.scalars(_OTHER_LEADS, {"family_id": row.family_id, "professional_id": row.id}):
        other.is_lead = False
        other.lead_role = ""
    episode = open_episode_of(session, row.family_id)
    if episode is not None:
        episode.lead_professional_name = row.name
        episode.lead_professional_role = pack.label("lead_professional_roles", row.lead_role)
        episode.lead_professional_agency = row.agency


def add_professional(session: Session, family_id: str, data: dict, pack: CouncilPack | None = None) -> str:
    pack = pack or current_pack()
    _family_or_404(session, family_id)
    row = Professional(id=new_id(), family_id=family_id, **clean_professional(session, family_id, data, pack))
    session.add(row)
    _apply_lead(session, row, pack)
    audit.record(session, "change", "professional", row.id, family_id, change="add")
    return row.id


def update_professional(
    session: Session, professional_id: str, changes: dict, pack: CouncilPack | None = None
) -> None:
    pack = pack or current_pack()
    row = _row(session, professional_id)
    current = {n: getattr(row, n) for n in FIELDS}
    current.update(changes)
    cleaned = clean_professional(session, row.family_id, current, pack)
    if set_fields(row, cleaned):
        _apply_lead(session, row, pack)
        audit.record(session, "change", "professional", row.id, row.family_id, fields=sorted(changes))


def end_involvement(session: Session, professional_id: str, until: date) -> None:
    """They stopped working with the family: kept in the record (and the chronology), no longer listed
    as involved after ``until``; a lead professional stops being the lead."""
    row = _row(session, professional_id)
    changes: dict = {"until": until}
    if row.is_lead:
        changes.update(is_lead=False, lead_role="")
    update_professional(session, professional_id, changes)


def remove_professional(session: Session, professional_id: str) -> None:
    """Entered in error: tombstoned (to end someone's involvement, use ``end_involvement``)."""
    row = _row(session, professional_id)
    row.deleted = True
    audit.record(session, "change", "professional", row.id, row.family_id, change="remove")


def lead_professional(session: Session, family_id: str) -> ProfessionalView | None:
    for view in list_professionals(session, family_id):
        if view.is_lead:
            return view
    return None


def involved_agencies(session: Session, family_id: str, on: date | None = None) -> list[str]:
    """The agencies working with the family on ``on``, in the pack's order: what a first
    agreement proposes to share with (signing it is the family's consent)."""
    on = on or date.today()
    pack = current_pack()
    agencies = {v.agency for v in list_professionals(session, family_id, on, pack)}
    return [code for code in pack.codes("agencies") if code in agencies]


def sharing_agencies(session: Session, family_id: str, on: date | None = None) -> list[str]:
    """The agencies involved now that the family has agreed may receive information (the
    agreement's sharing list), in the pack's order."""
    on = on or date.today()
    pack = current_pack()
    agencies = {v.agency for v in list_professionals(session, family_id, on, pack) if v.may_share}
    return [code for code in pack.codes("agencies") if code in agencies]


# -- who attended against who is involved ----------------------------------------------------


@dataclass(frozen=True)
class AttendanceCheck:
    attended: list[ProfessionalView]
    apologies: list[ProfessionalView]
    # Involved on the day, and neither came nor sent apologies: the TAF chair follows these up.
    absent: list[ProfessionalView]
    # Came (or sent apologies) but are not on the family's list: add them, or they came as family.
    not_listed: list[dict]

    @property
    def all_involved_accounted_for(self) -> bool:
        return not self.absent


def _matches(attendee: dict, prof: ProfessionalView, pack: CouncilPack) -> bool:
    name = str(attendee.get("name") or "").strip().casefold()
    agency = str(attendee.get("agency") or "").strip()
    agency_ok = not agency or agency in (prof.agency, prof.agency_label)
    if prof.name:
        return name == prof.name.casefold() and agency_ok
    # Known only by agency and role ("the school"): the agency must match.
    return bool(agency) and agency in (prof.agency, prof.agency_label)


def check_attendance(
    attendees: list[dict], involved: list[ProfessionalView], pack: CouncilPack | None = None
) -> AttendanceCheck:
    """Compare a meeting's attendee list ({name, agency, attendance}) with who is involved."""
    pack = pack or current_pack()
    attended: list[ProfessionalView] = []
    apologies: list[ProfessionalView] = []
    absent: list[ProfessionalView] = []
    matched: set[int] = set()
    for prof in involved:
        hit = next(
            (i for i, a in enumerate(attendees) if i not in matched and _matches(a, prof, pack)),
            None,
        )
        if hit is None:
            absent.append(prof)
            continue
        matched.add(hit)
        (apologies if attendees[hit].get("attendance") == "apologies" else attended).append(prof)
    not_listed = [
        a for i, a in enumerate(attendees) if i not in matched and str(a.get("agency") or "").strip()
    ]
    return AttendanceCheck(attended, apologies, absent, not_listed)


def attendance_for_meeting(session: Session, meeting_id: str) -> AttendanceCheck:
    """The check for a recorded TAF meeting, against who was involved on the day it was held."""
    meeting = live(session, Meeting, meeting_id, "meeting")
    pack = current_pack()
    involved = list_professionals(session, meeting.family_id, meeting.held_on, pack)
    return check_attendance(list(meeting.attendees or []), involved, pack)


def attendance_against(session: Session, family_id: str, attendees: list[dict], on: date) -> AttendanceCheck:
    """The check for an attendee list still being typed (the TAF screen asks as it changes)."""
    pack = current_pack()
    return check_attendance(attendees, list_professionals(session, family_id, on, pack), pack)


def involved_text(session: Session, family_id: str, on: date | None = None) -> str:
    """One line per professional involved, for the assessment's "professionals already involved"."""
    lines = []
    for v in list_professionals(session, family_id, on or date.today()):
        who = ", ".join(p for p in (v.name, v.role) if p)
        line = f"{who} ({v.agency_label})" + (f": {v.contact}" if v.contact else "")
        lines.append(line + (" - lead professional" if v.is_lead else ""))
    return "\n".join(lines)


def attendee_choices(session: Session, family_id: str, on: date | None = None) -> list[dict]:
    """Rows for the TAF attendee picker and the plan's "who": name, role and agency of each
    professional involved on the day."""
    on = on or date.today()
    return [
        {
            "name": v.name or v.role,
            "role": v.role,
            "agency": v.agency,
            "agency_label": v.agency_label,
            "professional_id": v.id,
        }
        for v in list_professionals(session, family_id, on)
    ]


def lead_roles_in_use(session: Session, family_ids: list[str] | None = None) -> dict[str, int]:
    """How many families have a lead professional of each pack role (the FOI question)."""
    query = select(Professional.lead_role).where(
        Professional.is_lead.is_(True), Professional.deleted.is_(False)
    )
    if family_ids is not None:
        query = query.where(Professional.family_id.in_(family_ids))
    counts: dict[str, int] = {}
    for role in session.scalars(query):
        counts[role] = counts.get(role, 0) + 1
    return counts
