"""A manager's request that a family move to another team. Which team may see a family is the
server's to decide (``ehdesk-server admin move-family``), so the app only asks: the request syncs
to the server, where an administrator lists open requests and makes the move, which closes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.families import _family_or_404
from ehdesk.casework.record_checks import require_manager, require_text
from ehdesk.errors import ValidationError
from ehdesk.models import Team
from ehdesk.models.team import TeamMoveRequest
from ehdesk.models.types import new_id


@dataclass(frozen=True)
class MoveRequestView:
    id: str
    family_id: str
    to_team_id: str
    to_team_name: str
    reason: str
    requested_by: str
    requested_on: date
    status: str


def other_teams(session: Session, family_id: str) -> list[tuple[str, str]]:
    """(id, name) of the teams a family could move to, by name."""
    family = _family_or_404(session, family_id)
    teams = session.scalars(
        select(Team).where(Team.deleted.is_(False), Team.id != (family.team_id or ""))
    ).all()
    return sorted(((t.id, t.name) for t in teams), key=lambda t: t[1].casefold())


def request_team_move(
    session: Session,
    family_id: str,
    to_team_id: str,
    reason: str,
    *,
    actor_role: str,
    today: date | None = None,
) -> str:
    require_manager(actor_role, "ask for a family to move to another team")
    family = _family_or_404(session, family_id)
    errors: dict[str, str] = {}
    team = session.get(Team, to_team_id) if to_team_id else None
    if team is None or team.deleted:
        errors["to_team_id"] = "Choose the team the family should move to."
    elif team.id == family.team_id:
        errors["to_team_id"] = f"The family already belongs to {team.name}."
    reason = require_text({"reason": reason}, "reason", "The reason for the move", errors)
    already = session.scalar(
        select(TeamMoveRequest.id).where(
            TeamMoveRequest.family_id == family_id,
            TeamMoveRequest.status == "open",
            TeamMoveRequest.deleted.is_(False),
        )
    )
    if already:
        errors["to_team_id"] = "A move for this family has already been asked for and is waiting."
    if errors:
        raise ValidationError(errors)
    assert team is not None  # no error means a live team was chosen
    row = TeamMoveRequest(
        id=new_id(),
        family_id=family_id,
        to_team_id=team.id,
        reason=reason,
        requested_by=session.info.get("worker_name", ""),
        requested_on=today or date.today(),
        status="open",
    )
    session.add(row)
    audit.record(session, "change", "team_move_request", row.id, family_id, to_team=team.id)
    return row.id


def move_requests(session: Session, family_id: str) -> list[MoveRequestView]:
    teams = {t.id: t.name for t in session.scalars(select(Team))}
    rows = session.scalars(
        select(TeamMoveRequest)
        .where(TeamMoveRequest.family_id == family_id, TeamMoveRequest.deleted.is_(False))
        .order_by(TeamMoveRequest.requested_on)
    ).all()
    return [
        MoveRequestView(
            r.id,
            r.family_id,
            r.to_team_id,
            teams.get(r.to_team_id, ""),
            r.reason,
            r.requested_by,
            r.requested_on,
            r.status,
        )  # fmt: skip
        for r in rows
    ]
