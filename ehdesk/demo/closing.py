"""The demo closes its cases as a worker would, through ``casework.closure.close_episode``: on
the day and for the reason the case's fate holds, judging each plan outcome, with the step-up
handover the team step recorded; a family withdrawing consent has the withdrawal recorded first
(``consent.withdraw_consent``), as closing for that reason needs. Where the closure checks find
something missing (a closing reading or feedback the family never gave), the worker is refused
and the team manager closes it with the reason that fits, kept and shown like any override."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework.closure import ClosureBlocked, close_episode
from ehdesk.casework.consent import withdraw_consent
from ehdesk.config.pack import CouncilPack
from ehdesk.demo.fates import fate_of
from ehdesk.demo.managers import as_manager
from ehdesk.demo.ordering import episodes_in_generation_order
from ehdesk.models import Consent

# The manager's reason for closing with each kind of gap (matched on the closure check's words).
OVERRIDE_REASONS = {
    "feedback": "The family chose not to fill in the feedback form; agreed at supervision.",
    "reading": "The family did not want a last visit to score the tool; agreed at supervision.",
}
OTHER_GAP = "Agreed at supervision: the rest of the record shows why the case can close."


def _override_reason(missing: list[str]) -> str:
    text = " ".join(missing).lower()
    for key, reason in OVERRIDE_REASONS.items():
        if key in text:
            return reason
    return OTHER_GAP


def _withdraw_consent(session: Session, pack: CouncilPack, family_id: str, on: date) -> None:
    """The family withdraws the consent the work rests on, on the day the case closes."""
    stops = pack.practice.consent_withdrawal_stops
    given = [
        c
        for c in session.scalars(
            select(Consent).where(Consent.family_id == family_id, Consent.withdrawn_on.is_(None))
        )
        if c.scope in stops and c.given_on <= on
    ]
    if given:
        first = min(given, key=lambda c: (c.given_on, c.scope))
        withdraw_consent(session, first.id, on, today=on)


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
        if fate.reason == "consent_withdrawn":
            _withdraw_consent(session, pack, episode.family_id, fate.closes_on)
        try:
            close_episode(session, episode.id, **closing)
        except ClosureBlocked as refused:
            with as_manager(session):
                close_episode(
                    session,
                    episode.id,
                    **closing,
                    override_reason=_override_reason(refused.missing),
                    actor_role="manager",
                )
