"""Closing an episode: a reason from the pack, step-up details, the checks that say plainly
what is missing, a manager's override with a reason, and reopening (audited).

Which checks a reason needs is the council's choice (``practice.closure_checks`` in the pack,
checks in ``closure_rules``): "goals achieved" needs the outcomes judged and a TAF held, "consent
withdrawn" needs the withdrawal recorded, and so on. The override and its reason are kept on
the closure record and printed on the closure summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit, handovers
from ehdesk.casework.closure_rules import ClosureContext, missing_for
from ehdesk.casework.episode_access import EpisodeClosed, episode_or_404, require_open
from ehdesk.config.pack import current_pack
from ehdesk.errors import EhdeskError, ValidationError
from ehdesk.models.closure import EpisodeClosure
from ehdesk.models.team import Handover

STEP_UP_REASON = "stepped_up"
MANAGER_ROLES = ("manager", "admin")


class ClosureBlocked(EhdeskError):
    """Closing needs items that are missing; ``missing`` lists them, one sentence each."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = list(missing)
        super().__init__(
            "This case can't be closed yet: "
            + "; ".join(m[:1].lower() + m[1:].rstrip(".") for m in missing)
            + ". "
            "A manager can close it anyway with a reason."
        )


@dataclass(frozen=True)
class ClosureView:
    episode_id: str
    closed_on: date
    reason: str
    reason_label: str
    note: str
    stepped_up_on: date | None
    stepped_up_to: str
    missing: tuple[str, ...]
    override_by: str
    override_reason: str
    closed_by: str
    outcome_results: dict = field(default_factory=dict)
    handover_id: str = ""


def missing_items(
    session: Session,
    episode_id: str,
    reason: str = "default",
    outcome_results: dict | None = None,
    handover_given: bool = False,
) -> list[str]:
    """What closing for ``reason`` still needs, in plain sentences (empty: ready to close)."""
    ctx = ClosureContext(reason, dict(outcome_results or {}), handover_given=handover_given)
    return missing_for(session, episode_id, ctx)


def missing_by_reason(session: Session, episode_id: str) -> dict[str, list[str]]:
    """What each closure reason still needs (the close dialog shows the chosen reason's list)."""
    return {
        code: missing_items(session, episode_id, code) for code in current_pack().codes("closure_reasons")
    }


OUTCOMES_NOT_JUDGED = "Say whether each outcome in the plan was achieved"


def _check_details(reason: str, closed_on, opened_on: date, today: date) -> None:
    errors: dict[str, str] = {}
    if reason not in current_pack().codes("closure_reasons"):
        errors["reason"] = "Choose the reason for closing from the list."
    if not isinstance(closed_on, date):
        errors["closed_on"] = "Give the date the case closed."
    elif closed_on < opened_on:
        errors["closed_on"] = "The case can't close before it opened."
    elif closed_on > today:
        errors["closed_on"] = "The closing date can't be in the future."
    if errors:
        raise ValidationError(errors)


HANDOVER_PREFIX = "handover_"


def _step_up(session: Session, episode, handover: dict | None, handover_id: str, closed_on, today: date):
    """What a step-up closure rests on: a chosen handover (a row), the handover given with the
    closing (its cleaned fields, recorded once every check passes), or the case's latest step-up
    handover. None of them: a plain error, and nothing is written."""
    if handover_id:
        return handovers.step_up_handover(session, handover_id, episode.id)
    if handover:
        try:
            cleaned = handovers.clean_handover("step_up", dict(handover), episode, current_pack(), today)
        except ValidationError as exc:
            raise handovers.prefixed(exc, HANDOVER_PREFIX) from None
        if isinstance(closed_on, date) and cleaned["handed_over_on"] > closed_on:
            raise ValidationError({"handover_handed_over_on": "The step-up is dated after the case closed."})
        return cleaned
    existing = handovers.step_up_for(session, episode.id)
    if existing is not None:
        return handovers.step_up_handover(session, existing.id, episode.id)
    raise ValidationError(
        {
            "handover": "Closing as stepped up needs the step-up handover: the date, the reason, "
            "what was shared with children's social care and who received it."
        }
    )


def close_episode(
    session: Session,
    episode_id: str,
    *,
    reason: str,
    closed_on: date,
    today: date,
    note: str = "",
    handover: dict | None = None,
    handover_id: str = "",
    override_reason: str = "",
    actor_role: str = "practitioner",
    outcome_results: dict[str, str] | None = None,
) -> ClosureView:
    """Close the case. ``outcome_results`` judges each plan outcome (achieved | partly |
    not_achieved); missing items refuse with ClosureBlocked unless a manager gives a reason.

    Closing as stepped up rests on a step-up handover (``casework.handovers``): ``handover_id``
    names one already recorded for the case, ``handover`` gives its fields to record with the
    closing (errors keyed ``handover_<field>``), or the case's latest step-up handover is used.
    No manager's override stands in for it."""
    from ehdesk.casework.closure_rules import outcome_results as results_on_record
    from ehdesk.casework.meetings import CLOSURE_RESULTS

    episode = require_open(session, episode_id)
    _check_details(reason, closed_on, episode.opened_on, today)
    step_up = (
        _step_up(session, episode, handover, handover_id, closed_on, today)
        if reason == STEP_UP_REASON
        else None
    )
    given = dict(outcome_results or {})
    if any(v not in CLOSURE_RESULTS for v in given.values()):
        raise ValidationError(
            {"outcome_results": "Choose achieved, partly achieved or not achieved for each outcome."}
        )
    missing = missing_items(session, episode_id, reason, given, handover_given=step_up is not None)
    actor = session.info.get("actor", "")
    override_by = ""
    if missing:
        if not override_reason.strip():
            raise ClosureBlocked(missing)
        if actor_role not in MANAGER_ROLES:
            raise EhdeskError("Only a manager can close a case while items are missing.")
        override_by = actor
    if isinstance(step_up, dict):
        step_up = session.get(
            Handover,
            handovers.record_handover(session, episode_id, "step_up", dict(handover or {}), today=today),
        )
    row = EpisodeClosure(
        family_id=episode.family_id,
        episode_id=episode_id,
        closed_on=closed_on,
        reason=reason,
        note=note.strip(),
        stepped_up_on=step_up.handed_over_on if step_up is not None else None,
        stepped_up_to=step_up.received_by if step_up is not None else "",
        handover_id=step_up.id if step_up is not None else "",
        missing=missing,
        override_by=override_by,
        override_reason=override_reason.strip() if missing else "",
        closed_by=actor,
        outcome_results=results_on_record(session, episode_id, given),
    )
    session.add(row)
    episode.status = "closed"
    episode.closed_on = closed_on
    episode.closure_reason = reason
    episode.closure_note = note.strip()
    session.flush()
    audit.record(
        session,
        "change",
        "episode",
        episode_id,
        episode.family_id,
        op="close",
        reason=reason,
        overridden=bool(missing),
        override_reason=row.override_reason,
        missing=missing,
        handover_id=row.handover_id,
    )
    return _view(row)


def _view(r: EpisodeClosure) -> ClosureView:
    return ClosureView(
        r.episode_id,
        r.closed_on,
        r.reason,
        current_pack().label("closure_reasons", r.reason),
        r.note,
        r.stepped_up_on,
        r.stepped_up_to,
        tuple(r.missing),
        r.override_by,
        r.override_reason,
        r.closed_by,
        dict(r.outcome_results or {}),
        r.handover_id,
    )


def _standing(session: Session, episode_id: str) -> EpisodeClosure | None:
    return session.scalars(
        select(EpisodeClosure)
        .where(
            EpisodeClosure.episode_id == episode_id,
            EpisodeClosure.deleted.is_(False),
            EpisodeClosure.reopened_on.is_(None),
        )
        .order_by(EpisodeClosure.closed_on.desc(), EpisodeClosure.created_at.desc())
        .limit(1)
    ).first()


def get_closure(session: Session, episode_id: str) -> ClosureView | None:
    row = _standing(session, episode_id)
    return _view(row) if row else None


def reopen_episode(session: Session, episode_id: str, *, reason: str, today: date, actor_role: str) -> None:
    episode = episode_or_404(session, episode_id)
    if episode.status == "open":
        raise EhdeskError("This case is already open.")
    if actor_role not in MANAGER_ROLES:
        raise EpisodeClosed("Only a manager can reopen a closed case.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the case is being reopened."})
    row = _standing(session, episode_id)
    if row is not None:
        row.reopened_on = today
        row.reopened_by = session.info.get("actor", "")
        row.reopen_reason = reason.strip()
    episode.status = "open"
    episode.closed_on = None
    episode.closure_reason = ""
    audit.record(session, "change", "episode", episode_id, episode.family_id, op="reopen")
