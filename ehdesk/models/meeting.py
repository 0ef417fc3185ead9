"""TAF meetings: the initial TAF, reviews, family group conferences and the closure meeting."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, FamilyScoped

MEETING_KINDS = ("initial_taf", "taf_review", "family_group_conference", "closure")


class Meeting(FamilyScoped, Base):
    """One meeting record. It stays a draft until completed, and it cannot be completed without
    the date of the next meeting (set before anyone leaves the room)."""

    __tablename__ = "taf_meeting"

    episode_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    place: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    # [{"name", "role", "agency", "attendance": "attended"|"apologies", "written_update"}]
    attendees: Mapped[list] = mapped_column(default=list, nullable=False)
    confidentiality_read: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # [{"name", "is_child", "text"}]: children's voices are kept first.
    family_updates: Mapped[list] = mapped_column(default=list, nullable=False)
    # [{"name", "agency", "text"}]
    practitioner_updates: Mapped[list] = mapped_column(default=list, nullable=False)
    plan_review_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    review_outcome: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    next_meeting_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # draft | completed
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="draft")
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    plan_version: Mapped[int | None] = mapped_column(nullable=True)
