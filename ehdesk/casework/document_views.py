"""What each printed document shows, as frozen view objects that casework assembles
(``casework.document_builders``) and ``ehdesk.pdf`` lays out. A pdf module gets one of these and
gives back bytes: it never sees a session, so it cannot query, and it never audits.

This module is the whole of what ``ehdesk.pdf`` may import from casework (tests/test_architecture.py):
the view classes and the words used to print them. It holds no query and imports no SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ehdesk.casework.agreements import AgreementView, SignatureView
from ehdesk.casework.assessments import AssessmentView
from ehdesk.casework.chronology import ChronologyEntry
from ehdesk.casework.closure import ClosureView
from ehdesk.casework.meetings import (
    CLOSURE_RESULTS,
    CONFIDENTIALITY_STATEMENT,
    TAF_KINDS,
    MeetingView,
    override_wording,
    progress_label,
)
from ehdesk.casework.network import Ecomap
from ehdesk.casework.plans import REVIEW_OUTCOME_LABELS, STATUS_LABELS, PlanView, rag_words
from ehdesk.casework.readings import FamilyProgress, ReadingView, Series
from ehdesk.casework.timescales import TimescaleResult
from ehdesk.casework.uk_time import uk_local, uk_time_words
from ehdesk.forms.engine import FormEngine

# The words the renderers print with (re-exported so pdf imports one casework module).
__all__ = [
    "CLOSURE_RESULTS",
    "CONFIDENTIALITY_STATEMENT",
    "REVIEW_OUTCOME_LABELS",
    "STATUS_LABELS",
    "TAF_KINDS",
    "AgreedVersion",
    "AgreementDocument",
    "AgreementView",
    "AssessmentDocument",
    "ChronologyDocument",
    "ClosureDocument",
    "Ecomap",
    "EpisodeSummary",
    "MeetingDocument",
    "PlanDocument",
    "ProgressDocument",
    "ReadingView",
    "Series",
    "SignatureView",
    "override_wording",
    "progress_label",
    "rag_words",
    "uk_local",
    "uk_time_words",
]


@dataclass(frozen=True)
class EpisodeSummary:
    """The facts of one episode of early help that the plan and closure documents print."""

    id: str
    status: str
    opened_on: date
    closed_on: date | None
    lead_professional_name: str
    lead_professional_role: str
    closure_reason: str = ""
    closure_note: str = ""
    extension_close_by: date | None = None
    extension_signed_off_by: str = ""
    extension_reason: str = ""


@dataclass(frozen=True)
class AgreementDocument:
    """A signed agreement and the signature images it prints (by their SHA-256)."""

    agreement: AgreementView
    images: dict[str, bytes]
    AUDIT_ENTITY = ""  # the office copy is issued, not printed afresh: see casework.documents

    @property
    def family_id(self) -> str:
        return self.agreement.family_id


@dataclass(frozen=True)
class PlanDocument:
    family_id: str
    family_reference: str
    household_name: str
    episode: EpisodeSummary
    plan: PlanView
    plan_snapshot: list[dict]  # plans.snapshot(plan): what the document's hash is taken over
    latest_meeting: MeetingView | None
    AUDIT_ENTITY = "taf_plan"

    @property
    def source_id(self) -> str:
        return self.episode.id


@dataclass(frozen=True)
class AgreedVersion:
    """The plan frozen at a meeting (a PlanVersion's number, snapshot and change list)."""

    version: int
    snapshot: list[dict]
    changes: list[str]


@dataclass(frozen=True)
class MeetingDocument:
    family_id: str
    family_reference: str
    household_name: str
    meeting: MeetingView
    plan: PlanView  # the plan as it stood on the day of the meeting (names the reviewed outcomes)
    agreed_version: AgreedVersion | None
    AUDIT_ENTITY = "taf_meeting"

    @property
    def source_id(self) -> str:
        return self.meeting.id


@dataclass(frozen=True)
class ClosureDocument:
    family_id: str
    family_reference: str
    household_name: str
    episode: EpisodeSummary
    closure: ClosureView | None
    reason_label: str
    plan: PlanView
    plan_snapshot: list[dict]
    plan_versions: int
    meetings_held: list[MeetingView]
    sessions_held: int
    session_minutes: int
    series: list[Series]  # each tool and subject's readings: the first and closing are compared
    # The family's "How was it for you?" answers as (question, answer); None when they gave none.
    feedback: list[tuple[str, str]] | None
    timescales: list[TimescaleResult]
    after_closure: list[str]
    team_phone: str
    working_hours: str
    AUDIT_ENTITY = "closure_summary"

    @property
    def source_id(self) -> str:
        return self.episode.id


@dataclass(frozen=True)
class ChronologyDocument:
    family_id: str
    family_reference: str
    household_name: str
    child_name: str | None  # None: the whole family's chronology
    entries: list[ChronologyEntry]
    AUDIT_ENTITY = "chronology"

    @property
    def source_id(self) -> str:
        return self.family_id


@dataclass(frozen=True)
class AssessmentDocument:
    family_id: str
    family_reference: str  # "" if the family is gone (the form still prints)
    household_name: str
    assessment: AssessmentView
    engine: FormEngine  # the definition version the form was filled against
    ecomap: Ecomap
    AUDIT_ENTITY = "assessment"

    @property
    def source_id(self) -> str:
        return self.assessment.id


@dataclass(frozen=True)
class ProgressDocument:
    family_id: str
    family_reference: str
    household_name: str
    member_names: list[str]
    progress: FamilyProgress
    AUDIT_ENTITY = ""  # not audited as printed today; issuing is recorded by casework.documents

    @property
    def source_id(self) -> str:
        return self.progress.episode_id or self.family_id
