"""Text a worker typed that could not be saved yet (it does not validate, or the app locked
mid-edit). Kept inside the encrypted store, never synced: it is this laptop's scratch pad."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base
from ehdesk.models.types import utcnow


class UiDraft(Base):
    __tablename__ = "ui_draft"

    # e.g. "family:<id>:household" or "family:<id>:member:new"; one draft per form.
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    family_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)
