"""A manager allocates or reallocates an episode to any worker in their team, with a handover
note. The episode names the new worker (their laptop lists it on the caseload at its next sync;
the old worker keeps only what the team scope gives every team member), and an ``Allocation`` row
keeps the history the episode's own fields overwrite. Moving a family to another team stays a
server act (``ehdesk-server admin move-family``): the team is who may see the family at all.

The first-TAF clock runs from the first allocation, so a reallocation does not restart it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.episode_access import require_open
from ehdesk.casework.record_checks import MANAGER_ROLES, check_date, require_manager, text
from ehdesk.errors import ValidationError
from ehdesk.models import Family, User
from ehdesk.models.team import Allocation
from ehdesk.models.types import new_id


@dataclass(frozen=True)
class Worker:
    id: str
    name: str
    role: str
    team_id: str | None


def _worker(u: User) -> Worker:
    return Worker(u.id, u.display_name or u.username, u.role, u.team_id)


def team_workers(session: Session, team_id: str | None) -> list[Worker]:
    """The workers a manager of ``team_id`` may allocate to (from the staff list every laptop
    receives at sync), by name."""
    if team_id is None:
        return []
    rows = session.scalars(
        select(User).where(
            User.team_id == team_id, User.deleted.is_(False), User.role.in_(("practitioner", "manager"))
        )
    ).all()
    return sorted((_worker(u) for u in rows), key=lambda w: w.name.casefold())


@dataclass(frozen=True)
class AllocationView:
    id: str
    episode_id: str
    allocated_on: date
    worker_id: str
    worker_name: str
    previous_worker_id: str | None
    previous_worker_name: str
    allocated_by: str
    handover_note: str


def allocate_episode(
    session: Session,
    episode_id: str,
    worker_id: str,
    *,
    allocated_on: date,
    handover_note: str = "",
    actor_role: str,
    actor_team_id: str | None,
    today: date | None = None,
) -> str:
    """Allocate (first time) or reallocate (a handover note is then required) an open episode."""
    today = today or date.today()
    require_manager(actor_role, "allocate or reallocate a case")
    episode = require_open(session, episode_id)
    family = session.get(Family, episode.family_id)
    admin = actor_role == "admin"
    errors: dict[str, str] = {}
    if not admin and (family is None or family.team_id != actor_team_id):
        errors["worker_id"] = (
            "This family belongs to another team. Ask an administrator to move the family first."
        )
    worker = session.get(User, worker_id) if worker_id else None
    if "worker_id" in errors:
        pass  # the family is not this manager's to allocate: nothing about the worker matters
    elif worker is None or worker.deleted:
        errors["worker_id"] = "Choose a worker from your team."
    elif not admin and worker.team_id != actor_team_id:
        errors["worker_id"] = f"{worker.display_name or worker.username} is not in your team."
    elif family is not None and worker.team_id != family.team_id and worker.role not in MANAGER_ROLES:
        errors["worker_id"] = (
            f"{worker.display_name or worker.username} works in another team, so their laptop "
            "would never receive this family."
        )
    elif worker.id == episode.allocated_worker_id:
        errors["worker_id"] = f"The case is already allocated to {worker.display_name or worker.username}."
    check_date(
        allocated_on,
        "The allocation date",
        errors,
        "allocated_on",
        today,
        not_before=episode.opened_on,
        not_before_label="the case was opened",
    )
    note = text({"n": handover_note}, "n")
    previous_id = episode.allocated_worker_id
    if previous_id and not note:
        errors["handover_note"] = "Write a handover note for the new worker."
    if errors:
        raise ValidationError(errors)
    assert worker is not None  # no error means a live worker was chosen
    name = worker.display_name or worker.username
    row = Allocation(
        id=new_id(),
        family_id=episode.family_id,
        episode_id=episode.id,
        allocated_on=allocated_on,
        worker_id=worker.id,
        worker_name=name,
        previous_worker_id=previous_id,
        previous_worker_name=episode.allocated_worker_name if previous_id else "",
        allocated_by=session.info.get("worker_name", ""),
        handover_note=note,
    )
    session.add(row)
    episode.allocated_worker_id = worker.id
    episode.allocated_worker_name = name
    if episode.allocated_on is None:
        episode.allocated_on = allocated_on
    audit.record(
        session,
        "change",
        "allocation",
        row.id,
        episode.family_id,
        change="reallocate" if previous_id else "allocate",
        episode=episode.id,
        worker=worker.id,
        previous=previous_id or "",
    )
    return row.id


def allocation_history(session: Session, episode_id: str) -> list[AllocationView]:
    rows = session.scalars(
        select(Allocation)
        .where(Allocation.episode_id == episode_id, Allocation.deleted.is_(False))
        .order_by(Allocation.allocated_on, Allocation.created_at)
    ).all()
    return [
        AllocationView(
            id=a.id,
            episode_id=a.episode_id,
            allocated_on=a.allocated_on,
            worker_id=a.worker_id,
            worker_name=a.worker_name,
            previous_worker_id=a.previous_worker_id,
            previous_worker_name=a.previous_worker_name,
            allocated_by=a.allocated_by,
            handover_note=a.handover_note,
        )
        for a in rows
    ]


def latest_handover_note(session: Session, episode_id: str) -> str:
    """What the new worker reads first when a case arrives on their caseload."""
    history = allocation_history(session, episode_id)
    return history[-1].handover_note if history else ""


def home_team(session: Session, worker_id: str, profile_team_id: str | None) -> str | None:
    """The team a signed-in manager manages: the profile's (from the server), else the team the
    staff list gives their user (an offline demo profile has only the latter)."""
    if profile_team_id:
        return profile_team_id
    me = session.get(User, worker_id)
    return me.team_id if me is not None else None
