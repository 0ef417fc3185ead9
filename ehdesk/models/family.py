"""The family (household) and its members."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, FamilyScoped, Synced


class Family(Synced, Base):
    __tablename__ = "family"
    # Holds what the caseload shows of each family, so it never reads the family's whole row.
    __table_args__ = (Index("ix_family_caseload", "id", "deleted", "reference", "household_name"),)

    reference: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    household_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    address_line1: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    address_line2: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    town: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    postcode: Mapped[str] = mapped_column(String(12), nullable=False, default="")
    main_language: Mapped[str] = mapped_column(String(80), nullable=False, default="English")
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    team_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Person(FamilyScoped, Base):
    __tablename__ = "person"
    # Holds the names the caseload shows (the lead child's), so it never reads the person's whole row.
    __table_args__ = (Index("ix_person_names", "id", "deleted", "given_name", "family_name"),)

    given_name: Mapped[str] = mapped_column(String(120), nullable=False)
    family_name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    other_names: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    # For an unborn child: the expected date of delivery instead of a date of birth.
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Codes from the council pack: male | female | unborn | other | not_known | not_stated
    gender: Mapped[str] = mapped_column(String(20), nullable=False, default="not_known")
    ethnicity_code: Mapped[str] = mapped_column(String(8), nullable=False, default="NOBT")
    religion: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    # child | adult
    role: Mapped[str] = mapped_column(String(10), nullable=False, default="child")
    # Relationship to the household, from the pack (mother, father, son, daughter, ...).
    relationship: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    parental_responsibility: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    lives_in_household: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    school_or_setting: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    disability_sen: Mapped[str] = mapped_column(Text, nullable=False, default="")
    nhs_number: Mapped[str] = mapped_column(String(10), nullable=False, default="")

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)
