"""PARA session notes: planned and held sessions with the family."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, FamilyScoped

SESSION_STATUSES = ("planned", "held", "cancelled")


class SessionNote(FamilyScoped, Base):
    __tablename__ = "session_note"
    # Holds what the caseload's planned-session facts read, so they never load the notes themselves.
    __table_args__ = (Index("ix_session_note_facts", "episode_id", "status", "deleted", "session_on"),)

    episode_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    session_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    session_type: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="planned", index=True)
    duration_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    worker_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # {heading code from the pack: text}
    notes: Mapped[dict] = mapped_column(default=dict, nullable=False)
    # [{"person_id", "name", "is_child", "seen_alone"}]
    seen: Mapped[list] = mapped_column(default=list, nullable=False)
    outcome_ids: Mapped[list] = mapped_column(default=list, nullable=False)
