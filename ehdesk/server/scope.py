"""Who may see and change what (computed on the server, never trusted from a laptop):
a practitioner and a manager the families of their team(s), an admin every family."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, bindparam, or_, select, true
from sqlalchemy.orm import Session

from ehdesk.models import Family, User
from ehdesk.server.models import ChangeLog, TeamMember

# Rows every signed-in worker may read: the council's teams, no family data. Staff rows
# (user_account) reach only the laptops of their own team: a worker cannot list the council's
# user names (to guess at, or to make others' sign-ins slow down).
SHARED_ENTITIES = ("team",)
STAFF_ENTITY = "user_account"
# Pushed by laptops for the server's record; never sent back down.
PUSH_ONLY_ENTITIES = ("audit_event",)


@dataclass(frozen=True)
class Principal:
    user_id: str
    device_id: str
    username: str
    role: str
    team_ids: frozenset[str]
    # The council asked for this laptop to be wiped: it may only receive the wipe.
    wipe_pending: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def home_team(self) -> str | None:
        return min(self.team_ids) if self.team_ids else None

    def team_in_scope(self, team_id: str | None) -> bool:
        return self.is_admin or (team_id is not None and team_id in self.team_ids)


def team_ids_of(session: Session, user: User) -> frozenset[str]:
    teams = set(session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user.id)))
    if user.team_id:
        teams.add(user.team_id)
    return frozenset(teams)


def family_in_scope(session: Session, principal: Principal, family_id: str | None) -> bool:
    if family_id is None:
        return False
    family = session.get(Family, family_id)
    return family is not None and principal.team_in_scope(family.team_id)


def log_scope_filter(principal: Principal) -> ColumnElement[bool]:
    """Change-log rows this principal may pull."""
    if principal.is_admin:
        return true()
    return _team_filter(sorted(principal.team_ids))


# The kinds of scope a statement built once is built for: an administrator's (every family), a
# worker of one team (the usual case: an equality, no list to expand), a worker of several.
SCOPE_KINDS = ("admin", "team", "teams")


def scope_kind(principal: Principal) -> str:
    if principal.is_admin:
        return "admin"
    return "team" if len(principal.team_ids) == 1 else "teams"


def log_scope_param(scope: str) -> ColumnElement[bool]:
    """``log_scope_filter`` for a statement built once for a kind of scope (``scope_kind``): the
    worker's team is the parameter ``team``, or their teams the expanding parameter ``teams``
    (see ``scope_params``)."""
    if scope == "admin":
        return true()
    if scope == "team":
        return _team_filter([bindparam("team")])
    return _team_filter(bindparam("teams", expanding=True))


def scope_params(principal: Principal) -> dict:
    kind = scope_kind(principal)
    if kind == "admin":
        return {}
    if kind == "team":
        return {"team": next(iter(principal.team_ids))}
    return {"teams": sorted(principal.team_ids)}


def _team_filter(teams) -> ColumnElement[bool]:
    families = select(Family.id).where(Family.team_id.in_(teams))
    # "|| ''" keeps the planner off the entity and family indexes: a pull page must walk the log
    # in revision order and stop at the page size, not gather every in-scope row and sort it
    # (which SQLite does otherwise, making a first sync quadratic).
    return or_(
        ChangeLog.entity.concat("").in_(SHARED_ENTITIES),
        and_(ChangeLog.entity.concat("") == STAFF_ENTITY, ChangeLog.team_id.concat("").in_(teams)),
        ChangeLog.family_id.concat("").in_(families),
    )
