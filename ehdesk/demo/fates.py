"""Where each demo case is headed. A case the demo will close is made open and lives its story
through the casework operations (which refuse to change a closed case); ``closing_step`` closes it
last, through ``casework.closure.close_episode``, on the day and for the reason drawn here.

Fates live in the batch session's ``info`` (one batch, one session), so every step of the batch
sees them and nothing outlives the batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from ehdesk.models import Episode

_KEY = "ehdesk.demo.fates"


@dataclass
class Fate:
    closes_on: date
    reason: str
    note: str = ""
    outcome_results: dict[str, str] = field(default_factory=dict)


@dataclass
class Course:
    """How a case's story goes between its TAF meetings, decided once where the case's story starts
    so that the readings taken for each review and the review itself tell the same story: each TAF
    review's outcome in turn (positive_change, no_change or deterioration; none for the initial
    TAF), and how the closing reading moves ("" for a case that stays open)."""

    reviews: list[str]
    closing: str = ""


def plan_closure(session: Session, episode_id: str, closes_on: date, reason: str) -> None:
    session.info.setdefault(_KEY, {})[episode_id] = Fate(closes_on, reason)


def fate_of(session: Session, episode: Episode) -> Fate | None:
    """The closing this case is headed for, or None for a case that stays open."""
    return session.info.get(_KEY, {}).get(episode.id)


def ends_on(session: Session, episode: Episode, today: date) -> date:
    """The last day of the case's story: its closing day, or today for a case still open."""
    fate = fate_of(session, episode)
    return fate.closes_on if fate else today
