"""The audit trail: who viewed, changed, printed, exported or synced what, and when.

Details name records by id and describe the act; they never copy personal data, so the trail
can be read by council IT without exposing families."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ehdesk.models.base import Base, Synced
from ehdesk.models.types import utcnow


class AuditEvent(Synced, Base):
    __tablename__ = "audit_event"
    # "The device's last link" is asked at every event written (and by the server's verifier).
    __table_args__ = (Index("ix_audit_event_chain", "device_id", "chain_seq"),)

    at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False, index=True)
    actor: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    device_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    # view | change | print | export | sync | sign | unlock | lock | reopen ...
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    entity: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    entity_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    family_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    detail: Mapped[dict] = mapped_column(default=dict, nullable=False)
    # When the laptop says the act happened. On the server ``at``, ``actor`` and ``device_id`` are
    # set from the authenticated request that delivered the event; the laptop's time stays here.
    recorded_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # The device's hash chain: its n-th event, and sha256 over the one before and this one's
    # content (``chain_hash``), so a missing, reordered or altered event breaks the chain.
    chain_seq: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    chain_hash: Mapped[str] = mapped_column(String(64), default="", nullable=False)


# The fields a chain link covers: what the laptop knows of the act. Who and which device are set
# by the server from the request (they are the chain's owner), so they are not hashed.
CHAINED_FIELDS = ("id", "chain_seq", "recorded_at", "action", "entity", "entity_id", "family_id", "detail")


def chain_link(previous_hash: str, fields: dict) -> str:
    """The hash of one event in a device's chain, from JSON-ready field values (as they travel)."""
    content = {name: fields.get(name) for name in CHAINED_FIELDS}
    if content["family_id"] == "":
        content["family_id"] = None
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(f"{previous_hash}\n{body}".encode()).hexdigest()
