"""Gathering the facts the timescale rules need for many episodes at once (caseload, reports).

The episode row gives the dates it holds itself. Each feature that records something a rule
looks at (TAF meetings, the signed agreement, progression readings) adds a *fact source*: a
function ``source(session, episode_ids) -> {episode_id: {field: value}}`` named in
``FACT_SOURCES`` as "module:function". Fields are those of ``EpisodeFacts``; tuples are merged.
Each source runs one query for the whole list, so the caseload stays fast with 5,000 families."""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from sqlalchemy.orm import Session

from ehdesk.casework.timescales import EpisodeFacts
from ehdesk.models import Episode

FACT_SOURCES: list[str] = [
    "ehdesk.casework.meetings:taf_facts",  # TAF meetings held and the next one booked
    "ehdesk.casework.sessions:session_facts",  # planned sessions (upcoming on the caseload)
    "ehdesk.casework.agreements:agreement_facts",  # signed agreement
    "ehdesk.casework.readings:reading_facts",  # progression readings
    "ehdesk.casework.consent:withdrawal_facts",  # consent withdrawn: the work stops
]


def facts_for_episodes(session: Session, episodes: Iterable[Episode]) -> dict[str, EpisodeFacts]:
    episodes = list(episodes)
    ids = [e.id for e in episodes]
    extra: dict[str, dict] = {i: {} for i in ids}
    for spec in FACT_SOURCES:
        module, _, name = spec.partition(":")
        source = getattr(importlib.import_module(module), name)
        for episode_id, fields in source(session, ids).items():
            if episode_id in extra:
                extra[episode_id].update(fields)
    return {
        e.id: EpisodeFacts(
            opened_on=e.opened_on,
            allocated_on=e.allocated_on,
            status=e.status,
            closed_on=e.closed_on,
            extension_close_by=e.extension_close_by,
            extension_signed_off_on=e.extension_signed_off_on,
            **extra[e.id],
        )
        for e in episodes
    }
