"""Progression-of-change readings: one scoring of a tool (spider graph, wellbeing scale, SCORE-15 …)
for a family or one of its members, at a baseline, a review, closure or another occasion."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, FamilyScoped


class Reading(FamilyScoped, Base):
    __tablename__ = "reading"
    # The dates the caseload's facts read (episode_facts), without loading each reading's scores.
    __table_args__ = (Index("ix_reading_facts", "episode_id", "deleted", "taken_on"),)

    episode_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    tool_id: Mapped[str] = mapped_column(String(60), nullable=False)
    # The definition version the answers were given against: scores are always re-read with it.
    tool_version: Mapped[int] = mapped_column(Integer, nullable=False)
    # None: the reading is about the whole family; else the member it is about.
    subject_person_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # baseline | review | closure | other
    occasion: Mapped[str] = mapped_column(String(12), nullable=False)
    taken_on: Mapped[date] = mapped_column(Date, nullable=False)
    # Who took part: member ids, and free-text names for others (e.g. "Nan", "school nurse").
    participant_ids: Mapped[list] = mapped_column(default=list, nullable=False)
    participants_other: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    taken_by_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    item_scores: Mapped[dict] = mapped_column(default=dict, nullable=False)
    # The family's own words per area, keyed by item id.
    comments: Mapped[dict] = mapped_column(default=dict, nullable=False)
    # Scores computed at save time (``Scores.to_json``), kept so reports need no tool files.
    scores: Mapped[dict] = mapped_column(default=dict, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
