"""Drafts: what a worker typed that could not be saved yet, kept in the encrypted store so a lock,
a crash or switching family never loses it. Not synced and not audited (it is not a record yet)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ehdesk.models import UiDraft


def save_draft(session: Session, key: str, data: dict, family_id: str | None = None) -> None:
    draft = session.get(UiDraft, key)
    if draft is None:
        session.add(UiDraft(key=key, family_id=family_id, data=dict(data)))
    else:
        draft.data = dict(data)
        draft.family_id = family_id


def load_draft(session: Session, key: str) -> dict | None:
    draft = session.get(UiDraft, key)
    return dict(draft.data) if draft is not None else None


def drafts_for_family(session: Session, family_id: str) -> dict[str, dict]:
    rows = session.scalars(select(UiDraft).where(UiDraft.family_id == family_id)).all()
    return {d.key: dict(d.data) for d in rows}


def clear_draft(session: Session, key: str) -> None:
    session.execute(delete(UiDraft).where(UiDraft.key == key))
