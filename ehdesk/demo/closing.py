"""The demo closes its cases as a worker would, through ``casework.closure.close_episode``: on
the day and for the reason the case's fate holds, judging each plan outcome, with the step-up
handover the team step recorded. Where the closure checks find something missing (a closing
reading or feedback the family never gave), the worker is refused and the team manager closes
it with a reason, kept and shown like any override."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy.orm import Session

from ehdesk.casework.closure import ClosureBlocked, close_episode
from ehdesk.config.pack import CouncilPack
from ehdesk.demo.fates import fate_of
from ehdesk.demo.managers import as_manager
from ehdesk.demo.ordering import episodes_in_generation_order

OVERRIDE_REASONS = [
    "The family did not want a last visit; agreed at supervision.",
    "The family moved before the closing visit could be held.",
]


def closing_step(
    session: Session, rng: random.Random, pack: CouncilPack, today: date, worker, family_ids
) -> None:
    for episode in episodes_in_generation_order(session, family_ids):
        fate = fate_of(session, episode)
        if fate is None:
            continue
        closing = {
            "reason": fate.reason,
            "closed_on": fate.closes_on,
            "today": fate.closes_on,
            "note": fate.note,
            "outcome_results": fate.outcome_results,
        }
        try:
            close_episode(session, episode.id, **closing)
        except ClosureBlocked:
            with as_manager(session):
                close_episode(
                    session,
                    episode.id,
                    **closing,
                    override_reason=rng.choice(OVERRIDE_REASONS),
                    actor_role="manager",
                )
