"""Demo steps walk records in the order they were generated, never in database order: ids are
random UUIDs, so database order changes from run to run and would break "same seed, same data"."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.models import Episode


def episodes_in_generation_order(session: Session, family_ids: list[str]) -> list[Episode]:
    order = {family_id: i for i, family_id in enumerate(family_ids)}
    episodes = session.scalars(select(Episode).where(Episode.family_id.in_(family_ids))).all()
    return sorted(episodes, key=lambda e: (order[e.family_id], e.opened_on))
