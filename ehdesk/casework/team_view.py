"""What a team manager and a head of service look at to check drift (the guidance asks them to):
per worker, caseload size, overdue items, episodes open past the limit, episodes with no contact
for the pack's number of weeks, plans unchanged across the pack's number of reviews, and the
team's unallocated requests; and, across teams, every episode open beyond the limit.

"Contact" is a session held with the family or a TAF meeting held, whichever is later; an
episode with neither counts from its allocation (or opening). A worker's laptop holds every family
of the team (the sync scope), so these figures are the team's, not just the manager's caseload."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ehdesk.casework.allocation import team_workers
from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.casework.timescales import due_items, original_limit
from ehdesk.casework.triage import WaitingRequest, unallocated_requests
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.models import Episode, Family, Team
from ehdesk.models.meeting import Meeting
from ehdesk.models.plan import PlanVersion
from ehdesk.models.session_note import SessionNote


@dataclass(frozen=True)
class EpisodeFlags:
    episode_id: str
    family_id: str
    reference: str
    household_name: str
    worker_id: str | None
    worker_name: str
    opened_on: date
    overdue: tuple[str, ...]  # labels of overdue items
    past_limit: bool
    last_contact: date
    no_contact: bool
    drifting: bool


@dataclass
class WorkerRow:
    worker_id: str | None
    name: str
    caseload: int = 0
    overdue_items: int = 0
    past_limit: int = 0
    no_contact: int = 0
    drifting: int = 0
    episodes: list[EpisodeFlags] = field(default_factory=list)


@dataclass(frozen=True)
class TeamView:
    team_id: str | None
    team_name: str
    rows: list[WorkerRow]
    unallocated: list[WaitingRequest]
    no_contact_weeks: int
    drift_reviews: int

    @property
    def totals(self) -> WorkerRow:
        total = WorkerRow(None, "Team total")
        for r in self.rows:
            total.caseload += r.caseload
            total.overdue_items += r.overdue_items
            total.past_limit += r.past_limit
            total.no_contact += r.no_contact
            total.drifting += r.drifting
        return total


def _chunks(ids: list[str], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def last_contacts(session: Session, episode_ids: list[str]) -> dict[str, date]:
    """The latest session held or TAF meeting held per episode (absent: never)."""
    found: dict[str, date] = {}
    for chunk in _chunks(episode_ids):
        for model, day, done in (
            (SessionNote, SessionNote.session_on, SessionNote.status == "held"),
            (Meeting, Meeting.held_on, Meeting.status == "completed"),
        ):
            for episode_id, latest in session.execute(
                select(model.episode_id, func.max(day))
                .where(model.episode_id.in_(chunk), model.deleted.is_(False), done)
                .group_by(model.episode_id)
            ):
                if latest and (episode_id not in found or latest > found[episode_id]):
                    found[episode_id] = latest
    return found


def drifting_episodes(session: Session, episode_ids: list[str], reviews: int) -> set[str]:
    """Episodes whose plan came out of each of the last ``reviews`` TAF reviews exactly as it
    went in (the frozen versions are identical)."""
    versions: dict[str, list[PlanVersion]] = {}
    for chunk in _chunks(episode_ids):
        for v in session.scalars(
            select(PlanVersion).where(PlanVersion.episode_id.in_(chunk), PlanVersion.deleted.is_(False))
        ):
            versions.setdefault(v.episode_id, []).append(v)
    drifting = set()
    for episode_id, rows in versions.items():
        rows.sort(key=lambda v: v.version)
        if len(rows) < reviews + 1:
            continue
        tail = rows[-(reviews + 1) :]
        if all(a.snapshot == b.snapshot for a, b in zip(tail, tail[1:], strict=False)):
            drifting.add(episode_id)
    return drifting


def episode_flags(
    session: Session, episodes: list[Episode], today: date, pack: CouncilPack
) -> list[EpisodeFlags]:
    """The oversight flags of open episodes (each rule one query for the whole list)."""
    rules = pack.timescales
    practice = pack.team_practice
    ids = [e.id for e in episodes]
    facts = facts_for_episodes(session, episodes)
    contacts = last_contacts(session, ids)
    drifting = drifting_episodes(session, ids, practice.drift_reviews)
    families = {
        f.id: f
        for chunk in _chunks(sorted({e.family_id for e in episodes}))
        for f in session.scalars(select(Family).where(Family.id.in_(chunk)))
    }
    gap = timedelta(weeks=practice.no_contact_weeks)
    out = []
    for e in episodes:
        f = facts[e.id]
        last = contacts.get(e.id) or e.allocated_on or e.opened_on
        family = families.get(e.family_id)
        out.append(
            EpisodeFlags(
                episode_id=e.id,
                family_id=e.family_id,
                reference=family.reference if family else "",
                household_name=family.household_name if family else "",
                worker_id=e.allocated_worker_id,
                worker_name=e.allocated_worker_name,
                opened_on=e.opened_on,
                overdue=tuple(i.label for i in due_items(f, rules, today) if i.overdue),
                past_limit=today >= original_limit(f, rules),
                last_contact=last,
                no_contact=today - last > gap,
                drifting=e.id in drifting,
            )
        )
    return out


def _open_episodes(session: Session, team_id: str | None) -> list[Episode]:
    query = (
        select(Episode)
        .join(Family, Family.id == Episode.family_id)
        .where(Episode.status == "open", Episode.deleted.is_(False), Family.deleted.is_(False))
    )
    if team_id is not None:
        query = query.where(Family.team_id == team_id)
    return list(session.scalars(query))


def team_view(
    session: Session, team_id: str | None, today: date | None = None, pack: CouncilPack | None = None
) -> TeamView:
    """Every worker of the team (even with an empty caseload), then a row for open episodes no
    worker holds, if any."""
    pack = pack or current_pack()
    today = today or date.today()
    rows: dict[str | None, WorkerRow] = {
        w.id: WorkerRow(w.id, w.name) for w in team_workers(session, team_id)
    }
    for flags in episode_flags(session, _open_episodes(session, team_id), today, pack):
        key = flags.worker_id
        if key not in rows:
            rows[key] = WorkerRow(key, flags.worker_name or "Not allocated" if key else "Not allocated")
        row = rows[key]
        row.caseload += 1
        row.overdue_items += len(flags.overdue)
        row.past_limit += flags.past_limit
        row.no_contact += flags.no_contact
        row.drifting += flags.drifting
        row.episodes.append(flags)
    ordered = sorted(rows.values(), key=lambda r: (r.worker_id is None, r.name.casefold()))
    team = session.get(Team, team_id) if team_id else None
    return TeamView(
        team_id=team_id,
        team_name=team.name if team else "",
        rows=ordered,
        unallocated=unallocated_requests(session, team_id, today, pack),
        no_contact_weeks=pack.team_practice.no_contact_weeks,
        drift_reviews=pack.team_practice.drift_reviews,
    )


@dataclass(frozen=True)
class LongOpenEpisode:
    episode_id: str
    family_id: str
    reference: str
    household_name: str
    team_name: str
    worker_name: str
    opened_on: date
    limit_on: date
    days_beyond: int
    # The close-by date a manager signed off, or None: past the limit without sign-off.
    signed_off_close_by: date | None


def beyond_limit(
    session: Session, today: date | None = None, pack: CouncilPack | None = None
) -> list[LongOpenEpisode]:
    """Head of service: every open episode past the limit, across every team on this laptop,
    longest first (an administrator's laptop holds every team's families)."""
    pack = pack or current_pack()
    today = today or date.today()
    episodes = _open_episodes(session, None)
    facts = facts_for_episodes(session, episodes)
    teams = {t.id: t.name for t in session.scalars(select(Team))}
    families = {
        f.id: f
        for chunk in _chunks(sorted({e.family_id for e in episodes}))
        for f in session.scalars(select(Family).where(Family.id.in_(chunk)))
    }
    out = []
    for e in episodes:
        limit = original_limit(facts[e.id], pack.timescales)
        if today < limit:
            continue
        family = families[e.family_id]
        out.append(
            LongOpenEpisode(
                episode_id=e.id,
                family_id=e.family_id,
                reference=family.reference,
                household_name=family.household_name,
                team_name=teams.get(family.team_id or "", ""),
                worker_name=e.allocated_worker_name,
                opened_on=e.opened_on,
                limit_on=limit,
                days_beyond=(today - limit).days,
                signed_off_close_by=e.extension_close_by,
            )
        )
    out.sort(key=lambda r: (-r.days_beyond, r.reference))
    return out
