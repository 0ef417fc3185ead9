"""Case supervision: a manager and the worker discuss an episode, record decisions and agree
actions with due dates. Open actions (with those of case audits) appear among the things due on
the worker's caseload through the ``manager_action_facts`` fact source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.episode_access import episode_or_404, require_open
from ehdesk.casework.record_checks import (
    check_date,
    clean_actions,
    mark_action_done,
    open_action_dates,
    require_manager,
    require_text,
    text,
)
from ehdesk.casework.records import live
from ehdesk.errors import ValidationError
from ehdesk.models.team import CaseAudit, Supervision
from ehdesk.models.types import new_id

FIELDS = ("held_on", "manager_name", "discussion", "decisions", "actions")


@dataclass(frozen=True)
class SupervisionView:
    id: str
    episode_id: str
    held_on: date
    manager_name: str
    discussion: str
    decisions: str
    actions: list[dict]


def _view(s: Supervision) -> SupervisionView:
    return SupervisionView(
        s.id, s.episode_id, s.held_on, s.manager_name, s.discussion, s.decisions, list(s.actions)
    )


def record_supervision(
    session: Session, episode_id: str, data: dict, *, actor_role: str, today: date | None = None
) -> str:
    today = today or date.today()
    require_manager(actor_role, "record case supervision")
    episode = require_open(session, episode_id)
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown supervision fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    held_on = data.get("held_on")
    check_date(
        held_on,
        "The supervision date",
        errors,
        "held_on",
        today,
        not_before=episode.opened_on,
        not_before_label="the case was opened",
    )
    manager = text(data, "manager_name") or session.info.get("worker_name", "")
    if not manager:
        errors["manager_name"] = "The manager's name is missing."
    discussion = require_text(data, "discussion", "What was discussed", errors)
    actions = clean_actions(data.get("actions"), errors)
    if errors:
        raise ValidationError(errors)
    row = Supervision(
        id=new_id(),
        family_id=episode.family_id,
        episode_id=episode_id,
        held_on=held_on,
        manager_name=manager,
        discussion=discussion,
        decisions=text(data, "decisions"),
        actions=actions,
    )
    session.add(row)
    audit.record(session, "change", "supervision", row.id, episode.family_id, change="add")
    return row.id


def complete_supervision_action(session: Session, supervision_id: str, index: int, done_on: date) -> None:
    row = live(session, Supervision, supervision_id, "supervision record")
    row.actions = mark_action_done(row.actions, index, done_on)
    audit.record(session, "change", "supervision", row.id, row.family_id, change="action_done")


def list_supervisions(session: Session, episode_id: str) -> list[SupervisionView]:
    episode_or_404(session, episode_id)
    rows = session.scalars(
        select(Supervision)
        .where(Supervision.episode_id == episode_id, Supervision.deleted.is_(False))
        .order_by(Supervision.held_on.desc(), Supervision.created_at.desc())
    ).all()
    return [_view(r) for r in rows]


def manager_action_facts(session: Session, episode_ids: list[str]) -> dict[str, dict]:
    """Fact source (``episode_facts``): the due dates of open supervision and audit actions."""
    found: dict[str, list[date]] = {}
    for model in (Supervision, CaseAudit):
        for start in range(0, len(episode_ids), 500):
            chunk = episode_ids[start : start + 500]
            for episode_id, actions in session.execute(
                select(model.episode_id, model.actions).where(
                    model.episode_id.in_(chunk), model.deleted.is_(False)
                )
            ):
                found.setdefault(episode_id, []).extend(open_action_dates(actions))
    return {k: {"manager_actions_due": tuple(sorted(v))} for k, v in found.items() if v}
