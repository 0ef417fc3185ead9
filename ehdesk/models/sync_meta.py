"""Local-only sync bookkeeping: the outbox of changes waiting to be pushed, key/value state
(device id, pull cursor), and the changes the council server refused. These tables never sync
themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import Boolean, Integer, String
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


class RefusedChange(Base):
    """A change of this laptop's that the council server refused and kept aside for IT (a family
    of another team, a manager's decision from a worker who is no longer a manager): what it was
    and the server's reason. The change itself stays on this laptop's record and nowhere else, so
    the worker is shown it until they say they have dealt with it. Holds the change's values:
    purged with its family and wiped with the profile, like the record."""

    __tablename__ = "refused_change"

    # The outbox sequence the change was sent with (one refusal each).
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entity: Mapped[str] = mapped_column(String(60), nullable=False)
    row_id: Mapped[str] = mapped_column(String(36), nullable=False)
    family_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    op: Mapped[str] = mapped_column(String(10), nullable=False)
    # The fields the change set, as the outbox held them.
    fields: Mapped[dict] = mapped_column(default=dict, nullable=False)
    changed_at: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    # The server's words; "" until the server has said (a server of the release before cannot).
    reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # False for a change the server answered as already applied (sent again after the laptop
    # stopped before recording the reply): kept here until the server says whether it had refused
    # it, and shown only once it has.
    confirmed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    refused_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    # The worker has read it and dealt with it: no longer shown.
    dismissed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    @classmethod
    def listed(cls):
        """The refusals the worker is shown: confirmed by the server, not yet dealt with (the one
        test the Conflicts list, its count and the family's flag all ask)."""
        return cls.confirmed.is_(True) & cls.dismissed.is_(False)
