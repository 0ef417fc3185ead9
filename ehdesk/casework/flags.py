"""The flags the worker sees on a case: things the record says need a decision or an action
now, in plain words. Each comes from the rule that owns it (consent, thresholds, plan, sign-off,
meetings, closure); this module only gathers them, for the family record and the caseload."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ehdesk.casework.episode_access import episode_or_404
from ehdesk.casework.meetings import override_wording
from ehdesk.casework.plans import OPEN_STATUSES
from ehdesk.config.dates import show_date
from ehdesk.models.meeting import Meeting
from ehdesk.models.plan import PlanAction
from ehdesk.models.sync_meta import RefusedChange


@dataclass(frozen=True)
class Flag:
    code: str
    # "stop": the worker must act before going on; "warn": needs attention; "note": shown for the record
    level: str
    message: str


def overdue_action_counts(session: Session, episode_ids: list[str], today: date) -> dict[str, int]:
    """Open actions past their date, per episode (one query for a whole caseload)."""
    if not episode_ids:
        return {}
    rows = session.execute(
        select(PlanAction.episode_id, func.count())
        .where(
            PlanAction.episode_id.in_(episode_ids),
            PlanAction.deleted.is_(False),
            PlanAction.status.in_(OPEN_STATUSES),
            PlanAction.by_when < today,
        )
        .group_by(PlanAction.episode_id)
    ).all()
    return dict(Counter({episode_id: n for episode_id, n in rows}))


def episode_flags(session: Session, episode_id: str, today: date | None = None) -> list[Flag]:
    from ehdesk.casework.closure import get_closure
    from ehdesk.casework.consent import withdrawal_facts
    from ehdesk.casework.plans import get_plan
    from ehdesk.casework.thresholds import DECISIONS, threshold_state

    today = today or date.today()
    episode = episode_or_404(session, episode_id)
    flags: list[Flag] = []
    withdrawn = withdrawal_facts(session, [episode_id]).get(episode_id, {}).get("consent_withdrawn_on")
    if withdrawn and episode.status == "open":
        flags.append(
            Flag(
                "consent_withdrawn",
                "stop",
                f"Close: consent withdrawn. The family withdrew consent on {show_date(withdrawn)}; sharing "
                "has stopped and nothing else is due. Share only if a child may be at risk of significant "
                "harm, and record it.",
            )
        )
    state = threshold_state(session, episode_id)
    if state.needs_decision:
        flags.append(Flag("threshold", "stop", state.summary()))
    elif state.decision:
        d = state.decision
        flags.append(
            Flag(
                "threshold_decided",
                "note",
                f"{DECISIONS.get(d.get('decision', ''), '')}: decided by {d.get('by', '')} on {d.get('on', '')} "
                f"({d.get('reason', '')}).",
            )
        )
    plan = get_plan(session, episode_id, today=today)
    late = plan.overdue_actions
    if late and episode.status == "open":
        listed = "; ".join(f"{a.what} (due {show_date(a.by_when)})" for a in late[:3])
        more = f" and {len(late) - 3} more" if len(late) > 3 else ""
        flags.append(
            Flag(
                "overdue_actions",
                "warn",
                f"{len(late)} {'action' if len(late) == 1 else 'actions'} overdue: {listed}{more}.",
            )
        )
    if episode.status == "open" and episode.extension_close_by and episode.extension_close_by < today:
        flags.append(
            Flag(
                "past_close_by",
                "warn",
                f"Past the agreed close-by date ({show_date(episode.extension_close_by)}): close the case or "
                "ask the manager to sign off again.",
            )
        )
    for m in session.scalars(
        select(Meeting).where(
            Meeting.episode_id == episode_id, Meeting.deleted.is_(False), Meeting.status == "completed"
        )
    ):
        if m.override_reason:
            flags.append(
                Flag(
                    "meeting_override",
                    "note",
                    f"The meeting of {show_date(m.held_on)} was "
                    + override_wording(m.override_by, m.override_missing or (), m.override_reason),
                )
            )
        elif m.kind in ("initial_taf", "taf_review") and not m.counts_as_taf:
            flags.append(
                Flag("not_a_taf", "warn", f"The meeting of {show_date(m.held_on)} does not count as a TAF.")
            )
    if episode.status == "open" and episode.case_type == "step_down":
        from ehdesk.casework.handovers import step_down_for

        if step_down_for(session, episode_id) is None:
            flags.append(
                Flag(
                    "step_down_handover",
                    "warn",
                    "A step-down from social care: record the handover (the social worker, the plan "
                    "stepped down from, the reason, the joint visit) on the Handovers tab.",
                )
            )
    closure = get_closure(session, episode_id)
    if closure is not None and closure.override_reason:
        flags.append(
            Flag(
                "closure_override",
                "note",
                f"Closed by {closure.override_by} although items were missing "
                f"({'; '.join(closure.missing)}): {closure.override_reason}",
            )
        )
    return flags


def family_flags(session: Session, family_id: str, today: date | None = None) -> list[Flag]:
    """The flags on the family's current (or last) case: what the family record shows on top; and
    first, changes to the family the council server refused, which are on this laptop only."""
    from ehdesk.casework.episode_access import current_episode

    episode = current_episode(session, family_id)
    found = episode_flags(session, episode.id, today) if episode is not None else []
    refused = session.scalar(
        select(func.count()).where(
            RefusedChange.family_id == family_id,
            RefusedChange.listed(),
        )
    )
    if refused:
        many = refused != 1
        found.insert(
            0,
            Flag(
                "refused_by_server",
                "warn",
                f"{refused} change{'s' if many else ''} to this family {'were' if many else 'was'} not accepted "
                f"by the council server: {'they are' if many else 'it is'} on this laptop only. The Conflicts "
                "screen says which, and why.",
            ),
        )
    return found
