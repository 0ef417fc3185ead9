"""Gathering the facts the timescale rules need for many episodes at once (caseload, reports).

The episode row gives the dates it holds itself. Each feature that records something a rule
looks at (TAF meetings, the signed agreement, progression readings) adds a *fact source*: a
function ``source(session, episode_ids) -> {episode_id: {field: value}}`` listed in
``fact_sources()``. Fields are those of ``EpisodeFacts``; tuples are merged.
Each source runs one query for the whole list, so the caseload stays fast with 5,000 families."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Protocol

from sqlalchemy.orm import Session

from ehdesk.casework.timescales import EpisodeFacts

FactSource = Callable[[Session, list[str]], dict[str, dict]]


class EpisodeDates(Protocol):
    """What the rules read from an episode: an ``Episode``, or a plain row of its columns."""

    @property
    def id(self) -> str: ...
    @property
    def opened_on(self) -> date: ...
    @property
    def allocated_on(self) -> date | None: ...
    @property
    def status(self) -> str: ...
    @property
    def closed_on(self) -> date | None: ...
    @property
    def extension_close_by(self) -> date | None: ...
    @property
    def extension_signed_off_on(self) -> date | None: ...


def fact_sources() -> list[FactSource]:
    # Imported here, not at the top: these modules import the timescale rules this module feeds.
    from ehdesk.casework.agreements import agreement_facts
    from ehdesk.casework.consent import withdrawal_facts
    from ehdesk.casework.meetings import taf_facts
    from ehdesk.casework.readings import reading_facts
    from ehdesk.casework.sessions import session_facts
    from ehdesk.casework.supervision import manager_action_facts

    # Consent first: it reads the episodes' rows again, which the caseload has just read (still
    # in SQLite's page cache then; after the other sources, half of them were decrypted again).
    return [
        withdrawal_facts,  # consent withdrawn: the work stops
        taf_facts,  # TAF meetings held and the next one booked
        session_facts,  # planned sessions (upcoming on the caseload)
        agreement_facts,  # signed agreement
        reading_facts,  # progression readings
        manager_action_facts,  # open supervision and audit actions
    ]


def facts_for_episodes(session: Session, episodes: Iterable[EpisodeDates]) -> dict[str, EpisodeFacts]:
    episodes = list(episodes)
    ids = [e.id for e in episodes]
    extra: dict[str, dict] = {i: {} for i in ids}
    for source in fact_sources():
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
