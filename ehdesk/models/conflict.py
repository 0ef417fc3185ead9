"""A field that two people changed differently while apart (DESIGN.md §4). The server writes one
row per such field and keeps both values; it syncs to every laptop that sees the family, and a
person picks one value or merges them. The resolution syncs back like any other change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, FamilyScoped


class SyncConflict(FamilyScoped, Base):
    __tablename__ = "sync_conflict"

    entity: Mapped[str] = mapped_column(String(60), nullable=False)
    row_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    field: Mapped[str] = mapped_column(String(80), nullable=False)
    base_revision: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # What the server held (and still holds on the row) and what the late-arriving change said.
    server_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    client_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    client_device_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    client_actor: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    # open | resolved
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="open", index=True)
    resolved_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(120), nullable=False, default="")
