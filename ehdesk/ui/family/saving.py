"""Save what a form holds, or keep it as a draft when it does not validate yet. Runs on the
writer thread; returns the field messages to show (empty when it saved)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ehdesk.casework import drafts
from ehdesk.errors import ValidationError
from ehdesk.store import Store


@dataclass
class SaveResult:
    errors: dict[str, str] = field(default_factory=dict)
    value: object = None

    @property
    def saved(self) -> bool:
        return not self.errors


def save_or_draft(
    store: Store,
    key: str,
    family_id: str | None,
    raw: dict,
    save: Callable[[Session], object],
) -> SaveResult:
    """``raw`` is what the fields show (kept as the draft); ``save`` writes the record."""
    try:
        with store.session() as s:
            value = save(s)
            drafts.clear_draft(s, key)
        return SaveResult(value=value)
    except ValidationError as exc:
        with store.session() as s:
            drafts.save_draft(s, key, raw, family_id)
        return SaveResult(errors=exc.fields)
