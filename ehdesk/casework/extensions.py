"""The 12-month rule: a case open past the limit needs a manager's sign-off with a reason and a
new close-by date; managers see their team's episodes that need it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.closure import MANAGER_ROLES
from ehdesk.casework.episode_access import require_open
from ehdesk.casework.timescales import EpisodeFacts, needs_signoff, original_limit
from ehdesk.config.dates import show_date
from ehdesk.config.pack import current_pack
from ehdesk.errors import EhdeskError, ValidationError
from ehdesk.models import Episode, Family


@dataclass(frozen=True)
class SignoffNeeded:
    episode_id: str
    family_id: str
    household_name: str
    worker_name: str
    opened_on: date
    limit_on: date
    days_over: int
    # Signed off once, and now past the close-by date the manager agreed: it stays on the list.
    past_close_by: bool = False

    @property
    def status_label(self) -> str:
        if self.past_close_by:
            return f"Past the agreed close-by date ({show_date(self.limit_on)})"
        return f"Past the limit ({show_date(self.limit_on)}): needs sign-off"


def sign_off_extension(
    session: Session,
    episode_id: str,
    *,
    reason: str,
    close_by: date,
    today: date,
    actor_role: str,
    manager_name: str = "",
) -> None:
    episode = require_open(session, episode_id)
    if actor_role not in MANAGER_ROLES:
        raise EhdeskError("Only a manager can sign off a case staying open past the limit.")
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Give the reason the case needs to stay open."
    if not isinstance(close_by, date):
        errors["close_by"] = "Give the new date the case should close by."
    elif close_by <= today:
        errors["close_by"] = "The new close-by date must be in the future."
    if errors:
        raise ValidationError(errors)
    episode.extension_reason = reason.strip()
    episode.extension_close_by = close_by
    episode.extension_signed_off_on = today
    episode.extension_signed_off_by = manager_name or session.info.get("actor", "")
    audit.record(session, "change", "episode", episode_id, episode.family_id, op="extension_signoff")


def episodes_needing_signoff(
    session: Session, team: str | None, today: date | None = None
) -> list[SignoffNeeded]:
    """Open episodes at or past the limit with no sign-off, and those signed off but now past the
    close-by date the manager agreed (marked so), for families of ``team`` (a team id; None:
    every family on this laptop), longest over first."""
    today = today or date.today()
    rules = current_pack().timescales
    query = (
        select(Episode, Family.household_name)
        .join(Family, Family.id == Episode.family_id)
        .where(
            Episode.status == "open",
            Episode.deleted.is_(False),
            Episode.extension_close_by.is_(None) | (Episode.extension_close_by < today),
        )
    )
    if team is not None:
        query = query.where(Family.team_id == team)
    rows = session.execute(query).all()
    found = []
    for episode, household in rows:
        if episode.extension_close_by is not None:
            found.append(
                SignoffNeeded(
                    episode.id,
                    episode.family_id,
                    household,
                    episode.allocated_worker_name,
                    episode.opened_on,
                    episode.extension_close_by,
                    (today - episode.extension_close_by).days,
                    past_close_by=True,
                )
            )
            continue
        facts = EpisodeFacts(opened_on=episode.opened_on, status=episode.status)
        if needs_signoff(facts, rules, today):
            limit = original_limit(facts, rules)
            found.append(
                SignoffNeeded(
                    episode.id,
                    episode.family_id,
                    household,
                    episode.allocated_worker_name,
                    episode.opened_on,
                    limit,
                    (today - limit).days,
                )
            )
    return sorted(found, key=lambda s: -s.days_over)
