"""Content-addressed binary objects: drawn signatures, frozen PDFs. A blob is named by the
SHA-256 of its bytes, so it is stored and uploaded once however many rows point at it, and can
never change under the name a signed record gives it. Rows refer to blobs by that hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base
from ehdesk.models.types import utcnow


class Blob(Base):
    __tablename__ = "blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The family the blob belongs to: the server checks scope before it hands a blob out.
    family_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    media_type: Mapped[str] = mapped_column(String(60), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
