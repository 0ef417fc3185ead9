"""Step-up to children's social care and step-down from it, as handover records rather than only
a closure reason or a case type: what was shared and with whom, the social care decision when it
is known, whether early help carries on alongside; for a step-down the social worker, the plan
stepped down from and the joint visit. The return counts both (``handover_counts``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.episode_access import episode_or_404
from ehdesk.casework.record_checks import check_date, require_text, text
from ehdesk.casework.records import live
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import ValidationError
from ehdesk.models import Episode, Family
from ehdesk.models.team import Handover
from ehdesk.models.types import new_id

DIRECTIONS = ("step_up", "step_down")
STEP_UP_FIELDS = (
    "handed_over_on",
    "reason",
    "information_shared",
    "received_by",
    "social_care_decision",
    "decision_on",
    "early_help_continues",
)
STEP_DOWN_FIELDS = ("handed_over_on", "reason", "social_worker", "stepped_down_from", "joint_visit_on")


@dataclass(frozen=True)
class HandoverView:
    id: str
    family_id: str
    episode_id: str
    direction: str
    handed_over_on: date
    reason: str
    information_shared: str
    received_by: str
    social_care_decision: str
    social_care_decision_label: str
    decision_on: date | None
    early_help_continues: bool
    social_worker: str
    stepped_down_from: str
    stepped_down_from_label: str
    joint_visit_on: date | None
    recorded_by: str

    @property
    def title(self) -> str:
        return (
            "Stepped up to children's social care"
            if self.direction == "step_up"
            else ("Stepped down from children's social care")
        )


def _view(h: Handover, pack: CouncilPack) -> HandoverView:
    return HandoverView(
        id=h.id,
        family_id=h.family_id,
        episode_id=h.episode_id,
        direction=h.direction,
        handed_over_on=h.handed_over_on,
        reason=h.reason,
        information_shared=h.information_shared,
        received_by=h.received_by,
        social_care_decision=h.social_care_decision,
        social_care_decision_label=pack.label("social_care_decisions", h.social_care_decision),
        decision_on=h.decision_on,
        early_help_continues=h.early_help_continues,
        social_worker=h.social_worker,
        stepped_down_from=h.stepped_down_from,
        stepped_down_from_label=pack.label("step_down_plans", h.stepped_down_from),
        joint_visit_on=h.joint_visit_on,
        recorded_by=h.recorded_by,
    )


def clean_handover(direction: str, data: dict, episode: Episode, pack: CouncilPack, today: date) -> dict:
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown handover direction {direction!r}")
    allowed = STEP_UP_FIELDS if direction == "step_up" else STEP_DOWN_FIELDS
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"unknown {direction} fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    on = data.get("handed_over_on")
    check_date(on, "The date of the handover", errors, "handed_over_on", today)
    cleaned: dict = {"handed_over_on": on, "reason": require_text(data, "reason", "The reason", errors)}
    if direction == "step_up":
        if on is not None and on < episode.opened_on:
            errors["handed_over_on"] = "The step-up is dated before the case was opened."
        cleaned["information_shared"] = require_text(
            data, "information_shared", "What was shared with social care", errors
        )
        cleaned["received_by"] = require_text(data, "received_by", "Who received it", errors, 200)
        decision = text(data, "social_care_decision")
        decision_on = data.get("decision_on")
        if decision and decision not in pack.codes("social_care_decisions"):
            errors["social_care_decision"] = "Choose social care's decision from the list."
        if decision and decision_on is None:
            errors["decision_on"] = "Give the date social care made its decision."
        elif decision_on is not None:
            if not decision:
                errors["social_care_decision"] = "Choose the decision social care made on that date."
            else:
                check_date(
                    decision_on,
                    "The date of social care's decision",
                    errors,
                    "decision_on",
                    today,
                    not_before=on,
                    not_before_label="the step-up",
                )
        cleaned.update(
            social_care_decision=decision,
            decision_on=decision_on,
            early_help_continues=bool(data.get("early_help_continues")),
        )
    else:
        cleaned["social_worker"] = require_text(
            data, "social_worker", "The social worker's name", errors, 200
        )
        plan = text(data, "stepped_down_from")
        if plan not in pack.codes("step_down_plans"):
            errors["stepped_down_from"] = "Choose the plan the family is stepping down from."
        cleaned["stepped_down_from"] = plan
        visit = data.get("joint_visit_on")
        if visit is not None and on is not None and visit < on - timedelta(days=90):
            errors["joint_visit_on"] = "The joint visit is long before the step-down; check the date."
        cleaned["joint_visit_on"] = visit
    if errors:
        raise ValidationError(errors)
    return cleaned


def record_handover(
    session: Session,
    episode_id: str,
    direction: str,
    data: dict,
    pack: CouncilPack | None = None,
    today: date | None = None,
) -> str:
    pack = pack or current_pack()
    episode = episode_or_404(session, episode_id)
    cleaned = clean_handover(direction, data, episode, pack, today or date.today())
    row = Handover(
        id=new_id(),
        family_id=episode.family_id,
        episode_id=episode_id,
        direction=direction,
        recorded_by=session.info.get("worker_name", ""),
        **cleaned,
    )
    session.add(row)
    audit.record(session, "change", "handover", row.id, episode.family_id, direction=direction)
    return row.id


def record_social_care_decision(
    session: Session, handover_id: str, decision: str, decided_on: date, pack: CouncilPack | None = None
) -> None:
    """Social care's answer to a step-up usually comes days later."""
    pack = pack or current_pack()
    row = live(session, Handover, handover_id, "handover")
    if row.direction != "step_up":
        raise ValidationError({"social_care_decision": "Only a step-up waits for social care's decision."})
    episode = episode_or_404(session, row.episode_id)
    current = {n: getattr(row, n) for n in STEP_UP_FIELDS}
    current.update(social_care_decision=decision, decision_on=decided_on)
    cleaned = clean_handover("step_up", current, episode, pack, date.today())
    row.social_care_decision = cleaned["social_care_decision"]
    row.decision_on = cleaned["decision_on"]
    audit.record(session, "change", "handover", row.id, row.family_id, change="decision")


def list_handovers(session: Session, family_id: str, pack: CouncilPack | None = None) -> list[HandoverView]:
    pack = pack or current_pack()
    rows = session.scalars(
        select(Handover)
        .where(Handover.family_id == family_id, Handover.deleted.is_(False))
        .order_by(Handover.handed_over_on, Handover.created_at)
    ).all()
    return [_view(h, pack) for h in rows]


@dataclass(frozen=True)
class HandoverCounts:
    step_ups: int
    step_ups_early_help_continues: int
    step_ups_by_decision: dict[str, int]  # pack code -> count; "" = decision not known yet
    step_downs: int
    step_downs_by_plan: dict[str, int]


def handover_counts(
    session: Session, date_from: date, date_to: date, teams: list[str] | None = None
) -> HandoverCounts:
    """Handovers dated in the period (for the return), optionally for some teams only."""
    query = select(Handover).where(
        Handover.deleted.is_(False), Handover.handed_over_on >= date_from, Handover.handed_over_on <= date_to
    )
    if teams is not None:
        query = query.join(Family, Family.id == Handover.family_id).where(Family.team_id.in_(list(teams)))
    ups = downs = continues = 0
    by_decision: dict[str, int] = {}
    by_plan: dict[str, int] = {}
    for h in session.scalars(query):
        if h.direction == "step_up":
            ups += 1
            continues += h.early_help_continues
            by_decision[h.social_care_decision] = by_decision.get(h.social_care_decision, 0) + 1
        else:
            downs += 1
            by_plan[h.stepped_down_from] = by_plan.get(h.stepped_down_from, 0) + 1
    return HandoverCounts(ups, continues, by_decision, downs, by_plan)


def _latest(session: Session, episode_id: str, direction: str) -> Handover | None:
    return session.scalars(
        select(Handover)
        .where(
            Handover.episode_id == episode_id,
            Handover.direction == direction,
            Handover.deleted.is_(False),
        )
        .order_by(Handover.handed_over_on.desc(), Handover.created_at.desc())
        .limit(1)
    ).first()


def step_up_for(session: Session, episode_id: str) -> HandoverView | None:
    """The episode's latest step-up handover (what a "stepped up" closure rests on), if any."""
    row = _latest(session, episode_id, "step_up")
    return _view(row, current_pack()) if row is not None else None


def step_down_for(session: Session, episode_id: str) -> HandoverView | None:
    """The step-down handover a case of the step-down type came with, if recorded."""
    row = _latest(session, episode_id, "step_down")
    return _view(row, current_pack()) if row is not None else None


def step_up_handover(session: Session, handover_id: str, episode_id: str) -> Handover:
    """A step-up handover of ``episode_id`` chosen to close the case on; plain errors otherwise."""
    row = session.get(Handover, handover_id)
    if row is None or row.deleted or row.episode_id != episode_id or row.direction != "step_up":
        raise ValidationError({"handover": "Choose a step-up handover recorded for this case."})
    return row


def prefixed(exc: ValidationError, prefix: str) -> ValidationError:
    """The same messages keyed ``prefix + field`` (a form holding a handover beside other fields)."""
    return ValidationError({f"{prefix}{name}": message for name, message in exc.fields.items()})
