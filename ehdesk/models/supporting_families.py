"""A family's needs against the Supporting Families outcome framework, and the evidence of
significant and sustained progress on each (the pack lists the framework's headline outcomes)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, FamilyScoped


class FamilyOutcome(FamilyScoped, Base):
    """One headline outcome a family has a need against, in one episode."""

    __tablename__ = "family_outcome"

    episode_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    # A code of the pack's supporting_families.outcomes.
    outcome: Mapped[str] = mapped_column(String(40), nullable=False)
    need_identified_on: Mapped[date] = mapped_column(Date, nullable=False)
    need_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Significant progress first evidenced on ``progress_from`` and still evidenced on
    # ``sustained_to``; achieved once that spans the pack's sustained_days.
    progress_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    sustained_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    evidence: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recorded_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
