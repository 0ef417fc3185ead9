"""Save what a form holds, or keep it as a draft when it does not validate yet. Runs on the store's
operation queue; returns the field messages to show (empty when it saved)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ehdesk.casework import drafts
from ehdesk.errors import ValidationError


@dataclass
class SaveResult:
    errors: dict[str, str] = field(default_factory=dict)
    value: object = None

    @property
    def saved(self) -> bool:
        return not self.errors


def save_or_draft(
    session: Session,
    key: str,
    family_id: str | None,
    raw: dict,
    save: Callable[[Session], object],
) -> SaveResult:
    """``raw`` is what the fields show (kept as the draft); ``save`` writes the record. A save that
    does not validate is undone to a savepoint, so nothing of it lands beside the draft."""
    try:
        with session.begin_nested():
            value = save(session)
    except ValidationError as exc:
        drafts.save_draft(session, key, raw, family_id)
        return SaveResult(errors=exc.fields)
    drafts.clear_draft(session, key)
    return SaveResult(value=value)
