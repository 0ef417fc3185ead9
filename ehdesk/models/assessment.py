"""Assessments and other forms filled in against a versioned form definition."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, FamilyScoped


class Assessment(FamilyScoped, Base):
    """One filled form (early help assessment, request for support, closure feedback ...).

    ``form_id``/``form_version`` pin the definition it was filled against, so a council changing
    its form never changes how an old assessment reads. ``answers`` is the engine's flat dict."""

    __tablename__ = "assessment"

    episode_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    form_id: Mapped[str] = mapped_column(String(80), nullable=False)
    form_version: Mapped[int] = mapped_column(Integer, nullable=False)
    # draft | completed | signed_off
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="draft")
    answers: Mapped[dict] = mapped_column(default=dict, nullable=False)
    started_on: Mapped[date] = mapped_column(Date, nullable=False)
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    assessor_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    assessor_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    signed_off_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    signed_off_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # [{"on": iso date, "by": name, "from_status": ..., "reason": ...}, ...]
    reopen_history: Mapped[list] = mapped_column(default=list, nullable=False)
