"""Subject-access export: everything held about one family (or all), decrypted, as JSON.

Walks every synced table rather than a fixed list, so a table added by a later feature is in the
export the day it is added. The act itself is audited.

The file is written as the rows are read, a few hundred at a time, so exporting 10,000 families
takes no more memory than exporting one; it is written beside the target and renamed into place
only when whole, so a failed export leaves no half file."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk import __version__, paths
from ehdesk.casework import audit
from ehdesk.casework.families import _family_or_404
from ehdesk.models import Family, synced_models
from ehdesk.models.wire import row_to_dict, to_json_value


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
                query = query.where(model.__table__.c.family_id == family_id)
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


def _queries(family_id: str | None):
    """(table name, Core query, column name -> the key the export uses) per exported table."""
    for model in synced_models():
        table = model.__table__
        if model is Family:
            query = select(table)
            if family_id is not None:
                query = query.where(table.c.id == family_id)
        elif "family_id" in model.__mapper__.columns:
            query = select(table)
            if family_id is not None:
                query = query.where(table.c.family_id == family_id)
        else:
            continue
        keys = {attr.columns[0].name: attr.key for attr in model.__mapper__.column_attrs}
        yield model.__tablename__, query, keys


EXPORT_BATCH = 500


def export_to_file(session: Session, out: Path, family_id: str | None = None) -> int:
    """Write the export to ``out``; returns the number of records written."""
    if family_id is not None:
        _family_or_404(session, family_id)
    partial = out.with_name(out.name + ".partial")
    rows = 0
    try:
        with io.TextIOWrapper(paths.open_private_file(partial), encoding="utf-8") as f:
            head = {
                "format": "ehdesk-subject-access-export",
                "ehdesk_version": __version__,
                "exported_at": datetime.now(UTC).isoformat(),
                "family_id": family_id,
            }
            f.write("{\n")
            for key, value in head.items():
                f.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
            f.write('  "tables": {')
            first_table = True
            for name, query, keys in _queries(family_id):
                # Core rows, not ORM objects: nothing piles up in the session's identity map.
                result = session.execute(query.execution_options(yield_per=EXPORT_BATCH))
                first_row = True
                for row in result:
                    if first_row:
                        f.write(("\n" if first_table else ",\n") + f"    {json.dumps(name)}: [")
                        first_table = False
                    record = {keys[c]: to_json_value(v) for c, v in row._mapping.items()}
                    f.write(
                        ("\n" if first_row else ",\n") + "      " + json.dumps(record, ensure_ascii=False)
                    )
                    first_row = False
                    rows += 1
                if not first_row:
                    f.write("\n    ]")
            f.write("\n  }\n}\n" if not first_table else "}\n}\n")
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    audit.record(session, "export", "family" if family_id else "all", family_id or "", family_id, rows=rows)
    return rows
