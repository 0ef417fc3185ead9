"""Requests for support, episodes (cases) and consent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, FamilyScoped


class Referral(FamilyScoped, Base):
    """A request for support and what was decided about it."""

    __tablename__ = "referral"

    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    presenting_needs: Mapped[list] = mapped_column(default=list, nullable=False)
    # The main reason for the request: one of its presenting needs (empty: not said).
    primary_reason: Mapped[str] = mapped_column(String(60), nullable=False, default="", server_default="")
    level_of_need: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Pack code: advice_closed | already_open | no_consent | universal_lead | childrens_centre |
    # family_service | step_up ; empty while undecided.
    outcome: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    outcome_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    consent_obtained: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Episode(FamilyScoped, Base):
    """One period of early help for a family: from opening to closure."""

    __tablename__ = "episode"

    referral_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    case_type: Mapped[str] = mapped_column(String(40), nullable=False, default="early_help")
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)
    allocated_worker_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    allocated_worker_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    allocated_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    lead_professional_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    lead_professional_role: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    lead_professional_agency: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    lead_child_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    level_of_need: Mapped[int | None] = mapped_column(Integer, nullable=True)
    criteria_met: Mapped[list] = mapped_column(default=list, nullable=False)
    presenting_factors: Mapped[list] = mapped_column(default=list, nullable=False)
    # open | closed
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="open", index=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closure_reason: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    closure_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # A case open past the limit needs a manager's sign-off with a reason and a new close-by date.
    extension_signed_off_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    extension_signed_off_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    extension_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    extension_close_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    # A manager's decision on a threshold flag (Level 4, a child on a CP or CIN plan or looked
    # after): {"decision": "step_up" | "continue", "reason", "by", "on", "triggers": [...]}.
    threshold_decision: Mapped[dict] = mapped_column(default=dict, nullable=False)


class Consent(FamilyScoped, Base):
    """Consent given (or withdrawn) by a family member for a stated scope."""

    __tablename__ = "consent"
    # Only consents that were withdrawn (a few in a hundred): the caseload's consent facts find
    # them here without reading every consent of every open case.
    __table_args__ = (
        Index(
            "ix_consent_withdrawn",
            "family_id",
            "deleted",
            "scope",
            "person_id",
            "withdrawn_on",
            sqlite_where=text("withdrawn_on IS NOT NULL"),
            postgresql_where=text("withdrawn_on IS NOT NULL"),
        ),
    )

    person_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    given_by_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # assessment | store_records | share_information | national_evaluation
    scope: Mapped[str] = mapped_column(String(40), nullable=False)
    agencies: Mapped[list] = mapped_column(default=list, nullable=False)
    given_on: Mapped[date] = mapped_column(Date, nullable=False)
    # signed | verbal
    method: Mapped[str] = mapped_column(String(12), nullable=False, default="signed")
    withdrawn_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Who told us consent was withdrawn, and which worker recorded it.
    withdrawn_by_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    withdrawal_recorded_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # Information shared after withdrawal under the safeguarding exception the agreement states:
    # [{"on", "agency", "reason", "by"}].
    safeguarding_shares: Mapped[list] = mapped_column(default=list, nullable=False)

    @property
    def active(self) -> bool:
        return self.withdrawn_on is None and not self.deleted
