"""The domain model. Importing this package registers every table on ``Base.metadata``.

Each aggregate lives in its own module; a new one is imported here so migrations and the sync
engine see it."""

from ehdesk.models import closure, meeting, plan, session_note, team  # noqa: F401  (TAF plans, meetings, sessions, closure, the team around the family)
from ehdesk.models.agreement import Agreement, AgreementSignature, IssuedDocument
from ehdesk.models.assessment import Assessment
from ehdesk.models.audit import AuditEvent
from ehdesk.models.base import Base, FamilyScoped, Synced, model_for_table, synced_models
from ehdesk.models.blob import Blob
from ehdesk.models.casefile import Consent, Episode, Referral
from ehdesk.models.conflict import SyncConflict
from ehdesk.models.family import Family, Person
from ehdesk.models.org import Team, User
from ehdesk.models.reading import Reading
from ehdesk.models.supporting_families import FamilyOutcome
from ehdesk.models.sync_blob import BlobOnServer
from ehdesk.models.sync_meta import OutboxEntry, RefusedChange, SyncState
from ehdesk.models.ui_draft import UiDraft

__all__ = [
    "Agreement",
    "AgreementSignature",
    "IssuedDocument",
    "Assessment",
    "AuditEvent",
    "Base",
    "Blob",
    "BlobOnServer",
    "Consent",
    "Episode",
    "Family",
    "FamilyOutcome",
    "FamilyScoped",
    "OutboxEntry",
    "Person",
    "Reading",
    "RefusedChange",
    "Referral",
    "Synced",
    "SyncConflict",
    "SyncState",
    "Team",
    "User",
    "UiDraft",
    "model_for_table",
    "synced_models",
]
