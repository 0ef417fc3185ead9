"""Local-only sync bookkeeping: the outbox of changes waiting to be pushed, and key/value state
(device id, pull cursor). These tables never sync themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base
from ehdesk.models.types import utcnow


class OutboxEntry(Base):
    """One local change, written in the same transaction as the change itself."""

    __tablename__ = "outbox"

    # The per-device sequence number: strictly increasing, never reused.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(String(36), nullable=False)
    entity: Mapped[str] = mapped_column(String(60), nullable=False)
    row_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    op: Mapped[Literal["insert", "update", "delete"]] = mapped_column(String(10), nullable=False)
    # Field name -> new value (JSON-ready), only the fields this change touched.
    fields: Mapped[dict] = mapped_column(default=dict, nullable=False)
    base_revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    changed_at: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)


class SyncState(Base):
    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
