"""A family at a glance: who is in it, the case, what is due next and what is overdue, the latest
progression reading, the last and next TAF, the lead professional and the agencies involved.
What the family record opens on. It asks the same timescale rules as the caseload and reports
(``timescales.due_items`` over ``episode_facts``), so the three never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from ehdesk.casework import families, meetings, readings
from ehdesk.casework.agreements import latest_agreement
from ehdesk.casework.episode_access import current_episode
from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.casework.timescales import DueItem, due_items
from ehdesk.config.dates import show_date
from ehdesk.config.pack import current_pack


@dataclass(frozen=True)
class MemberLine:
    name: str
    detail: str  # "child, 9" / "parent" / "unborn, due 3 Feb 2027"


@dataclass(frozen=True)
class FamilyOverview:
    members: list[MemberLine]
    case_open: bool
    case_summary: str  # "" when the family has never had a case
    due: list[DueItem] = field(default_factory=list)  # earliest first; overdue ones say so
    latest_reading: str = ""
    last_taf_on: date | None = None
    next_taf_booked_on: date | None = None
    next_taf_due_on: date | None = None
    lead_professional: str = ""
    agencies: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> list[DueItem]:
        return [item for item in self.due if item.overdue]


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _member_line(member: families.MemberView, today: date) -> MemberLine:
    parts = [member.relationship or member.role]
    if member.due_date and not member.date_of_birth:
        parts = ["unborn", f"due {show_date(member.due_date)}"]
    elif member.date_of_birth:
        parts.append(f"{_age(member.date_of_birth, today)}")
    if not member.lives_in_household:
        parts.append("lives elsewhere")
    return MemberLine(member.full_name or "Name not recorded", ", ".join(p for p in parts if p))


def family_overview(session: Session, family_id: str, today: date | None = None) -> FamilyOverview:
    today = today or date.today()
    pack = current_pack()
    family = families.get_family(session, family_id, audit_view=False)  # the record audits the view
    members = [_member_line(m, today) for m in family.members]
    episode = current_episode(session, family_id)
    if episode is None:
        return FamilyOverview(members=members, case_open=False, case_summary="")
    facts = facts_for_episodes(session, [episode])[episode.id]
    level = pack.label("levels_of_need", episode.level_of_need) if episode.level_of_need else ""
    if episode.status == "open":
        summary = f"Open since {show_date(episode.opened_on)}"
    else:
        closed = f" on {show_date(episode.closed_on)}" if episode.closed_on else ""
        summary = f"Closed{closed} (opened {show_date(episode.opened_on)})"
    if level:
        summary += f" · level of need: {level}"
    due = due_items(facts, pack.timescales, today)
    meetings_held = sorted({d for d in (facts.first_taf_on, *facts.review_dates) if d})
    taf_due = next((item.due_on for item in due if item.code in ("first_taf", "review")), None)
    lead_agency = pack.label("agencies", episode.lead_professional_agency or None)
    lead = ", ".join(
        p for p in (episode.lead_professional_name, episode.lead_professional_role, lead_agency) if p
    )
    return FamilyOverview(
        members=members,
        case_open=episode.status == "open",
        case_summary=summary,
        due=due,
        latest_reading=_latest_reading(session, episode.id),
        last_taf_on=meetings_held[-1] if meetings_held else None,
        next_taf_booked_on=facts.next_meeting_planned_on,
        next_taf_due_on=taf_due,
        lead_professional=lead,
        agencies=_agencies(session, family_id, episode, pack),
    )


def _latest_reading(session: Session, episode_id: str) -> str:
    found = readings.list_readings(session, episode_id)
    if not found:
        return ""
    latest = max(found, key=lambda r: r.taken_on)
    about = "" if latest.subject_person_id is None else f" about {latest.subject_name}"
    return f"{latest.tool_title}{about}: {latest.label}"


def _agencies(session: Session, family_id: str, episode, pack) -> list[str]:
    """Everyone involved: the lead professional's agency, the agencies at the last TAF meeting,
    and those the family agreed we may share with."""
    names = []
    if episode.lead_professional_agency:
        names.append(episode.lead_professional_agency)
    last = meetings.latest_completed(session, episode.id)
    if last is not None:
        names += [a.get("agency", "") for a in last.attendees]
    agreement = latest_agreement(session, family_id)
    if agreement is not None and agreement.episode_id == episode.id:
        names += [pack.label("agencies", code) for code in agreement.agencies]
    seen: dict[str, str] = {}
    for name in names:
        name = pack.label("agencies", (name or "").strip() or None)  # a code from the pack, or words
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return sorted(seen.values(), key=str.lower)
