"""Drafts: what a worker typed that could not be saved yet, kept in the encrypted store so a lock,
a crash or switching family never loses it. Not synced and not audited (it is not a record yet).

The one draft store of the app: every form, dialog and tab keeps its draft here under its own key
(``family:<id>:...``)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ehdesk.models import SyncState, UiDraft


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


def load_text(session: Session, key: str, *, earlier_key: str | None = None) -> str:
    """A draft kept as one piece of text ("" when none). ``earlier_key``: where a version before
    drafts had one store kept it (a sync-state row), moved here the first time it is read."""
    if earlier_key is not None:
        earlier = session.get(SyncState, earlier_key)
        if earlier is not None:
            if earlier.value and session.get(UiDraft, key) is None:
                family_id = key.split(":")[1] if key.startswith("family:") else None
                save_text(session, key, earlier.value, family_id)
            session.delete(earlier)
            session.flush()
    draft = load_draft(session, key)
    return str(draft.get("text", "")) if draft else ""


def save_text(session: Session, key: str, text: str, family_id: str | None = None) -> None:
    """Keep ``text`` as the draft under ``key``; an empty text forgets it."""
    if text:
        save_draft(session, key, {"text": text}, family_id)
    else:
        clear_draft(session, key)
