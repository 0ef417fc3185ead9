"""How an episode ended (and, if it was reopened, when and why).

The episode row keeps its status, closed date and reason (what the caseload and reports read);
this row keeps the rest of the closure record: step-up details, what was missing and the
manager's override."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, FamilyScoped


class EpisodeClosure(FamilyScoped, Base):
    __tablename__ = "episode_closure"

    episode_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    closed_on: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(String(40), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    stepped_up_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    stepped_up_to: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    # A step-up closure rests on its handover record (what was shared, who received it).
    handover_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    # Messages of the checks that were not met when it closed (kept as a record of the override).
    missing: Mapped[list] = mapped_column(default=list, nullable=False)
    override_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    override_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    closed_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # {outcome_id: "achieved" | "partly" | "not_achieved"}: each plan outcome at closure.
    outcome_results: Mapped[dict] = mapped_column(default=dict, nullable=False)
    # Set when the episode is reopened: this closure then no longer stands.
    reopened_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    reopened_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    reopen_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
