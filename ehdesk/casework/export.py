"""Subject-access export: everything held about one family (or all), decrypted, as JSON.

Walks every synced table rather than a fixed list, so a table added by a later feature is in the
export the day it is added. The act itself is audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk import __version__
from ehdesk.casework import audit
from ehdesk.casework.families import _family_or_404
from ehdesk.models import Family, synced_models
from ehdesk.models.wire import row_to_dict


def collect(session: Session, family_id: str | None = None) -> dict:
    if family_id is not None:
        _family_or_404(session, family_id)
    tables: dict[str, list[dict]] = {}
    for model in synced_models():
        if model is Family:
            query = select(Family)
            if family_id is not None:
                query = query.where(Family.id == family_id)
        elif "family_id" in model.__mapper__.columns:
            query = select(model)
            if family_id is not None:
                query = query.where(model.family_id == family_id)
        else:
            continue
        rows = [row_to_dict(obj) for obj in session.scalars(query)]
        if rows:
            tables[model.__tablename__] = rows
    return {
        "format": "ehdesk-subject-access-export",
        "ehdesk_version": __version__,
        "exported_at": datetime.now(UTC).isoformat(),
        "family_id": family_id,
        "tables": tables,
    }


def export_to_file(session: Session, out: Path, family_id: str | None = None) -> dict:
    data = collect(session, family_id)
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    audit.record(
        session,
        "export",
        "family" if family_id else "all",
        family_id or "",
        family_id,
        rows=sum(len(v) for v in data["tables"].values()),
    )
    return data
