"""TAF meetings: the initial TAF, reviews, family group conferences and the closure meeting."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, FamilyScoped

MEETING_KINDS = ("initial_taf", "taf_review", "family_group_conference", "closure")


class Meeting(FamilyScoped, Base):
    """One meeting record. It stays a draft until completed, and it cannot be completed without
    the date of the next meeting (set before anyone leaves the room)."""

    __tablename__ = "taf_meeting"
    # What the caseload's TAF facts read (episode_facts), without loading each meeting's record.
    __table_args__ = (
        Index(
            "ix_taf_meeting_facts",
            "episode_id",
            "deleted",
            "status",
            "counts_as_taf",
            "kind",
            "held_on",
            "next_meeting_on",
        ),
    )

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
    # [{"outcome_id", "progress", "note"}]: the plan reviewed outcome by outcome. progress is a
    # review outcome (positive_change | no_change | deterioration) at a review, and achieved |
    # partly | not_achieved at a closure meeting.
    outcome_reviews: Mapped[list] = mapped_column(default=list, nullable=False)
    # Whether the meeting met the council's TAF quorum when completed (only those count).
    counts_as_taf: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # A manager completing a meeting that breaks a hard rule (who and why; shown on the record).
    override_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    override_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The rules the override overrode, each in a few plain words ("no new progression reading
    # had been taken"): kept on the record, as the audit event never reaches other laptops.
    # Empty for meetings overridden before this was kept.
    override_missing: Mapped[list] = mapped_column(default=list, nullable=False)
