"""Requests from team managers' laptops that a family move to another team (``team_move_request``
rows, synced like any family record): listed for an administrator, and closed by the move itself
(``admin.move_family`` calls ``close_for_move``), the closure logged so the laptops see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.models import Family, Team
from ehdesk.models.team import TeamMoveRequest
from ehdesk.server.changelog import log_row


@dataclass(frozen=True)
class OpenRequest:
    id: str
    family_id: str
    reference: str
    from_team: str
    to_team: str
    requested_by: str
    requested_on: date
    reason: str


def open_requests(session: Session) -> list[OpenRequest]:
    teams = {t.id: t.name for t in session.scalars(select(Team))}
    rows = session.execute(
        select(TeamMoveRequest, Family.reference, Family.team_id)
        .join(Family, Family.id == TeamMoveRequest.family_id)
        .where(TeamMoveRequest.status == "open", TeamMoveRequest.deleted.is_(False))
        .order_by(TeamMoveRequest.requested_on, Family.reference)
    ).all()
    return [
        OpenRequest(
            r.id,
            r.family_id,
            reference,
            teams.get(team_id or "", ""),
            teams.get(r.to_team_id, ""),
            r.requested_by,
            r.requested_on,
            r.reason,
        )  # fmt: skip
        for r, reference, team_id in rows
    ]


def close_for_move(session: Session, revisions, family_id: str, to_team_id: str) -> int:
    """Mark the family's open requests for ``to_team_id`` done; returns how many."""
    closed = 0
    for r in session.scalars(
        select(TeamMoveRequest).where(
            TeamMoveRequest.family_id == family_id,
            TeamMoveRequest.to_team_id == to_team_id,
            TeamMoveRequest.status == "open",
            TeamMoveRequest.deleted.is_(False),
        )
    ):
        r.status = "done"
        r.closed_on = date.today()
        log_row(session, revisions, r, ["status", "closed_on"])
        closed += 1
    return closed
