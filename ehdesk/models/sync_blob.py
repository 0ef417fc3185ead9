"""Local-only: which blobs the server is known to hold (uploaded from here, or received from it),
so each blob crosses the wire once. Never syncs itself."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base


class BlobOnServer(Base):
    __tablename__ = "blob_on_server"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
