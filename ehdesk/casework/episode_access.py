"""Finding a family's episode and guarding closed ones: shared by plans, meetings, sessions,
closure and extensions so the read-only rule is enforced in one place."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ehdesk.casework.records import live
from ehdesk.errors import EhdeskError
from ehdesk.models import Episode


class EpisodeClosed(EhdeskError):
    pass


# Built once, its value bound at each call: asked by nearly every operation, and building a
# statement and working out its cache key cost about as much as running it.
_EPISODES = select(Episode).where(Episode.family_id == bindparam("family_id"), Episode.deleted.is_(False))


def current_episode(session: Session, family_id: str) -> Episode | None:
    """The one answer to "which case is this family's current one", asked by every tab, PDF,
    fact source and report: the open episode (the latest opened, should sync ever bring two);
    with none open, the one that closed last. None: the family never had one."""
    rows = session.scalars(_EPISODES, {"family_id": family_id}).all()
    if not rows:
        return None
    return max(rows, key=_currency)


def open_episode_of(session: Session, family_id: str) -> Episode | None:
    """The family's open episode (the first found, should sync ever bring two), or None.

    Read by the family alone, the status checked here: asked for the family and the status
    together, SQLite (the store keeps no statistics for its planner) walked the index of every
    open case in the store rather than the family's one or two episodes, so each look cost more
    as the caseload grew (a demo profile of thousands of families: milliseconds each)."""
    rows = session.scalars(_EPISODES, {"family_id": family_id}).all()
    return next((episode for episode in rows if episode.status == "open"), None)


def _currency(episode: Episode) -> tuple:
    is_open = episode.status == "open"
    last_day = episode.opened_on if is_open else (episode.closed_on or episode.opened_on)
    return (is_open, last_day, episode.opened_on, episode.created_at)


def episode_or_404(session: Session, episode_id: str) -> Episode:
    return live(session, Episode, episode_id, "case", "no longer exists on this laptop")


def require_open(session: Session, episode_id: str) -> Episode:
    episode = episode_or_404(session, episode_id)
    if episode.status != "open":
        raise EpisodeClosed("This case is closed, so it can't be changed. A manager can reopen it.")
    return episode
