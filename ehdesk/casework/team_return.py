"""The return's figures from the team-around-the-family records (issue 16), as one section the
statistical return appends: step-ups and step-downs (the strategy counts step-ups informed by
early help), social care's decisions on step-ups, triage decisions by forum, case audits by
grade (the strategy's "audits rated good"), and which practitioner groups act as lead
professional (every FOI reply asked it). Counts only; suppression is the return's job."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework.case_audit import audits_by_grade
from ehdesk.casework.handovers import handover_counts
from ehdesk.casework.statistics import CountTable, Section
from ehdesk.config.pack import CouncilPack
from ehdesk.models import Family
from ehdesk.models.team import Professional, TriageRecord

NOT_KNOWN = "Not known yet"


def _teams_filter(model, teams):
    if teams is None:
        return True
    return model.family_id.in_(select(Family.id).where(Family.team_id.in_(list(teams))))


def team_section(session: Session, pack: CouncilPack, date_from: date, date_to: date, teams=None) -> Section:
    teams = list(teams) if teams is not None else None
    practice = pack.team_practice
    h = handover_counts(session, date_from, date_to, teams)
    handovers = CountTable(
        "handovers",
        "Step-up and step-down handovers",
        "Handover",
        ("Handovers",),
        (
            ("Stepped up to children's social care", (h.step_ups,)),
            ("of which early help continued alongside", (h.step_ups_early_help_continues,)),
            ("Stepped down from children's social care", (h.step_downs,)),
        ),
        column_totals=False,
        chart=False,
    )
    decisions = [(c.label, (h.step_ups_by_decision.get(c.code, 0),)) for c in practice.social_care_decisions]
    decisions.append((NOT_KNOWN, (h.step_ups_by_decision.get("", 0),)))
    step_up_decisions = CountTable(
        "step_up_decisions",
        "Step-ups by children's social care's decision",
        "Decision",
        ("Step-ups",),
        tuple(decisions),
        percent_of="column",
    )
    triaged = session.execute(
        select(TriageRecord.forum, TriageRecord.decision).where(
            TriageRecord.deleted.is_(False),
            TriageRecord.decided_on >= date_from,
            TriageRecord.decided_on <= date_to,
            _teams_filter(TriageRecord, teams),
        )
    ).all()
    counts = Counter((t.forum, t.decision) for t in triaged)
    triage = CountTable(
        "triage_decisions",
        "Triage decisions, by forum",
        "Decision",
        tuple(f.label for f in practice.triage_forums),
        tuple(
            (d.label, tuple(counts.get((f.code, d.code), 0) for f in practice.triage_forums))
            for d in practice.triage_decisions
        ),
        row_totals=True,
    )
    grades = CountTable(
        "audits_by_grade",
        "Case audits, by grade",
        "Grade",
        ("Audits",),
        tuple((label, (n,)) for _, label, n in audits_by_grade(session, date_from, date_to, teams, pack)),
        percent_of="column",
    )
    leads = Counter(
        session.scalars(
            select(Professional.lead_role).where(
                Professional.deleted.is_(False),
                Professional.is_lead.is_(True),
                (Professional.since.is_(None)) | (Professional.since <= date_to),
                (Professional.until.is_(None)) | (Professional.until >= date_from),
                _teams_filter(Professional, teams),
            )
        )
    )
    lead_roles = CountTable(
        "lead_professional_roles",
        "Lead professionals, by practitioner group",
        "Practitioner group",
        ("Families",),
        tuple((c.label, (leads.get(c.code, 0),)) for c in practice.lead_professional_roles),
        percent_of="column",
    )
    return Section(
        "The team around the family",
        (handovers, step_up_decisions, triage, grades, lead_roles),
        (
            "Handovers, triage decisions and audits are counted by their date; lead professionals "
            "are those recorded as lead at any time in the period.",
        ),
    )
