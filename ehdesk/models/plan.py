"""The Team Around the Family plan: outcomes, their SMART actions, and the plan's history.

There is one plan per episode, so rows hang off ``episode_id`` (no separate plan row to sync).
Each TAF meeting freezes the plan as it stood into a ``PlanVersion``, with what changed since the
last version and the review outcome, so the history can be read back as a story."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, FamilyScoped

ACTION_STATUSES = ("not_started", "in_progress", "done", "not_done")
RAG = ("", "red", "amber", "green")
REVIEW_OUTCOMES = ("positive_change", "no_change", "deterioration")


class PlanOutcome(FamilyScoped, Base):
    """What will be different, for whom, and how we will know; linked to a need or worry."""

    __tablename__ = "plan_outcome"

    episode_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    what_will_be_different: Mapped[str] = mapped_column(Text, nullable=False, default="")
    for_whom: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    how_we_will_know: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The need or worry from the assessment this outcome answers (its wording, or a code).
    linked_need: Mapped[str] = mapped_column(Text, nullable=False, default="")


class PlanAction(FamilyScoped, Base):
    """A SMART action: what, who (a named person or an agency from the pack), by when, status."""

    __tablename__ = "plan_action"
    # Holds what the caseload's count of overdue actions reads, so it never loads each action's words.
    __table_args__ = (Index("ix_plan_action_facts", "episode_id", "deleted", "status", "by_when"),)

    episode_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    outcome_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    what: Mapped[str] = mapped_column(Text, nullable=False, default="")
    who_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    who_agency: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    # The professional on the family's list who does it (empty: a household member, the family, or
    # someone typed in), so "who does what" can be checked against "who is involved".
    who_professional_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    by_when: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="not_started")
    # Empty: computed from the due date and status. Set only by a worker who gives a reason.
    rag: Mapped[str] = mapped_column(String(8), nullable=False, default="")
    rag_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The meeting that agreed it (empty: added between meetings).
    agreed_at_meeting_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")


class PlanVersion(FamilyScoped, Base):
    """The plan as it stood at one TAF meeting (a frozen snapshot, never edited afterwards)."""

    __tablename__ = "plan_version"

    episode_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    meeting_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    recorded_on: Mapped[date] = mapped_column(Date, nullable=False)
    # positive_change | no_change | deterioration ; empty for the first plan.
    review_outcome: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    snapshot: Mapped[list] = mapped_column(default=list, nullable=False)
    changes: Mapped[list] = mapped_column(default=list, nullable=False)
