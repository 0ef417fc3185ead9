"""Writing the audit trail. Callers pass ids and the kind of act; never names or free text about a
family, so the trail itself holds no personal data."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ehdesk.models import AuditEvent


def record(
    session: Session,
    action: str,
    entity: str = "",
    entity_id: str = "",
    family_id: str | None = None,
    **detail,
) -> None:
    session.add(
        AuditEvent(
            actor=session.info.get("actor", ""),
            device_id=session.info.get("device_id", ""),
            action=action,
            entity=entity,
            entity_id=entity_id,
            family_id=family_id,
            detail=detail,
        )
    )
