"""The early help agreement, its signatures, and the register of every PDF ehdesk has issued."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, FamilyScoped
from ehdesk.models.types import UTCDateTime


class Agreement(FamilyScoped, Base):
    """One version of a family's agreement for an episode. Signed versions never change: a change
    after signing is a new row with ``version_number + 1`` and the old one marked superseded."""

    __tablename__ = "agreement"
    # Holds what the caseload's timescale facts read, so they never load the rows themselves: each
    # row carries its frozen words (pages of JSON), which made that query most of the caseload's.
    __table_args__ = (
        Index("ix_agreement_facts", "episode_id", "deleted", "status", "signed_on", "review_date"),
    )

    episode_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    template_id: Mapped[str] = mapped_column(String(60), nullable=False)
    template_version: Mapped[int] = mapped_column(Integer, nullable=False)
    # draft | signed | superseded
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="draft")
    agencies: Mapped[list] = mapped_column(default=list, nullable=False)
    review_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The filled template exactly as signed ({title, intro, sections, declaration}); empty in drafts.
    frozen_content: Mapped[dict] = mapped_column(default=dict, nullable=False)
    pdf_sha256: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    version_number: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    worker_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # Consent withdrawn: the agencies named are no longer shared with (the signed words stay).
    sharing_stopped_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The language the agreement was explained in, and the interpreter present (empty: none).
    language: Mapped[str] = mapped_column(String(60), nullable=False, default="English")
    interpreter: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class AgreementSignature(FamilyScoped, Base):
    """One person's signature on an agreement, or the record that they consented verbally."""

    __tablename__ = "agreement_signature"

    agreement_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    signer_name: Mapped[str] = mapped_column(String(200), nullable=False)
    # parent | young_person | worker | other_adult
    role: Mapped[str] = mapped_column(String(30), nullable=False)
    person_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    image_sha256: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    verbal_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    device: Mapped[str] = mapped_column(String(80), nullable=False, default="")


class IssuedDocument(FamilyScoped, Base):
    """Every PDF ehdesk has produced (CLI, print, save): what ``ehdesk pdf verify`` checks."""

    __tablename__ = "issued_document"

    # agreement | plan | assessment | progress | closure | ...
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    source_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    issued_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # cli | print | save
    channel: Mapped[str] = mapped_column(String(12), nullable=False, default="")
