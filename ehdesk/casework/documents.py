"""The register of issued PDFs, and the one place documents are audited. Every PDF ehdesk hands
out (CLI, print, save, signing) is recorded with the SHA-256 of its bytes, so anyone holding a
copy can ask whether it is exactly what we issued: a single changed byte gives a different hash.
Making a document is audited here too (``record_printed``); the pdf modules never audit."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.models import IssuedDocument


@dataclass(frozen=True)
class IssuedView:
    id: str
    family_id: str
    kind: str
    source_id: str
    sha256: str
    issued_at: datetime
    issued_by: str
    channel: str


def record_issued(
    session: Session, family_id: str, kind: str, source_id: str, pdf: bytes, channel: str
) -> str:
    """Record that ``pdf`` left ehdesk (``channel``: cli | print | save | signed) and audit it."""
    digest = hashlib.sha256(pdf).hexdigest()
    row = IssuedDocument(
        family_id=family_id,
        kind=kind,
        source_id=source_id,
        sha256=digest,
        issued_at=datetime.now(UTC),
        issued_by=session.info.get("actor", ""),
        channel=channel,
    )
    session.add(row)
    action = {"print": "print", "save": "export", "cli": "export"}.get(channel, "change")
    audit.record(session, action, "issued_document", row.id, family_id, kind=kind, channel=channel)
    return digest


def record_printed(session: Session, document, document_id: str) -> None:
    """Audit that a document was made from the record (for the kinds audited when made: the
    view's ``AUDIT_ENTITY``, see ``casework.document_views``)."""
    if not document.AUDIT_ENTITY:
        return
    details = {} if document.AUDIT_ENTITY == "assessment" else {"document": document_id}
    audit.record(session, "print", document.AUDIT_ENTITY, document.source_id, document.family_id, **details)


def verify(session: Session, pdf: bytes) -> IssuedView | None:
    """The record this exact PDF was issued under, or None if it is not byte-for-byte ours."""
    digest = hashlib.sha256(pdf).hexdigest()
    row = session.scalars(
        select(IssuedDocument)
        .where(IssuedDocument.sha256 == digest, IssuedDocument.deleted.is_(False))
        .order_by(IssuedDocument.issued_at)
        .limit(1)
    ).first()
    audit.record(
        session,
        "view",
        "issued_document",
        row.id if row else "",
        row.family_id if row else None,
        op="verify",
        matched=row is not None,
    )
    if row is None:
        return None
    return IssuedView(
        row.id, row.family_id, row.kind, row.source_id, row.sha256, row.issued_at, row.issued_by, row.channel
    )
