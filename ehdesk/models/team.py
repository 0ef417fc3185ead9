"""The team around the family and the managers above it: the professionals involved, the wider
network (for the ecomap), triage decisions on requests, step-up and step-down handovers,
allocations, supervision, case audits and hand-added chronology events. Every row carries
``family_id`` so it syncs, is scoped by team and is in the subject-access export like the rest."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, FamilyScoped


class Professional(FamilyScoped, Base):
    """A practitioner or agency working with the family."""

    __tablename__ = "professional"

    agency: Mapped[str] = mapped_column(String(60), nullable=False)  # pack: agencies
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    role: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    contact: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    since: Mapped[date | None] = mapped_column(Date, nullable=True)
    until: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The consent record (scope share_information) that allows sharing with this agency.
    consent_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # pack: lead_professional_roles; set when is_lead (the FOI question "which groups lead").
    lead_role: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    strength: Mapped[str] = mapped_column(String(20), nullable=False, default="")  # pack: tie_strengths


class NetworkTie(FamilyScoped, Base):
    """Someone in the family's wider network who is not a professional (grandparents, a
    neighbour, a faith group): drawn on the ecomap with the strength of the tie."""

    __tablename__ = "network_tie"

    kind: Mapped[str] = mapped_column(String(30), nullable=False)  # pack: network_kinds
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    relationship: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    strength: Mapped[str] = mapped_column(String(20), nullable=False, default="")  # pack: tie_strengths
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")


class TriageRecord(FamilyScoped, Base):
    """The decision a triage forum made about a request for support."""

    __tablename__ = "triage_decision"

    referral_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    forum: Mapped[str] = mapped_column(String(40), nullable=False)  # pack: triage_forums
    decision: Mapped[str] = mapped_column(String(40), nullable=False)  # pack: triage_decisions
    decided_on: Mapped[date] = mapped_column(Date, nullable=False)
    decided_by: Mapped[str] = mapped_column(String(200), nullable=False)
    rationale: Mapped[str] = mapped_column(Text, nullable=False, default="")
    allocated_to_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    allocated_to_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class Handover(FamilyScoped, Base):
    """A step-up to children's social care or a step-down from it."""

    __tablename__ = "handover"

    episode_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    direction: Mapped[str] = mapped_column(String(10), nullable=False)  # step_up | step_down
    handed_over_on: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Step-up: what was shared and who received it; the social care decision when known.
    information_shared: Mapped[str] = mapped_column(Text, nullable=False, default="")
    received_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    social_care_decision: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    decision_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    early_help_continues: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Step-down: the social worker, the plan stepped down from, a joint visit.
    social_worker: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    stepped_down_from: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    joint_visit_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class Allocation(FamilyScoped, Base):
    """One allocation or reallocation of an episode, with the handover note (the history the
    episode's own allocated-worker fields do not keep)."""

    __tablename__ = "allocation"

    episode_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    allocated_on: Mapped[date] = mapped_column(Date, nullable=False)
    worker_id: Mapped[str] = mapped_column(String(36), nullable=False)
    worker_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    previous_worker_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    previous_worker_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    allocated_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    handover_note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Supervision(FamilyScoped, Base):
    """A case supervision between a manager and the worker about one episode."""

    __tablename__ = "supervision"

    episode_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    manager_name: Mapped[str] = mapped_column(String(200), nullable=False)
    discussion: Mapped[str] = mapped_column(Text, nullable=False, default="")
    decisions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # [{"what", "due_on" (ISO date), "done_on" (ISO date or "")}]
    actions: Mapped[list] = mapped_column(default=list, nullable=False)


class CaseAudit(FamilyScoped, Base):
    """A manager's audit of an episode against the pack's questions, with a grade and actions.
    A re-audit is a new row naming the audit it follows up."""

    __tablename__ = "case_audit"

    episode_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    audited_on: Mapped[date] = mapped_column(Date, nullable=False)
    auditor_name: Mapped[str] = mapped_column(String(200), nullable=False)
    # [{"question" (pack code), "grade" (pack code), "comment"}]
    answers: Mapped[list] = mapped_column(default=list, nullable=False)
    grade: Mapped[str] = mapped_column(String(40), nullable=False)  # pack: audit_grades
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # [{"what", "due_on", "done_on"}]
    actions: Mapped[list] = mapped_column(default=list, nullable=False)
    follows_audit_id: Mapped[str | None] = mapped_column(String(36), nullable=True)


class ChronologyEvent(FamilyScoped, Base):
    """A significant event the worker adds to the chronology by hand."""

    __tablename__ = "chronology_event"

    occurred_on: Mapped[date] = mapped_column(Date, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # The children it concerns (empty: the whole family).
    child_ids: Mapped[list] = mapped_column(default=list, nullable=False)
    recorded_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class TeamMoveRequest(FamilyScoped, Base):
    """A manager's request that a family move to another team. The move itself stays a server
    act (``ehdesk-server admin move-family``), which closes the request."""

    __tablename__ = "team_move_request"

    to_team_id: Mapped[str] = mapped_column(String(36), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    requested_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    requested_on: Mapped[date] = mapped_column(Date, nullable=False)
    # open | done
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="open")
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
