"""An unfinished reading kept when the laptop locks or the family is switched: kept in the one
draft store (``casework.drafts``, inside the encrypted store, never a plain file), keyed by family,
and offered again when the tab reopens."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy.orm import Session

from ehdesk.casework import drafts


def draft_key(family_id: str) -> str:
    return f"family:{family_id}:progress_reading"


def encode_draft(tool_id: str, reading_id: str | None, data: dict) -> str:
    return json.dumps(
        {"tool": tool_id, "reading": reading_id, "data": {**data, "taken_on": data["taken_on"].isoformat()}}
    )


def decode_draft(text: str) -> tuple[str, str | None, dict] | None:
    try:
        raw = json.loads(text)
        data = dict(raw["data"])
        data["taken_on"] = date.fromisoformat(data["taken_on"])
        return raw["tool"], raw.get("reading"), data
    except (ValueError, KeyError, TypeError):
        return None


def read_draft(s: Session, family_id: str) -> str:
    return drafts.load_text(s, draft_key(family_id), earlier_key=f"ui.progress.draft.{family_id}")


def write_draft(s: Session, family_id: str, text: str) -> None:
    """Keep (or, with ``""``, forget) the family's unfinished reading, in the caller's transaction."""
    drafts.save_text(s, draft_key(family_id), text, family_id)
