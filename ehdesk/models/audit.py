"""The audit trail: who viewed, changed, printed, exported or synced what, and when.

Details name records by id and describe the act; they never copy personal data, so the trail
can be read by council IT without exposing families."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, Synced
from ehdesk.models.types import utcnow


class AuditEvent(Synced, Base):
    __tablename__ = "audit_event"

    at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False, index=True)
    actor: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    device_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    # view | change | print | export | sync | sign | unlock | lock | reopen ...
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    entity: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    entity_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    family_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    detail: Mapped[dict] = mapped_column(default=dict, nullable=False)
